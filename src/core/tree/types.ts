/**
 * A tree ensemble as the core sees it, whatever file it came from (ONNX `ai.onnx.ml`
 * TreeEnsembleClassifier / TreeEnsembleRegressor, XGBoost JSON): flat typed arrays per tree,
 * leaf values per output, the aggregation and the post-transform. Readers (src/model/xgboost/read.ts,
 * the ONNX reader) build it; the evaluator and TreeSHAP (src/core/tree/*) read it.
 *
 * Numbers that decide splits (docs/contracts.md §7): inputs reach a tree as float32 — the encoding
 * is computed in float64, rounded once with Math.fround, and compared with the split value, which
 * is itself a float32 value stored in a Float64Array (exact). `thresholdPrecision: 'float64'`
 * (ONNX opset 3 `nodes_values_as_tensor` in double) compares unrounded float64 inputs instead.
 */

/** How a branch node compares its input `x` with its `threshold`: true → `yes` child. */
export const SplitMode = {
  /** x ≤ t */
  Leq: 0,
  /** x < t (XGBoost) */
  Lt: 1,
  /** x ≥ t */
  Gte: 2,
  /** x > t */
  Gt: 3,
  /** x = t */
  Eq: 4,
  /** x ≠ t */
  Neq: 5,
  /** a leaf: no comparison */
  Leaf: 6,
} as const
export type SplitMode = (typeof SplitMode)[keyof typeof SplitMode]

/**
 * One tree, node-indexed from 0 (the root). Node ids of the source file are remapped to
 * 0..nodes−1 by the reader. Arrays all have length `nodes`.
 */
export type Tree = {
  readonly nodes: number
  /** SplitMode per node (Leaf at leaves). */
  readonly mode: Uint8Array
  /** Index of the input vector the split reads; −1 at leaves. */
  readonly feature: Int32Array
  /** Split value (float32-representable unless the ensemble's thresholdPrecision is float64). */
  readonly threshold: Float64Array
  /** Child when the comparison holds; −1 at leaves. */
  readonly yes: Int32Array
  /** Child when it does not; −1 at leaves. */
  readonly no: Int32Array
  /** 1 when a missing (NaN) input goes to `yes`, 0 when it goes to `no`. */
  readonly missingYes: Uint8Array
  /**
   * Leaf values, `nodes × nOutputs` row-major (0 at branch nodes): what the leaf adds to each
   * output's margin (XGBoost: the leaf's `split_conditions`, learning rate applied; ONNX: the
   * class/target weights).
   */
  readonly value: Float64Array
  /**
   * Training cover per node (XGBoost `sum_hessian`): what path-dependent TreeSHAP weights the
   * branches by. null when the file has none (ONNX hit rates are not covers).
   */
  readonly cover: Float64Array | null
}

/** How the summed leaf values become the model's output (ONNX `post_transform`). */
export type PostTransform = 'NONE' | 'LOGISTIC' | 'SOFTMAX' | 'SOFTMAX_ZERO' | 'PROBIT'

export type TreeEnsemble = {
  readonly trees: readonly Tree[]
  /** Width of the input vector the trees read (features ids are < nInputs). */
  readonly nInputs: number
  /** Number of margin outputs (1 for a binary model scoring class 1 only; k for k classes). */
  readonly nOutputs: number
  /** Added to each output's margin (ONNX `base_values`; XGBoost the logit of `base_score`). */
  readonly base: Float64Array
  /** 'SUM' (boosting) or 'AVERAGE' (random forest: the sum divided by the number of trees). */
  readonly aggregate: 'SUM' | 'AVERAGE'
  readonly postTransform: PostTransform
  /**
   * A binary classifier whose trees score only class 1 (ONNX `class_ids` all 0, XGBoost
   * binary:logistic): nOutputs = 1, and the class probabilities are [1 − s, s] (NONE) or
   * [σ(−m), σ(m)] (LOGISTIC), m the margin.
   */
  readonly binary: boolean
  /** Precision of split comparisons (see the module comment). */
  readonly thresholdPrecision: 'float32' | 'float64'
}
