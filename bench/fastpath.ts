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
import { backgroundFirst } from '../src/core/shap/background.ts'
import { type ShapResult, shapExplain } from '../src/core/shap/shap.ts'
import { fastModelFromArtifacts } from '../src/core/shap/fast/detect.ts'
import type { FastModel, FastTail } from '../src/core/shap/fast/model.ts'
import { tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { type Demo, benchRows } from './demo.ts'
import { jobPoint, nodeBackend, rowsOf } from './nodeCtx.ts'
import { TARGETS, shapComparisons } from './peers.ts'
import { type Figure, compareWith } from './report.ts'
import { type Measurement, measure, measuredFigure } from './measure.ts'
import { GLOBAL_SIZES, policy } from './plan.ts'
import { estimateFromUnit, estimateScaled, median } from './stats.ts'

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
 * Fast-path figures on the demo: `rows` (the 8 seeded bench rows) explained one call each by the
 * black-box path (tfjs wasm), the fast path with the float64 tail and the fast path with the wasm
 * tail, in turn (row 0 warms up); then global SHAP of 200 and 1,000 seeded rows in one call each
 * with both fast tails. `blackBoxS` (the wasm black box's seconds per row) bounds the per-row
 * estimate. CPU seconds are reported beside wall seconds because this machine may be shared.
 * @throws Error when the demo model is not detected as a dense chain (the reason is named).
 */
export async function fastPathFigures(
  demo: Demo,
  rows: readonly number[],
  blackBoxS: number | null,
  log: (s: string) => void,
): Promise<{ figures: Figure[]; perRowS: number | null }> {
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
  let perRowS: number | null = null
  try {
    // Each row by every path in turn, so that a busy machine slows them alike.
    const one = async (r: number, record: boolean) => {
      const xr = rowsOf(x, [r])
      const t0 = performance.now()
      const bb = await cpuTimed(() => shapExplain(predict, xr, bg, opts))
      if (record) {
        bbWall.push((performance.now() - t0) / 1000)
        bbCpu.push(bb.cpu)
      }
      for (let k = 0; k < variants.length; k++) {
        const t1 = performance.now()
        const fr = await cpuTimed(() =>
          shapExplain(noModel, xr, bg, { ...opts, fast: variants[k]!.fast }),
        )
        if (!record) continue
        const p = per[k]!
        p.wall.push((performance.now() - t1) / 1000)
        p.cpu.push(fr.cpu)
        const res = fr.value[0]!
        if (!res.exact) throw new Error('SHAP on the demo should be exact (M = 12, budget 4096)')
        p.gap = Math.max(p.gap, efficiencyGap(res))
        const other = bb.value[0]!.phi
        p.diff = Math.max(p.diff, ...res.phi.map((v, j) => Math.abs(v - other[j]!)))
      }
    }
    const m = await measure({
      estimateS: estimateFromUnit(3, blackBoxS),
      policy: { ...policy('perRow'), maxRepeats: rows.length },
      warmup: () => one(0, false),
      run: (i) => one(rows[i]!, true),
    })
    const asMeasurement = (times: number[]): Measurement => (m.skipped ? m : { ...m, times })
    const bb = m.skipped ? null : median(bbWall)
    if (!m.skipped)
      log(
        `  exact SHAP per row: black box (wasm) ${bb!.toFixed(4)} s (cpu ${median(bbCpu).toFixed(4)}); ` +
          variants
            .map(
              (v, k) =>
                `${v.key} ${median(per[k]!.wall).toFixed(4)} s (cpu ${median(per[k]!.cpu).toFixed(4)})`,
            )
            .join(', '),
      )
    figures.push(
      measuredFigure(
        { where: 'node', backend: 'wasm', name: 'shap.exact.blackBox.sameRows', unit: 's/row' },
        asMeasurement(bbWall),
        {
          stats: { medianCpuSeconds: bbCpu.length ? median(bbCpu) : null },
          compare: shapComparisons,
          note: 'the black-box path (dedupe on), interleaved row by row with the fast-path figures; n = rows',
        },
      ),
    )
    variants.forEach((v, k) => {
      const p = per[k]!
      const med = p.wall.length ? median(p.wall) : null
      if (k === 1 || perRowS === null) perRowS = med
      figures.push(
        measuredFigure(
          {
            where: 'node',
            backend: v.backend,
            name: `shap.exact.fastPath.${v.key}`,
            unit: 's/row',
          },
          asMeasurement(p.wall),
          {
            stats: {
              medianCpuSeconds: p.cpu.length ? median(p.cpu) : null,
              blackBoxSeconds: bb,
              speedupVsBlackBox: bb !== null && med ? bb / med : null,
              cpuSpeedupVsBlackBox: p.cpu.length ? median(bbCpu) / median(p.cpu) : null,
              maxDiffVsBlackBox: p.diff,
              maxEfficiencyGap: p.gap,
            },
            compare: (val) => [
              compareWith(
                val,
                'target',
                'issue: fast path',
                TARGETS.shapFastPathS,
                's/row',
                'atMost',
              ),
              ...shapComparisons(val),
            ],
            note: `${fast.description}; one shapExplain call per row, no model calls; n = rows`,
          },
        ),
      )
    })

    const jobs = variants.map((_, k) =>
      per[k]!.wall.length ? [{ units: 1, seconds: median(per[k]!.wall) }] : [],
    )
    for (const n of GLOBAL_SIZES) {
      const xs = rowsOf(x, benchRows(x.rows, n))
      for (const v of variants) {
        const cpu: number[] = []
        let gap = 0
        const k = variants.indexOf(v)
        const g = await measure({
          estimateS: estimateScaled(jobs[k]!, n),
          policy: policy(n === 200 ? 'global200' : 'global1000'),
          warmup: (checkCancel) =>
            shapExplain(noModel, rowsOf(x, rows), bg, { ...opts, fast: v.fast, checkCancel }),
          run: async (_, checkCancel) => {
            const t = performance.now()
            const r = await cpuTimed(() =>
              shapExplain(noModel, xs, bg, { ...opts, fast: v.fast, checkCancel }),
            )
            cpu.push(r.cpu)
            for (const e of r.value) gap = Math.max(gap, efficiencyGap(e))
            return (performance.now() - t) / 1000
          },
        })
        jobs[k]!.push(jobPoint(n, g))
        log(
          `  global SHAP, ${n} rows, ${v.key}: ` +
            (g.skipped
              ? 'skipped'
              : `${median(g.times).toFixed(2)} s (cpu ${median(cpu).toFixed(2)} s)`),
        )
        figures.push(
          measuredFigure(
            {
              where: 'node',
              backend: v.backend,
              name: `shap.global${n}.fastPath.${v.key}`,
              unit: 's',
            },
            g,
            {
              stats: {
                rows: n,
                medianCpuSeconds: cpu.length ? median(cpu) : null,
                maxEfficiencyGap: gap,
              },
              ...(n === 1000
                ? {
                    compare: (val: number | null) => [
                      compareWith(val, 'target', 'issue', TARGETS.global1000S, 's', 'atMost'),
                    ],
                  }
                : {}),
              note: `exact SHAP of ${n} seeded rows in one shapExplain call with the fast path; n = repeats`,
            },
          ),
        )
      }
    }
  } finally {
    lm.model.dispose()
    wasmTail.model.dispose()
  }
  return { figures, perRowS }
}
