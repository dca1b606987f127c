/**
 * The Monitoring tab: a "current" dataset (e.g. last month's production sample) compared with the
 * session's data as the reference, with the session's model and schema. The current CSV is parsed
 * in the data worker; the comparison (feature / prediction / performance / fairness drift and
 * out-of-distribution rows) runs in the model worker's `drift` command. Both steps share the job
 * slot, so the job bar shows progress and its Cancel button stops them.
 *
 * View state that a sharing link may serialise (selected feature, sort, histogram mode) lives
 * here beside the result; the table order and ranking are src/core/views/driftView.ts. A new
 * reference (model, data or schema) clears the result and keeps the current data, so the
 * comparison can be run again with one click.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { DriftSort } from '../core/views/driftView.ts'
import { AUDIT_DEFAULTS } from '../report/audit.ts'
import type { DataInput, DriftResult, ParsedData } from '../workers/protocol.ts'
import type { Jobs } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'

/** What the selected feature's chart shows: equal-width bins / categories, or the PSI's own bins. */
export type DriftHistMode = 'histogram' | 'psi'

/** What a result was computed with (printed under the charts). */
export type DriftUsed = {
  threshold: number
  seed: number
  referenceName: string
  currentName: string
}

/** The Monitoring tab's comparison and view choices. */
export type MonitoringState = {
  /** The parsed current CSV (null until one is loaded). */
  current: ParsedData | null
  /** The worker's comparison of `current` against the session's data. */
  result: DriftResult | null
  used: DriftUsed | null
  /** Seed of the OOD detector's fit / calibration split (the CLI's --seed). */
  seed: number
  /** Feature whose distributions the chart shows (null = the most drifted). */
  selectedFeature: string | null
  sort: DriftSort
  histMode: DriftHistMode
}

/** The monitoring store and its actions. */
export type MonitoringStore = {
  readonly store: StoreApi<MonitoringState>
  setSort(sort: DriftSort): void
  selectFeature(feature: string | null): void
  setHistMode(histMode: DriftHistMode): void
  /** Seed of the OOD detector (a non-negative integer; others ignored). */
  setSeed(seed: number): void
  /** Forgets the current data and its result (back to the empty state). */
  clearCurrent(): void
  /**
   * Parses a current CSV in the data worker, then compares it with the session's data in the
   * model worker. On failure an error notice names the problem and what was loaded before stays.
   * @returns true when a result arrived.
   */
  loadCurrent(input: DataInput): Promise<boolean>
  /** Compares the loaded current data again (after a new reference, threshold or seed). */
  rerun(): Promise<boolean>
  /** A result belongs to a reference: a new model, data, schema or class clears it. */
  clearResult(): void
}

/** The stores a comparison reads. */
export type MonitoringInputs = { jobs: Jobs; session: Session; metrics: MetricsStore }

/**
 * The monitoring store.
 * @example const monitoring = createMonitoring(deps, inputs); await monitoring.loadCurrent(input)
 */
export function createMonitoring(
  deps: Pick<StateDeps, 'data' | 'model'>,
  { jobs, session, metrics }: MonitoringInputs,
): MonitoringStore {
  const store = createStore<MonitoringState>()(() => ({
    current: null,
    result: null,
    used: null,
    seed: AUDIT_DEFAULTS.seed,
    selectedFeature: null,
    sort: { key: 'psi', dir: 'desc' },
    histMode: 'histogram',
  }))
  const { notify, startJob, endJob, progress } = jobs

  /** Runs the worker's comparison of `current` with the session under a started job. */
  async function compare(current: ParsedData, signal: AbortSignal): Promise<boolean> {
    const app = session.store.getState()
    const threshold = metrics.store.getState().threshold
    const { seed } = store.getState()
    const result = await deps.model.request(
      { cmd: 'drift', table: current.table, dataName: current.name, threshold, seed },
      { signal, onProgress: progress(signal) },
    )
    const now = session.store.getState()
    // Superseded, or the reference changed while the worker was busy: the result is stale.
    if (
      signal.aborted ||
      now.model !== app.model ||
      now.data !== app.data ||
      now.schema !== app.schema
    )
      return false
    const sel = store.getState().selectedFeature
    const keep = sel !== null && result.analysis.features.some((f) => f.feature === sel)
    store.setState({
      current,
      result,
      used: {
        threshold,
        seed,
        referenceName: app.data?.name ?? 'the reference data',
        currentName: current.name,
      },
      selectedFeature: keep ? sel : null,
    })
    return true
  }

  return {
    store,
    setSort: (sort) => store.setState({ sort }),
    selectFeature: (feature) => store.setState({ selectedFeature: feature }),
    setHistMode: (histMode) => store.setState({ histMode }),
    setSeed(seed) {
      if (Number.isInteger(seed) && seed >= 0) store.setState({ seed })
    },
    clearCurrent: () =>
      store.setState({ current: null, result: null, used: null, selectedFeature: null }),
    async loadCurrent(input) {
      if (!session.store.getState().ready) {
        notify(
          'error',
          'Load a model and reference data first: the current data is compared with them.',
        )
        return false
      }
      const signal = startJob('Loading the current data')
      try {
        const parsed = await deps.data.request(
          { cmd: 'parse', input },
          { signal, onProgress: progress(signal) },
        )
        if (signal.aborted) return false
        return await compare(parsed, signal)
      } catch (e) {
        if (isAbortError(e)) notify('info', 'Loading the current data cancelled.')
        else notify('error', `The current data could not be compared: ${errorMessage(e)}`)
        return false
      } finally {
        endJob(signal)
      }
    },
    async rerun() {
      const current = store.getState().current
      if (!current) return false
      const signal = startJob(`Comparing ${current.name} with the reference`)
      try {
        return await compare(current, signal)
      } catch (e) {
        if (isAbortError(e)) notify('info', 'The comparison was cancelled.')
        else notify('error', `The comparison failed: ${errorMessage(e)}`)
        return false
      } finally {
        endJob(signal)
      }
    },
    clearResult() {
      if (store.getState().result) store.setState({ result: null, used: null })
    },
  }
}
