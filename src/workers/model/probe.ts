/**
 * Choosing the model worker's backend: switch to one (reopen the session's model there and
 * re-predict every row, keeping the old backend when that fails), measure every backend on the
 * loaded model (warm-up, then the median of up to five predicts of up to 8,192 rows) and activate
 * the fastest, and reuse an earlier measurement of this device and model shape from the probe
 * cache (checking that its backend still initialises).
 */
import { matrix } from '../../core/types.ts'
import type { BackendName } from '../../model/card.ts'
import type { LoadedModel } from '../../model/runtime.ts'
import { sessionOutputCheck, sessionWithModel } from '../../session/session.ts'
import type { Handler, Job, ModelHost, WorkerSession } from '../modelHost.ts'
import { probeCacheKey, probeRecordParse } from '../probeCache.ts'
import { AbortError } from '../protocol/common.ts'
import type { ProbeResult, SetBackendResult } from '../protocol/model.ts'
import { yieldToEvents } from './yield.ts'

/** Rows used to measure a backend. */
const PROBE_ROWS = 8192

/** Reopens the session's model on `name` and re-predicts; keeps the old backend on failure. */
export async function switchTo(
  host: ModelHost,
  name: BackendName,
  job: Job,
): Promise<SetBackendResult> {
  const s = host.session
  if (!s) throw new Error('load a model before choosing a backend')
  const b = host.backends
  const from = b.active
  if (!(await b.trySet(name))) {
    await b.restore(from)
    throw new Error(`backend ${name} failed: ${b.status(name).error}`)
  }
  let model: LoadedModel
  try {
    model = await b.runtime!.open(s.model.source, s.schema)
  } catch (e) {
    b.status(name).error = (e as Error).message
    await b.restore(from)
    throw e
  }
  const t0 = performance.now()
  let next: WorkerSession
  try {
    const moved = sessionWithModel(s, model, host.callCap())
    const predictions = await host.predictAll(moved.predict, s.x, job, `Predicting on ${name}`)
    sessionOutputCheck(moved, predictions)
    next = { ...moved, predictions }
  } catch (e) {
    model.dispose()
    await b.restore(from)
    throw e
  }
  const predictMs = performance.now() - t0
  s.model.dispose()
  host.session = next
  b.active = name
  return { backend: name, predictions: next.predictions.slice(), predictMs }
}

/** The probe cache key of the session's model on this device; null without a cache. */
async function probeKey(host: ModelHost, s: WorkerSession): Promise<string | null> {
  const device = host.backends.device()
  return device && host.opts.probeStore ? probeCacheKey(await device, s.model.shape) : null
}

/** Measures every backend of the runtime on the loaded model; activates the fastest. */
async function measure(
  host: ModelHost,
  job: Job,
): Promise<Pick<ProbeResult, 'backends' | 'active' | 'predictions'>> {
  const s = host.requireSession()
  const b = host.backends
  const rows = Math.min(s.x.rows, PROBE_ROWS)
  const sample = matrix(s.x.data.subarray(0, rows * s.x.cols), rows, s.x.cols)
  const names = b.names
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!
    const st = b.status(name)
    job.progress(k, names.length, `Measuring ${name}`)
    if (!(await b.trySet(name))) continue
    let model: LoadedModel | null = null
    try {
      model = await b.runtime!.open(s.model.source, s.schema)
      const predict = model.predictor(s.column)
      await predict(sample) // warm-up: shader compilation, wasm init
      const times: number[] = []
      const t0 = performance.now()
      while (times.length < 5 && (times.length < 2 || performance.now() - t0 < 600)) {
        const t = performance.now()
        await predict(sample)
        times.push(performance.now() - t)
        if (performance.now() - t0 > 3000) break
      }
      times.sort((x, y) => x - y)
      st.rowsPerSec = rows / (times[Math.floor(times.length / 2)]! / 1000)
      st.error = null
    } catch (e) {
      st.available = false
      st.rowsPerSec = null
      st.error = (e as Error).message
    } finally {
      model?.dispose()
    }
    await yieldToEvents()
    job.check()
  }
  const best = [...b.statuses]
    .filter((x) => x.available && x.rowsPerSec !== null)
    .sort((x, y) => y.rowsPerSec! - x.rowsPerSec!)[0]
  const target = best?.name ?? b.active ?? 'cpu'
  // Always re-establish the active backend: measuring left the runtime on the last one.
  const r = await switchTo(host, target, job)
  return { backends: b.snapshot(), active: r.backend, predictions: r.predictions }
}

/**
 * Backend choice for the loaded model: unless `force`, the cached measurement of this device and
 * model shape is reused (its backend is activated, which checks that it still initialises; if
 * it does not, everything is measured again); otherwise measured, and the result is cached.
 */
export const probe: Handler<'probe'> = async (host, req, job) => {
  const s = host.session
  if (!s) throw new Error('load a model before measuring backends')
  const b = host.backends
  const store = host.opts.probeStore
  const key = await probeKey(host, s).catch(() => null)
  let cacheNote: string | null = null
  if (key && store && req.force !== true) {
    const rec = probeRecordParse(await store.get(key).catch(() => undefined))
    if (rec && b.names.includes(rec.active)) {
      job.progress(0, 1, `Using cached ${rec.active}`)
      try {
        const r =
          rec.active === b.active
            ? { backend: rec.active, predictions: s.predictions.slice() }
            : await switchTo(host, rec.active, job)
        for (const cached of rec.backends) {
          if (!b.names.includes(cached.name)) continue
          const st = b.status(cached.name)
          st.available = cached.available
          st.rowsPerSec = cached.rowsPerSec
          st.error = cached.error
          st.detail = st.detail ?? cached.detail
        }
        const result: ProbeResult = {
          backends: b.snapshot(),
          active: r.backend,
          predictions: r.predictions,
          measured: false,
          measuredAt: rec.at,
          cacheNote: null,
        }
        return { result, transfer: [result.predictions.buffer] }
      } catch (e) {
        if (e instanceof AbortError) throw e
        cacheNote = `the cached choice ${rec.active} did not initialise (${(e as Error).message}), so the backends were measured again`
      }
    }
  }
  const r = await measure(host, job)
  const at = Date.now()
  if (key && store)
    await store.set(key, { version: 1, at, active: r.active, backends: r.backends }).catch(() => {})
  const result: ProbeResult = { ...r, measured: true, measuredAt: at, cacheNote }
  return { result, transfer: [result.predictions.buffer] }
}

/** The user's choice of backend (re-predicts every row there). */
export const setBackend: Handler<'setBackend'> = async (host, req, job) => {
  const result = await switchTo(host, req.backend, job)
  return { result, transfer: [result.predictions.buffer] }
}

/** The init handshake: the default runtime's backend initialised, with every backend's status. */
export const init: Handler<'init'> = async (host) => {
  const active = await host.backends.ensure()
  return { result: { backends: host.backends.snapshot(), active } }
}
