/**
 * Threshold and ranking metrics of a binary probabilistic classifier (docs/contracts.md §2).
 *
 * Inputs everywhere: `p` = score of the class of interest per row (Float32Array from the model, or
 * Float64Array), `y` = label per row (1 = positive, 0 = negative). Predicted positive iff
 * `p[i] >= threshold`, compared in float64. Sums and counts accumulate in float64.
 *
 * Ranking metrics sort the positive and the negative scores separately with the native typed-array
 * sort (no comparator, O(n log n)) and merge them into one row per distinct score, so a million
 * rows take well under a second. Undefined metrics (no rows, one class only, a zero
 * denominator) are `null`, never NaN.
 */
export { type Confusion, type Labels, type Scores, metricsCheckInputs } from './metrics/inputs.ts'
export {
  type PrCurve,
  type RankingMetrics,
  type RocCurve,
  type ScoreTies,
  averagePrecision,
  prCurve,
  rankingMetrics,
  rankingMetricsOfTies,
  rocAuc,
  rocCurve,
} from './metrics/ranking.ts'
export {
  type PerformanceMetrics,
  type ThresholdFreeMetrics,
  accuracyAt,
  brier,
  confusionAt,
  logLoss,
  logLossRow,
  metricsAt,
  performanceMetrics,
  thresholdFreeMetrics,
} from './metrics/threshold.ts'
