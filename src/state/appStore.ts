/**
 * The dashboard's state: a zustand vanilla store (React binds to it in src/ui), driven by
 * actions that talk to the workers. Loading is transactional: the new model / data / schema
 * are validated together in the model worker and only then replace what the user had.
 */
import { createStore } from 'zustand/vanilla'
import type { Calibration } from '../core/calibration.ts'
import {
  confusionAt,
  metricsAt,
  type PerformanceMetrics,
  type PrCurve,
  type RocCurve,
  type ThresholdFreeMetrics,
} from '../core/metrics.ts'
import type { Schema } from '../core/schema.ts'
import {
  type ColumnProfile,
  type InferChoices,
  schemaDefaultChoices,
  schemaInfer,
  schemaParse,
} from '../core/schemaIo.ts'
import type { Table } from '../core/table.ts'
import type { ModelInfo } from '../model/card.ts'
import { WorkerError } from '../workers/client.ts'
import type {
  BackendName,
  BackendStatus,
  DataInput,
  EncodeSummary,
  ModelInput,
} from '../workers/protocol.ts'
import { classRequest } from '../model/card.ts'
import { statsRequest } from './statsWorker.ts'
import { dataWorker, modelWorker } from './workers.ts'

export type Notice = { id: number; level: 'info' | 'warning' | 'error'; text: string }

/** A running job; `etaSeconds` extrapolates the elapsed time once 5% is done (null before). */
export type Job = {
  label: string
  done: number
  total: number
  startedAt: number
  etaSeconds: number | null
}

/** The schema in use; `url` when it came from one (a link can carry it). */
export type SchemaSource = { schema: Schema; name: string; inferred: boolean; url?: string }

export type DataState = {
  name: string
  bytes: number
  sha256: string
  table: Table
  profiles: ColumnProfile[]
  delimiter: string
  /** Where the CSV came from (a link can carry a URL; a session bundle re-reads a file). */
  input: DataInput
}

export type Performance = {
  /** The threshold-free part of `metrics` (a threshold change only recounts the confusion). */
  free: ThresholdFreeMetrics
  metrics: PerformanceMetrics
  roc: RocCurve | null
  pr: PrCurve | null
  averagePrecision: number | null
  calibration: Calibration
}

export type AppState = {
  ready: boolean
  job: Job | null
  model: { info: ModelInfo; input: ModelInput } | null
  data: DataState | null
  schema: SchemaSource | null
  /** Choices behind an inferred schema (target, positive, sensitive, features). */
  inferChoices: InferChoices | null
  classIndex: number
  encode: EncodeSummary | null
  labels: Uint8Array | null
  predictions: Float32Array | null
  threshold: number
  performance: Performance | null
  backends: BackendStatus[]
  activeBackend: BackendName | null
  predictMs: number | null
  /** Where the backend rates come from: measured now, or the probe cache (with when). */
  probe: ProbeInfo | null
  notices: Notice[]
}

/** The last backend choice: `cached` = reused from an earlier measurement on this device. */
export type ProbeInfo = { cached: boolean; measuredAt: number; note: string | null }

/** What a user can hand over at once; omitted parts keep what is loaded. */
export type LoadBundle = {
  model?: ModelInput
  data?: DataInput
  schema?:
    | { kind: 'file'; file: File }
    | { kind: 'url'; url: string }
    | { kind: 'object'; schema: Schema; name: string }
  /** Choices for inferring a schema from the data (when no schema is given). */
  infer?: InferChoices
  classIndex?: number
}

const initial: AppState = {
  ready: false,
  job: null,
  model: null,
  data: null,
  schema: null,
  inferChoices: null,
  classIndex: -1,
  encode: null,
  labels: null,
  predictions: null,
  threshold: 0.5,
  performance: null,
  backends: [],
  activeBackend: null,
  predictMs: null,
  probe: null,
  notices: [],
}

export const appStore = createStore<AppState>()(() => ({ ...initial }))

let noticeId = 1
let jobController: AbortController | null = null

/** Adds a notice; errors stay until dismissed, info/warnings too (they carry facts the user needs). */
export function notify(level: Notice['level'], text: string): void {
  appStore.setState((s) => ({ notices: [...s.notices, { id: noticeId++, level, text }] }))
}

export function dismissNotice(id: number): void {
  appStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }))
}

/**
 * Derived numbers for predictions and labels, all from src/core: the O(n log n) part (AUC, curves,
 * AP, calibration) in the stats worker — a million rows would block the page for a second — and
 * the confusion counts at `threshold` (O(n)) here.
 */
async function computePerformance(
  p: Float32Array | null,
  y: Uint8Array | null,
  threshold: number,
): Promise<Performance | null> {
  if (!p || !y) return null
  const r = await statsRequest({ cmd: 'performance', p, y })
  return {
    free: r.free,
    metrics: metricsAt(r.free, confusionAt(p, y, threshold), threshold),
    roc: r.roc,
    pr: r.pr,
    averagePrecision: r.averagePrecision,
    calibration: r.calibration,
  }
}

/**
 * Computes the performance of new predictions and stores it with them — unless newer predictions
 * arrived meanwhile. The threshold is read when the numbers arrive, so a slider move during the
 * computation is honoured.
 */
async function storePredictions(
  patch: Partial<AppState> & { predictions: Float32Array },
  labels: Uint8Array | null,
): Promise<void> {
  latestPredictions = patch.predictions
  const performance = await computePerformance(
    patch.predictions,
    labels,
    appStore.getState().threshold,
  ).catch((e: Error) => {
    notify('error', `Computing the metrics failed: ${e.message}`)
    return null
  })
  if (latestPredictions !== patch.predictions) return
  const t = appStore.getState().threshold
  appStore.setState({
    ...patch,
    performance: performance && withThreshold(performance, patch.predictions, labels, t),
  })
}

/** Predictions most recently handed to `storePredictions` (older answers are dropped). */
let latestPredictions: Float32Array | null = null

/** `perf` with its metrics at threshold `t` (confusion recounted, the rest reused). */
function withThreshold(
  perf: Performance,
  p: Float32Array,
  y: Uint8Array | null,
  t: number,
): Performance {
  if (!y || perf.metrics.threshold === t) return perf
  return { ...perf, metrics: metricsAt(perf.free, confusionAt(p, y, t), t) }
}

export function setThreshold(t: number): void {
  if (!(t >= 0 && t <= 1)) return
  const s = appStore.getState()
  // Curves, AP and calibration do not depend on the threshold: only the confusion is recounted.
  const performance =
    s.performance && s.predictions ? withThreshold(s.performance, s.predictions, s.labels, t) : null
  appStore.setState({ threshold: t, performance })
}

/** Starts a job, superseding (cancelling) any running one; returns its signal. */
export function startJob(label: string): AbortSignal {
  jobController?.abort()
  jobController = new AbortController()
  appStore.setState({
    job: { label, done: 0, total: 1, startedAt: performance.now(), etaSeconds: null },
  })
  return jobController.signal
}

export function endJob(signal: AbortSignal): void {
  if (jobController?.signal === signal) {
    jobController = null
    appStore.setState({ job: null })
  }
}

/** Cancels the running job (the worker stops at its next chunk). */
export function cancelJob(): void {
  jobController?.abort()
}

/** A progress callback that updates the job bar (ignored once the job is aborted). */
export const progress = (signal: AbortSignal) => (done: number, total: number, label: string) => {
  if (signal.aborted) return
  appStore.setState((s) => {
    const startedAt = s.job?.startedAt ?? performance.now()
    const frac = total > 0 ? done / total : 0
    const elapsed = (performance.now() - startedAt) / 1000
    const etaSeconds = frac > 0.05 && frac < 1 ? (elapsed / frac) * (1 - frac) : null
    return { job: { label, done, total, startedAt, etaSeconds } }
  })
}

async function readSchema(src: NonNullable<LoadBundle['schema']>): Promise<SchemaSource> {
  if (src.kind === 'object') return { schema: src.schema, name: src.name, inferred: false }
  if (src.kind === 'file')
    return {
      schema: schemaParse(await src.file.text(), src.file.name),
      name: src.file.name,
      inferred: false,
    }
  let res: Response
  try {
    res = await fetch(src.url)
  } catch (e) {
    throw new WorkerError('DataError', `${src.url}: could not be fetched (${(e as Error).message})`)
  }
  if (!res.ok) throw new WorkerError('DataError', `${src.url}: HTTP ${res.status}`)
  return {
    schema: schemaParse(await res.text(), src.url),
    name: src.url,
    inferred: false,
    url: src.url,
  }
}

/**
 * Loads any combination of model, data and schema. On success everything is replaced at once;
 * on failure an error notice names the problem and the previous state stays loaded and usable.
 * @returns true when the bundle was loaded.
 */
export async function loadBundle(bundle: LoadBundle): Promise<boolean> {
  const signal = startJob('Loading')
  const before = appStore.getState()
  try {
    let data: DataState | null = null
    if (bundle.data) {
      const parsed = await dataWorker.request(
        { cmd: 'parse', input: bundle.data },
        { signal, onProgress: progress(signal) },
      )
      data = { ...parsed, input: bundle.data }
    }
    let schema: SchemaSource | null = null
    let inferChoices: InferChoices | null = null
    if (bundle.schema) schema = await readSchema(bundle.schema)
    else if (bundle.infer || (data && !before.schema) || (data && before.schema?.inferred)) {
      const table = (data ?? before.data)!.table
      inferChoices = bundle.infer ?? schemaDefaultChoices(table)
      schema = { schema: schemaInfer(table, inferChoices), name: 'inferred schema', inferred: true }
    }
    const classIndex = bundle.classIndex ?? (bundle.model ? -1 : before.classIndex)
    const res = await modelWorker.request(
      {
        cmd: 'load',
        ...(bundle.model ? { model: bundle.model } : {}),
        ...(data ? { table: data.table } : {}),
        ...(schema ? { schema: schema.schema } : {}),
        cls: classRequest(classIndex < 0 ? null : classIndex),
        dataName: data?.name ?? before.data?.name ?? 'the data',
        dataSha256: data?.sha256 ?? before.data?.sha256 ?? '',
        schemaName: schema?.name ?? before.schema?.name ?? 'the schema',
      },
      { signal, onProgress: progress(signal) },
    )
    const labels = res.labels
    progress(signal)(0, 1, 'Computing metrics')
    // The model worker has switched to the new session: the page follows even if cancelled now.
    latestPredictions = res.predictions
    const table = (data ?? before.data)!.table
    const schemaNow = (schema ?? before.schema!).schema
    // The columns the checks read travel alone (shared codes; the others' values stay here).
    const checked = new Set([schemaNow.target.column, ...schemaNow.sensitive])
    const [computed, checks] = await Promise.all([
      computePerformance(res.predictions, labels, appStore.getState().threshold),
      statsRequest({
        cmd: 'loadChecks',
        schema: schemaNow,
        table: { nRows: table.nRows, columns: table.columns.filter((c) => checked.has(c.name)) },
        labels,
        outOfRange: res.outOfRange,
      }),
    ])
    const threshold = appStore.getState().threshold
    appStore.setState({
      ready: true,
      model: bundle.model
        ? { info: res.model, input: bundle.model }
        : before.model && { ...before.model, info: res.model },
      data: data ?? before.data,
      schema: schema ?? before.schema,
      inferChoices: schema ? inferChoices : before.inferChoices,
      classIndex: res.model.outputWidth === 1 ? 0 : classIndex < 0 ? 1 : classIndex,
      encode: res.encode,
      labels,
      predictions: res.predictions,
      performance: computed && withThreshold(computed, res.predictions, labels, threshold),
      activeBackend: res.backend,
      predictMs: res.predictMs,
    })
    reportEncodeNotices(res.encode, schema?.schema ?? before.schema!.schema)
    for (const w of checks.warnings) notify('warning', w)
    if (bundle.model || !before.backends.some((b) => b.rowsPerSec !== null)) void probeBackends()
    return true
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError' || err.name === 'AbortError')
      notify('info', 'Loading cancelled; the previous model and data are still loaded.')
    else
      notify(
        'error',
        `${err.message}${before.ready ? ' — the previously loaded model and data are still loaded.' : ''}`,
      )
    return false
  } finally {
    endJob(signal)
  }
}

function reportEncodeNotices(enc: EncodeSummary, schema: Schema): void {
  if (enc.ignoredColumns.length)
    notify('info', `Columns not in the schema, ignored: ${enc.ignoredColumns.join(', ')}`)
  if (enc.missingTarget)
    notify(
      'warning',
      `The data has no target column "${schema.target.column}": performance, calibration and fairness need it.`,
    )
  if (enc.missingSensitive.length)
    notify(
      'warning',
      `Sensitive column${enc.missingSensitive.length > 1 ? 's' : ''} missing from the data: ${enc.missingSensitive.join(', ')} — fairness by ${enc.missingSensitive.length > 1 ? 'these' : 'it'} is unavailable.`,
    )
}

let probeMeasurements = 0

/** Backend measurements run in this page (cached choices not counted), for tests. */
export function probeMeasurementCount(): number {
  return probeMeasurements
}

/**
 * Activates the fastest backend for the loaded model: the cached measurement of this device and
 * model shape when there is one, else (or with `force`, the Re-measure button) measures them all.
 */
export async function probeBackends(force = false): Promise<void> {
  const signal = startJob(force ? 'Measuring backends' : 'Choosing a backend')
  try {
    const r = await modelWorker.request(
      { cmd: 'probe', ...(force ? { force } : {}) },
      { signal, onProgress: progress(signal) },
    )
    if (r.measured) probeMeasurements++
    if (r.cacheNote) notify('info', `Backend rates: ${r.cacheNote}.`)
    await storePredictions(
      {
        backends: r.backends,
        activeBackend: r.active,
        predictions: r.predictions,
        probe: { cached: !r.measured, measuredAt: r.measuredAt, note: r.cacheNote },
      },
      appStore.getState().labels,
    )
  } catch (e) {
    const err = e as WorkerError
    if (err.kind !== 'AbortError') notify('error', `Backend measurement failed: ${err.message}`)
  } finally {
    endJob(signal)
  }
}

/** Switches to a backend chosen by the user; on failure falls back with a notice. */
export async function setBackend(name: BackendName): Promise<void> {
  const signal = startJob(`Switching to ${name}`)
  try {
    const r = await modelWorker.request(
      { cmd: 'setBackend', backend: name },
      { signal, onProgress: progress(signal) },
    )
    await storePredictions(
      { activeBackend: r.backend, predictMs: r.predictMs, predictions: r.predictions },
      appStore.getState().labels,
    )
  } catch (e) {
    const err = e as WorkerError
    if (err.kind !== 'AbortError')
      notify(
        'error',
        `${err.message}; staying on ${appStore.getState().activeBackend ?? 'the current backend'}.`,
      )
  } finally {
    endJob(signal)
  }
}

modelWorker.onEvent = (ev) => {
  if (ev.type === 'backendLost') {
    const s = appStore.getState()
    notify('warning', `${ev.message}: switched from ${ev.from} to ${ev.to}.`)
    void storePredictions(
      {
        activeBackend: ev.to,
        predictions: ev.predictions,
        backends: s.backends.map((b) =>
          b.name === ev.from ? { ...b, available: false, rowsPerSec: null, error: ev.message } : b,
        ),
      },
      s.labels,
    )
  } else notify('error', `The GPU backend failed and no fallback worked: ${ev.message}`)
}

/** After a worker crash the fresh worker is empty: re-send what the user had. */
modelWorker.onRestart = (message) => {
  const s = appStore.getState()
  notify(
    'error',
    `The model worker stopped (${message}) and was restarted; reloading the current model and data.`,
  )
  if (!s.model || !s.data || !s.schema) return
  const signal = startJob('Reloading after a worker restart')
  modelWorker
    .request(
      {
        cmd: 'load',
        model: s.model.input,
        table: s.data.table,
        schema: s.schema.schema,
        cls: classRequest(s.classIndex < 0 ? null : s.classIndex),
        dataName: s.data.name,
        dataSha256: s.data.sha256,
        schemaName: s.schema.name,
        ...(modelWorker.chunkCap !== null ? { maxChunkRows: modelWorker.chunkCap } : {}),
      },
      { signal, onProgress: progress(signal) },
    )
    .then((r) =>
      storePredictions(
        { activeBackend: r.backend, predictions: r.predictions },
        appStore.getState().labels,
      ),
    )
    .catch((e: Error) => notify('error', `Reloading after the restart failed: ${e.message}`))
    .finally(() => endJob(signal))
}

/** Re-infers the schema with new choices (target, positive, sensitive, features). */
export function applyInferChoices(choices: InferChoices): Promise<boolean> {
  return loadBundle({ infer: choices })
}

/** The built-in demo: model, schema and data shipped in public/demo/. */
export function loadDemo(base: string): Promise<boolean> {
  return loadBundle({
    model: { kind: 'url', url: new URL(`${base}demo/model.json`, location.href).href },
    data: { kind: 'url', url: new URL(`${base}demo/data.csv`, location.href).href },
    schema: { kind: 'url', url: new URL(`${base}demo/schema.json`, location.href).href },
  })
}
