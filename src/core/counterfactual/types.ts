/**
 * Shared result and option types of the counterfactual searches.
 */
import type { CheckCancel, Matrix, ProgressFn } from '../types.ts'
import type { Rng } from '../random.ts'
import type { Precision } from '../shap/coalitions.ts'
import type { ModelInputMap } from '../modelInput.ts'

/** Which side of the threshold the answer must reach: p ≥ threshold (`above`) or p < threshold. */
export type Desired = 'above' | 'below'

/** One counterfactual, re-scored by the model. */
export type Counterfactual = {
  /** Feature values (numeric value or category index), schema order. */
  values: Float64Array
  /** Only the changed features: new number, or category name. */
  changes: Record<string, number | string>
  /** f(values). */
  prediction: number
  /** prediction on the desired side of the threshold. */
  valid: boolean
  /** Number of features changed (sparsity). */
  nChanged: number
  /** Σ_numeric |Δ|/MAD + Σ_categorical 1[changed]. */
  proximity: number
}

/** The answers to one query. */
export type CounterfactualSet = {
  /** Valid answers only, best first (at most k). */
  counterfactuals: Counterfactual[]
  /** Mean pairwise proximity of the answers; null for fewer than two. */
  diversity: number | null
  /** Why no answer was found; null when there is at least one. */
  noneReason: string | null
  /** f(row). */
  prediction: number
  desired: Desired
  threshold: number
  /** Model rows evaluated for this query. */
  evaluations: number
}

/** Options common to both searches. */
export type CounterfactualCommonOptions = {
  /** Default: the opposite side of the threshold from the row's prediction. */
  desired?: Desired
  /** Default 0.5 (positive iff p ≥ threshold). */
  threshold?: number
  /** Answers wanted (default 4). */
  k?: number
  /** Random stream; default rngFromSeed(seed). */
  rng?: Rng
  /** Default 1. */
  seed?: number
  /** Rows per model call (default from the encoded width). */
  chunkRows?: number
  /** Encoded buffer type (default float32, the model boundary). */
  precision?: Precision
  /** How feature values become model inputs (default: the schema's §1 encoding). */
  input?: ModelInputMap
  checkCancel?: CheckCancel
  /** Stages done out of total. */
  onProgress?: ProgressFn
}

/** Options of the guided search. */
export type CounterfactualOptions = CounterfactualCommonOptions & {
  /** Data rows and their predictions, to seed the search from the nearest rows on the desired side. */
  data?: { values: Matrix; predictions: ArrayLike<number> }
  /** Nearest desired-side data rows used as seeds (default 2k). */
  neighbors?: number
  /** Partial answers kept per level (default 16). */
  beamWidth?: number
  /** Most features changed by the beam search (default 4). */
  maxChanges?: number
  /** Search-time safety margin on p (default 1e-4): answers stay valid under float32 rounding. */
  margin?: number
  /** Random candidates drawn when the guided search finds fewer than k answers (default 256). */
  randomSamples?: number
  /** When nothing is found, rerun without constraints to say which constraint blocks (default true). */
  explainFailure?: boolean
}
