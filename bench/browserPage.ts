/**
 * The browser figures of one backend, measured through `window.__glassbox` in an open page:
 * one explain request per row (SHAP only, IG only) or per query (counterfactuals only), each
 * timed inside the page, and the worker's benchPredict floor.
 */
import type { Page } from '@playwright/test'
import type { ExplainSettings } from '../src/core/explain.ts'
import type { BackendStatus } from '../src/workers/protocol.ts'
import { type CfQuery, cfFigures, cfSummarise } from './counterfactuals.ts'
import { CF_K } from './nodeCf.ts'
import { SHAP_FLOOR_ROWS, shapComparisons } from './peers.ts'
import { type Figure, figure, mean, median, timeItems } from './report.ts'

/** Seconds each browser figure may spend, per backend. */
export const BROWSER_BUDGETS = { shap: 12, ig: 6, cf: 8, floor: 8 } as const
/** Counterfactual queries per backend in the browser. */
export const BROWSER_CF_QUERIES = 10

const SHAP_ONLY: Partial<ExplainSettings> = { shap: true, igSteps: 0, counterfactuals: 0 }
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

/** One explain request timed in the page; returns the round trip and the worker's own time. */
export async function explainTimed(
  page: Page,
  row: number,
  settings: Partial<ExplainSettings>,
  limitS: number,
) {
  return withTimeout(
    page.evaluate(
      async ([r, s]) => {
        const t = performance.now()
        const res = await window.__glassbox!.explain([r], s)
        const e = res.explanations[String(r)]!
        return {
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
      [row, settings] as const,
    ),
    limitS,
    `explain row ${row}`,
  )
}

/** One benchPredict in the worker, ms. */
export function benchPredict(page: Page, rows: number, limitS: number): Promise<number> {
  return withTimeout(
    page.evaluate(async (n) => (await window.__glassbox!.benchPredict(n)).ms, rows),
    limitS,
    `benchPredict(${rows})`,
  )
}

/** Generous per-request limit: a request that takes this long means the worker is stuck. */
const requestLimit = (budgetS: number): number => 5 * budgetS + 60

/**
 * Figures of backend `st`. `randomProximity(rows)` is the random baseline's mean proximity on
 * those query rows (from Node), the guided search's proximity target.
 * @throws when the backend cannot be activated or a request exceeds its limit.
 */
export async function browserBackendFigures(
  page: Page,
  st: BackendStatus,
  rows: readonly number[],
  cfRows: readonly number[],
  randomProximity: (rows: readonly number[]) => number | null,
  log: (s: string) => void,
): Promise<Figure[]> {
  const name = st.name
  const B = BROWSER_BUDGETS
  const common = (budgetS: number) => ({ backend: name, where: 'browser' as const, budgetS })
  const active = await withTimeout(
    page.evaluate((n) => window.__glassbox!.setBackend(n), name),
    180,
    `setBackend(${name})`,
  )
  if (active !== name) throw new Error(`setBackend(${name}) left ${active ?? 'no backend'} active`)
  // Warm-up (shader compilation, wasm init, gradient kernels) on row 0, which is never measured.
  await explainTimed(page, 0, { shap: true, igSteps: 64, counterfactuals: 0 }, 300)

  const shapWorker: number[] = []
  const shapTimes = await timeItems(rows.length, B.shap, async (i) => {
    const r = await explainTimed(page, rows[i]!, SHAP_ONLY, requestLimit(B.shap))
    if (r.exact !== true) throw new Error(`SHAP of row ${rows[i]} was not exact`)
    shapWorker.push(r.workerSeconds)
    return r.seconds
  })
  log(`  shap ${median(shapTimes).toFixed(3)} s/row over ${shapTimes.length} rows`)

  const igSteps: number[] = []
  let igGap = 0
  const igTimes = await timeItems(rows.length, B.ig, async (i) => {
    const r = await explainTimed(page, rows[i]!, IG_ONLY, requestLimit(B.ig))
    igSteps.push(r.igSteps ?? NaN)
    igGap = Math.max(igGap, Math.abs(r.igGap ?? NaN))
    return r.seconds
  })
  log(`  ig ${median(igTimes).toFixed(3)} s/row over ${igTimes.length} rows`)

  const sensitive = await page.evaluate(
    () => window.__glassbox!.state().schema?.schema.sensitive ?? [],
  )
  const queries: CfQuery[] = []
  await timeItems(cfRows.length, B.cf, async (i) => {
    const r = await explainTimed(page, cfRows[i]!, CF_ONLY, requestLimit(B.cf))
    queries.push({
      seconds: r.seconds,
      answers: r.cfs.map(({ valid, nChanged, proximity }) => ({ valid, nChanged, proximity })),
      sensitiveChanged: r.cfs.filter((a) => a.changes.some((c) => sensitive.includes(c))).length,
    })
    return r.seconds
  })
  log(`  counterfactuals: ${queries.length} queries`)

  // Floor: warm up, estimate the rate, then the full 204,700-row predict if it fits the budget,
  // else the largest multiple of 32,768 rows that does, scaled up to 204,700 rows.
  await benchPredict(page, 8192, requestLimit(B.floor))
  const probeMs = await benchPredict(page, 32768, requestLimit(B.floor))
  const projected = (probeMs / 1000) * (SHAP_FLOOR_ROWS / 32768)
  let floorS: number
  let floorN: number
  let floorRows = SHAP_FLOOR_ROWS
  if (projected <= B.floor / 2) {
    const reps = await timeItems(
      3,
      B.floor,
      async () => (await benchPredict(page, SHAP_FLOOR_ROWS, requestLimit(B.floor))) / 1000,
    )
    floorS = median(reps)
    floorN = reps.length
  } else {
    floorRows = Math.max(
      32768,
      Math.min(
        SHAP_FLOOR_ROWS,
        Math.floor((((0.6 * B.floor) / projected) * SHAP_FLOOR_ROWS) / 32768) * 32768,
      ),
    )
    floorS =
      ((await benchPredict(page, floorRows, requestLimit(B.floor))) / 1000) *
      (SHAP_FLOOR_ROWS / floorRows)
    floorN = 1
  }
  log(`  floor ${floorS.toFixed(3)} s for ${SHAP_FLOOR_ROWS} rows`)

  const shapMed = median(shapTimes)
  return [
    figure({
      ...common(B.shap),
      name: 'shap.exact',
      value: shapMed,
      unit: 's/row',
      n: shapTimes.length,
      stats: {
        meanSeconds: mean(shapTimes),
        meanWorkerSeconds: mean(shapWorker),
        floorSeconds: floorS,
        probedRowsPerSec: st.rowsPerSec,
      },
      compare: shapComparisons(shapMed),
      note: `one explain request per row (dedupe on), timed in the page; ${shapTimes.length} of ${rows.length} rows within the budget`,
    }),
    figure({
      ...common(B.ig),
      name: 'ig.auto',
      value: median(igTimes),
      unit: 's/row',
      n: igTimes.length,
      stats: { meanSeconds: mean(igTimes), meanSteps: mean(igSteps), maxCompletenessGap: igGap },
      note: 'one explain request per row, timed in the page',
    }),
    ...cfFigures(
      'guided',
      cfSummarise(queries),
      common(B.cf),
      randomProximity(cfRows.slice(0, queries.length)),
    ),
    figure({
      ...common(B.floor),
      name: `shap.floor.predict${SHAP_FLOOR_ROWS}`,
      value: floorS,
      unit: 's',
      n: floorN,
      stats: { rowsPredicted: floorRows, rowsPerSec: SHAP_FLOOR_ROWS / floorS },
      ...(floorRows < SHAP_FLOOR_ROWS
        ? {
            note: `extrapolated from one predict of ${floorRows} rows (the full one would exceed the budget)`,
          }
        : {}),
    }),
  ]
}
