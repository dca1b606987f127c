/**
 * The model worker pool: the page's primary model worker (which holds the session: model, data,
 * predictions) plus helper workers, spawned lazily the first time a job is split and released
 * when a new model loads. On CPU backends (wasm, cpu) a job uses up to `maxWorkers()` workers
 * (navigator.hardwareConcurrency by default); on GPU backends (webgl, webgpu) one, since they
 * share one device queue.
 *
 * A split job: the primary plans it (seeded sample, background, Kernel SHAP design seed), the
 * helpers get the model once (artifacts, class, backend: {@link SharedModel}) and then only the
 * rows they explain, every worker (the primary included) explains a contiguous range of rows, and
 * the pieces are put back in row order by poolSplit.ts — the same numbers as the single-worker
 * job. Progress adds up over the pieces; cancelling stops every worker; a failing or crashed
 * helper stops the job with a message naming it, and is re-attached (its client restarts it) the
 * next time.
 */
import { type RequestOptions, WorkerClient, WorkerError } from './client.ts'
import {
  Cmd,
  type BackendName,
  type GlobalShapRequest,
  type GlobalShapResult,
  type ModelRequests,
  type ModelResults,
  type ShapPlan,
  type SharedModel,
} from './protocol.ts'
import type {
  CompressionOptions,
  CompressionResult,
  CompressionShapVariant,
} from '../model/compression.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import {
  concatRows,
  globalShapAssemble,
  matrixSlice,
  PieceProgress,
  poolWorkers,
  splitRanges,
} from './poolSplit.ts'

/** Fewest rows worth a worker of their own (global SHAP). */
export const POOL_MIN_SHAP_ROWS = 16
/** Fewest SHAP-stability rows per worker in a compression comparison. */
export const POOL_MIN_COMPRESS_ROWS = 5

/** A job's result with the workers that computed it (and each split piece's worker time, ms). */
export type PoolRun<T> = { result: T; workers: number; backend: BackendName; pieceMs?: number[] }

/** How the pool makes helpers and how many a job may use. */
export type PoolOptions = {
  /** A new helper worker (the same script as the primary). */
  spawn: () => Worker
  /** Most workers a CPU-backend job may use, the primary included (read at every job). */
  maxWorkers: () => number
}

type JobOptions = Pick<RequestOptions, 'signal' | 'onProgress'>

/** A client of a model worker (the primary, or a helper). */
export type ModelClient = WorkerClient<ModelRequests, ModelResults>

type Helper = { client: ModelClient; key: string | null }

export type { GlobalShapRequest }

const isAbort = (e: unknown): boolean =>
  (e as WorkerError | undefined)?.kind === 'AbortError' ||
  (e as Error | undefined)?.name === 'AbortError'

/** The primary model worker and its helpers, splitting global SHAP and compression jobs. */
export class ModelPool {
  readonly primary: ModelClient
  private readonly opts: PoolOptions
  private helpers: Helper[] = []
  private shared: SharedModel | null = null
  /** Helper workers spawned since the last reset (for the UI and tests). */
  spawned = 0

  constructor(primary: ModelClient, opts: PoolOptions) {
    this.primary = primary
    this.opts = opts
  }

  /** Helpers alive now. */
  get helperCount(): number {
    return this.helpers.length
  }

  /** Tests: helper `i` (1-based) dies as a crashing worker would (its client restarts it). */
  crashHelper(i: number): void {
    const h = this.helpers[i - 1]
    if (!h) throw new RangeError(`no helper worker ${i}: the pool holds ${this.helpers.length}`)
    h.client.restart('crashed by a test')
  }

  /** Releases every helper (a new model was loaded): their workers are terminated. */
  reset(): void {
    for (const h of this.helpers) h.client.dispose()
    this.helpers = []
    this.shared = null
  }

  /** The primary's current model (only its key travels when unchanged). */
  private async share(signal?: AbortSignal): Promise<SharedModel> {
    const r = await this.primary.request(
      { cmd: Cmd.ShareModel, ...(this.shared ? { ifNot: this.shared.key } : {}) },
      signal ? { signal } : {},
    )
    if (r.model) this.shared = r.model
    if (!this.shared || this.shared.key !== r.key)
      throw new Error('the primary worker did not share its model')
    return this.shared
  }

  /** `count` helpers with the shared model loaded, spawning and attaching as needed. */
  private async helpersFor(
    model: SharedModel,
    count: number,
    signal: AbortSignal,
  ): Promise<Helper[]> {
    while (this.helpers.length < count) {
      const h: Helper = {
        client: new WorkerClient<ModelRequests, ModelResults>(this.opts.spawn),
        key: null,
      }
      // A crashed helper comes back empty: attach again next time.
      h.client.onRestart = () => {
        h.key = null
      }
      this.helpers.push(h)
      this.spawned++
    }
    const team = this.helpers.slice(0, count)
    await Promise.all(
      team.map(async (h, i) => {
        if (h.key === model.key) return
        try {
          await h.client.request({ cmd: Cmd.Attach, model }, { signal })
        } catch (e) {
          throw isAbort(e) ? e : helperError(i + 1, count + 1, e)
        }
        h.key = model.key
      }),
    )
    return team
  }

  /**
   * Runs one task per worker (index 0 = the primary) and waits for all; the first failure
   * cancels the others and is thrown (a helper's with its number).
   */
  private async all<T>(
    clients: ModelClient[],
    task: (c: ModelClient, i: number, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    const inner = new AbortController()
    const onAbort = () => inner.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted) inner.abort()
    let first: unknown = null
    try {
      const settled = await Promise.allSettled(
        clients.map((c, i) =>
          task(c, i, inner.signal).catch((e: unknown) => {
            if (first === null && !(isAbort(e) && inner.signal.aborted)) {
              first = i === 0 || isAbort(e) ? e : helperError(i, clients.length, e)
              inner.abort()
            }
            throw e
          }),
        ),
      )
      if (first !== null) throw first
      if (signal?.aborted || inner.signal.aborted) throw new WorkerError('AbortError', 'cancelled')
      return settled.map((s) => (s as PromiseFulfilledResult<T>).value)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /**
   * SHAP for a seeded sample of rows (the primary's globalShap), split over the pool when the
   * backend is a CPU one. Same result as the primary's single-worker command.
   */
  async globalShap(
    req: GlobalShapRequest,
    opts: JobOptions = {},
  ): Promise<PoolRun<GlobalShapResult>> {
    const { signal, onProgress } = opts
    const model = await this.share(signal)
    const max = this.opts.maxWorkers()
    if (poolWorkers(model.backend, max, Infinity, 1) === 1) {
      const result = await this.primary.request(
        { cmd: Cmd.GlobalShap, ...req },
        { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) },
      )
      return { result, workers: 1, backend: model.backend }
    }
    const t0 = performance.now()
    const planned = await this.primary.request(
      { cmd: Cmd.ShapPlan, ...req },
      signal ? { signal } : {},
    )
    if ('cached' in planned)
      return {
        result: planned.cached,
        workers: planned.cached.workers ?? 1,
        backend: model.backend,
      }
    const plan = planned.plan
    const n = plan.rows.length
    const workers = poolWorkers(model.backend, max, n, POOL_MIN_SHAP_ROWS)
    const ranges = splitRanges(n, workers, POOL_MIN_SHAP_ROWS)
    const label = `SHAP for ${n.toLocaleString('en-US')} rows on ${ranges.length} ${model.backend} worker${ranges.length > 1 ? 's' : ''}`
    onProgress?.(0, 1000, label)
    const helpers = await this.helpersFor(model, ranges.length - 1, this.jobSignal(signal))
    const clients = [this.primary, ...helpers.map((h) => h.client)]
    const agg = new PieceProgress(ranges.map(([a, b]) => b - a))
    const parts = await this.all(
      clients,
      (c, i, sig) => {
        const [a, b] = ranges[i]!
        return c.request(
          { cmd: Cmd.ShapRows, ...piece(plan), x: matrixSlice(plan.x, a, b) },
          {
            signal: sig,
            onProgress: (done, total) =>
              onProgress?.(Math.round(agg.update(i, done, total) * 1000), 1000, label),
          },
        )
      },
      signal,
    )
    const result: GlobalShapResult = {
      ...globalShapAssemble(plan, parts, performance.now() - t0),
      workers: ranges.length,
      backend: model.backend,
    }
    // The primary caches it like its own result (a failure here only costs a recomputation).
    await this.primary
      .request({ cmd: Cmd.ShapCache, key: plan.key, result }, signal ? { signal } : {})
      .catch(() => {})
    return {
      result,
      workers: ranges.length,
      backend: model.backend,
      pieceMs: parts.map((p) => p.ms),
    }
  }

  /**
   * The compression comparison: on one worker the primary's single command; on several, the
   * primary measures every variant on all rows (alone, so latencies are not skewed by the
   * helpers), then the SHAP-stability rows of every variant are split over the workers, then
   * the primary compares. Same numbers as the single-worker command (latencies aside).
   */
  async compress(
    ids: QuantSchemeId[],
    options: Partial<Omit<CompressionOptions, 'ids' | 'column'>> & { shapRows: number },
    opts: JobOptions = {},
  ): Promise<PoolRun<CompressionResult>> {
    const { signal, onProgress } = opts
    const model = await this.share(signal)
    const workers = poolWorkers(
      model.backend,
      this.opts.maxWorkers(),
      options.shapRows,
      POOL_MIN_COMPRESS_ROWS,
    )
    if (workers === 1) {
      const result = await this.primary.request(
        { cmd: Cmd.Compress, ids, options },
        { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) },
      )
      return { result, workers: 1, backend: model.backend }
    }
    const t0 = performance.now()
    // Helpers start up (wasm, model) while the primary measures.
    const jobSignal = this.jobSignal(signal)
    const helpersReady = this.helpersFor(model, workers - 1, jobSignal)
    helpersReady.catch(() => {})
    // Two phases, each with its own label and 0–100 %: predictions and latencies (primary),
    // then SHAP stability (all workers).
    const m = await this.primary.request(
      { cmd: Cmd.CompressMeasure, ids, options },
      {
        ...(signal ? { signal } : {}),
        onProgress: (done, total) =>
          onProgress?.(done, total, 'Comparing variants: predictions and latency (1 worker)'),
      },
    )
    const helpers = await helpersReady
    const variants: CompressionShapVariant[] = ['float32', ...m.measured.variants.map((v) => v.id)]
    const ranges = splitRanges(m.plan.x.rows, workers, POOL_MIN_COMPRESS_ROWS)
    const clients = [this.primary, ...helpers.map((h) => h.client)].slice(0, ranges.length)
    const agg = new PieceProgress(ranges.map(([a, b]) => b - a))
    const label = `Comparing variants: SHAP stability on ${ranges.length} ${model.backend} workers`
    onProgress?.(0, 1000, label)
    const parts = await this.all(
      clients,
      (c, i, sig) => {
        const [a, b] = ranges[i]!
        return c.request(
          { cmd: Cmd.CompressShap, variants, plan: { ...m.plan, x: matrixSlice(m.plan.x, a, b) } },
          {
            signal: sig,
            onProgress: (done, total) =>
              onProgress?.(Math.round(agg.update(i, done, total) * 1000), 1000, label),
          },
        )
      },
      signal,
    )
    const phis: Record<string, Float64Array> = {}
    for (const v of variants) phis[v] = concatRows(parts.map((p) => p[v]!))
    const result = await this.primary.request(
      {
        cmd: Cmd.CompressFinish,
        measured: m.measured,
        phis,
        threshold: options.threshold ?? 0.5,
        tolerance: options.tolerance ?? 0.02,
        ms: performance.now() - t0,
      },
      {
        ...(signal ? { signal } : {}),
        transfer: [
          ...m.measured.variants.map((v) => v.predictions.buffer),
          ...Object.values(phis).map((p) => p.buffer),
        ],
      },
    )
    return { result, workers: ranges.length, backend: model.backend }
  }

  /** A signal for work that belongs to the job (aborted with it). */
  private jobSignal(signal: AbortSignal | undefined): AbortSignal {
    return signal ?? new AbortController().signal
  }
}

/** The part of a plan every piece needs besides its rows. */
function piece(plan: ShapPlan) {
  return {
    bg: plan.bg,
    offsets: plan.offsets,
    designSeed: plan.designSeed,
    budget: plan.budget,
    fast: plan.fast,
    method: plan.method,
  }
}

function helperError(i: number, of: number, e: unknown): WorkerError {
  const msg = (e as Error).message
  return new WorkerError(
    'Error',
    `helper worker ${i} (of ${of} workers) failed: ${msg}; the job was stopped — run it again`,
  )
}
