/**
 * The browser figures of one backend, measured through `window.__glassbox` in an open page (each
 * request timed inside the page, the worker's own time kept beside it): predict throughput
 * (benchPredict) at 1k … 400k rows, exact SHAP per row through the black box and through the
 * fast path, the predict floors and SHAP's ratio to them, sampled SHAP at 512 / 2048, IG per row,
 * counterfactuals per query, global SHAP of 200 and 1,000 rows (the worker pool, as the Explain tab runs it),
 * the compression evaluation and the audit (the worker's compress and audit commands), and the
 * peak memory of the browser's processes.
 */
import type { Page } from '@playwright/test'
import type { ExplainSettings } from '../src/core/explain.ts'
import { QUANT_SCHEME_IDS } from '../src/core/quantize/schemes.ts'
import { AUDIT_DEFAULTS, type AuditSettings } from '../src/report/audit.ts'
import { COMPRESSION_DEFAULTS } from '../src/model/compression.ts'
import type { BackendStatus } from '../src/workers/protocol.ts'
import { AUDIT_NOTE, AUDIT_WARMUP, auditEstimateOf } from './audit.ts'
import {
  auditTimed,
  benchPredict,
  compressTimed,
  explainTimed,
  globalShapTimed,
  limitFor,
  withTimeout,
} from './browserRequests.ts'
import { type BrowserInputs, type PageRun, shapRowFigures, show } from './browserShap.ts'
import { COMPRESSION_NAME, COMPRESSION_WHAT, compressionCompare } from './compression.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { BudgetExceeded, measure, measuredFigure, timeItems } from './measure.ts'
import type { TreeMemory } from './memory.ts'
import { CF_K } from './nodeCf.ts'
import { jobPoint } from './nodeCtx.ts'
import { TARGETS } from './peers.ts'
import {
  COMPRESSION_SHAP_ROWS,
  GLOBAL_SIZES,
  PREDICT_SIZES,
  compressionEstimate,
  policy,
  predictWarmupRows,
  rateFor,
} from './plan.ts'
import { type Figure, type FigureMeta, compareWith, figure, skippedFigure } from './report.ts'
import { budgetDecide, estimateFromRate, estimateScaled, median } from './stats.ts'

export type { BrowserInputs }

/** Counterfactual queries per backend in the browser. */
export const BROWSER_CF_QUERIES = 10
/** Seconds of counterfactual queries per backend. */
const CF_CAP_S = 10

const IG_ONLY: Partial<ExplainSettings> = { shap: false, igSteps: 'auto', counterfactuals: 0 }
const CF_ONLY: Partial<ExplainSettings> = { shap: false, igSteps: 0, counterfactuals: CF_K }

/**
 * Figures of backend `st`, pushed to `out` as they are measured (those before a failure stay).
 * @throws when the backend cannot be activated, a request fails or exceeds its limit.
 */
export async function browserBackendFigures(
  page: Page,
  st: BackendStatus,
  inp: BrowserInputs,
  mem: TreeMemory,
  log: (s: string) => void,
  out: Figure[],
): Promise<void> {
  const name = st.name
  const meta = (n: string, unit: string): FigureMeta => ({
    name: n,
    backend: name,
    where: 'browser',
    unit,
  })
  const active = await withTimeout(
    page.evaluate((n) => window.__glassbox!.setBackend(n), name),
    180,
    `setBackend(${name})`,
  )
  if (active !== name) throw new Error(`setBackend(${name}) left ${active ?? 'no backend'} active`)
  mem.start()
  const tensorsBefore = await page.evaluate(() => window.__glassbox!.numTensors())
  const rates = new Map<number, number>()
  const rate = (rows: number) => rateFor(rows, rates, st.rowsPerSec)

  // Predict throughput.
  for (const n of PREDICT_SIZES) {
    const est = estimateFromRate(n, rate(n))
    const m = await measure({
      estimateS: est,
      policy: policy('predict'),
      warmup: () => benchPredict(page, predictWarmupRows(n), limitFor(est)),
      run: () => benchPredict(page, n, limitFor(est)),
    })
    if (!m.skipped) rates.set(n, n / median(m.times))
    out.push(
      measuredFigure(meta(`predict.${n / 1000}k`, 'rows/s'), m, {
        scale: { kind: 'rate', rows: n },
        stats: { rows: n },
        note: 'the worker’s benchPredict (tiling excluded, its own clock); n = repeats',
      }),
    )
  }
  log(`  predict: ${[...rates].map(([n, r]) => `${n / 1000}k ${Math.round(r)}`).join(', ')} rows/s`)

  const run: PageRun = { page, inp, meta, rate, log, out }
  const { bb, fp } = await shapRowFigures(run)

  // Integrated gradients.
  const igSteps: number[] = []
  let igGap = 0
  const igEst = estimateFromRate(3 * 4096, rate(4096))
  const ig = await measure({
    estimateS: igEst,
    policy: { ...policy('perRow'), maxRepeats: inp.rows.length },
    warmup: () => explainTimed(page, 0, IG_ONLY, limitFor(igEst)),
    run: async (i) => {
      const r = await explainTimed(page, inp.rows[i]!, IG_ONLY, limitFor(igEst))
      igSteps.push(r.igSteps ?? NaN)
      igGap = Math.max(igGap, Math.abs(r.igGap ?? NaN))
      return r.seconds
    },
  })
  out.push(
    measuredFigure(meta('ig.auto', 's/row'), ig, {
      stats: { meanSteps: igSteps.length ? median(igSteps) : null, maxCompletenessGap: igGap },
      note: 'one explain request per row (auto steps), timed in the page; n = rows',
    }),
  )
  log(`  ig ${show(ig)}`)

  // Counterfactuals: the warm-up query is the estimate of one run.
  const sensitive = await page.evaluate(
    () => window.__glassbox!.state().schema?.schema.sensitive ?? [],
  )
  const t0 = performance.now()
  try {
    await explainTimed(page, 0, CF_ONLY, 600)
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e
  }
  const cfWarm = (performance.now() - t0) / 1000
  let cfS: number | null = null
  if (!budgetDecide(cfWarm).run) {
    out.push(skippedFigure(meta('cf.guided.secondsPerQuery', 's/query'), cfWarm))
  } else {
    const queries: CfQuery[] = []
    const qRows = inp.cfRows.slice(0, BROWSER_CF_QUERIES)
    await timeItems(qRows.length, CF_CAP_S, async (i) => {
      // A query cancelled for passing the budget counts as one without answers.
      const r = await explainTimed(page, qRows[i]!, CF_ONLY, limitFor(cfWarm)).catch((e) => {
        if (!(e instanceof BudgetExceeded)) throw e
        return { seconds: e.seconds, cfs: [] }
      })
      queries.push({
        seconds: r.seconds,
        answers: r.cfs.map(({ valid, nChanged, proximity }) => ({ valid, nChanged, proximity })),
        sensitiveChanged: r.cfs.filter((a) => a.changes.some((c) => sensitive.includes(c))).length,
      })
      return r.seconds
    })
    const s = cfSummarise(queries)
    cfS = s.medianSeconds
    out.push(
      ...cfFigures(
        'guided',
        s,
        { backend: name, where: 'browser', estimateS: cfWarm },
        inp.randomProximity(qRows.slice(0, queries.length)),
      ),
    )
    log(`  counterfactuals: ${queries.length} queries, ${cfS?.toFixed(3)} s/query`)
  }

  // Global SHAP through the worker command (it takes the fast path when the model has one).
  const fastS = fp.m.skipped ? null : median(fp.m.times)
  const jobs = fastS === null ? [] : [{ units: 1, seconds: fastS }]
  for (const n of GLOBAL_SIZES) {
    const est = estimateScaled(jobs, n)
    const workerS: number[] = []
    let workers = 0
    const g = await measure({
      estimateS: est,
      policy: policy(n === 200 ? 'global200' : 'global1000'),
      warmup: () => globalShapTimed(page, inp.rows.length, limitFor(est)),
      run: async () => {
        const r = await globalShapTimed(page, n, limitFor(est))
        workerS.push(r.ms / 1000)
        workers = r.workers
        return r.seconds
      },
    })
    log(`  global SHAP ${n} rows: ${show(g)}`)
    jobs.push(jobPoint(n, g))
    out.push(
      measuredFigure(meta(`shap.global${n}`, 's'), g, {
        stats: {
          rows: n,
          workers,
          medianWorkerSeconds: workerS.length ? median(workerS) : null,
        },
        ...(n === 1000
          ? {
              compare: (v: number | null) => [
                compareWith(v, 'target', 'issue', TARGETS.global1000S, 's', 'atMost'),
              ],
            }
          : {}),
        note: `global SHAP as the Explain tab runs it (the worker pool: ${workers} worker${workers === 1 ? '' : 's'} on this backend; fast path), ${n} rows drawn with a new seed each repeat; n = repeats`,
      }),
    )
  }

  // Compression evaluation of all variants (the Compression tab's command).
  const dataRate = rate(inp.dataRows)
  const bbS = bb.m.skipped ? null : median(bb.m.times)
  const compEst = compressionEstimate({
    variants: QUANT_SCHEME_IDS.length,
    dataRows: inp.dataRows,
    latencyRepeats: COMPRESSION_DEFAULTS.latencyRepeats,
    rowsPerSec: dataRate,
    shapRows: COMPRESSION_SHAP_ROWS,
    shapS: bbS,
  })
  const comp = await measure({
    estimateS: compEst,
    policy: policy('compression'),
    // A reduced run warms up the same code: one variant, 8 SHAP rows.
    warmup: () => compressTimed(page, ['float16'], 8, limitFor(compEst)),
    run: () => compressTimed(page, QUANT_SCHEME_IDS, COMPRESSION_SHAP_ROWS, limitFor(compEst)),
  })
  log(`  compression: ${show(comp)}`)
  out.push(
    measuredFigure(meta(COMPRESSION_NAME, 's'), comp, {
      compare: compressionCompare,
      note: `${COMPRESSION_WHAT}; the worker’s compress command timed in the page; warm-up: float16 alone on 8 rows; n = repeats`,
    }),
  )

  // The full audit (the Overview's Audit report command).
  const auditEst = auditEstimateOf(inp.dataRows, dataRate, {
    shapS: bbS,
    shapJobs: bbS === null ? [] : [{ units: 1, seconds: bbS }],
    igS: ig.skipped ? null : median(ig.times),
    cfS,
  })
  const auditSettings: AuditSettings = { ...AUDIT_DEFAULTS, backend: name }
  const audit = await measure({
    estimateS: auditEst,
    policy: policy('audit'),
    warmup: () => auditTimed(page, AUDIT_WARMUP(auditSettings), limitFor(auditEst)),
    run: () => auditTimed(page, auditSettings, limitFor(auditEst)),
  })
  log(`  audit: ${show(audit)}`)
  out.push(
    measuredFigure(meta('audit.worker', 's'), audit, {
      note: `${AUDIT_NOTE}; the worker’s audit command timed in the page; warm-up: 1 row, float16 only; n = repeats`,
    }),
  )

  const peak = mem.stop()
  const tensorsAfter = await page.evaluate(() => window.__glassbox!.numTensors())
  out.push(
    figure({
      ...meta('memory.peakPss', 'MiB'),
      value: peak.peakMiB,
      stats: {
        processes: peak.processes,
        proportionalSetSize: peak.pss ? 1 : 0,
        workerTensorsBefore: tensorsBefore,
        workerTensorsAfter: tensorsAfter,
      },
      note:
        `peak ${peak.pss ? 'Pss' : 'RSS'} summed over the bench's Chromium processes while this backend's figures ran (sampled every 250 ms); ` +
        'worker tensors before/after in stats',
    }),
  )
  log(`  peak ${Math.round(peak.peakMiB)} MiB over ${peak.processes} processes`)
}
