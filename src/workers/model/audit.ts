/**
 * The model worker's report jobs: the audit of the loaded session (the same auditFull as
 * `glassbox audit`, for the page's JSON / HTML export) and drift — the session's data as the
 * reference against a current dataset, with the session's model, schema and class.
 */
import { driftAnalyze } from '../../core/drift/analyze.ts'
import { auditFull } from '../../report/auditFull.ts'
import { sessionData, sessionOutputCheck } from '../../session/session.ts'
import type { Handler } from '../modelHost.ts'
import { yieldToEvents } from './yield.ts'

/** The audit of the session (auditFull), with this worker's backend in the settings. */
export const audit: Handler<'audit'> = async (host, req, job) => {
  const s = host.requireSession()
  const settings = { ...req.settings, backend: host.backends.active ?? req.settings.backend }
  const label = { audit: 'Audit', quantization: 'Audit: compression' } as const
  const result = await auditFull(s, settings, {
    onProgress: (done, total, phase) => job.progress(done, total, label[phase]),
    checkCancel: job.cancelCheck(),
    chunkRows: host.chunkRows(),
  })
  return { result }
}

/** The session's data as reference against `req.table` (predicted here, each row's output checked). */
export const drift: Handler<'drift'> = async (host, req, job) => {
  const s = host.requireSession()
  const t0 = performance.now()
  const cur = sessionData(s, { table: req.table, name: req.dataName, sha256: '' })
  const p = await host.predictAll(s.predict, cur.x, job, `Predicting ${req.dataName}`)
  sessionOutputCheck({ ...s, dataName: req.dataName }, p)
  job.progress(1, 2, 'Comparing with the reference')
  await yieldToEvents()
  job.check()
  const analysis = driftAnalyze(
    s.schema,
    { table: s.table, x: s.encoded, p: s.predictions, labels: s.labels, source: s.dataName },
    { table: req.table, x: cur.encoded, p, labels: cur.labels, source: req.dataName },
    { threshold: req.threshold, seed: req.seed },
  )
  const result = {
    analysis,
    currentPredictions: p,
    currentRows: cur.x.rows,
    ms: performance.now() - t0,
  }
  return { result, transfer: [p.buffer] }
}
