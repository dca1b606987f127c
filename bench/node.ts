/**
 * Node figures on one tfjs backend (wasm or cpu), in the order their estimates need: predict
 * throughput at 1k … 400k rows (the rates every later estimate uses); exact SHAP per row with and
 * without deduplicated hybrid rows, each with the predict floor of the same model rows and the
 * ratio to it; sampled SHAP at budgets 512 / 2048; integrated gradients; counterfactuals against
 * the random baseline; global SHAP of 200 and 1,000 rows through the backend's predict (black
 * box); the compression evaluation of all variants; the full audit in-process and through the
 * CLI; and the group's peak memory.
 */
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { backgroundFirst } from '../src/core/shap/background.ts'
import { type BatchModel, predictRows } from '../src/core/shap/coalitions.ts'
import { shapExplain } from '../src/core/shap/shap.ts'
import { tfjsLoadedModel } from '../src/model/tfjs/runtime.ts'
import { tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { auditFigures } from './audit.ts'
import { compressionFigure } from './compression.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { type Demo, negativeRows } from './demo.ts'
import { measure, measuredFigure } from './measure.ts'
import { NodeMemory } from './memory.ts'
import { CF_QUERIES, cfRun } from './nodeCf.ts'
import { type Ctx, type Units, meta, nodeBackend, rowOf, tiled } from './nodeCtx.ts'
import { globalFigures, igFigures, shapFigures } from './nodeExplain.ts'
import { PREDICT_SIZES, policy, predictWarmupRows, rateFor } from './plan.ts'
import { type Figure, figure, skippedFigure } from './report.ts'
import { estimateFromRate, median } from './stats.ts'

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
