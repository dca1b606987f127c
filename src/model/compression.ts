/**
 * The compression comparison (issue 6): every quantized / pruned variant of the loaded model
 * against float32 on the same rows — size, latency, metrics, decision agreement, |Δp|,
 * calibration, fairness and attribution stability. Runs wherever tfjs runs (worker, CLI).
 * tfjs dequantizes weights at load, so latencies measure float32 arithmetic on rounded weights,
 * not integer kernels; int8act runs through the core's float64 MLP with fake-quantized
 * activations (no tfjs model can store activation quantization).
 */
import type * as tf from '@tensorflow/tfjs'
import { mlpFromLayersModel } from '../core/mlp.ts'
import { int8ActModel, matrixRows } from '../core/quantize/activations.ts'
import {
  compareSampleRows,
  fairnessWidened,
  type FairnessWidening,
  quantizationReportEntry,
  type QuantizationReportEntry,
  type VariantComparison,
  variantCompare,
} from '../core/quantize/compare.ts'
import { packedBytes, type QuantSchemeId } from '../core/quantize/schemes.ts'
import { rngFromSeed, rngSplit } from '../core/random.ts'
import type { Schema } from '../core/schema.ts'
import { type Table, tableColumn } from '../core/table.ts'
import type { AuditSettings } from '../report/audit.ts'
import type { Report } from '../report/types.ts'
import { schemaOffsets } from '../core/schema.ts'
import { type BackgroundSpec, backgroundCreate } from '../core/shap/background.ts'
import { shapExplain } from '../core/shap/shap.ts'
import {
  type CheckCancel,
  type Matrix,
  matrix,
  type PredictFn,
  type ProgressFn,
} from '../core/types.ts'
import {
  artifactsWeightTensors,
  artifactsToFiles,
  quantizedArtifacts,
} from './quantizedArtifacts.ts'
import { type LoadedModel, tfModelLoad, tfPredictFn } from './tfModel.ts'

export type CompressionOptions = {
  ids: readonly QuantSchemeId[]
  threshold: number
  /** Output column of the class of interest (0 for a sigmoid). */
  column: number
  /** Rows of the seeded calibration sample for int8act's activation ranges. */
  calibrationRows: number
  /** Rows of the seeded sample explained by SHAP under every variant. */
  shapRows: number
  seed: number
  background: BackgroundSpec
  budget: number
  /** Timed predictions of all rows per variant (median reported). */
  latencyRepeats: number
  tolerance: number
}

export const COMPRESSION_DEFAULTS: Omit<CompressionOptions, 'ids' | 'column'> = {
  threshold: 0.5,
  calibrationRows: 200,
  shapRows: 50,
  seed: 1,
  background: { kind: 'first', k: 50 },
  budget: 4096,
  latencyRepeats: 3,
  tolerance: 0.02,
}

export type VariantResult = {
  id: QuantSchemeId
  /** Packed bytes including scales (float32 model: `baseBytes`). */
  bytes: number
  /** Median milliseconds to predict all rows on the active backend. */
  latencyMs: number
  comparison: VariantComparison
  widened: FairnessWidening[]
  /** How the variant is stored when exported. */
  storage: string
  /** The variant's predictions on every row. */
  predictions: Float32Array
}

export type CompressionResult = {
  rows: number
  baseBytes: number
  baseLatencyMs: number
  shapRows: number[]
  variants: VariantResult[]
  /** Per variant that could not be built (e.g. int8act on a GraphModel): the reason. */
  skipped: Record<string, string>
  ms: number
}

export type CompressionData = {
  schema: Schema
  x: Matrix
  labels: Uint8Array | null
  /** Sensitive attribute → group value per row. */
  groups: Record<string, string[]>
  /** float32 predictions of every row (computed when absent). */
  predictions?: Float32Array
}

async function median(times: number, f: () => Promise<unknown>): Promise<number> {
  const t: number[] = []
  for (let k = 0; k < times; k++) {
    const t0 = performance.now()
    await f()
    t.push(performance.now() - t0)
  }
  t.sort((a, b) => a - b)
  return t[Math.floor(t.length / 2)]!
}

/** A float64 MLP of a Dense LayersModel, for int8act; throws for other models. */
function mlpOf(lm: LoadedModel, column: number) {
  const a = lm.artifacts
  const data = a.weightData
  const buf = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? concat(data) : data
  const json = {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [], weights: a.weightSpecs ?? [] }],
  }
  return mlpFromLayersModel(json, buf, lm.info.outputWidth === 1 ? undefined : column)
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0))
  let o = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), o)
    o += p.byteLength
  }
  return out.buffer
}

/** Compares every requested variant of `lm` with float32 on `data`. */
export async function compressionRun(
  lm: LoadedModel,
  data: CompressionData,
  opts: CompressionOptions,
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel; chunkRows?: number } = {},
): Promise<CompressionResult> {
  const t0 = performance.now()
  const { x, labels, groups } = data
  const n = x.rows
  const steps = opts.ids.length + 1
  let step = 0
  const tick = () => hooks.onProgress?.(++step, steps)
  const basePredict = tfPredictFn(lm, opts.column)
  const p0 = data.predictions ?? (await basePredict(x))
  const baseLatencyMs = await median(opts.latencyRepeats, () => basePredict(x))
  const rng = rngFromSeed(opts.seed)
  const bg = backgroundCreate(x, opts.background, rngSplit(rng))
  const shapRows = compareSampleRows(n, opts.shapRows, opts.seed)
  const w = x.cols
  const xs = new Float32Array(shapRows.length * w)
  shapRows.forEach((r, i) => xs.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  const xsm = matrix(xs, shapRows.length, w)
  const shapOpts = {
    offsets: schemaOffsets(data.schema),
    budget: opts.budget,
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
    ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
  }
  const m = data.schema.features.length
  const phiOf = async (predict: PredictFn): Promise<Matrix> => {
    const res = await shapExplain(predict, xsm, bg, { ...shapOpts, seed: opts.seed })
    const phi = new Float64Array(res.length * m)
    res.forEach((r, i) => phi.set(r.phi, i * m))
    return matrix(phi, res.length, m)
  }
  const phi0 = await phiOf(basePredict)
  tick()
  const baseBytes = packedBytes('float32', artifactsWeightTensors(lm.artifacts))
  const variants: VariantResult[] = []
  const skipped: Record<string, string> = {}
  for (const id of opts.ids) {
    await hooks.checkCancel?.()
    let predict: PredictFn
    let bytes: number
    let storage: string
    let dispose = () => {}
    if (id === 'int8act') {
      let mlp
      try {
        mlp = mlpOf(lm, opts.column)
      } catch (e) {
        skipped[id] = `int8act needs a Dense LayersModel (${(e as Error).message})`
        tick()
        continue
      }
      const calib = matrixRows(x, compareSampleRows(n, opts.calibrationRows, opts.seed + 1))
      const q = int8ActModel(mlp, calib)
      predict = q.predict
      bytes = q.variant.bytes
      storage =
        'int8 weights + int8 activations (computed by the core; the export holds the int8 weights only, dequantized float32)'
    } else {
      const { variant, artifacts } = quantizedArtifacts(lm.artifacts, id)
      const vlm = await tfModelLoad(artifacts, `${lm.info.name} (${id})`)
      predict = tfPredictFn(vlm, opts.column)
      bytes = variant.bytes
      storage = variant.native
        ? `native tfjs ${variant.native.dtype} weights`
        : 'dequantized float32 (weights rounded, stored as float32)'
      dispose = () => vlm.model.dispose()
    }
    try {
      const p = await predict(x)
      const latencyMs = await median(opts.latencyRepeats, () => predict(x))
      const phi = await phiOf(predict)
      const comparison = variantCompare(
        { p: p0, phi: phi0 },
        { p, phi },
        labels,
        groups,
        opts.threshold,
      )
      variants.push({
        id,
        bytes,
        latencyMs,
        comparison,
        widened: fairnessWidened(comparison, opts.tolerance),
        storage,
        predictions: p,
      })
    } finally {
      dispose()
    }
    tick()
  }
  return {
    rows: n,
    baseBytes,
    baseLatencyMs,
    shapRows,
    variants,
    skipped,
    ms: performance.now() - t0,
  }
}

/** The report's `quantization` section from a comparison. */
export function compressionReportSection(
  r: CompressionResult,
): Record<string, QuantizationReportEntry> {
  return Object.fromEntries(
    r.variants.map((v) => [v.id, quantizationReportEntry(v.comparison, v.bytes)]),
  )
}

/** Files to download for a variant: model.json + one weight shard. */
export function compressionExport(
  lm: LoadedModel,
  id: QuantSchemeId,
  baseName: string,
): { modelJson: string; bin: Uint8Array } {
  const { artifacts } = quantizedArtifacts(lm.artifacts as tf.io.ModelArtifacts, id)
  return artifactsToFiles(artifacts, baseName)
}

/** Sensitive attribute → group value per row, for the attributes the table has. */
export function sensitiveGroups(schema: Schema, table: Table): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const attr of schema.sensitive) {
    const col = tableColumn(table, attr)
    if (col) out[attr] = Array.from(col.codes, (c) => col.values[c]!)
  }
  return out
}

/**
 * Adds the `quantization` section to an audit report (CLI and browser alike) when the settings
 * ask for schemes: the same comparison as the Compression tab, with the audit's threshold, seed,
 * background and budget.
 */
export async function auditQuantization(
  report: Report,
  lm: LoadedModel,
  data: { schema: Schema; table: Table; x: Matrix; labels: Uint8Array | null },
  settings: AuditSettings,
  column: number,
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel; chunkRows?: number } = {},
): Promise<Report> {
  const ids = settings.quantize as QuantSchemeId[]
  if (!ids.length) return report
  const r = await compressionRun(
    lm,
    {
      schema: data.schema,
      x: data.x,
      labels: data.labels,
      groups: sensitiveGroups(data.schema, data.table),
    },
    {
      ...COMPRESSION_DEFAULTS,
      ids,
      column,
      threshold: settings.threshold,
      seed: settings.seed,
      background: settings.background,
      budget: settings.budget,
      latencyRepeats: 1,
    },
    hooks,
  )
  return { ...report, quantization: compressionReportSection(r) }
}
