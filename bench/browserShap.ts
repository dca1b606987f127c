/**
 * The browser figures of SHAP per row on one backend: exact SHAP through the black box and
 * through the fast path (one explain request per row), the predict floors of the same model rows
 * and SHAP's ratio to them, and sampled Kernel SHAP at budgets 512 / 2048.
 */
import type { Page } from '@playwright/test'
import type { ExplainSettings } from '../src/core/explain.ts'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { benchPredict, explainTimed, limitFor } from './browserRequests.ts'
import { type Measurement, measure, measuredFigure } from './measure.ts'
import { TARGETS, overFloorCompare, shapComparisons } from './peers.ts'
import {
  SAMPLED_BUDGETS,
  SHAP_FLOOR_ROWS,
  policy,
  predictWarmupRows,
  shapModelRows,
} from './plan.ts'
import { type Figure, type FigureMeta, compareWith, figure } from './report.ts'
import { estimateFromRate, mean, median, ratioSummary } from './stats.ts'

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

/** One backend's run in the page: where figures go and how they are named and estimated. */
export type PageRun = {
  page: Page
  inp: BrowserInputs
  meta: (name: string, unit: string) => FigureMeta
  /** Measured (or probed) rows/s for a predict of `rows` rows. */
  rate: (rows: number) => number | null
  log: (s: string) => void
  out: Figure[]
}

const NO_EXTRAS: Partial<ExplainSettings> = { igSteps: 0, counterfactuals: 0 }
const SHAP_BLACK_BOX: Partial<ExplainSettings> = { ...NO_EXTRAS, shap: true, fastPath: false }
const SHAP_FAST: Partial<ExplainSettings> = { ...NO_EXTRAS, shap: true, fastPath: true }

/** A measurement for the log: its median seconds, or its estimate when skipped. */
export const show = (m: Measurement): string =>
  m.skipped ? `skipped (${m.estimateS.toFixed(0)} s)` : `${median(m.times).toFixed(4)} s`

const workerMedian = (w: number[]) => (w.length ? median(w) : null)

/** A per-row measurement: the page round trips, the worker's own seconds, whether it was exact. */
export type PerRow = { m: Measurement; worker: number[]; exact: boolean | null }

/**
 * SHAP per row on the backend (black box, fast path, floors, sampled), figures pushed to
 * `r.out`; returns the two exact measurements later estimates use.
 */
export async function shapRowFigures(r: PageRun): Promise<{ bb: PerRow; fp: PerRow }> {
  const { page, inp, meta, rate, log, out } = r
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
  log(`  shap exact per row: black box ${show(bb.m)}, fast path ${show(fp.m)}`)
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
          compare: overFloorCompare,
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

  return { bb, fp }
}
