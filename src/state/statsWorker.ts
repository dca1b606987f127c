/**
 * The stats worker's client (metrics, fairness groupings and intervals, calibration, row order),
 * created on first use so that importing a store costs nothing until a view asks. The worker keeps
 * no state between requests, so once it has been idle for a few seconds it is terminated: a
 * million-row computation leaves hundreds of megabytes of garbage and grown heap behind, which
 * only ending the worker returns at once. The next request starts a fresh one (no tfjs: a few
 * milliseconds). Where module workers are unavailable (Node, very old browsers) requests run the
 * same host on the main thread.
 */
import {
  type ClientRequest,
  type RequestOptions,
  WorkerClient,
  WorkerError,
} from '../workers/client.ts'
import type { Res, StatsReq, StatsRequests, StatsResults } from '../workers/protocol.ts'

/** A stats command (the handshake and cancel are the client's own). */
type StatsCommand = Exclude<keyof StatsRequests, 'init' | 'cancel'>
type StatsClient = WorkerClient<StatsRequests, StatsResults>

let client: StatsClient | null = null
let worker: Worker | null = null
let inFlight = 0
let idleTimer: ReturnType<typeof setTimeout> | null = null

/** An idle stats worker is ended after this long, ms. */
export const STATS_WORKER_IDLE_MS = 3000

/** The stats worker client, started on first call (and again after an idle shutdown). */
export function statsWorker(): StatsClient {
  client ??= new WorkerClient<StatsRequests, StatsResults>(() => {
    worker = new Worker(new URL('../workers/stats.worker.ts', import.meta.url), {
      type: 'module',
    })
    return worker
  })
  return client
}

function retire(): void {
  idleTimer = null
  if (inFlight > 0) return
  worker?.terminate()
  worker = null
  client = null
}

let inlineId = 1

/**
 * Runs a request on this thread through the same host as the worker (the fallback without
 * workers, and the unit tests' stats worker): progress, result, error and cancel alike. The host
 * is loaded on first use, so the stats code ships once: in the worker's chunk, shared with this
 * lazily loaded one.
 * @example await statsRequestInline({ cmd: 'order', p, rows: null, dir: 'asc' })
 */
export function statsRequestInline<C extends StatsCommand>(
  req: ClientRequest<StatsRequests, C>,
  opts: RequestOptions = {},
): Promise<StatsResults[C]> {
  const id = inlineId++
  return new Promise<StatsResults[C]>((resolve, reject) => {
    const post = (res: Res) => {
      if (res.kind === 'progress') opts.onProgress?.(res.done, res.total, res.label)
      else if (res.kind === 'result') resolve(res.result as StatsResults[C])
      else if (res.kind === 'error') reject(new WorkerError(res.errorKind, res.message))
    }
    import('../workers/statsHost.ts').then(({ statsHandle }) => {
      opts.signal?.addEventListener(
        'abort',
        () => void statsHandle({ id: inlineId++, cmd: 'cancel', target: id }, post),
        { once: true },
      )
      if (opts.signal?.aborted)
        void statsHandle({ id: inlineId++, cmd: 'cancel', target: id }, post)
      return statsHandle({ ...req, id } as StatsReq, post)
    }, reject)
  })
}

/**
 * Sends a request to the stats worker (or runs it inline when workers are unavailable); resolves
 * with the command's result.
 * @example const r = await statsRequest({ cmd: 'bootstrap', ... }, { signal }) // StatsBootstrapResult
 */
export function statsRequest<C extends StatsCommand>(
  req: ClientRequest<StatsRequests, C>,
  opts: RequestOptions = {},
): Promise<StatsResults[C]> {
  if (typeof Worker === 'undefined') return statsRequestInline(req, opts)
  if (idleTimer !== null) clearTimeout(idleTimer)
  idleTimer = null
  inFlight++
  // A cancelled request may still run in the worker until its next step: the idle clock starts
  // when the promise settles either way, which is early enough.
  return statsWorker()
    .request(req, opts)
    .finally(() => {
      inFlight--
      if (inFlight === 0) idleTimer = setTimeout(retire, STATS_WORKER_IDLE_MS)
    })
}
