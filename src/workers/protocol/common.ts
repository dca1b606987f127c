/**
 * What every worker protocol shares: the envelope of requests and responses, the init handshake
 * and cancel, errors by kind, and the map types that give each command its own request fields and
 * result type (so `client.request({ cmd: 'load', … })` is a `Promise<LoadResult>` with no type
 * argument written at the call). No runtime dependencies beyond constants.
 */
import type { BackendName } from '../../model/card.ts'

/** Commands every worker answers: the init handshake and cancel (handled at once). */
export const CommonCmd = { Init: 'init', Cancel: 'cancel' } as const

/** A worker's requests by command: each command's fields besides `id` and `cmd`. */
export type RequestMap = Record<string, object>

/** Every request of a map, as it travels: `{ id, cmd, …fields }`. */
export type RequestOfMap<M extends RequestMap> = {
  [C in keyof M & string]: { id: number; cmd: C } & M[C]
}[keyof M & string]

/** One command's request without its id (what a caller writes). */
export type RequestFor<M extends RequestMap, C extends keyof M & string> = { cmd: C } & M[C]

/** A command without fields besides `cmd`. */
export type NoFields = Record<never, never>

/** Fields of the cancel message: the id of the request to stop. */
export type CancelRequest = { target: number }

/** How an error travels: its kind decides the page's reaction (AbortError is quiet, OOM restarts). */
export type ErrorKind = 'DataError' | 'ModelError' | 'AbortError' | 'OutOfMemoryError' | 'Error'

/** What a worker posts back: progress, one result or error per request, unsolicited events. */
export type Res =
  | { id: number; kind: 'progress'; done: number; total: number; label: string }
  | { id: number; kind: 'result'; result: unknown }
  /** `chunkRows`: with an OutOfMemoryError, the rows per model call the failed job used. */
  | { id: number; kind: 'error'; errorKind: ErrorKind; message: string; chunkRows?: number }
  /** Unsolicited: e.g. the GPU device was lost and the worker fell back to another backend. */
  | { id: 0; kind: 'event'; event: WorkerEvent }

/** Unsolicited news from a worker. */
export type WorkerEvent =
  | {
      type: 'backendLost'
      from: BackendName
      to: BackendName
      message: string
      predictions: Float32Array
    }
  | { type: 'backendLostFailed'; from: BackendName; message: string }

/** Posts a response (postMessage in a worker, a callback in tests and the inline fallback). */
export type Post = (res: Res, transfer?: Transferable[]) => void

/** Thrown inside a host when a job was cancelled. */
export class AbortError extends Error {
  override name = 'AbortError'
  constructor() {
    super('cancelled')
  }
}

/** The kind an error travels as (its name when it is one of ours, else 'Error'). */
export function errorKind(e: unknown): ErrorKind {
  const n = (e as Error | undefined)?.name
  // A ValueError (src/core/errors.ts) is the model's or the data's problem, said in words.
  if (n === 'ValueError')
    return (e as { about?: string }).about === 'data' ? 'DataError' : 'ModelError'
  return n === 'DataError' || n === 'ModelError' || n === 'AbortError' || n === 'OutOfMemoryError'
    ? n
    : 'Error'
}
