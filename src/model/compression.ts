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
import { type Background, type BackgroundSpec, backgroundCreate } from '../core/shap/background.ts'
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

/**
 * The SHAP-stability part of a comparison, independent of the rest: the seeded rows to explain,
 * the background, and (for int8act) the calibration rows. A row's φ under a variant does not
 * depend on the other rows explained with it (one Kernel design per seed), so the rows may be
 * split across workers and the pieces concatenated (src/workers/pool.ts).
 */
export type CompressionShapPlan = {
  /** Encoded rows to explain (the `shapRows` of the result, in that order). */
  x: Matrix
  bg: Background
  offsets: Int32Array
  seed: number
  budget: number
  /** Output column of the class of interest. */
  column: number
  /** int8act's calibration rows (null when int8act is not asked for). */
  calib: Matrix | null
}

/** A comparison without its SHAP part: what needs every row (predictions, latency). */
export type CompressionMeasured = {
  rows: number
  baseBytes: number
  baseLatencyMs: number
  shapRows: number[]
  /** float32 predictions of every row. */
  p0: Float32Array
  variants: Omit<VariantResult, 'comparison' | 'widened'>[]
  skipped: Record<string, string>
}

/** Which variant's SHAP: the float32 model or a quantized one. */
export type CompressionShapVariant = 'float32' | QuantSchemeId

type VariantModel = { predict: PredictFn; bytes: number; storage: string; dispose: () => void }

/** Builds a variant of `lm` (int8act needs the calibration rows); a string = why it cannot be. */
async function variantModel(
  lm: LoadedModel,
  id: QuantSchemeId,
  column: number,
  calib: Matrix | null,
): Promise<VariantModel | string> {
  if (id === 'int8act') {
    let mlp
    try {
      mlp = mlpOf(lm, column)
    } catch (e) {
      return `int8act needs a Dense LayersModel (${(e as Error).message})`
    }
    if (!calib) throw new Error('int8act: no calibration rows')
    const q = int8ActModel(mlp, calib)
    return {
      predict: q.predict,
      bytes: q.variant.bytes,
      storage:
        'int8 weights + int8 activations (computed by the core; the export holds the int8 weights only, dequantized float32)',
      dispose: () => {},
    }
  }
  const { variant, artifacts } = quantizedArtifacts(lm.artifacts, id)
  const vlm = await tfModelLoad(artifacts, `${lm.info.name} (${id})`)
  return {
    predict: tfPredictFn(vlm, column),
    bytes: variant.bytes,
    storage: variant.native
      ? `native tfjs ${variant.native.dtype} weights`
      : 'dequantized float32 (weights rounded, stored as float32)',
    dispose: () => vlm.model.dispose(),
  }
}

/** The seeded SHAP rows, background and calibration rows of a comparison. */
export function compressionShapPlan(
  data: CompressionData,
  opts: CompressionOptions,
): CompressionShapPlan & { shapRows: number[] } {
  const { x } = data
  const n = x.rows
  const rng = rngFromSeed(opts.seed)
  const bg = backgroundCreate(x, opts.background, rngSplit(rng))
  const shapRows = compareSampleRows(n, opts.shapRows, opts.seed)
  const w = x.cols
  const xs = new Float32Array(shapRows.length * w)
  shapRows.forEach((r, i) => xs.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  return {
    x: matrix(xs, shapRows.length, w),
    bg,
    offsets: schemaOffsets(data.schema),
    seed: opts.seed,
    budget: opts.budget,
    column: opts.column,
    calib: opts.ids.includes('int8act')
      ? matrixRows(x, compareSampleRows(n, opts.calibrationRows, opts.seed + 1))
      : null,
    shapRows,
  }
}

/**
 * φ (rows × features, row-major) of the plan's rows under each variant in `ids`, one variant
 * model at a time. A variant that cannot be built is left out (the measuring step skipped it).
 */
export async function compressionPhis(
  lm: LoadedModel,
  ids: readonly CompressionShapVariant[],
  plan: CompressionShapPlan,
  hooks: {
    onVariant?: (done: number, total: number) => void
    checkCancel?: CheckCancel
    chunkRows?: number
  } = {},
): Promise<Record<string, Float64Array>> {
  const out: Record<string, Float64Array> = {}
  let done = 0
  for (const id of ids) {
    await hooks.checkCancel?.()
    const vm: VariantModel | string =
      id === 'float32'
        ? {
            predict: tfPredictFn(lm, plan.column),
            bytes: 0,
            storage: '',
            dispose: () => {},
          }
        : await variantModel(lm, id, plan.column, plan.calib)
    if (typeof vm !== 'string') {
      try {
        const res = await shapExplain(vm.predict, plan.x, plan.bg, {
          offsets: plan.offsets,
          budget: plan.budget,
          seed: plan.seed,
          ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
          ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
        })
        const m = plan.offsets.length - 1
        const phi = new Float64Array(res.length * m)
        res.forEach((r, i) => phi.set(r.phi, i * m))
        out[id] = phi
      } finally {
        vm.dispose()
      }
    }
    hooks.onVariant?.(++done, ids.length)
  }
  return out
}

/**
 * Everything of a comparison that needs all rows: float32 predictions and latency, and each
 * variant's size, predictions and latency (measured one after the other on this worker).
 */
export async function compressionMeasure(
  lm: LoadedModel,
  data: CompressionData,
  opts: CompressionOptions,
  plan: CompressionShapPlan & { shapRows: number[] },
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel } = {},
): Promise<CompressionMeasured> {
  const { x } = data
  const steps = opts.ids.length + 1
  let step = 0
  const tick = () => hooks.onProgress?.(++step, steps)
  const basePredict = tfPredictFn(lm, opts.column)
  const p0 = data.predictions ?? (await basePredict(x))
  const baseLatencyMs = await median(opts.latencyRepeats, () => basePredict(x))
  tick()
  const variants: CompressionMeasured['variants'] = []
  const skipped: Record<string, string> = {}
  for (const id of opts.ids) {
    await hooks.checkCancel?.()
    const vm = await variantModel(lm, id, opts.column, plan.calib)
    if (typeof vm === 'string') {
      skipped[id] = vm
      tick()
      continue
    }
    try {
      const p = await vm.predict(x)
      const latencyMs = await median(opts.latencyRepeats, () => vm.predict(x))
      variants.push({ id, bytes: vm.bytes, latencyMs, storage: vm.storage, predictions: p })
    } finally {
      vm.dispose()
    }
    tick()
  }
  return {
    rows: x.rows,
    baseBytes: packedBytes('float32', artifactsWeightTensors(lm.artifacts)),
    baseLatencyMs,
    shapRows: plan.shapRows,
    p0,
    variants,
    skipped,
  }
}

/** The comparison from the measured part and every variant's φ (float32's included). */
export function compressionAssemble(
  measured: CompressionMeasured,
  phis: Record<string, Float64Array>,
  data: { labels: Uint8Array | null; groups: Record<string, string[]> },
  opts: { threshold: number; tolerance: number },
  features: number,
  ms: number,
): CompressionResult {
  const k = measured.shapRows.length
  const phiOf = (id: string): Matrix => {
    const phi = phis[id]
    if (!phi) throw new Error(`compression: no SHAP values for ${id}`)
    return matrix(phi, k, features)
  }
  const phi0 = phiOf('float32')
  const variants: VariantResult[] = measured.variants.map((v) => {
    const comparison = variantCompare(
      { p: measured.p0, phi: phi0 },
      { p: v.predictions, phi: phiOf(v.id) },
      data.labels,
      data.groups,
      opts.threshold,
    )
    return { ...v, comparison, widened: fairnessWidened(comparison, opts.tolerance) }
  })
  return {
    rows: measured.rows,
    baseBytes: measured.baseBytes,
    baseLatencyMs: measured.baseLatencyMs,
    shapRows: measured.shapRows,
    variants,
    skipped: measured.skipped,
    ms,
  }
}

/**
 * Compares every requested variant of `lm` with float32 on `data`: measures predictions and
 * latencies, then the SHAP stability of every variant on the seeded rows, then compares.
 * Progress: one step per variant (and float32) in each of the two phases.
 */
export async function compressionRun(
  lm: LoadedModel,
  data: CompressionData,
  opts: CompressionOptions,
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel; chunkRows?: number } = {},
): Promise<CompressionResult> {
  const t0 = performance.now()
  const plan = compressionShapPlan(data, opts)
  const steps = 2 * (opts.ids.length + 1)
  const measured = await compressionMeasure(lm, data, opts, plan, {
    onProgress: (done) => hooks.onProgress?.(done, steps),
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
  })
  const ids: CompressionShapVariant[] = ['float32', ...measured.variants.map((v) => v.id)]
  const phis = await compressionPhis(lm, ids, plan, {
    onVariant: (done) => hooks.onProgress?.(opts.ids.length + 1 + done, steps),
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
    ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
  })
  return compressionAssemble(
    measured,
    phis,
    data,
    opts,
    data.schema.features.length,
    performance.now() - t0,
  )
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
