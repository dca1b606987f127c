/**
 * What every Node figure shares: the run's context (backend, demo, model, predict, bench rows,
 * log), the units later estimates read, and the helpers that tile rows, label figures and
 * measure the predict floor.
 */
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { type Matrix, type PredictFn, matrix } from '../src/core/types.ts'
import type { LoadedModel } from '../src/model/runtime.ts'
import type { TfModel } from '../src/model/tfModel.ts'
import type { Demo } from './demo.ts'
import type { FigureMeta } from './report.ts'
import { type Measurement, measure } from './measure.ts'
import { policy, rateFor } from './plan.ts'
import { estimateFromRate, median } from './stats.ts'
import { predictWarmupRows } from './plan.ts'

/** `n` rows made of the data's encoded rows repeated (an MLP's cost does not depend on values). */
export function tiled(x: Matrix, n: number): Matrix {
  const w = x.cols
  const src = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data)
  const out = new Float32Array(n * w)
  for (let r = 0; r < n; r += x.rows) out.set(src.subarray(0, Math.min(x.rows, n - r) * w), r * w)
  return matrix(out, n, w)
}

/** Encoded data rows `rows` as one matrix. */
export function rowsOf(x: Matrix, rows: readonly number[]): Matrix {
  const w = x.cols
  const out = new Float32Array(rows.length * w)
  rows.forEach((r, i) => out.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  return matrix(out, rows.length, w)
}

/** Selects a tfjs backend in Node (the single-threaded SIMD wasm build, as in the browser). */
export async function nodeBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} could not be set`)
  await tf.ready()
}

/** One Node backend's run: its backend, the demo, the model and the bench rows. */
export type Ctx = {
  backend: 'wasm' | 'cpu'
  demo: Demo
  /** The demo model as tfjs (gradients, predict) … */
  lm: TfModel
  /** … and behind the runtime seam (session, audit, compression). */
  model: LoadedModel
  predict: PredictFn
  rows: readonly number[]
  log: (s: string) => void
}

/** What later figures (and the browser part) take from the earlier ones. */
export type Units = {
  /** Median rows/s per predict batch size. */
  rates: Map<number, number>
  /** Distinct model rows of each bench row's deduplicated exact SHAP (hybrid rows only). */
  dedupRows: number[]
  shapS: number | null
  /** Seconds of black-box exact SHAP jobs by rows explained (1 row, global SHAP), for estimates. */
  shapJobs: { units: number; seconds: number }[]
  igS: number | null
  cfS: number | null
}

/** One data row as a matrix. */
export const rowOf = (x: Matrix, r: number): Matrix => rowsOf(x, [r])

/** A measurement for the log: its median (scaled) and repeats, or its estimate when skipped. */
export const log3 = (m: Measurement, scale = 1, unit = 's'): string =>
  m.skipped
    ? `skipped (estimate ${m.estimateS.toFixed(1)} s)`
    : `${(median(m.times) / scale).toPrecision(3)} ${unit} (n = ${m.times.length})`

/** A Node figure's name, backend and unit. */
export const meta = (c: Ctx, name: string, unit: string): FigureMeta => ({
  name,
  backend: c.backend,
  where: 'node',
  unit,
})

/** One predict of `rows` rows, repeated: the floor of a SHAP row. */
export async function floorMeasure(c: Ctx, u: Units, rows: number): Promise<Measurement> {
  const xs = tiled(c.demo.enc.x, rows)
  return measure({
    estimateS: estimateFromRate(rows, rateFor(rows, u.rates, null)),
    policy: policy('floor'),
    warmup: () => c.predict(tiled(c.demo.enc.x, predictWarmupRows(rows))),
    run: async () => void (await c.predict(xs)),
  })
}

/** A measured (or, when skipped, estimated) job size and its seconds, for later estimates. */
export function jobPoint(units: number, m: Measurement): { units: number; seconds: number } {
  return { units, seconds: m.skipped ? m.estimateS : median(m.times) }
}
