/**
 * Promise + AbortSignal client over a worker speaking one of the protocols (protocol/*.ts).
 * Opens every worker with the init handshake (sent with the first request to it, so its fields
 * are read when the page is set up) and holds requests back until the worker has answered it;
 * matches responses to pending requests by id, forwards progress, turns an abort
 * into a cancel message, and restarts a crashed worker (rejecting what was pending with the
 * crash message). `request` returns the command's own result type (`Results[C]`).
 */
import type { ErrorKind, RequestMap, Res, WorkerEvent } from './protocol/common.ts'

/** A worker's error on the page, with its kind (DataError, ModelError, AbortError, …). */
export class WorkerError extends Error {
  readonly kind: ErrorKind
  constructor(kind: ErrorKind, message: string) {
    super(message)
    this.kind = kind
    this.name = kind
  }
}

type Pending = {
  resolve: (v: unknown) => void
  reject: (e: Error) => void
  onProgress: ((done: number, total: number, label: string) => void) | undefined
}

/** Omit that distributes over a union of request types. */
export type RequestOf<Req> = Req extends unknown ? Omit<Req, 'id'> : never

/** Cancel, progress and transferables of one request. */
export type RequestOptions = {
  signal?: AbortSignal
  onProgress?: (done: number, total: number, label: string) => void
  transfer?: Transferable[]
}

/** A request of command C as a caller writes it (its id is assigned by the client). */
export type ClientRequest<M extends RequestMap, C extends keyof M & string> = { cmd: C } & M[C]

/** A worker's result type for each of its commands. */
export type ResultMap<M extends RequestMap> = { [C in keyof M]: unknown }

/** A request written but not sent yet (the worker has not answered the handshake). */
type Queued = { message: { id: number; cmd: string }; transfer: Transferable[] }

/** The page's side of one worker (see the module doc). */
export class WorkerClient<M extends RequestMap & { init: object }, R extends ResultMap<M>> {
  private worker: Worker
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly create: () => Worker
  private readonly init: () => M['init']
  /**
   * Requests held until the current worker answers the handshake: undefined before the
   * handshake is sent, null once it is answered.
   */
  private queue: Queued[] | null | undefined = undefined
  /** Called for unsolicited worker events (e.g. GPU device lost). */
  onEvent: (e: WorkerEvent) => void = () => {}
  /** Called after a crash, once the fresh worker is up; the owner re-sends its state. */
  onRestart: (message: string) => void = () => {}
  /**
   * Rows per model call the worker may use: halved after each out-of-memory failure, null until
   * one happens. It outlives restarts; the owner sends it with its reload (load's maxChunkRows).
   */
  chunkCap: number | null = null
  private disposed = false

  /**
   * @param create makes the worker (again after a crash).
   * @param init the handshake's fields, read when a worker gets its first request.
   */
  constructor(create: () => Worker, init: () => M['init'] = () => ({}) as M['init']) {
    this.create = create
    this.init = init
    this.worker = this.spawn()
  }

  private spawn(): Worker {
    const w = this.create()
    w.onmessage = (ev: MessageEvent<Res>) => this.receive(ev.data)
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault()
      this.crash(ev.message || 'the worker crashed')
    }
    this.queue = undefined
    return w
  }

  /** Sends the handshake to the current worker and starts holding requests until its answer. */
  private handshake(): void {
    const w = this.worker
    const queue: Queued[] = []
    this.queue = queue
    const id = this.nextId++
    // The handshake settles like any request; either way the held requests go out after it (a
    // worker whose init failed answers them with their own errors).
    const flush = () => {
      if (this.worker !== w || this.queue !== queue) return
      this.queue = null
      for (const q of queue) w.postMessage(q.message, q.transfer)
    }
    this.pending.set(id, { resolve: flush, reject: flush, onProgress: undefined })
    w.postMessage({ ...this.init(), id, cmd: 'init' })
  }

  private crash(message: string): void {
    if (this.disposed) return
    const err = new WorkerError('Error', `worker crashed: ${message}; it was restarted`)
    const pending = [...this.pending.values()]
    this.pending.clear()
    this.worker.terminate()
    this.worker = this.spawn()
    for (const p of pending) p.reject(err)
    this.onRestart(message)
  }

  /**
   * Terminates the worker for good (a pool releasing a helper): what was pending is rejected
   * with an AbortError; later requests reject at once.
   */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    const err = new WorkerError('AbortError', 'the worker was released')
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
    this.queue = null
    this.worker.terminate()
  }

  /** Kills and restarts the worker (used when a job must stop at once). */
  restart(message: string): void {
    this.crash(message)
  }

  private receive(res: Res): void {
    if (res.kind === 'event') {
      this.onEvent(res.event)
      return
    }
    const p = this.pending.get(res.id)
    if (!p) return // superseded or cancelled: drop stale messages
    if (res.kind === 'progress') p.onProgress?.(res.done, res.total, res.label)
    else if (res.kind === 'result') {
      this.pending.delete(res.id)
      p.resolve(res.result)
    } else {
      this.pending.delete(res.id)
      if (res.errorKind === 'OutOfMemoryError') {
        // The module may be corrupt after an allocation failure: restart it with smaller chunks.
        const cap = Math.max(1, Math.floor((res.chunkRows ?? this.chunkCap ?? 8192) / 2))
        this.chunkCap = cap
        p.reject(
          new WorkerError(
            'OutOfMemoryError',
            `${res.message}; the worker was restarted and now uses at most ${cap} rows per model call`,
          ),
        )
        this.crash('out of memory')
        return
      }
      p.reject(new WorkerError(res.errorKind, res.message))
    }
  }

  /** Posts now, or holds the message until the handshake is answered. */
  private send(message: { id: number; cmd: string }, transfer: Transferable[]): void {
    if (this.queue === undefined) this.handshake()
    if (this.queue) this.queue.push({ message, transfer })
    else this.worker.postMessage(message, transfer)
  }

  /**
   * Sends a request (its id is assigned here) and resolves with the worker's result for its
   * command. Aborting rejects at once with an AbortError and tells the worker to stop (a request
   * still held back is simply dropped).
   * @example const r = await client.request({ cmd: 'probe' }, { signal }) // r: ProbeResult
   */
  request<C extends Exclude<keyof M & string, 'init' | 'cancel'>>(
    req: ClientRequest<M, C>,
    opts: RequestOptions = {},
  ): Promise<R[C]> {
    const id = this.nextId++
    return new Promise<R[C]>((resolve, reject) => {
      if (this.disposed) {
        reject(new WorkerError('Error', 'the worker was released'))
        return
      }
      if (opts.signal?.aborted) {
        reject(new WorkerError('AbortError', 'cancelled'))
        return
      }
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
      })
      const message = { ...req, id }
      opts.signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return
          const held = this.queue?.findIndex((q) => q.message === message) ?? -1
          if (held >= 0) this.queue!.splice(held, 1)
          else this.worker.postMessage({ id: this.nextId++, cmd: 'cancel', target: id })
          reject(new WorkerError('AbortError', 'cancelled'))
        },
        { once: true },
      )
      this.send(message, opts.transfer ?? [])
    })
  }
}
