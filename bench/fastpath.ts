/**
 * The fast SHAP path (src/core/shap/fast): exact SHAP per row on the demo with the fast path
 * next to the black-box path on the same rows (tfjs wasm, deduplicated hybrid rows), and global
 * SHAP for 200 and 1,000 rows in one job with the fast path. Two tails after the first layer:
 * the core's float64 loop, and the later layers as a tfjs model on the active backend (wasm),
 * which takes the tail's big batches at SIMD speed. CPU seconds are reported beside wall seconds
 * because this machine is shared.
 */
import * as tf from '@tensorflow/tfjs'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { type Mlp, mlpFromLayersModel } from '../src/core/mlp.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { type Matrix, matrix } from '../src/core/types.ts'
import { backgroundFirst } from '../src/core/shap/background.ts'
import { type ShapResult, shapExplain } from '../src/core/shap/shap.ts'
import { fastModelFromArtifacts } from '../src/core/shap/fast/detect.ts'
import type { FastModel, FastTail } from '../src/core/shap/fast/model.ts'
import { tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { type Demo, benchRows } from './demo.ts'
import { nodeBackend } from './node.ts'
import { shapComparisons } from './peers.ts'
import { type Figure, compareWith, figure, mean, median, timeItems } from './report.ts'

/** Seconds each figure may spend. */
export const FASTPATH_BUDGETS = { perRow: 15, global200: 15, global1000: 40 } as const

/** The target for exact SHAP per row with the fast path (12 players, 50 background rows). */
export const FASTPATH_TARGET_S_PER_ROW = 0.02

const rowsOf = (x: Matrix, rows: readonly number[]): Matrix => {
  const w = x.cols
  const out = new Float32Array(rows.length * w)
  rows.forEach((r, i) => out.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  return matrix(out, rows.length, w)
}

/** CPU seconds of this process while `f` runs, with f's result. */
async function cpuTimed<T>(f: () => Promise<T>): Promise<{ value: T; cpu: number }> {
  const c0 = process.cpuUsage()
  const value = await f()
  const c = process.cpuUsage(c0)
  return { value, cpu: (c.user + c.system) / 1e6 }
}

const efficiencyGap = (r: ShapResult): number =>
  Math.abs(r.phi.reduce((a, b) => a + b, 0) - (r.prediction - r.baseValue))

/**
 * The layers after the first one of a dense network as a tfjs model on the active backend
 * (float32): a {@link FastTail} for `column`. A candidate for src/model/tfModel.ts; the caller
 * disposes the returned model.
 */
export function tfjsFastTail(mlp: Mlp, column: number): { tail: FastTail; model: tf.Sequential } {
  const [first, ...rest] = mlp.layers
  const h = first!.units
  const model = tf.sequential()
  model.add(tf.layers.activation({ activation: first!.activation, inputShape: [h] }))
  for (const l of rest) {
    const d = tf.layers.dense({ units: l.units, activation: l.activation })
    model.add(d)
    const weights = [
      tf.tensor2d(Float32Array.from(l.kernel), [l.inputs, l.units]),
      tf.tensor1d(Float32Array.from(l.bias)),
    ]
    d.setWeights(weights)
    tf.dispose(weights)
  }
  const outputs = rest.length ? rest[rest.length - 1]!.units : h
  const col = outputs === 1 ? 0 : column
  const tail: FastTail = async (z, n, out) => {
    const y = tf.tidy(() => {
      const t = tf.tensor2d(Float32Array.from(z.subarray(0, n * h)), [n, h])
      const o = model.predict(t, { batchSize: n }) as tf.Tensor
      return o.slice([0, col], [n, 1]).reshape([n])
    })
    out.set(await y.data())
    y.dispose()
  }
  return { tail, model }
}

/**
 * Fast-path figures on the demo: `rows` (e.g. the 8 seeded bench rows) explained one call each
 * by the black-box path (tfjs wasm), the fast path with the float64 tail and the fast path with
 * the wasm tail, in turn; then global SHAP of 200 and 1,000 seeded rows in one call each with
 * both fast tails (and 200 rows once with the black box).
 * @throws Error when the demo model is not detected as a dense chain (the reason is named).
 */
export async function fastPathFigures(
  demo: Demo,
  rows: readonly number[],
  log: (s: string) => void,
): Promise<Figure[]> {
  const { x } = demo.enc
  const detected = fastModelFromArtifacts(demo.artifacts, 0)
  if (!detected.model) throw new Error(`fast path not available for the demo: ${detected.reason}`)
  const fast = detected.model
  const offsets = schemaOffsets(demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const opts = { offsets, budget: EXPLAIN_DEFAULTS.budget }
  const noModel = (): Promise<Float32Array> =>
    Promise.reject(new Error('fast path called the model'))

  await nodeBackend('wasm')
  const lm = await tfModelLoad(demo.artifacts, 'model.json')
  const art = demo.artifacts
  const weightSpecs = art.weightSpecs ?? []
  const wd = art.weightData ?? new ArrayBuffer(0)
  const mlp = mlpFromLayersModel(
    { modelTopology: art.modelTopology, weightsManifest: [{ paths: [], weights: weightSpecs }] },
    Array.isArray(wd) ? tf.io.concatenateArrayBuffers(wd) : wd,
  )
  const wasmTail = tfjsFastTail(mlp, 0)
  const fastWasm: FastModel = { ...fast, tail: wasmTail.tail }
  const variants = [
    { key: 'float64', fast, backend: 'core float64' },
    { key: 'wasmTail', fast: fastWasm, backend: 'core + wasm tail' },
  ] as const
  const predict = tfPredictFn(lm, 0)
  const bbWall: number[] = []
  const bbCpu: number[] = []
  const per = variants.map(() => ({ wall: [] as number[], cpu: [] as number[], diff: 0, gap: 0 }))
  const figures: Figure[] = []
  try {
    await shapExplain(predict, rowsOf(x, [0]), bg, opts)
    for (const v of variants)
      await shapExplain(noModel, rowsOf(x, [0]), bg, { ...opts, fast: v.fast })
    // Each row by every path in turn, so that a busy machine slows them alike.
    await timeItems(rows.length, FASTPATH_BUDGETS.perRow, async (i) => {
      const xr = rowsOf(x, [rows[i]!])
      const t0 = performance.now()
      const bb = await cpuTimed(() => shapExplain(predict, xr, bg, opts))
      bbWall.push((performance.now() - t0) / 1000)
      bbCpu.push(bb.cpu)
      for (let k = 0; k < variants.length; k++) {
        const t1 = performance.now()
        const fr = await cpuTimed(() =>
          shapExplain(noModel, xr, bg, { ...opts, fast: variants[k]!.fast }),
        )
        const p = per[k]!
        p.wall.push((performance.now() - t1) / 1000)
        p.cpu.push(fr.cpu)
        const r = fr.value[0]!
        if (!r.exact) throw new Error('SHAP on the demo should be exact (M = 12, budget 4096)')
        p.gap = Math.max(p.gap, efficiencyGap(r))
        const other = bb.value[0]!.phi
        p.diff = Math.max(p.diff, ...r.phi.map((v, j) => Math.abs(v - other[j]!)))
      }
    })
    const bb = median(bbWall)
    log(
      `  exact SHAP per row: black box (wasm) ${bb.toFixed(4)} s (cpu ${median(bbCpu).toFixed(4)}); ` +
        variants
          .map(
            (v, k) =>
              `${v.key} ${median(per[k]!.wall).toFixed(4)} s (cpu ${median(per[k]!.cpu).toFixed(4)})`,
          )
          .join(', '),
    )
    figures.push(
      figure({
        where: 'node',
        backend: 'wasm',
        name: 'shap.exact.blackBox.sameRows',
        value: bb,
        unit: 's/row',
        n: bbWall.length,
        budgetS: FASTPATH_BUDGETS.perRow,
        stats: { meanSeconds: mean(bbWall), medianCpuSeconds: median(bbCpu) },
        note: 'the black-box path (deduplicated hybrid rows) on the fast-path figures’ rows',
      }),
    )
    variants.forEach((v, k) => {
      const p = per[k]!
      const med = median(p.wall)
      figures.push(
        figure({
          where: 'node',
          backend: v.backend,
          name: `shap.exact.fastPath.${v.key}`,
          value: med,
          unit: 's/row',
          n: p.wall.length,
          budgetS: FASTPATH_BUDGETS.perRow,
          stats: {
            meanSeconds: mean(p.wall),
            minSeconds: Math.min(...p.wall),
            maxSeconds: Math.max(...p.wall),
            medianCpuSeconds: median(p.cpu),
            blackBoxSeconds: bb,
            blackBoxCpuSeconds: median(bbCpu),
            speedupVsBlackBox: bb / med,
            cpuSpeedupVsBlackBox: median(bbCpu) / median(p.cpu),
            maxDiffVsBlackBox: p.diff,
            maxEfficiencyGap: p.gap,
          },
          compare: [
            compareWith(med, 'target', 'issue: fast path', FASTPATH_TARGET_S_PER_ROW, 's/row'),
            ...shapComparisons(med),
          ],
          note: `${fast.description}; one shapExplain call per row, no model calls`,
        }),
      )
    })

    for (const [n, budget] of [
      [200, FASTPATH_BUDGETS.global200],
      [1000, FASTPATH_BUDGETS.global1000],
    ] as const) {
      const xs = rowsOf(x, benchRows(x.rows, n))
      let bbS: number | null = null
      let bbC: number | null = null
      if (n === 200) {
        const t = performance.now()
        bbC = (await cpuTimed(() => shapExplain(predict, xs, bg, opts))).cpu
        bbS = (performance.now() - t) / 1000
      }
      for (const v of variants) {
        const cpu: number[] = []
        let gap = 0
        const times = await timeItems(n === 200 ? 3 : 2, budget / 2, async () => {
          const r = await cpuTimed(() => shapExplain(noModel, xs, bg, { ...opts, fast: v.fast }))
          cpu.push(r.cpu)
          for (const e of r.value) gap = Math.max(gap, efficiencyGap(e))
        })
        const s = median(times)
        log(
          `  global SHAP, ${n} rows, ${v.key}: ${s.toFixed(2)} s (cpu ${median(cpu).toFixed(2)} s)` +
            (bbS !== null ? `; black box ${bbS.toFixed(2)} s (cpu ${bbC!.toFixed(2)} s)` : ''),
        )
        figures.push(
          figure({
            where: 'node',
            backend: v.backend,
            name: `shap.global${n}.fastPath.${v.key}`,
            value: s,
            unit: 's',
            n: times.length,
            budgetS: budget / 2,
            stats: {
              rows: n,
              secondsPerRow: s / n,
              medianCpuSeconds: median(cpu),
              maxEfficiencyGap: gap,
              blackBoxSeconds: bbS,
              blackBoxCpuSeconds: bbC,
            },
            note: `exact SHAP of ${n} seeded rows in one shapExplain call, n = repetitions`,
          }),
        )
      }
    }
  } finally {
    lm.model.dispose()
    wasmTail.model.dispose()
  }
  return figures
}
