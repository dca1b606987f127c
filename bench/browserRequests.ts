/**
 * The bench's requests to an open page, each through `window.__glassbox` and timed inside the
 * page (so the round trip excludes Playwright's own overhead), with the worker's own time where
 * it reports one; a request past the figure budget is cancelled in the page (BudgetExceeded), one
 * past its limit means the worker is stuck.
 */
import type { Page } from '@playwright/test'
import type { ExplainSettings } from '../src/core/explain.ts'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import type { QuantSchemeId } from '../src/core/quantize/schemes.ts'
import type { AuditSettings } from '../src/report/audit.ts'
import { BudgetExceeded } from './measure.ts'
import { FIGURE_BUDGET_S } from './stats.ts'

/** Seeds of global SHAP requests: a new one for each, so that the worker's cache never answers. */
let globalSeed = 1000

/** Rejects when `p` takes longer than `s` seconds. */
export function withTimeout<T>(p: Promise<T>, s: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${s} s`)), s * 1000)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** A request that takes this long means the worker is stuck (5 × the estimate, at least 2 min). */
export const limitFor = (estimateS: number | null): number =>
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

/**
 * One global SHAP request as the Explain tab runs it (the worker pool), with a seed never used
 * before; checks that it was computed (not cached) and exact.
 */
export async function globalShapTimed(page: Page, n: number, limitS: number) {
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

/** One compress request (the Compression tab's command): its seconds in the page. */
export async function compressTimed(
  page: Page,
  ids: readonly QuantSchemeId[],
  shapRows: number,
  limitS: number,
): Promise<number> {
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
    limitS,
    'compress',
  )
  if (r.aborted) throw new BudgetExceeded(r.seconds)
  return r.seconds
}

/** One audit request (the Overview's Audit report command): its seconds in the page. */
export async function auditTimed(
  page: Page,
  settings: AuditSettings,
  limitS: number,
): Promise<number> {
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
    limitS,
    'audit',
  )
  if (r.aborted) throw new BudgetExceeded(r.seconds)
  return r.seconds
}
