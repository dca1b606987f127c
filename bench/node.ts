/**
 * Node figures on one tfjs backend (wasm or cpu), in the order their estimates need: predict
 * throughput at 1k … 400k rows (the rates every later estimate uses); exact SHAP per row with and
 * without deduplicated hybrid rows, each with the predict floor of the same model rows and the
 * ratio to it; sampled SHAP at budgets 512 / 2048; integrated gradients; counterfactuals against
 * the random baseline; global SHAP of 200 and 1,000 rows through the backend's predict (black
 * box); the compression evaluation of all variants; the full audit in-process and through the
 * CLI; and the group's peak memory.
 */
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { type Matrix, type PredictFn, matrix } from '../src/core/types.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { backgroundFirst } from '../src/core/shap/background.ts'
import { type BatchModel, predictRows } from '../src/core/shap/coalitions.ts'
import { shapExplain } from '../src/core/shap/shap.ts'
import { igExplain } from '../src/core/attribution/ig.ts'
import type { IgRule } from '../src/core/attribution/quadrature.ts'
import type { LoadedModel } from '../src/model/runtime.ts'
import { tfjsLoadedModel } from '../src/model/tfjs/runtime.ts'
import { type TfModel, tfGradFn, tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { type Demo, benchRows, negativeRows } from './demo.ts'
import { CF_QUERIES, cfRun } from './nodeCf.ts'
import { FLOOR_PEERS, IG_CAPTUM_GL50, TARGETS, shapComparisons } from './peers.ts'
import { type Figure, type FigureMeta, compareWith, figure, skippedFigure } from './report.ts'
import { type Measurement, measure, measuredFigure } from './measure.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { NodeMemory } from './memory.ts'
import {
  GLOBAL_SIZES,
  PREDICT_SIZES,
  SAMPLED_BUDGETS,
  SHAP_FLOOR_ROWS,
  policy,
  predictWarmupRows,
  rateFor,
  shapModelRows,
} from './plan.ts'
import { estimateFromRate, estimateScaled, mean, median, ratioSummary } from './stats.ts'
import { auditFigures } from './audit.ts'
import { compressionFigure } from './compression.ts'

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

const rowOf = (x: Matrix, r: number): Matrix => rowsOf(x, [r])

const log3 = (m: Measurement, scale = 1, unit = 's'): string =>
  m.skipped
    ? `skipped (estimate ${m.estimateS.toFixed(1)} s)`
    : `${(median(m.times) / scale).toPrecision(3)} ${unit} (n = ${m.times.length})`

async function predictFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const out: Figure[] = []
  await c.predict(tiled(c.demo.enc.x, 32768)) // kernels, wasm memory
  for (const n of PREDICT_SIZES) {
    const xs = tiled(c.demo.enc.x, n)
    const m = await measure({
      estimateS: estimateFromRate(n, rateFor(n, u.rates, null)),
      policy: policy('predict'),
      warmup: () => c.predict(tiled(c.demo.enc.x, predictWarmupRows(n))),
      run: async () => void (await c.predict(xs)),
    })
    if (!m.skipped) u.rates.set(n, n / median(m.times))
    out.push(
      measuredFigure(meta(c, `predict.${n / 1000}k`, 'rows/s'), m, {
        scale: { kind: 'rate', rows: n },
        stats: { rows: n },
        note: 'one predict call (tfPredictFn, 32,768-row chunks); n = repeats',
      }),
    )
    c.log(`  predict ${n}: ${m.skipped ? 'skipped' : `${Math.round(n / median(m.times))} rows/s`}`)
  }
  return out
}

const meta = (c: Ctx, name: string, unit: string): FigureMeta => ({
  name,
  backend: c.backend,
  where: 'node',
  unit,
})

/** One predict of `rows` rows, repeated: the floor of a SHAP row. */
async function floorMeasure(c: Ctx, u: Units, rows: number): Promise<Measurement> {
  const xs = tiled(c.demo.enc.x, rows)
  return measure({
    estimateS: estimateFromRate(rows, rateFor(rows, u.rates, null)),
    policy: policy('floor'),
    warmup: () => c.predict(tiled(c.demo.enc.x, predictWarmupRows(rows))),
    run: async () => void (await c.predict(xs)),
  })
}

async function shapFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const offsets = schemaOffsets(c.demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  let counted = 0
  const counting: BatchModel = (m) => {
    counted += m.rows
    return c.predict(m)
  }
  const out: Figure[] = []
  const rate = (rows: number) => rateFor(rows, u.rates, null)

  /** One shapExplain call per bench row; row 0 warms up. */
  const perRow = async (budget: number, dedupe: boolean, exact: boolean) => {
    const hybrid: number[] = []
    let gap = 0
    const explain = async (r: number) => {
      counted = 0
      const [res] = await shapExplain(counting, rowOf(x, r), bg, { offsets, budget, dedupe })
      if (res?.exact !== exact)
        throw new Error(
          `SHAP at budget ${budget} on the demo should be ${exact ? '' : 'not '}exact`,
        )
      gap = Math.max(
        gap,
        Math.abs(res.phi.reduce((a, b) => a + b, 0) - (res.prediction - res.baseValue)),
      )
      return counted - bg.x.rows - 1
    }
    const rows = shapModelRows(budget)
    const m = await measure({
      estimateS: estimateFromRate(rows, rate(rows)),
      policy: { ...policy('perRow'), maxRepeats: c.rows.length },
      warmup: () => explain(0),
      run: async (i) => void hybrid.push(await explain(c.rows[i]!)),
    })
    return { m, hybrid, gap }
  }
  const ratioFig = (
    name: string,
    shap: Measurement,
    floor: Measurement,
    rows: number,
    rowsPerItem: readonly number[] | null,
  ) =>
    shap.skipped || floor.skipped
      ? figure({
          ...meta(c, name, '×'),
          value: null,
          n: 0,
          note: 'not measured: SHAP or its floor was skipped',
        })
      : figure({
          ...meta(c, name, '×'),
          summary: ratioSummary(
            shap.times,
            median(floor.times),
            rowsPerItem?.map((r) => r / rows),
          ),
          stats: { floorRows: rows, floorSeconds: median(floor.times) },
          compare: (v) => [
            compareWith(
              v,
              'target',
              'issue: SHAP ≤ 1.25 × floor',
              TARGETS.shapOverFloor,
              '×',
              'atMost',
            ),
          ],
          note: rowsPerItem
            ? 'each row’s SHAP seconds over the median floor scaled to that row’s own distinct-row count'
            : 'each row’s SHAP seconds over the median predict of the same model rows',
        })

  // Exact, deduplicated hybrid rows (the default black-box path).
  const on = await perRow(EXPLAIN_DEFAULTS.budget, true, true)
  c.log(`  shap exact (dedupe): ${log3(on.m)}/row`)
  u.shapS = on.m.skipped ? null : median(on.m.times)
  u.shapJobs.push(jobPoint(1, on.m))
  u.dedupRows = on.hybrid
  out.push(
    measuredFigure(meta(c, 'shap.exact', 's/row'), on.m, {
      stats: {
        modelRowsPerRow: on.hybrid.length ? mean(on.hybrid) : null,
        maxEfficiencyGap: on.gap,
      },
      compare: shapComparisons,
      note: 'black box, dedupe on (default): one shapExplain call per seeded row, n = rows',
    }),
  )
  const dedupRows = Math.round(mean(on.hybrid))
  if (Number.isFinite(dedupRows) && dedupRows > 0) {
    const f = await floorMeasure(c, u, dedupRows)
    c.log(`  floor (${dedupRows} rows): ${log3(f)}`)
    out.push(
      measuredFigure(meta(c, 'shap.floor.predictDedupeRows', 's'), f, {
        stats: { rows: dedupRows, rowsPerSec: f.skipped ? null : dedupRows / median(f.times) },
        note: 'one predict of the mean distinct hybrid-row count of a deduplicated exact SHAP row',
      }),
      ratioFig('shap.exact.overFloor', on.m, f, dedupRows, on.hybrid),
    )
  }

  // Exact, every hybrid row (4,094 × 50): the like-for-like of black-box tools.
  const off = await perRow(EXPLAIN_DEFAULTS.budget, false, true)
  c.log(`  shap exact (no dedupe): ${log3(off.m)}/row`)
  out.push(
    measuredFigure(meta(c, 'shap.exact.noDedupe', 's/row'), off.m, {
      stats: { modelRowsPerRow: off.hybrid.length ? mean(off.hybrid) : null },
      compare: shapComparisons,
      note: 'black box, all 4,094 × 50 hybrid rows; n = rows',
    }),
  )
  const full = await floorMeasure(c, u, SHAP_FLOOR_ROWS)
  c.log(`  floor (${SHAP_FLOOR_ROWS} rows): ${log3(full)}`)
  out.push(
    measuredFigure(meta(c, `shap.floor.predict${SHAP_FLOOR_ROWS}`, 's'), full, {
      stats: { rows: SHAP_FLOOR_ROWS },
      compare: (v) => [
        compareWith(v, 'peer', 'numpy forward pass (~204,800 rows)', FLOOR_PEERS.numpy, 's'),
        compareWith(v, 'peer', 'tfjs wasm, bigger MLP (WebSHAP study)', FLOOR_PEERS.tfjsWasm, 's'),
      ],
    }),
    ratioFig('shap.exact.noDedupe.overFloor', off.m, full, SHAP_FLOOR_ROWS, null),
    // The issue's ratio: the shipped SHAP (deduplicated) over a predict of all the rows an exact
    // row stands for (12 players × 50 background rows); below 1 = below the black-box floor.
    ratioFig('shap.exact.overCoalitionFloor', on.m, full, SHAP_FLOOR_ROWS, null),
  )

  // Sampled (Kernel SHAP) at the two budgets.
  for (const budget of SAMPLED_BUDGETS) {
    const s = await perRow(budget, true, false)
    c.log(`  shap sampled ${budget}: ${log3(s.m)}/row`)
    out.push(
      measuredFigure(meta(c, `shap.sampled${budget}`, 's/row'), s.m, {
        stats: { budget, modelRowsPerRow: s.hybrid.length ? mean(s.hybrid) : null },
        note: `black box Kernel SHAP, ${budget} coalitions, dedupe on; n = rows`,
      }),
    )
  }
  return out
}

async function igFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const grad = tfGradFn(c.lm, 0)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const base = {
    offsets: schemaOffsets(c.demo.schema),
    background: bg,
    baseline: { kind: 'mean' } as const,
  }
  // A gradient row costs about three predict rows; auto stops at 4,096 steps at most.
  const estimate = (steps: number, rows = 1) =>
    estimateFromRate(3 * steps * rows, rateFor(steps * rows, u.rates, null))
  const variant = async (name: string, rule: IgRule, steps: number | null): Promise<Figure> => {
    const stepsSeen: number[] = []
    let gap = 0
    const one = async (r: number) => {
      const [res] = await igExplain(grad, c.predict, rowOf(x, r), {
        ...base,
        rule,
        ...(steps === null ? {} : { steps }),
      })
      gap = Math.max(gap, Math.abs(res!.completenessGap))
      return res!.steps
    }
    const m = await measure({
      estimateS: estimate(steps ?? 4096),
      policy: { ...policy('perRow'), maxRepeats: c.rows.length },
      warmup: () => one(0),
      run: async (i) => void stepsSeen.push(await one(c.rows[i]!)),
    })
    if (name === 'ig.auto' && !m.skipped) u.igS = median(m.times)
    return measuredFigure(meta(c, name, 's/row'), m, {
      stats: { meanSteps: mean(stepsSeen), maxCompletenessGap: gap },
      ...(rule === 'gausslegendre'
        ? {
            compare: (v: number | null) => [
              compareWith(v, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row'),
            ],
          }
        : {}),
      note: 'one igExplain call per row; n = rows',
    })
  }
  const out = [
    await variant('ig.auto', 'midpoint', null),
    await variant('ig.midpoint2048', 'midpoint', 2048),
    await variant('ig.gaussLegendre50', 'gausslegendre', 50),
  ]
  // Captum's figure is for 8 rows per call: the like-for-like batched figure.
  const xs = rowsOf(x, c.rows)
  const k = c.rows.length
  const m = await measure({
    estimateS: estimate(50, k),
    policy: policy('predict'),
    run: async () =>
      void (await igExplain(grad, c.predict, xs, { ...base, rule: 'gausslegendre', steps: 50 })),
  })
  out.push(
    measuredFigure(meta(c, `ig.gaussLegendre50.batch${k}`, 's/row'), m, {
      scale: { kind: 'seconds', per: k },
      stats: { rowsPerCall: k },
      compare: (v) => [compareWith(v, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row')],
      note: `${k} rows per igExplain call, call seconds / ${k}; n = calls`,
    }),
  )
  c.log(`  ig auto ${out[0]!.value?.toPrecision(3)} s/row`)
  return out
}

/** A measured (or, when skipped, estimated) job size and its seconds, for later estimates. */
export function jobPoint(units: number, m: Measurement): { units: number; seconds: number } {
  return { units, seconds: m.skipped ? m.estimateS : median(m.times) }
}

/** Black-box global SHAP: `n` seeded rows in one shapExplain call through the backend. */
async function globalFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const offsets = schemaOffsets(c.demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const opts = { offsets, budget: EXPLAIN_DEFAULTS.budget }
  const out: Figure[] = []
  for (const n of GLOBAL_SIZES) {
    const xs = rowsOf(x, benchRows(x.rows, n))
    const m = await measure({
      estimateS: estimateScaled(u.shapJobs, n),
      policy: policy(n === 200 ? 'global200' : 'global1000'),
      warmup: (checkCancel) =>
        shapExplain(c.predict, rowsOf(x, c.rows), bg, { ...opts, checkCancel }),
      run: async (_, checkCancel) =>
        void (await shapExplain(c.predict, xs, bg, { ...opts, checkCancel })),
    })
    c.log(`  global SHAP ${n} rows (black box): ${log3(m)}`)
    u.shapJobs.push(jobPoint(n, m))
    out.push(
      measuredFigure(meta(c, `shap.global${n}`, 's'), m, {
        stats: { rows: n },
        ...(n === 1000
          ? {
              compare: (v: number | null) => [
                compareWith(v, 'target', 'issue', TARGETS.global1000S, 's', 'atMost'),
              ],
            }
          : {}),
        note: `black box: exact SHAP of ${n} seeded rows in one shapExplain call (dedupe on); warm-up: the 8 bench rows; n = repeats`,
      }),
    )
  }
  return out
}

/** The Node result of a backend. */
export type NodeRun = { figures: Figure[]; cfRandom: CfQuery[]; cfRows: number[]; units: Units }

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
  const mem = new NodeMemory()
  mem.start()
  const lm = await tfModelLoad(demo.artifacts, 'model.json')
  const units: Units = {
    rates: new Map(),
    dedupRows: [],
    shapS: null,
    shapJobs: [],
    igS: null,
    cfS: null,
  }
  try {
    const predict = tfPredictFn(lm, 0)
    const c: Ctx = { backend, demo, lm, model: tfjsLoadedModel(lm), predict, rows, log }
    log(`node ${backend}: predict throughput`)
    const figures = await predictFigures(c, units)
    log(`node ${backend}: SHAP`)
    figures.push(...(await shapFigures(c, units)))
    log(`node ${backend}: integrated gradients`)
    figures.push(...(await igFigures(c, units)))
    log(`node ${backend}: counterfactuals`)
    const predictions = await predictRows(predict, demo.enc.x)
    const cf = await cfRun(c, predictions, cfRows, 30, 20)
    const common = { backend, where: 'node' as const, estimateS: cf.warmupS }
    if (cf.skipped) {
      figures.push(
        skippedFigure(
          { ...common, name: 'cf.guided.secondsPerQuery', unit: 's/query' },
          cf.warmupS!,
        ),
      )
    } else {
      const gs = cfSummarise(cf.guided)
      const rs = cfSummarise(cf.random)
      units.cfS = gs.medianSeconds
      figures.push(
        ...cfFigures('guided', gs, common, rs.meanProximity),
        ...cfFigures('random', rs, common),
      )
    }
    log(`node ${backend}: global SHAP`)
    figures.push(...(await globalFigures(c, units)))
    log(`node ${backend}: compression and audit`)
    figures.push(await compressionFigure(c, units))
    figures.push(...(await auditFigures(c, units)))
    const peak = mem.stop()
    figures.push(
      figure({
        ...meta(c, 'memory.peakRss', 'MiB'),
        value: peak.peakRssMiB,
        stats: { ...peak },
        note:
          'peak resident set of the bench process during this backend’s figures ' +
          (peak.rssFromKernel ? '(kernel high-water mark, reset at the start)' : '(sampled)') +
          '; heap and tfjs tensor bytes sampled every 100 ms',
      }),
    )
    log(`node ${backend}: peak RSS ${Math.round(peak.peakRssMiB)} MiB`)
    return { figures, cfRandom: cf.random, cfRows: cf.rows, units }
  } finally {
    mem.stop()
    lm.model.dispose()
  }
}

/**
 * What the browser part needs when the Node figures are not run (GLASSBOX_BENCH_PARTS=browser):
 * the distinct hybrid rows of each bench row's exact SHAP and the negative query rows, on wasm.
 */
export async function browserPrep(
  demo: Demo,
  rows: readonly number[],
): Promise<{ dedupRows: number[]; cfRows: number[] }> {
  await nodeBackend('wasm')
  const lm = await tfModelLoad(demo.artifacts, 'model.json')
  try {
    const predict = tfPredictFn(lm, 0)
    const { x } = demo.enc
    const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
    let counted = 0
    const counting: BatchModel = (m) => {
      counted += m.rows
      return predict(m)
    }
    const dedupRows: number[] = []
    for (const r of rows) {
      counted = 0
      await shapExplain(counting, rowOf(x, r), bg, {
        offsets: schemaOffsets(demo.schema),
        budget: EXPLAIN_DEFAULTS.budget,
      })
      dedupRows.push(counted - bg.x.rows - 1)
    }
    const cfRows = negativeRows(await predictRows(predict, x), CF_QUERIES)
    return { dedupRows, cfRows }
  } finally {
    lm.model.dispose()
  }
}
