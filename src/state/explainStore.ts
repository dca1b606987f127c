/**
 * Explanations of the loaded model: per-row SHAP / IG / counterfactuals and global SHAP. Jobs go
 * through the job slot (src/state/jobs.ts), so a new job supersedes the running one (its result
 * is dropped) and the progress bar and Cancel button are shared. The first time the Explain tab
 * is shown in a session, this store explains the default row and a global sample by itself.
 *
 * Each part of a row's explanation keeps the settings it was computed with, so the view can print
 * them under every chart even when SHAP and IG were run at different times.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { EXPLAIN_DEFAULTS, type ExplainSettings, type RowExplanation } from '../core/explain.ts'
import type { BackgroundSpec } from '../core/shap/background.ts'
import { locksForSchema } from '../core/views/cfLocks.ts'
import { auditDefaultRows } from '../report/audit.ts'
import type { ExplainResult, GlobalShapResult } from '../workers/protocol.ts'
import type { CohortStore } from './cohortStore.ts'
import type { Jobs } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'
import type { Ui } from './uiStore.ts'

/** The parts of a row's explanation. */
export type ExplainPart = 'shap' | 'ig' | 'counterfactuals'

/** One row's explanation, merged over the jobs run for that row. */
export type RowResult = {
  row: number
  /** Present keys = parts computed (see RowExplanation). */
  explanation: RowExplanation
  featureNames: string[]
  /** Settings each part was computed with (threshold included); null = not computed. */
  used: Record<ExplainPart, ExplainSettings | null>
  /** Worker wall time of the job that computed each part, ms. */
  ms: Record<ExplainPart, number | null>
  /** Why this tree model's row has no TreeSHAP (the explain result's reason); null otherwise. */
  treeShapUnavailable: string | null
}

/** What a global SHAP result was computed with. */
export type GlobalUsed = {
  /** Rows asked for (the result may hold fewer when the cohort is smaller). */
  n: number
  seed: number
  background: BackgroundSpec
  budget: number
  /** The cohort filter the rows were sampled from; null = all rows. */
  cohort: string | null
  /** The cohort's rows sampled from (cohortStore's `view.index` at the time); null = all rows. */
  pool: Int32Array | null
}

/** The Explain tab's row, settings and results. */
export type ExplainState = {
  /** Row to explain; −1 = the default row (`explainDefaultRow`), fixed when the view opens. */
  row: number
  settings: ExplainSettings
  /** The explained row's result (null until a row was explained in this session). */
  rowResult: RowResult | null
  globalN: number
  global: GlobalShapResult | null
  globalUsed: GlobalUsed | null
  /** Dependence plot: x feature and colour feature (indices; null = default, −1 = no colour). */
  dependenceFeature: number | null
  dependenceColor: number | null
  /** The automatic first explanation already ran (or was started) in this session. */
  autoDone: boolean
}

/** The explain store and its actions. */
export type ExplainStore = {
  readonly store: StoreApi<ExplainState>
  setRow(row: number): void
  setSettings(patch: Partial<ExplainSettings>): void
  /** Rows of the global SHAP sample (a positive integer; others ignored). */
  setGlobalN(n: number): void
  setDependence(patch: { feature?: number | null; color?: number | null }): void
  /** The row to explain: the chosen one, or the default row while none was chosen (−1). */
  rowResolved(): number
  /**
   * Explains the chosen row; `parts` picks SHAP, IG and/or counterfactuals. Parts not asked for
   * keep their earlier result when the row is the same. IG is skipped for a model without
   * gradients (the session's `modelFacts.igUnavailable`); tree models' SHAP brings TreeSHAP with it.
   * @returns true when the result arrived (false: invalid row, cancelled, superseded or failed).
   */
  runExplain(parts: Record<ExplainPart, boolean>): Promise<boolean>
  /**
   * SHAP for a seeded sample of rows: the global ranking and the per-row matrix. With a cohort
   * filter applied and the views restricted to it, the rows are drawn from the cohort.
   * @returns true when the result arrived.
   */
  runGlobalShap(): Promise<boolean>
  /**
   * Once per session (model + data), when the Explain tab is shown and no job runs: explains the
   * chosen row (a shared link's) or else the default row (SHAP, IG and counterfactuals), then
   * computes global SHAP. Each step is an ordinary job; cancelling or starting another job stops
   * the sequence, and it does not run again until a new model or data is loaded.
   */
  sync(): void
  /**
   * Results belong to a session: a new one clears them (and re-arms the automatic run); features
   * locked for counterfactuals that the new schema lacks fall back to the default (locksForSchema).
   */
  sessionChanged(dataChanged: boolean): void
}

/**
 * The row the Explain view opens on: the first of the audit's default rows (the CLI's
 * `auditDefaultRows(nRows, seed)[0]`), so the dashboard and the report start from the same row.
 * @returns 0 for an empty table.
 */
export function explainDefaultRow(nRows: number, seed: number): number {
  return auditDefaultRows(nRows, seed)[0] ?? 0
}

const PART_KEYS: Record<ExplainPart, (keyof RowExplanation)[]> = {
  shap: ['baseValue', 'exact', 'shap', 'shapStdErr', 'treeShap', 'shapPath'],
  ig: ['ig', 'igSteps', 'igCompletenessGap', 'igRefinement'],
  counterfactuals: ['counterfactuals', 'diversity', 'noneReason'],
}

/** Merges a new explanation of `row` into the current one (same row: parts not recomputed stay). */
function mergeRow(
  prev: RowResult | null,
  row: number,
  res: ExplainResult,
  parts: Record<ExplainPart, boolean>,
  s: ExplainSettings,
): RowResult {
  const e = res.explanations[String(row)]!
  const keep = prev && prev.row === row ? prev : null
  const explanation: RowExplanation = { prediction: e.prediction }
  const used: RowResult['used'] = { shap: null, ig: null, counterfactuals: null }
  const ms: RowResult['ms'] = { shap: null, ig: null, counterfactuals: null }
  for (const p of ['shap', 'ig', 'counterfactuals'] as const) {
    const src = parts[p] ? e : keep?.explanation
    if (!src || (!parts[p] && !keep?.used[p])) continue
    for (const k of PART_KEYS[p])
      if (Object.hasOwn(src, k)) Object.assign(explanation, { [k]: src[k] })
    used[p] = parts[p] ? s : keep!.used[p]
    ms[p] = parts[p] ? res.ms : keep!.ms[p]
  }
  return {
    row,
    explanation,
    featureNames: res.featureNames,
    used,
    ms,
    treeShapUnavailable: res.treeShapUnavailable,
  }
}

/** The stores explanations read. */
export type ExplainInputs = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  cohort: CohortStore
  ui: Ui
}

/**
 * The explain store over the model worker and its pool.
 * @example const explain = createExplain(deps, inputs); await explain.runExplain({ shap: true, ig: false, counterfactuals: false })
 */
export function createExplain(
  deps: Pick<StateDeps, 'model' | 'pool'>,
  { jobs, session, metrics, cohort, ui }: ExplainInputs,
): ExplainStore {
  const store = createStore<ExplainState>()(() => ({
    row: -1,
    settings: { ...EXPLAIN_DEFAULTS },
    rowResult: null,
    globalN: 200,
    global: null,
    globalUsed: null,
    dependenceFeature: null,
    dependenceColor: null,
    autoDone: false,
  }))
  const { notify, startJob, endJob, progress } = jobs
  const nRows = () => session.store.getState().data?.table.nRows ?? 0

  const rowResolved = () => {
    const { row, settings } = store.getState()
    return row >= 0 ? row : explainDefaultRow(nRows(), settings.seed)
  }

  async function runExplain(asked: Record<ExplainPart, boolean>): Promise<boolean> {
    const { settings } = store.getState()
    // A model without gradients (ONNX, XGBoost) has no IG: the view says why; the job skips it.
    const noIg = session.store.getState().modelFacts?.igUnavailable ?? null
    const parts = noIg ? { ...asked, ig: false } : asked
    if (!parts.shap && !parts.ig && !parts.counterfactuals) {
      notify('info', `Integrated gradients are unavailable: ${noIg}`)
      return false
    }
    const n = nRows()
    const row = rowResolved()
    if (!(Number.isInteger(row) && row >= 0 && row < n)) {
      notify('error', `Row ${row} does not exist: choose a row from 0 to ${n - 1}.`)
      return false
    }
    const s: ExplainSettings = {
      ...settings,
      threshold: metrics.store.getState().threshold,
      shap: parts.shap,
      igSteps: parts.ig ? settings.igSteps || 'auto' : 0,
      counterfactuals: parts.counterfactuals ? settings.counterfactuals || 4 : 0,
    }
    const signal = startJob(`Explaining row ${row}`)
    try {
      const result = await deps.model.request(
        { cmd: 'explain', rows: [row], settings: s },
        { signal, onProgress: progress(signal) },
      )
      if (signal.aborted) return false
      store.setState((st) => ({ rowResult: mergeRow(st.rowResult, row, result, parts, s) }))
      return true
    } catch (e) {
      if (isAbortError(e)) notify('info', 'Explanation cancelled.')
      else notify('error', `Explanation failed: ${errorMessage(e)}`)
      return false
    } finally {
      endJob(signal)
    }
  }

  async function runGlobalShap(): Promise<boolean> {
    const { globalN, settings } = store.getState()
    const c = cohort.store.getState()
    const index = c.restrict ? (c.view?.index ?? null) : null
    const pool = index ? Array.from(index) : null
    const used: GlobalUsed = {
      n: globalN,
      seed: settings.seed,
      background: settings.background,
      budget: settings.budget,
      cohort: index ? c.text.trim() : null,
      pool: index,
    }
    const signal = startJob(`Global SHAP (${pool ? Math.min(globalN, pool.length) : globalN} rows)`)
    try {
      // Split over the worker pool on CPU backends (same numbers as one worker).
      const run = await deps.pool.globalShap(
        {
          n: globalN,
          seed: used.seed,
          background: used.background,
          budget: used.budget,
          ...(pool ? { pool } : {}),
        },
        { signal, onProgress: progress(signal) },
      )
      if (signal.aborted) return false
      const global: GlobalShapResult = { ...run.result, workers: run.workers, backend: run.backend }
      store.setState({ global, globalUsed: used })
      return true
    } catch (e) {
      if (isAbortError(e)) notify('info', 'Global SHAP cancelled.')
      else notify('error', `Global SHAP failed: ${errorMessage(e)}`)
      return false
    } finally {
      endJob(signal)
    }
  }

  async function explainAuto(): Promise<void> {
    const st = store.getState()
    store.setState({ autoDone: true })
    if (!st.rowResult) {
      store.setState({ row: rowResolved() })
      if (!(await runExplain({ shap: true, ig: true, counterfactuals: true }))) return
    }
    if (!store.getState().global && jobs.store.getState().job === null) await runGlobalShap()
  }

  return {
    store,
    setRow: (row) => store.setState({ row }),
    setSettings: (patch) => store.setState((s) => ({ settings: { ...s.settings, ...patch } })),
    setGlobalN(n) {
      if (Number.isInteger(n) && n > 0) store.setState({ globalN: n })
    },
    setDependence(patch) {
      store.setState((s) => ({
        dependenceFeature: patch.feature === undefined ? s.dependenceFeature : patch.feature,
        dependenceColor: patch.color === undefined ? s.dependenceColor : patch.color,
      }))
    },
    rowResolved,
    runExplain,
    runGlobalShap,
    sync() {
      if (ui.store.getState().tab !== 'Explain' || store.getState().autoDone) return
      if (!session.store.getState().ready || jobs.store.getState().job !== null) return
      if (nRows() === 0) return
      void explainAuto()
    },
    sessionChanged(dataChanged) {
      const schema = session.store.getState().schema?.schema
      store.setState((st) => ({
        settings: schema ? locksForSchema(schema, st.settings) : st.settings,
        rowResult: null,
        global: null,
        globalUsed: null,
        dependenceFeature: null,
        dependenceColor: null,
        autoDone: false,
        row: dataChanged ? -1 : st.row,
      }))
    },
  }
}
