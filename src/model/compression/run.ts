/**
 * The compression comparison (issue 6): every quantized / pruned variant of the loaded model
 * against float32 on the same rows — size, latency, metrics, decision agreement, |Δp|,
 * calibration, fairness and attribution stability. Runtime-agnostic: the variants come from the
 * model's compression capability (src/model/runtime.ts; tfjs models have one), the rest is the
 * core's comparison. A comparison is a measuring part (every row: predictions and latency, on one
 * worker) and a SHAP part (seeded rows, splittable over the pool's workers), then an assembly.
 */
import { matrixRows } from '../../core/quantize/activations.ts'
import { compareSampleRows, fairnessWidened, variantCompare } from '../../core/quantize/compare.ts'
import { rngFromSeed, rngSplit } from '../../core/random.ts'
import { type Schema, schemaOffsets } from '../../core/schema.ts'
import { backgroundCreate } from '../../core/shap/background.ts'
import { shapExplain } from '../../core/shap/shap.ts'
import { type Table, tableColumn } from '../../core/table.ts'
import { type CheckCancel, type Matrix, type ProgressFn, matrix } from '../../core/types.ts'
import { ModelError } from '../errors.ts'
import type { LoadedModel, ModelCompression, VariantModel } from '../runtime.ts'
import type {
  CompressionData,
  CompressionMeasured,
  CompressionOptions,
  CompressionResult,
  CompressionShapPlan,
  CompressionShapVariant,
  VariantResult,
} from './types.ts'
import { dict } from '../../core/dict.ts'

/** What a model format is called in sentences the page shows. */
const FORMAT_NAMES: Record<string, string> = {
  'layers-model': 'a TensorFlow.js LayersModel',
  'graph-model': 'a TensorFlow.js GraphModel',
  onnx: 'an ONNX model',
  'xgboost-json': 'an XGBoost JSON model',
}

/**
 * Why a model has no compression variants (a sentence the page and the CLI show), or null when
 * it has them.
 * @example compressionUnavailable(onnxModel) // "Compression variants exist for TensorFlow.js LayersModels; this is an ONNX model"
 */
export function compressionUnavailable(model: LoadedModel): string | null {
  if (model.compression) return null
  const f = model.card.format
  return `Compression variants exist for TensorFlow.js LayersModels; this is ${FORMAT_NAMES[f] ?? f}`
}

/**
 * The model's compression capability.
 * @throws ModelError naming the model and saying which formats have variants when its runtime
 *   builds none.
 */
export function compressionOf(model: LoadedModel): ModelCompression {
  const why = compressionUnavailable(model)
  if (why || !model.compression) throw new ModelError(`${model.card.name}: ${why}`)
  return model.compression
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
    offsets: data.offsets ?? schemaOffsets(data.schema),
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
  model: LoadedModel,
  ids: readonly CompressionShapVariant[],
  plan: CompressionShapPlan,
  hooks: {
    onVariant?: (done: number, total: number) => void
    checkCancel?: CheckCancel
    chunkRows?: number
  } = {},
): Promise<Record<string, Float64Array>> {
  const cmp = compressionOf(model)
  const out = dict<Float64Array>()
  let done = 0
  for (const id of ids) {
    await hooks.checkCancel?.()
    const vm: VariantModel | string =
      id === 'float32'
        ? { predict: model.predictor(plan.column), bytes: 0, storage: '', dispose: () => {} }
        : await cmp.variant(id, plan.column, plan.calib)
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
  model: LoadedModel,
  data: CompressionData,
  opts: CompressionOptions,
  plan: CompressionShapPlan & { shapRows: number[] },
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel } = {},
): Promise<CompressionMeasured> {
  const cmp = compressionOf(model)
  const { x } = data
  const steps = opts.ids.length + 1
  let step = 0
  const tick = () => hooks.onProgress?.(++step, steps)
  const basePredict = model.predictor(opts.column)
  const p0 = data.predictions ?? (await basePredict(x))
  const baseLatencyMs = await median(opts.latencyRepeats, () => basePredict(x))
  tick()
  const variants: CompressionMeasured['variants'] = []
  const skipped = dict<string>()
  for (const id of opts.ids) {
    await hooks.checkCancel?.()
    const vm = await cmp.variant(id, opts.column, plan.calib)
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
    baseBytes: cmp.baseBytes(),
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
    if (!phi) throw new Error(`the compression comparison has no SHAP values for variant "${id}"`)
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
 * Compares every requested variant of `model` with float32 on `data`: measures predictions and
 * latencies, then the SHAP stability of every variant on the seeded rows, then compares.
 * Progress: one step per variant (and float32) in each of the two phases.
 */
export async function compressionRun(
  model: LoadedModel,
  data: CompressionData,
  opts: CompressionOptions,
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel; chunkRows?: number } = {},
): Promise<CompressionResult> {
  const t0 = performance.now()
  const plan = compressionShapPlan(data, opts)
  const steps = 2 * (opts.ids.length + 1)
  const measured = await compressionMeasure(model, data, opts, plan, {
    onProgress: (done) => hooks.onProgress?.(done, steps),
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
  })
  const ids: CompressionShapVariant[] = ['float32', ...measured.variants.map((v) => v.id)]
  const phis = await compressionPhis(model, ids, plan, {
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

/** Sensitive attribute → group value per row, for the attributes the table has. */
export function sensitiveGroups(schema: Schema, table: Table): Record<string, string[]> {
  const out = dict<string[]>()
  for (const attr of schema.sensitive) {
    const col = tableColumn(table, attr)
    if (col) out[attr] = Array.from(col.codes, (c) => col.values[c]!)
  }
  return out
}
