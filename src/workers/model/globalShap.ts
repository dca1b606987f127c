/**
 * Global SHAP on the model worker, whole or in pool pieces: the primary plans a job (seeded
 * sample, its model inputs and values, background, the seed of the Kernel SHAP design), any
 * worker explains some of its rows, and the result is cached by model, data, schema, class and
 * settings. Helpers get the primary's model as a SharedModel (its source, class, backend and
 * whether the primary verified the fast path) and keep it attached until the next one.
 */
import { rngFromSeed, rngSplitSeed } from '../../core/random.ts'
import { backgroundSeeded } from '../../core/shap/background.ts'
import type { FastModel } from '../../core/shap/fast/model.ts'
import { shapExplain } from '../../core/shap/shap.ts'
import { modelInputMap, schemaInputMode } from '../../core/modelInput.ts'
import { sessionTreeShap } from '../../session/treeShap.ts'
import { matrix } from '../../core/types.ts'
import type { Handler, Job, ModelHost } from '../modelHost.ts'
import { globalShapAssemble } from '../poolSplit.ts'
import type {
  GlobalShapRequest,
  GlobalShapResult,
  ShapPiece,
  ShapPieceResult,
  ShapPlanResult,
  SharedModel,
} from '../protocol/model.ts'

function cacheSet(host: ModelHost, key: string, result: GlobalShapResult): void {
  const cache = host.globalCache
  if (cache.size >= 8) cache.delete(cache.keys().next().value!)
  cache.set(key, result)
}

/**
 * A global SHAP job up to the model calls: the cached result, or the seeded sample of rows (from
 * the cohort `pool` when given), their model inputs and values, the background, and the seed of
 * the Kernel SHAP design — everything any worker needs to explain any subset of the rows.
 */
function plan(host: ModelHost, req: GlobalShapRequest): ShapPlanResult {
  const s = host.requireSession()
  const t = s.treeShap
  const method = req.method !== 'shap' && t.status === 'available' ? 'treeShap' : 'shap'
  const key = JSON.stringify([
    s.model.card.sha256,
    s.dataSha256,
    s.schema,
    s.column,
    req.n,
    req.seed,
    req.background,
    req.budget,
    req.pool ?? null,
    // Absent for 'shap', so SHAP results keep the keys they had before TreeSHAP existed.
    ...(method === 'treeShap' ? ['treeShap'] : []),
  ])
  const hit = req.fresh ? undefined : host.globalCache.get(key)
  if (hit) return { cached: { ...hit, cached: true } }
  const n = Math.min(req.n, req.pool ? req.pool.length : s.x.rows)
  if (n === 0) throw new RangeError('global SHAP: no rows to explain (is the cohort empty?)')
  const rng = rngFromSeed(req.seed)
  const pool = req.pool ? Int32Array.from(req.pool) : null
  if (pool && pool.some((r) => !(r >= 0 && r < s.x.rows)))
    throw new RangeError('global SHAP: a pool row is outside the data')
  const picked = rng.sampleWithoutReplacement(
    pool ? pool.length : s.x.rows,
    pool ? Math.min(n, pool.length) : n,
  )
  const rows = Int32Array.from(picked, (k) => (pool ? pool[k]! : k)).sort()
  const w = s.x.cols
  const m = s.schema.features.length
  const xs = s.x.data instanceof Float64Array ? new Float64Array(n * w) : new Float32Array(n * w)
  const values = new Float64Array(n * m)
  rows.forEach((r, i) => {
    xs.set(s.x.data.subarray(r * w, (r + 1) * w), i * w)
    values.set(s.values.data.subarray(r * m, (r + 1) * m), i * m)
  })
  // The background the row explanations use for the same settings (not a stream of `rng`, which
  // drew the sample): the same base value E f in every view.
  const bg = backgroundSeeded(s.x, req.background, req.seed)
  return {
    plan: {
      key,
      featureNames: s.schema.features.map((f) => f.name),
      rows,
      x: matrix(xs, n, w),
      values,
      bg,
      offsets: s.input.offsets,
      designSeed: rngSplitSeed(rng),
      budget: req.budget,
      fast: s.fast !== null,
      method,
      treeShapUnavailable: t.status === 'unavailable' ? t.reason : null,
    },
  }
}

/** SHAP of a piece of a plan's rows on this worker's model (session or attached). */
async function piece(
  host: ModelHost,
  req: ShapPiece,
  job: Job,
  label: string,
): Promise<ShapPieceResult> {
  const c = host.modelCtx()
  const t0 = performance.now()
  if (req.method === 'treeShap') {
    if (c.treeShap.status !== 'available')
      throw new Error('this worker has no TreeSHAP for the model')
    job.progress(0, req.x.rows, label)
    const r = await c.treeShap.matrix(req.x, req.bg)
    job.progress(req.x.rows, req.x.rows, label)
    return { phi: r.phi, baseValue: r.baseValue, exact: true, ms: performance.now() - t0 }
  }
  if (req.fast && !c.fast)
    throw new Error('this worker has no verified fast SHAP path for the model')
  const res = await shapExplain(c.predict, req.x, req.bg, {
    ...(req.fast ? { fast: c.fast } : {}),
    offsets: req.offsets,
    budget: req.budget,
    rng: rngFromSeed(req.designSeed),
    onProgress: (done, total) => job.progress(done, total, label),
    checkCancel: job.cancelCheck(),
    chunkRows: host.chunkRows(),
  })
  const m = req.offsets.length - 1
  const phi = new Float64Array(res.length * m)
  res.forEach((r, i) => phi.set(r.phi, i * m))
  return {
    phi,
    baseValue: res[0]?.baseValue ?? NaN,
    exact: res.every((r) => r.exact),
    ms: performance.now() - t0,
  }
}

/** SHAP for a seeded sample of rows in one job; cached by model, data, schema, class and settings. */
export const globalShap: Handler<'globalShap'> = async (host, req, job) => {
  const t0 = performance.now()
  const p = plan(host, req)
  if ('cached' in p) return { result: p.cached }
  const n = p.plan.rows.length
  const part = await piece(host, p.plan, job, `SHAP for ${n} rows`)
  const result = globalShapAssemble(p.plan, [part], performance.now() - t0)
  cacheSet(host, p.plan.key, result)
  return { result }
}

/** Primary: the plan of a pooled global SHAP job (or its cached result). */
export const shapPlan: Handler<'shapPlan'> = (host, req) =>
  Promise.resolve({ result: plan(host, req) })

/** Any worker: SHAP of a piece of a plan's rows. */
export const shapRows: Handler<'shapRows'> = async (host, req, job) => {
  const result = await piece(host, req, job, 'SHAP')
  return { result, transfer: [result.phi.buffer] }
}

/** Primary: remembers a pooled result under its plan's key. */
export const shapCache: Handler<'shapCache'> = (host, req) => {
  cacheSet(host, req.key, { ...req.result, cached: false })
  return Promise.resolve({ result: true })
}

/** The session's model for helper workers; only the key when the caller already has it. */
export const shareModel: Handler<'shareModel'> = (host, req) => {
  const s = host.requireSession()
  const b = host.backends
  const cap = Number.isFinite(host.maxChunk) ? host.maxChunk : null
  const key = JSON.stringify([
    s.model.card.sha256,
    s.model.card.name,
    s.model.card.parameters,
    s.column,
    b.active,
    cap,
    s.fast !== null,
  ])
  if (key === req.ifNot) return Promise.resolve({ result: { key, model: null } })
  const model: SharedModel = {
    key,
    source: s.model.source,
    schema: s.schema,
    column: s.column,
    backend: b.active!,
    fast: s.fast !== null,
    rowsPerSec: b.rate(),
    maxChunkRows: cap,
  }
  return Promise.resolve({ result: { key, model } })
}

/** Helper workers: open the primary's model on the primary's backend (kept until the next one). */
export const attach: Handler<'attach'> = async (host, req) => {
  const m = req.model
  if (host.attached?.key === m.key) return { result: true }
  const b = host.backends
  if (!host.opts.backends.includes(m.backend))
    throw new Error(`backend ${m.backend} is not registered in this worker`)
  const runtime = await b.use(b.entryNamed(m.source.runtime))
  if (b.active !== m.backend && !(await b.trySet(m.backend)))
    throw new Error(`backend ${m.backend} failed in a helper worker: ${b.status(m.backend).error}`)
  b.active = m.backend
  b.status(m.backend).rowsPerSec = m.rowsPerSec
  host.maxChunk = m.maxChunkRows ?? Infinity
  const model = await runtime.open(m.source, m.schema)
  const input = modelInputMap(m.schema, schemaInputMode(m.schema))
  const treeShap = sessionTreeShap(model, m.column, input, m.schema)
  let fast: FastModel | null = null
  if (m.fast) {
    fast = model.fastPath(m.column).model
    if (!fast) {
      model.dispose()
      throw new Error('the shared model has no fast SHAP path in the helper worker')
    }
  }
  host.attached?.model.dispose()
  host.attached = { model, key: m.key, column: m.column, fast, treeShap }
  return { result: true }
}
