/**
 * Explanations of the loaded model: per-row SHAP / IG / counterfactuals and global SHAP. A vanilla
 * zustand store beside appStore; jobs go through appStore's job slot, so a new job supersedes the
 * running one (its result is dropped) and the progress bar and Cancel button are shared.
 */
import { createStore } from 'zustand/vanilla'
import { EXPLAIN_DEFAULTS, type ExplainSettings } from '../core/explain.ts'
import type { BackgroundSpec } from '../core/shap/background.ts'
import type { WorkerError } from '../workers/client.ts'
import type { ExplainResult, GlobalShapResult } from '../workers/protocol.ts'
import { appStore, endJob, notify, progress, startJob } from './appStore.ts'
import { modelWorker } from './workers.ts'

export type ExplainState = {
  row: number
  settings: ExplainSettings
  /** Result for `resultRow`, computed with the settings shown beside it. */
  result: ExplainResult | null
  resultRow: number | null
  globalN: number
  global: GlobalShapResult | null
}

export const explainStore = createStore<ExplainState>()(() => ({
  row: 0,
  settings: { ...EXPLAIN_DEFAULTS },
  result: null,
  resultRow: null,
  globalN: 200,
  global: null,
}))

export function setExplainRow(row: number): void {
  explainStore.setState({ row })
}

export function setExplainSettings(patch: Partial<ExplainSettings>): void {
  explainStore.setState((s) => ({ settings: { ...s.settings, ...patch } }))
}

export function setGlobalN(n: number): void {
  if (Number.isInteger(n) && n > 0) explainStore.setState({ globalN: n })
}

/** Results belong to a session: a new model or data clears them. */
appStore.subscribe((s, prev) => {
  if (s.predictions !== prev.predictions && (s.model !== prev.model || s.data !== prev.data || s.schema !== prev.schema)) {
    explainStore.setState({ result: null, resultRow: null, global: null })
  }
})

/** Explains the chosen row; `parts` picks SHAP, IG and/or counterfactuals. */
export async function runExplain(parts: { shap: boolean; ig: boolean; counterfactuals: boolean }): Promise<void> {
  const { row, settings } = explainStore.getState()
  const n = appStore.getState().data?.table.nRows ?? 0
  if (!(Number.isInteger(row) && row >= 0 && row < n)) {
    notify('error', `Row ${row} does not exist: choose a row from 0 to ${n - 1}.`)
    return
  }
  const s: ExplainSettings = {
    ...settings,
    threshold: appStore.getState().threshold,
    shap: parts.shap,
    igSteps: parts.ig ? settings.igSteps || 'auto' : 0,
    counterfactuals: parts.counterfactuals ? settings.counterfactuals || 4 : 0,
  }
  const signal = startJob(`Explaining row ${row}`)
  try {
    const result = await modelWorker.request<ExplainResult>({ cmd: 'explain', rows: [row], settings: s }, { signal, onProgress: progress(signal) })
    explainStore.setState({ result, resultRow: row })
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError') notify('info', 'Explanation cancelled.')
    else notify('error', `Explanation failed: ${err.message}`)
  } finally {
    endJob(signal)
  }
}

/** SHAP for a seeded sample of rows: the global ranking and the per-row matrix. */
export async function runGlobalShap(): Promise<void> {
  const { globalN, settings } = explainStore.getState()
  const background: BackgroundSpec = settings.background
  const signal = startJob(`Global SHAP (${globalN} rows)`)
  try {
    const global = await modelWorker.request<GlobalShapResult>(
      { cmd: 'globalShap', n: globalN, seed: settings.seed, background, budget: settings.budget },
      { signal, onProgress: progress(signal) },
    )
    explainStore.setState({ global })
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError') notify('info', 'Global SHAP cancelled.')
    else notify('error', `Global SHAP failed: ${err.message}`)
  } finally {
    endJob(signal)
  }
}
