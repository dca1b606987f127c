/**
 * The Monitoring tab: a "current" dataset (e.g. last month's production sample) compared with the
 * session's data as the reference, with the session's model and schema. The current CSV is parsed
 * in the data worker; the comparison (feature / prediction / performance / fairness drift and
 * out-of-distribution rows) runs in the model worker's `drift` command. Both steps share
 * appStore's job slot, so the job bar shows progress and its Cancel button stops them.
 *
 * View state that a sharing link may serialise (selected feature, sort, histogram mode) lives
 * here beside the result. A new reference (model, data or schema) clears the result and keeps the
 * current data, so the comparison can be run again with one click.
 */
import { createStore } from 'zustand/vanilla'
import { type DriftRank, driftRanking } from '../core/drift/ranking.ts'
import type { FeatureDrift } from '../core/drift/features.ts'
import { AUDIT_DEFAULTS } from '../report/audit.ts'
import type { WorkerError } from '../workers/client.ts'
import type { DataInput, DriftResult, GlobalShapResult, ParsedData } from '../workers/protocol.ts'
import { appStore, endJob, notify, progress, startJob } from './appStore.ts'
import { dataWorker, modelWorker } from './workers.ts'

/** Columns of the feature drift table that can be sorted. */
export const DriftSortKeys = [
  'feature',
  'kind',
  'psi',
  'ks',
  'chi2',
  'pAdjusted',
  'wasserstein',
  'flag',
] as const
export type DriftSortKey = (typeof DriftSortKeys)[number]
export type DriftSort = { key: DriftSortKey; dir: 'asc' | 'desc' }

/** What the selected feature's chart shows: equal-width bins / categories, or the PSI's own bins. */
export type DriftHistMode = 'histogram' | 'psi'

/** What a result was computed with (printed under the charts). */
export type DriftUsed = {
  threshold: number
  seed: number
  referenceName: string
  currentName: string
}

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

const initial: MonitoringState = {
  current: null,
  result: null,
  used: null,
  seed: AUDIT_DEFAULTS.seed,
  selectedFeature: null,
  sort: { key: 'psi', dir: 'desc' },
  histMode: 'histogram',
}

export const monitoringStore = createStore<MonitoringState>()(() => ({ ...initial }))

/** A result belongs to a reference: a new model, data or schema clears it (the current data stays). */
appStore.subscribe((s, prev) => {
  if (
    s.model !== prev.model ||
    s.data !== prev.data ||
    s.schema !== prev.schema ||
    s.classIndex !== prev.classIndex
  ) {
    if (monitoringStore.getState().result) monitoringStore.setState({ result: null, used: null })
  }
})

export function setDriftSort(sort: DriftSort): void {
  monitoringStore.setState({ sort })
}

export function selectDriftFeature(feature: string | null): void {
  monitoringStore.setState({ selectedFeature: feature })
}

export function setDriftHistMode(histMode: DriftHistMode): void {
  monitoringStore.setState({ histMode })
}

export function setDriftSeed(seed: number): void {
  if (Number.isInteger(seed) && seed >= 0) monitoringStore.setState({ seed })
}

/** Forgets the current data and its result (back to the empty state). */
export function clearCurrent(): void {
  monitoringStore.setState({ current: null, result: null, used: null, selectedFeature: null })
}

const aborted = (e: unknown) => {
  const err = e as WorkerError
  return err.kind === 'AbortError' || err.name === 'AbortError'
}

/** Runs the worker's comparison of `current` with the session under a started job; stores both. */
async function compare(current: ParsedData, signal: AbortSignal): Promise<boolean> {
  const app = appStore.getState()
  const { seed } = monitoringStore.getState()
  const ref = { model: app.model, data: app.data, schema: app.schema }
  const result = await modelWorker.request(
    { cmd: 'drift', table: current.table, dataName: current.name, threshold: app.threshold, seed },
    { signal, onProgress: progress(signal) },
  )
  const now = appStore.getState()
  // Superseded, or the reference changed while the worker was busy: the result is stale.
  if (
    signal.aborted ||
    now.model !== ref.model ||
    now.data !== ref.data ||
    now.schema !== ref.schema
  )
    return false
  const sel = monitoringStore.getState().selectedFeature
  const keep = sel !== null && result.analysis.features.some((f) => f.feature === sel)
  monitoringStore.setState({
    current,
    result,
    used: {
      threshold: app.threshold,
      seed,
      referenceName: app.data?.name ?? 'the reference data',
      currentName: current.name,
    },
    selectedFeature: keep ? sel : null,
  })
  return true
}

/**
 * Parses a current CSV in the data worker, then compares it with the session's data in the model
 * worker. On failure an error notice names the problem and what was loaded before stays.
 * @returns true when a result arrived.
 */
export async function loadCurrent(input: DataInput): Promise<boolean> {
  if (!appStore.getState().ready) {
    notify(
      'error',
      'Load a model and reference data first: the current data is compared with them.',
    )
    return false
  }
  const signal = startJob('Loading the current data')
  try {
    const parsed = await dataWorker.request(
      { cmd: 'parse', input },
      { signal, onProgress: progress(signal) },
    )
    if (signal.aborted) return false
    return await compare(parsed, signal)
  } catch (e) {
    if (aborted(e)) notify('info', 'Loading the current data cancelled.')
    else notify('error', `The current data could not be compared: ${(e as Error).message}`)
    return false
  } finally {
    endJob(signal)
  }
}

/** Compares the loaded current data again (after a new reference, threshold or seed). */
export async function rerunDrift(): Promise<boolean> {
  const current = monitoringStore.getState().current
  if (!current) return false
  const signal = startJob(`Comparing ${current.name} with the reference`)
  try {
    return await compare(current, signal)
  } catch (e) {
    if (aborted(e)) notify('info', 'The comparison was cancelled.')
    else notify('error', `The comparison failed: ${(e as Error).message}`)
    return false
  } finally {
    endJob(signal)
  }
}

/** Severity for sorting by flag: drifted 2, watch 1, none 0. */
const severity = (f: FeatureDrift) => (f.drifted ? 2 : f.watch ? 1 : 0)

function sortValue(f: FeatureDrift, key: DriftSortKey): number | string | null {
  switch (key) {
    case 'feature':
      return f.feature
    case 'kind':
      return f.kind
    case 'flag':
      return severity(f) * 1e6 + f.psi
    default:
      return f[key]
  }
}

/**
 * The features in table order for `sort` (ties by feature name; nulls, e.g. KS of a categorical
 * feature, last in either direction). Returns a new array.
 */
export function driftSortFeatures(
  features: readonly FeatureDrift[],
  sort: DriftSort,
): FeatureDrift[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...features].sort((a, b) => {
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1
    } else if (va !== vb) return (va < vb ? -1 : 1) * sign
    return a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0
  })
}

/**
 * Features ranked by PSI × global importance (mean |φ| of the Explain tab's global SHAP, by feature
 * name) through the core's driftRanking; null without a global SHAP result.
 */
export function driftRankingWith(
  features: readonly FeatureDrift[],
  global: GlobalShapResult | null,
): DriftRank[] | null {
  if (!global) return null
  const importance: Record<string, number> = {}
  global.featureNames.forEach((name, i) => (importance[name] = global.meanAbs[i] ?? 0))
  return driftRanking(features, importance)
}

/** The feature the chart shows: the chosen one, else the one with the largest PSI. */
export function driftSelected(s: MonitoringState): FeatureDrift | null {
  const features = s.result?.analysis.features ?? []
  return (
    features.find((f) => f.feature === s.selectedFeature) ??
    features.reduce<FeatureDrift | null>((best, f) => (!best || f.psi > best.psi ? f : best), null)
  )
}

/**
 * Whether row `row` of the CURRENT data is out of distribution: its Mahalanobis distance from the
 * reference is above the reference's 95th percentile (`level: 'p99'`: above the 99th). False when
 * no comparison is loaded or the row does not exist. The reference rows (what the other views
 * show) are the detector's own data and are never flagged.
 * @example useStore(monitoringStore, (s) => oodRowFlag(row, 'p95', s))
 */
export function oodRowFlag(
  row: number,
  level: 'p95' | 'p99' = 'p95',
  s: MonitoringState = monitoringStore.getState(),
): boolean {
  const ood = s.result?.analysis.ood
  const score = ood?.scores[row]
  return ood !== null && ood !== undefined && score !== undefined && score > ood.thresholds[level]
}

/** The OOD distance of current row `row` (null when unknown); see {@link oodRowFlag}. */
export function oodRowScore(
  row: number,
  s: MonitoringState = monitoringStore.getState(),
): number | null {
  return s.result?.analysis.ood?.scores[row] ?? null
}
