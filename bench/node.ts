/**
 * Node figures on one tfjs backend (wasm or cpu): exact SHAP per row with and without
 * deduplicated hybrid rows next to the batched-predict floor, integrated gradients per row,
 * counterfactual search against the random baseline, and plain predict throughput.
 */
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { type Matrix, matrix } from '../src/core/types.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { backgroundFirst } from '../src/core/shap/background.ts'
import { type BatchModel, predictRows } from '../src/core/shap/coalitions.ts'
import { shapExplain } from '../src/core/shap/shap.ts'
import { igExplain } from '../src/core/attribution/ig.ts'
import type { IgRule } from '../src/core/attribution/quadrature.ts'
import { type LoadedModel, tfGradFn, tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import type { Demo } from './demo.ts'
import { FLOOR_PEERS, IG_CAPTUM_GL50, SHAP_FLOOR_ROWS, shapComparisons } from './peers.ts'
import { type Figure, compareWith, figure, mean, median, timeItems } from './report.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { cfRun } from './nodeCf.ts'

/** Seconds each Node figure may spend. */
export const NODE_BUDGETS = {
  shap: 15,
  shapNoDedupe: 20,
  floor: 8,
  floorDedupe: 4,
  ig: 6,
  igBatch: 3,
  cf: 30,
  cfRandom: 20,
  predict: 4,
} as const

/** `n` rows made of the data's encoded rows repeated (an MLP's cost does not depend on values). */
export function tiled(x: Matrix, n: number): Matrix {
  const w = x.cols
  const src = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data)
  const out = new Float32Array(n * w)
  for (let r = 0; r < n; r += x.rows) out.set(src.subarray(0, Math.min(x.rows, n - r) * w), r * w)
  return matrix(out, n, w)
}

/** Selects a tfjs backend in Node (the single-threaded SIMD wasm build, as in the browser). */
export async function nodeBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} could not be set`)
  await tf.ready()
}

export type Ctx = {
  backend: 'wasm' | 'cpu'
  demo: Demo
  lm: LoadedModel
  predict: BatchModel
  rows: readonly number[]
  log: (s: string) => void
}

const common = (c: Ctx, budgetS: number) => ({
  backend: c.backend,
  where: 'node' as const,
  budgetS,
})
const rowOf = (x: Matrix, r: number): Matrix =>
  matrix(Float32Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols)), 1, x.cols)

async function shapFigures(c: Ctx): Promise<Figure[]> {
  const { x } = c.demo.enc
  const offsets = schemaOffsets(c.demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  let counted = 0
  const counting: BatchModel = (m) => {
    counted += m.rows
    return c.predict(m)
  }
  await shapExplain(c.predict, rowOf(x, 0), bg, { offsets, budget: EXPLAIN_DEFAULTS.budget })
  const phis = new Map<number, Float64Array>()
  const run = async (dedupe: boolean, budget: number) => {
    const hybrid: number[] = []
    let gap = 0
    let diff = 0
    const times = await timeItems(c.rows.length, budget, async (i) => {
      counted = 0
      const [res] = await shapExplain(counting, rowOf(x, c.rows[i]!), bg, {
        offsets,
        budget: EXPLAIN_DEFAULTS.budget,
        dedupe,
      })
      if (!res?.exact) throw new Error('SHAP on the demo should be exact (M = 12, budget 4096)')
      hybrid.push(counted - bg.x.rows - 1)
      gap = Math.max(
        gap,
        Math.abs(res.phi.reduce((a, b) => a + b, 0) - (res.prediction - res.baseValue)),
      )
      const other = phis.get(c.rows[i]!)
      if (other) diff = Math.max(diff, ...res.phi.map((v, j) => Math.abs(v - other[j]!)))
      else phis.set(c.rows[i]!, res.phi)
    })
    return { times, hybrid, gap, diff }
  }
  const on = await run(true, NODE_BUDGETS.shap)
  c.log(`  shap (dedupe) ${median(on.times).toFixed(3)} s/row over ${on.times.length} rows`)
  const off = await run(false, NODE_BUDGETS.shapNoDedupe)
  c.log(`  shap (no dedupe) ${median(off.times).toFixed(3)} s/row over ${off.times.length} rows`)

  await c.predict(tiled(x, 32768))
  const big = tiled(x, SHAP_FLOOR_ROWS)
  const floor = await timeItems(5, NODE_BUDGETS.floor, async () => void (await c.predict(big)))
  const dedupRows = Math.round(mean(on.hybrid))
  const small = tiled(x, dedupRows)
  const floorD = await timeItems(
    10,
    NODE_BUDGETS.floorDedupe,
    async () => void (await c.predict(small)),
  )
  const fl = median(floor)
  const flD = median(floorD)
  const shapFig = (name: string, r: typeof on, budget: number, floorS: number, note: string) => {
    const med = median(r.times)
    const avg = mean(r.times)
    return figure({
      ...common(c, budget),
      name,
      value: med,
      unit: 's/row',
      n: r.times.length,
      stats: {
        meanSeconds: avg,
        minSeconds: Math.min(...r.times),
        maxSeconds: Math.max(...r.times),
        modelRowsPerRow: mean(r.hybrid),
        floorSeconds: floorS,
        meanOverheadSeconds: avg - floorS,
        maxEfficiencyGap: r.gap,
        maxDiffDedupeVsNot: r === off ? r.diff : null,
      },
      compare: shapComparisons(med),
      note,
    })
  }
  return [
    shapFig(
      'shap.exact',
      on,
      NODE_BUDGETS.shap,
      flD,
      'dedupe on (default): distinct hybrid rows only',
    ),
    shapFig(
      'shap.exact.noDedupe',
      off,
      NODE_BUDGETS.shapNoDedupe,
      fl,
      'all 4,094 × 50 hybrid rows',
    ),
    figure({
      ...common(c, NODE_BUDGETS.floor),
      name: `shap.floor.predict${SHAP_FLOOR_ROWS}`,
      value: fl,
      unit: 's',
      n: floor.length,
      stats: { rows: SHAP_FLOOR_ROWS, rowsPerSec: SHAP_FLOOR_ROWS / fl },
      compare: [
        compareWith(fl, 'peer', 'numpy forward pass (~204,800 rows)', FLOOR_PEERS.numpy, 's'),
        compareWith(fl, 'peer', 'tfjs wasm, bigger MLP (WebSHAP study)', FLOOR_PEERS.tfjsWasm, 's'),
      ],
    }),
    figure({
      ...common(c, NODE_BUDGETS.floorDedupe),
      name: 'shap.floor.predictDedupeRows',
      value: flD,
      unit: 's',
      n: floorD.length,
      stats: { rows: dedupRows, rowsPerSec: dedupRows / flD },
      note: 'one predict of the mean distinct hybrid-row count of a deduplicated exact SHAP row',
    }),
  ]
}

async function igFigures(c: Ctx): Promise<Figure[]> {
  const { x } = c.demo.enc
  const grad = tfGradFn(c.lm, 0)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const base = {
    offsets: schemaOffsets(c.demo.schema),
    background: bg,
    baseline: { kind: 'mean' } as const,
  }
  await igExplain(grad, c.predict, rowOf(x, 0), { ...base, steps: 64 })
  const variant = async (name: string, rule: IgRule, steps: number | null): Promise<Figure> => {
    const stepsSeen: number[] = []
    let gap = 0
    const times = await timeItems(c.rows.length, NODE_BUDGETS.ig, async (i) => {
      const [res] = await igExplain(grad, c.predict, rowOf(x, c.rows[i]!), {
        ...base,
        rule,
        ...(steps === null ? {} : { steps }),
      })
      stepsSeen.push(res!.steps)
      gap = Math.max(gap, Math.abs(res!.completenessGap))
    })
    const med = median(times)
    const gl = rule === 'gausslegendre'
    return figure({
      ...common(c, NODE_BUDGETS.ig),
      name,
      value: med,
      unit: 's/row',
      n: times.length,
      stats: { meanSeconds: mean(times), meanSteps: mean(stepsSeen), maxCompletenessGap: gap },
      compare: gl
        ? [compareWith(med, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row')]
        : [],
      note: 'one igExplain call per row',
    })
  }
  const out = [
    await variant('ig.auto', 'midpoint', null),
    await variant('ig.midpoint2048', 'midpoint', 2048),
    await variant('ig.gaussLegendre50', 'gausslegendre', 50),
  ]
  // Captum's figure is for 8 rows per call: the like-for-like batched figure.
  const xs = matrix(
    Float32Array.from(
      c.rows.flatMap((r) => Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols))),
    ),
    c.rows.length,
    x.cols,
  )
  const reps = await timeItems(5, NODE_BUDGETS.igBatch, async () => {
    await igExplain(grad, c.predict, xs, { ...base, rule: 'gausslegendre', steps: 50 })
  })
  const perRow = median(reps) / c.rows.length
  out.push(
    figure({
      ...common(c, NODE_BUDGETS.igBatch),
      name: `ig.gaussLegendre50.batch${c.rows.length}`,
      value: perRow,
      unit: 's/row',
      n: reps.length,
      stats: { rowsPerCall: c.rows.length },
      compare: [compareWith(perRow, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row')],
      note: `${c.rows.length} rows per igExplain call, median call time / rows (n = calls)`,
    }),
  )
  return out
}

async function predictFigures(c: Ctx): Promise<Figure[]> {
  const out: Figure[] = []
  for (const n of [2000, 100_000]) {
    const xs = tiled(c.demo.enc.x, n)
    await c.predict(xs)
    const reps = await timeItems(
      n < 10_000 ? 20 : 5,
      NODE_BUDGETS.predict,
      async () => void (await c.predict(xs)),
    )
    out.push(
      figure({
        ...common(c, NODE_BUDGETS.predict),
        name: `predict.${n >= 1000 ? `${n / 1000}k` : n}`,
        value: n / median(reps),
        unit: 'rows/s',
        n: reps.length,
        stats: { rows: n, medianSeconds: median(reps) },
      }),
    )
  }
  return out
}

/** The Node result of a backend: its figures and the per-query counterfactual results. */
export type NodeRun = { figures: Figure[]; cfRandom: CfQuery[]; cfRows: number[] }

/**
 * All Node figures on `backend`. `cfRows` = the negative rows to query (chosen from this
 * backend's predictions when null).
 */
export async function nodeFigures(
  backend: 'wasm' | 'cpu',
  demo: Demo,
  rows: readonly number[],
  cfRows: number[] | null,
  log: (s: string) => void,
): Promise<NodeRun> {
  await nodeBackend(backend)
  const lm = await tfModelLoad(demo.artifacts, 'model.json')
  try {
    const predict = tfPredictFn(lm, 0)
    const c: Ctx = { backend, demo, lm, predict, rows, log }
    log(`node ${backend}: SHAP`)
    const figures = await shapFigures(c)
    log(`node ${backend}: integrated gradients`)
    figures.push(...(await igFigures(c)))
    log(`node ${backend}: counterfactuals`)
    const predictions = await predictRows(predict, demo.enc.x)
    const cf = await cfRun(c, predictions, cfRows, NODE_BUDGETS.cf, NODE_BUDGETS.cfRandom)
    const rs = cfSummarise(cf.random)
    figures.push(
      ...cfFigures('guided', cfSummarise(cf.guided), common(c, NODE_BUDGETS.cf), rs.meanProximity),
      ...cfFigures('random', rs, common(c, NODE_BUDGETS.cfRandom)),
    )
    log(`node ${backend}: predict throughput`)
    figures.push(...(await predictFigures(c)))
    return { figures, cfRandom: cf.random, cfRows: cf.rows }
  } finally {
    lm.model.dispose()
  }
}
