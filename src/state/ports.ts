/**
 * What the stores need from the outside world, passed to their factories: the worker clients
 * (the page creates the real ones once, in src/state/app.ts; unit tests pass fakes), the clock,
 * network and downloads. Nothing here has a side effect on import.
 */
import type { WorkerClient, WorkerError } from '../workers/client.ts'
import type { ModelPool } from '../workers/pool.ts'
import type {
  DataRequests,
  DataResults,
  ModelRequests,
  ModelResults,
  StatsRequests,
  StatsResults,
} from '../workers/protocol.ts'

/** The data worker (CSV parsing). */
export type DataWorkerPort = Pick<WorkerClient<DataRequests, DataResults>, 'request'>

/**
 * The primary model worker: requests, plus its unsolicited events (device lost) and restarts
 * (the owner re-sends the session), and the rows-per-call cap it learned from out-of-memory errors.
 */
export type ModelWorkerPort = Pick<
  WorkerClient<ModelRequests, ModelResults>,
  'request' | 'onEvent' | 'onRestart' | 'chunkCap'
>

/** The stats worker (or its main-thread fallback): metrics, groupings, calibration, order. */
export type StatsPort = Pick<WorkerClient<StatsRequests, StatsResults>, 'request'>

/** The model worker pool (global SHAP and compression split over helper workers). */
export type PoolPort = Pick<ModelPool, 'globalShap' | 'compress' | 'reset'>

/** Everything with a side effect that the stores use. */
export type StateDeps = {
  data: DataWorkerPort
  model: ModelWorkerPort
  stats: StatsPort
  pool: PoolPort
  /** Most model workers a job may use on this device (the pool limit's maximum), ≥ 1. */
  poolHardware: number
  /** Fetches a URL (a schema given by URL). */
  fetch: (url: string, init?: RequestInit) => Promise<Response>
  /** A monotonic clock in ms (job progress and ETA). */
  now: () => number
  /** Saves bytes as a file named `name` (a download in the browser). */
  download: (data: Blob, name: string) => void
}

/** Whether `e` is a cancellation (a WorkerError or DOMException of kind/name AbortError). */
export function isAbortError(e: unknown): boolean {
  const err = e as Partial<WorkerError> | null | undefined
  return err?.kind === 'AbortError' || err?.name === 'AbortError'
}

/** The message of an error (or its text when it is not an Error). */
export function errorMessage(e: unknown): string {
  return (e as Error | null)?.message || String(e)
}
