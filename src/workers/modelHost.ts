/**
 * The model worker's logic, importable in Node: a table of command handlers plus the queue they
 * run in. Cancel is handled at once (and a handler may ask to run at once too: a simulated
 * device loss strikes whatever runs); every other request runs after the previous one. The host
 * holds the session (model, data, predictions — replaced as a whole by a load, so a failed load
 * leaves the previous one untouched), a pool helper's attached model, the backends
 * (model/backends.ts) and the WebGPU device-loss watch (model/deviceLoss.ts). The jobs live in
 * src/workers/model/, one module per kind; debug commands are registered separately
 * (model/debug.ts) by the e2e build and by tests.
 */
import type { FastModel } from '../core/shap/fast/model.ts'
import type { CheckCancel, Matrix, PredictFn } from '../core/types.ts'
import { matrix } from '../core/types.ts'
import type { BackendName, OutputColumn } from '../model/card.ts'
import { OutOfMemoryError } from '../model/faults.ts'
import type { RuntimeEntry } from '../model/registry.ts'
import type { LoadedModel } from '../model/runtime.ts'
import type { Session } from '../session/session.ts'
import type { SessionTreeShap } from '../session/treeShap.ts'
import { Backends } from './model/backends.ts'
import { DeviceLoss } from './model/deviceLoss.ts'
import { modelHandlers } from './model/handlers.ts'
import { yieldToEvents } from './model/yield.ts'
import type { DeviceInfo, ProbeStore } from './probeCache.ts'
import { AbortError, type Post, errorKind } from './protocol/common.ts'
import type {
  GlobalShapResult,
  ModelCmdName,
  ModelReq,
  ModelRequests,
  ModelResults,
} from './protocol/model.ts'

export type { Post }

/** What a model worker is built with. */
export type HostOptions = {
  /** Backends this worker registered, in preference order for ties. */
  backends: readonly BackendName[]
  /** Model runtimes this worker opens (default: every registered runtime). */
  runtimes?: readonly RuntimeEntry[]
  /** Where probe results are cached by device and model shape (IndexedDB in the browser). */
  probeStore?: ProbeStore
  /** Describes this device for the probe cache key (with `probeStore`). */
  deviceInfo?: () => Promise<DeviceInfo>
}

/** The session the worker holds: a session and the predictions of every row. */
export type WorkerSession = Session & { predictions: Float32Array }

/** A pool helper's model (no data: pieces bring their rows). */
export type Attached = {
  model: LoadedModel
  /** The SharedModel key it was attached with. */
  key: string
  column: OutputColumn
  fast: FastModel | null
  /** TreeSHAP of the attached model (global SHAP pieces of tree models). */
  treeShap: SessionTreeShap
}

/** One request being handled: its id, its progress channel and its cancel checks. */
export type Job = {
  readonly id: number
  progress(done: number, total: number, label: string): void
  /** @throws AbortError when the request was cancelled. */
  check(): void
  /**
   * For the core, polled between chunks: yields to the event loop (so a cancel message can
   * arrive) at most every 30 ms — a timer in a worker costs ≥ 4 ms once nested, far more than a
   * small model call — then checks.
   */
  cancelCheck(): CheckCancel
}

/** A handler's answer and the buffers to transfer with it. */
export type Reply<T> = { result: T; transfer?: Transferable[] }

/** A command's job: its result (and transferables) from the host, the request and its Job. */
export type Handler<C extends ModelCmdName> = (
  host: ModelHost,
  req: ModelRequests[C],
  job: Job,
) => Promise<Reply<ModelResults[C]>>

/** A command's handler: `immediate` skips the queue; `retryOnLoss` reruns it after a device loss. */
export type HandlerEntry<C extends ModelCmdName> = {
  run: Handler<C>
  immediate?: true
  retryOnLoss?: true
}

/** Handlers by command. */
export type HandlerTable = { [C in ModelCmdName]?: HandlerEntry<C> }

/** Rows per prediction step between progress messages / cancel checks. */
const STEP_ROWS = 32768

/** The model worker's state and dispatcher (see the module doc). */
export class ModelHost {
  session: WorkerSession | null = null
  /** Helper workers only: the primary's model (see SharedModel). */
  attached: Attached | null = null
  /** Global SHAP results by (model, data, schema, class, settings); cleared on every load. */
  readonly globalCache = new Map<string, GlobalShapResult>()
  readonly backends: Backends
  readonly device: DeviceLoss
  readonly opts: HostOptions
  /** Cap on rows per model call: set by the page (load's maxChunkRows) after an out-of-memory failure. */
  maxChunk = Infinity
  /** Where unsolicited events go: the channel of the latest message. */
  eventPost: Post = () => {}
  private readonly cancelled = new Set<number>()
  private readonly handlers: HandlerTable = {}
  private queue: Promise<void> = Promise.resolve()

  constructor(opts: HostOptions) {
    this.opts = opts
    this.backends = new Backends(this)
    this.device = new DeviceLoss(this)
    this.register(modelHandlers)
  }

  /** Adds (or replaces) handlers: the standard table at construction, debug commands on demand. */
  register(table: HandlerTable): void {
    Object.assign(this.handlers, table)
  }

  /** Entry point: cancel is handled at once; every other request runs after the previous one. */
  handle(req: ModelReq, post: Post): Promise<void> {
    this.eventPost = post
    if (req.cmd === 'cancel') {
      this.cancelled.add(req.target)
      return Promise.resolve()
    }
    if (this.handlers[req.cmd]?.immediate) return this.run(req, post)
    return this.enqueue(() => this.run(req, post))
  }

  /** Runs `task` after everything queued so far. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const job = this.queue.then(task)
    this.queue = job.catch(() => {})
    return job
  }

  private async run(req: ModelReq, post: Post): Promise<void> {
    try {
      if (this.cancelled.has(req.id)) throw new AbortError()
      const entry = this.handlers[req.cmd] as HandlerEntry<ModelCmdName> | undefined
      if (!entry) throw new Error(`the model worker has no "${req.cmd}" command in this build`)
      const job = this.job(req.id, post)
      const call = () => entry.run(this, req as never, job)
      const r = entry.retryOnLoss ? await this.device.retryOnLoss(call) : await call()
      post({ id: req.id, kind: 'result', result: r.result }, r.transfer ?? [])
    } catch (e) {
      post({
        id: req.id,
        kind: 'error',
        errorKind: errorKind(e),
        message: (e as Error).message,
        ...(e instanceof OutOfMemoryError ? { chunkRows: this.chunkRows() } : {}),
      })
    } finally {
      this.cancelled.delete(req.id)
    }
  }

  /** The job of request `id` (id 0: work of the host's own, e.g. a device-loss fallback, silent). */
  job(id: number, post: Post): Job {
    const check = () => {
      if (id !== 0 && this.cancelled.has(id)) throw new AbortError()
    }
    return {
      id,
      progress: (done, total, label) => {
        if (id !== 0) post({ id, kind: 'progress', done, total, label })
      },
      check,
      cancelCheck: () => {
        let last = performance.now()
        return async () => {
          if (performance.now() - last > 30) {
            await yieldToEvents()
            last = performance.now()
          }
          check()
        }
      },
    }
  }

  /** Predicts all rows in steps, posting progress and honouring cancel between steps. */
  async predictAll(predict: PredictFn, x: Matrix, job: Job, label: string): Promise<Float32Array> {
    const step = Math.min(STEP_ROWS, this.maxChunk)
    const out = new Float32Array(x.rows)
    for (let r0 = 0; r0 < x.rows; r0 += step) {
      const r1 = Math.min(x.rows, r0 + step)
      out.set(await predict(matrix(x.data.subarray(r0 * x.cols, r1 * x.cols), r1 - r0, x.cols)), r0)
      job.progress(r1, x.rows, label)
      await yieldToEvents()
      job.check()
    }
    return out
  }

  /**
   * Rows per model call for explanation jobs: about 50 ms of work on the active backend (as
   * measured), so a cancel is honoured within a chunk; 8,192 before any measurement.
   */
  chunkRows(): number {
    const rate = this.backends.rate()
    return Math.min(
      this.maxChunk,
      rate ? Math.max(1024, Math.min(1 << 18, Math.round(rate * 0.05))) : 8192,
    )
  }

  /** The chunk cap for sessions and models opened now (none until an out-of-memory failure). */
  callCap(): { maxChunkRows?: number } {
    return Number.isFinite(this.maxChunk) ? { maxChunkRows: this.maxChunk } : {}
  }

  requireSession(): WorkerSession {
    if (!this.session) throw new Error('load a model and data before explaining')
    return this.session
  }

  /** The model explanation pieces run on: the session's, or a helper's attached one. */
  modelCtx(): {
    model: LoadedModel
    predict: PredictFn
    fast: FastModel | null
    treeShap: SessionTreeShap
  } {
    if (this.session) return this.session
    const a = this.attached
    if (a)
      return {
        model: a.model,
        predict: a.model.predictor(a.column, this.callCap()),
        fast: a.fast,
        treeShap: a.treeShap,
      }
    throw new Error('no model in this worker: load one (or attach the shared one)')
  }

  /** For Node tests: the current session (model inputs, values, labels, predictions). */
  get current(): Readonly<WorkerSession> | null {
    return this.session
  }
}
