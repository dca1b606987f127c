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
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { QUANT_SCHEME_IDS, type QuantSchemeId } from '../src/core/quantize/schemes.ts'
import { AUDIT_DEFAULTS, type AuditSettings } from '../src/report/audit.ts'
import { COMPRESSION_DEFAULTS } from '../src/model/compression.ts'
import type { BackendStatus } from '../src/workers/protocol.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { CF_K } from './nodeCf.ts'
import { TARGETS, shapComparisons } from './peers.ts'
import { type Figure, type FigureMeta, compareWith, figure, skippedFigure } from './report.ts'
import { BudgetExceeded, type Measurement, measure, measuredFigure, timeItems } from './measure.ts'
import { AUDIT_NOTE, AUDIT_WARMUP, auditEstimateOf } from './audit.ts'
import { jobPoint } from './node.ts'
import { COMPRESSION_NAME, COMPRESSION_WHAT, compressionCompare } from './compression.ts'
import type { TreeMemory } from './memory.ts'
import {
  COMPRESSION_SHAP_ROWS,
  GLOBAL_SIZES,
  PREDICT_SIZES,
  SAMPLED_BUDGETS,
  SHAP_FLOOR_ROWS,
  compressionEstimate,
  policy,
  predictWarmupRows,
  rateFor,
  shapModelRows,
} from './plan.ts'
import {
  FIGURE_BUDGET_S,
  budgetDecide,
  estimateFromRate,
  estimateScaled,
  mean,
  median,
  ratioSummary,
} from './stats.ts'

/** Seeds of global SHAP requests: a new one for each, so that the worker's cache never answers. */
let globalSeed = 1000

/** Counterfactual queries per backend in the browser. */
export const BROWSER_CF_QUERIES = 10
/** Seconds of counterfactual queries per backend. */
const CF_CAP_S = 10

const NO_EXTRAS: Partial<ExplainSettings> = { igSteps: 0, counterfactuals: 0 }
const SHAP_BLACK_BOX: Partial<ExplainSettings> = { ...NO_EXTRAS, shap: true, fastPath: false }
const SHAP_FAST: Partial<ExplainSettings> = { ...NO_EXTRAS, shap: true, fastPath: true }
const IG_ONLY: Partial<ExplainSettings> = { shap: false, igSteps: 'auto', counterfactuals: 0 }
const CF_ONLY: Partial<ExplainSettings> = { shap: false, igSteps: 0, counterfactuals: CF_K }

/** Rejects when `p` takes longer than `s` seconds. */
export function withTimeout<T>(p: Promise<T>, s: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${s} s`)), s * 1000)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** A request that takes this long means the worker is stuck (5 × the estimate, at least 2 min). */
const limitFor = (estimateS: number | null): number =>
  estimateS === null ? 600 : Math.max(120, 5 * estimateS)

/**
 * One explain request timed in the page; returns the round trip and the worker's own time. The
 * request is cancelled after the figure budget.
 * @throws BudgetExceeded when it was cancelled for passing the budget.
 */
export async function explainTimed(
  page: Page,
  row: number,
  settings: Partial<ExplainSettings>,
  limitS: number,
) {
  const r = await withTimeout(
    page.evaluate(
      async ([r, s, b]) => {
        const t = performance.now()
        let res
        try {
          res = await window.__glassbox!.explain([r], s, b)
        } catch (e) {
          if ((e as Error).name !== 'AbortError') throw e
          return { aborted: true as const, seconds: (performance.now() - t) / 1000 }
        }
        const e = res.explanations[String(r)]!
        return {
          aborted: false as const,
          seconds: (performance.now() - t) / 1000,
          workerSeconds: res.ms / 1000,
          exact: e.exact ?? null,
          igSteps: e.igSteps ?? null,
          igGap: e.igCompletenessGap ?? null,
          cfs: (e.counterfactuals ?? []).map((a) => ({
            valid: a.valid && a.prediction >= 0.5,
            nChanged: a.nChanged,
            proximity: a.proximity,
            changes: Object.keys(a.changes),
          })),
        }
      },
      [row, settings, FIGURE_BUDGET_S] as const,
    ),
    limitS,
    `explain row ${row}`,
  )
  if (r.aborted) throw new BudgetExceeded(r.seconds)
  return r
}

/** One benchPredict in the worker: its seconds (tiling excluded). */
export async function benchPredict(page: Page, rows: number, limitS: number): Promise<number> {
  const ms = await withTimeout(
    page.evaluate(async (n) => (await window.__glassbox!.benchPredict(n)).ms, rows),
    limitS,
    `benchPredict(${rows})`,
  )
  return ms / 1000
}

/** What the browser part takes from the Node part (backend-independent counts and units). */
export type BrowserInputs = {
  /** Data rows to explain (the seeded bench rows). */
  rows: readonly number[]
  /** Negative rows for the counterfactual queries. */
  cfRows: readonly number[]
  /** The random baseline's mean proximity on those query rows (from Node). */
  randomProximity: (rows: readonly number[]) => number | null
  /** Distinct hybrid model rows of each bench row's deduplicated exact SHAP (counted in Node). */
  dedupRows: readonly number[]
  /** Rows of the demo data. */
  dataRows: number
}

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

  // Exact SHAP per row, one explain request each (row 0 warms up), black box and fast path.
  const perRow = async (settings: Partial<ExplainSettings>, estimateS: number | null) => {
    const worker: number[] = []
    let exact: boolean | null = null
    const m = await measure({
      estimateS,
      policy: { ...policy('perRow'), maxRepeats: inp.rows.length },
      warmup: () => explainTimed(page, 0, settings, limitFor(estimateS)),
      run: async (i) => {
        const r = await explainTimed(page, inp.rows[i]!, settings, limitFor(estimateS))
        exact = r.exact
        worker.push(r.workerSeconds)
        return r.seconds
      },
    })
    return { m, worker, exact }
  }
  const exactRows = shapModelRows(EXPLAIN_DEFAULTS.budget)
  const bb = await perRow(SHAP_BLACK_BOX, estimateFromRate(exactRows, rate(exactRows)))
  if (!bb.m.skipped && bb.exact !== true) throw new Error('black-box SHAP was not exact')
  const fp = await perRow(SHAP_FAST, null)
  if (!fp.m.skipped && fp.exact !== true) throw new Error('fast-path SHAP was not exact')
  const show = (m: Measurement) =>
    m.skipped ? `skipped (${m.estimateS.toFixed(0)} s)` : `${median(m.times).toFixed(4)} s`
  log(`  shap exact per row: black box ${show(bb.m)}, fast path ${show(fp.m)}`)
  const workerMedian = (w: number[]) => (w.length ? median(w) : null)
  out.push(
    measuredFigure(meta('shap.exact', 's/row'), bb.m, {
      stats: { medianWorkerSeconds: workerMedian(bb.worker) },
      compare: shapComparisons,
      note: 'black box (fastPath off, dedupe on): one explain request per row, timed in the page; n = rows',
    }),
    measuredFigure(meta('shap.exact.fastPath', 's/row'), fp.m, {
      stats: { medianWorkerSeconds: workerMedian(fp.worker) },
      compare: (v) => [
        compareWith(v, 'target', 'issue: fast path', TARGETS.shapFastPathS, 's/row', 'atMost'),
        ...shapComparisons(v),
      ],
      note: 'the app’s default: the Dense fast path; one explain request per row; n = rows',
    }),
  )

  // Floors: one predict of the same (deduplicated) rows, and of all coalition rows.
  const floor = async (rows: number) => {
    const est = estimateFromRate(rows, rate(rows))
    return measure({
      estimateS: est,
      policy: policy('floor'),
      warmup: () => benchPredict(page, predictWarmupRows(rows), limitFor(est)),
      run: () => benchPredict(page, rows, limitFor(est)),
    })
  }
  const ratio = (
    n: string,
    shap: Measurement,
    fl: Measurement,
    rows: number,
    worker: number[],
    perRowScale = true,
  ) =>
    shap.skipped || fl.skipped
      ? figure({ ...meta(n, '×'), value: null, n: 0, note: 'not measured: a part was skipped' })
      : figure({
          ...meta(n, '×'),
          summary: ratioSummary(
            shap.times,
            median(fl.times),
            perRowScale ? inp.dedupRows.map((r) => r / rows) : undefined,
          ),
          stats: {
            floorRows: rows,
            floorSeconds: median(fl.times),
            workerOverFloor: worker.length ? median(worker) / median(fl.times) : null,
          },
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
          note: perRowScale
            ? 'each row’s SHAP seconds (page round trip) over the median floor scaled to that row’s own distinct-row count (counted in Node)'
            : 'the shipped (deduplicated) SHAP seconds per row (page round trip) over one predict of all 4,094 × 50 coalition rows: the issue’s ratio; below 1 = below the black-box floor',
        })
  if (inp.dedupRows.length >= inp.rows.length) {
    const rows = Math.round(mean(inp.dedupRows))
    const f = await floor(rows)
    out.push(
      measuredFigure(meta('shap.floor.predictDedupeRows', 's'), f, {
        stats: { rows },
        note: 'one benchPredict of the mean distinct hybrid-row count of a deduplicated exact SHAP row (counted in Node)',
      }),
      ratio('shap.exact.overFloor', bb.m, f, rows, bb.worker),
    )
  }
  const full = await floor(SHAP_FLOOR_ROWS)
  out.push(
    measuredFigure(meta(`shap.floor.predict${SHAP_FLOOR_ROWS}`, 's'), full, {
      stats: { rows: SHAP_FLOOR_ROWS },
      note: 'one benchPredict of all 4,094 × 50 coalition rows of an exact SHAP row',
    }),
  )
  log(`  floor ${SHAP_FLOOR_ROWS} rows: ${show(full)}`)
  out.push(ratio('shap.exact.overCoalitionFloor', bb.m, full, SHAP_FLOOR_ROWS, bb.worker, false))

  // Sampled SHAP (black box).
  for (const budget of SAMPLED_BUDGETS) {
    const rows = shapModelRows(budget)
    const s = await perRow({ ...SHAP_BLACK_BOX, budget }, estimateFromRate(rows, rate(rows)))
    if (!s.m.skipped && s.exact !== false) throw new Error(`SHAP at budget ${budget} was exact`)
    out.push(
      measuredFigure(meta(`shap.sampled${budget}`, 's/row'), s.m, {
        stats: { budget, medianWorkerSeconds: workerMedian(s.worker) },
        note: `black box Kernel SHAP, ${budget} coalitions; one explain request per row; n = rows`,
      }),
    )
  }

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
  const globalTimed = async (n: number, limitS: number) => {
    const s = globalSeed++
    const r = await withTimeout(
      page.evaluate(
        async ([nn, ss, bg, budget, b]) => {
          const t = performance.now()
          try {
            const g = await window.__glassbox!.globalShap(
              { n: nn, seed: ss, background: bg, budget },
              b,
            )
            const seconds = (performance.now() - t) / 1000
            return {
              aborted: false,
              seconds,
              ms: g.ms,
              cached: g.cached,
              exact: g.exact,
              workers: g.workers ?? 1,
            }
          } catch (e) {
            if ((e as Error).name !== 'AbortError') throw e
            const seconds = (performance.now() - t) / 1000
            return { aborted: true, seconds, ms: 0, cached: false, exact: false, workers: 0 }
          }
        },
        [n, s, EXPLAIN_DEFAULTS.background, EXPLAIN_DEFAULTS.budget, FIGURE_BUDGET_S] as const,
      ),
      limitS,
      `globalShap(${n})`,
    )
    if (r.aborted) throw new BudgetExceeded(r.seconds)
    if (r.cached) throw new Error(`globalShap(${n}, seed ${s}) was served from the cache`)
    if (!r.exact) throw new Error(`globalShap(${n}) was not exact`)
    return r
  }
  const jobs = fastS === null ? [] : [{ units: 1, seconds: fastS }]
  for (const n of GLOBAL_SIZES) {
    const est = estimateScaled(jobs, n)
    const workerS: number[] = []
    let workers = 0
    const g = await measure({
      estimateS: est,
      policy: policy(n === 200 ? 'global200' : 'global1000'),
      warmup: () => globalTimed(inp.rows.length, limitFor(est)),
      run: async () => {
        const r = await globalTimed(n, limitFor(est))
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
  const compress = async (ids: readonly QuantSchemeId[], shapRows: number) => {
    const r = await withTimeout(
      page.evaluate(
        async ([i, rows, b]) => {
          const t = performance.now()
          try {
            await window.__glassbox!.compress([...i], { shapRows: rows }, b)
            return { aborted: false, seconds: (performance.now() - t) / 1000 }
          } catch (e) {
            if ((e as Error).name !== 'AbortError') throw e
            return { aborted: true, seconds: (performance.now() - t) / 1000 }
          }
        },
        [ids, shapRows, FIGURE_BUDGET_S] as const,
      ),
      limitFor(compEst),
      'compress',
    )
    if (r.aborted) throw new BudgetExceeded(r.seconds)
    return r.seconds
  }
  const comp = await measure({
    estimateS: compEst,
    policy: policy('compression'),
    // A reduced run warms up the same code: one variant, 8 SHAP rows.
    warmup: () => compress(['float16'], 8),
    run: () => compress(QUANT_SCHEME_IDS, COMPRESSION_SHAP_ROWS),
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
  const auditOnce = async (settings: AuditSettings) => {
    const r = await withTimeout(
      page.evaluate(
        async ([st, b]) => {
          const t = performance.now()
          try {
            await window.__glassbox!.audit(st, b)
            return { aborted: false, seconds: (performance.now() - t) / 1000 }
          } catch (e) {
            if ((e as Error).name !== 'AbortError') throw e
            return { aborted: true, seconds: (performance.now() - t) / 1000 }
          }
        },
        [settings, FIGURE_BUDGET_S] as const,
      ),
      limitFor(auditEst),
      'audit',
    )
    if (r.aborted) throw new BudgetExceeded(r.seconds)
    return r.seconds
  }
  const auditSettings: AuditSettings = { ...AUDIT_DEFAULTS, backend: name }
  const audit = await measure({
    estimateS: auditEst,
    policy: policy('audit'),
    warmup: () => auditOnce(AUDIT_WARMUP(auditSettings)),
    run: () => auditOnce(auditSettings),
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
