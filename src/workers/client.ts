/**
 * Promise + AbortSignal client over a worker speaking protocol.ts. Matches responses to
 * pending requests by id, forwards progress, turns an abort into a cancel message, and
 * restarts a crashed worker (rejecting what was pending with the crash message).
 */
import { type ErrorKind, type Res, type WorkerEvent } from './protocol.ts'

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

export type RequestOptions = {
  signal?: AbortSignal
  onProgress?: (done: number, total: number, label: string) => void
  transfer?: Transferable[]
}

export class WorkerClient<Req extends { id: number; cmd: string }> {
  private worker: Worker
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly create: () => Worker
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

  constructor(create: () => Worker) {
    this.create = create
    this.worker = this.spawn()
  }

  private spawn(): Worker {
    const w = this.create()
    w.onmessage = (ev: MessageEvent<Res>) => this.receive(ev.data)
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault()
      this.crash(ev.message || 'the worker crashed')
    }
    return w
  }

  private crash(message: string): void {
    if (this.disposed) return
    const err = new WorkerError('Error', `worker crashed: ${message}; it was restarted`)
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
    this.worker.terminate()
    this.worker = this.spawn()
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

  /**
   * Sends a request (its id is assigned here) and resolves with the worker's result. Aborting
   * rejects at once with an AbortError and tells the worker to stop.
   */
  request<T>(req: RequestOf<Req>, opts: RequestOptions = {}): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
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
      opts.signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return
          this.worker.postMessage({ id: this.nextId++, cmd: 'cancel', target: id })
          reject(new WorkerError('AbortError', 'cancelled'))
        },
        { once: true },
      )
      this.worker.postMessage({ ...req, id }, opts.transfer ?? [])
    })
  }
}
