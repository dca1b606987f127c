/**
 * The model worker's compression jobs: the whole comparison of variants with float32 on the
 * session (one worker), its three pool phases (the primary measures every variant on all rows,
 * any worker computes SHAP of some rows under each variant, the primary compares), and a
 * variant's files for download.
 */
import {
  COMPRESSION_DEFAULTS,
  compressionAssemble,
  compressionMeasure,
  compressionOf,
  compressionPhis,
  compressionRun,
  compressionShapPlan,
  sensitiveGroups,
} from '../../model/compression.ts'
import type { Handler } from '../modelHost.ts'

/** Every requested variant against float32 on the session (Compression tab). */
export const compress: Handler<'compress'> = async (host, req, job) => {
  const s = host.requireSession()
  const result = await compressionRun(
    s.model,
    {
      schema: s.schema,
      x: s.x,
      labels: s.labels,
      groups: sensitiveGroups(s.schema, s.table),
      predictions: s.predictions,
      offsets: s.input.offsets,
    },
    { ...COMPRESSION_DEFAULTS, ...req.options, ids: req.ids, column: s.column },
    {
      onProgress: (done, total) => job.progress(done, total, 'Comparing variants'),
      checkCancel: job.cancelCheck(),
      chunkRows: host.chunkRows(),
    },
  )
  return { result, transfer: predictionBuffers(result) }
}

/** The variants' prediction buffers (transferred with the result). */
const predictionBuffers = (r: { variants: { predictions: Float32Array }[] }): ArrayBuffer[] =>
  r.variants.map((v) => v.predictions.buffer as ArrayBuffer)

/** A variant as files (model.json + one .bin) for download. */
export const exportVariant: Handler<'exportVariant'> = (host, req) => {
  const s = host.requireSession()
  const result = compressionOf(s.model).exportFiles(req.variant, req.baseName)
  return Promise.resolve({ result, transfer: [result.bin.buffer as ArrayBuffer] })
}

/** The all-rows part of a compression comparison on the primary, and its SHAP plan. */
export const compressMeasure: Handler<'compressMeasure'> = async (host, req, job) => {
  const s = host.requireSession()
  const t0 = performance.now()
  const opts = { ...COMPRESSION_DEFAULTS, ...req.options, ids: req.ids, column: s.column }
  const data = {
    schema: s.schema,
    x: s.x,
    labels: s.labels,
    groups: {},
    predictions: s.predictions,
    offsets: s.input.offsets,
  }
  const { shapRows, ...plan } = compressionShapPlan(data, opts)
  const measured = await compressionMeasure(
    s.model,
    data,
    opts,
    { ...plan, shapRows },
    {
      onProgress: (done, total) => job.progress(done, total, 'Measuring variants'),
      checkCancel: job.cancelCheck(),
    },
  )
  // p0 is the session's own array: the page gets a copy.
  const result = {
    measured: { ...measured, p0: measured.p0.slice() },
    plan,
    ms: performance.now() - t0,
  }
  return { result, transfer: predictionBuffers(result.measured) }
}

/** Any worker: φ of some of the plan's rows under each listed variant. */
export const compressShap: Handler<'compressShap'> = async (host, req, job) => {
  const result = await compressionPhis(host.modelCtx().model, req.variants, req.plan, {
    onVariant: (done, total) => job.progress(done, total, 'Variant SHAP'),
    checkCancel: job.cancelCheck(),
    chunkRows: host.chunkRows(),
  })
  return { result, transfer: Object.values(result).map((p) => p.buffer as ArrayBuffer) }
}

/** Primary: compare the measured variants with their φ (rows in plan order). */
export const compressFinish: Handler<'compressFinish'> = (host, req) => {
  const s = host.requireSession()
  const result = compressionAssemble(
    req.measured,
    req.phis,
    { labels: s.labels, groups: sensitiveGroups(s.schema, s.table) },
    { threshold: req.threshold, tolerance: req.tolerance },
    s.schema.features.length,
    req.ms,
  )
  return Promise.resolve({ result, transfer: predictionBuffers(result) })
}
