/**
 * The compression comparison's data types (issue 6): options and defaults, the plan of its SHAP
 * part, what its measuring part yields, and the result the Compression tab and the report read.
 */
import type { FairnessWidening, VariantComparison } from '../../core/quantize/compare.ts'
import type { QuantSchemeId } from '../../core/quantize/schemes.ts'
import type { Schema } from '../../core/schema.ts'
import type { Background, BackgroundSpec } from '../../core/shap/background.ts'
import type { Matrix } from '../../core/types.ts'
import type { OutputColumn } from '../card.ts'

/** What a comparison compares and how (contracts §2 scheme ids; the audit's settings). */
export type CompressionOptions = {
  ids: readonly QuantSchemeId[]
  threshold: number
  /** Output column of the class of interest (0 for a sigmoid). */
  column: OutputColumn
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

/** The Compression tab's defaults (the audit uses its own threshold, seed, background, budget). */
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

/** One variant against float32. */
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

/** A whole comparison: the float32 baseline, every variant, and those that could not be built. */
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

/** The data a comparison runs on (a session's). */
export type CompressionData = {
  schema: Schema
  /** The model's input rows of the data. */
  x: Matrix
  labels: Uint8Array | null
  /** Sensitive attribute → group value per row. */
  groups: Record<string, string[]>
  /** float32 predictions of every row (computed when absent). */
  predictions?: Float32Array
  /** Inputs of each player (the session's offsets); default the schema's one-hot blocks. */
  offsets?: Int32Array
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
  column: OutputColumn
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
