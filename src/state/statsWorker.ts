/**
 * The stats worker's client (seeded bootstrap intervals for the fairness view), created on first
 * use so that importing the fairness store costs nothing until the view asks for intervals.
 * Where module workers are unavailable (Node, very old browsers) requests run the same host on
 * the main thread.
 */
import {
  type RequestOf,
  type RequestOptions,
  WorkerClient,
  WorkerError,
} from '../workers/client.ts'
import type { Res } from '../workers/protocol.ts'
import { type StatsReq, statsHandle } from '../workers/statsHost.ts'

let client: WorkerClient<StatsReq> | null = null

/** The stats worker client, started on first call. */
export function statsWorker(): WorkerClient<StatsReq> {
  client ??= new WorkerClient<StatsReq>(
    () => new Worker(new URL('../workers/stats.worker.ts', import.meta.url), { type: 'module' }),
  )
  return client
}

let inlineId = 1

/** Runs a request on the main thread through the same host (fallback without workers). */
function inlineRequest<T>(req: RequestOf<StatsReq>, opts: RequestOptions): Promise<T> {
  const id = inlineId++
  return new Promise<T>((resolve, reject) => {
    const post = (res: Res) => {
      if (res.kind === 'progress') opts.onProgress?.(res.done, res.total, res.label)
      else if (res.kind === 'result') resolve(res.result as T)
      else if (res.kind === 'error') reject(new WorkerError(res.errorKind, res.message))
    }
    opts.signal?.addEventListener(
      'abort',
      () => void statsHandle({ id: inlineId++, cmd: 'cancel', target: id }, post),
      { once: true },
    )
    void statsHandle({ ...req, id } as StatsReq, post)
  })
}

/**
 * Sends a request to the stats worker (or runs it inline when workers are unavailable).
 * @example await statsRequest<StatsBootstrapResult>({ cmd: 'bootstrap', ... }, { signal })
 */
export function statsRequest<T>(req: RequestOf<StatsReq>, opts: RequestOptions = {}): Promise<T> {
  if (typeof Worker === 'undefined') return inlineRequest<T>(req, opts)
  return statsWorker().request<T>(req, opts)
}
