/**
 * Threshold metrics of a binary probabilistic classifier (docs/contracts.md §2): the confusion at a
 * threshold, accuracy, log loss, Brier score and the summary that combines them with ROC AUC.
 * Predicted positive iff `p[i] >= threshold`, compared in float64; sums and counts accumulate in
 * float64. Undefined metrics (no rows, a zero denominator) are `null`, never NaN.
 */
import { type Confusion, type Labels, type Scores, metricsCheckInputs } from './inputs.ts'
import { rocAuc } from './ranking.ts'

/** Summary metrics of one prediction set at one threshold; see `performanceMetrics`. */
export type PerformanceMetrics = {
  /** Number of rows. */
  n: number
  /** The decision threshold used (predicted positive iff p ≥ threshold). */
  threshold: number
  /** Share of rows whose label is positive (the base rate); null when n = 0. */
  positiveRate: number | null
  /** Share of rows predicted positive; null when n = 0. */
  predictedPositiveRate: number | null
  /** (tp + tn) / n; null when n = 0. */
  accuracy: number | null
  /** ROC AUC (Mann-Whitney, mid-ranks for ties); null unless both classes occur. */
  rocAuc: number | null
  /** Mean binary cross-entropy in nats, p clipped to [1e-15, 1 − 1e-15]; null when n = 0. */
  logLoss: number | null
  /** Mean squared error of p against y; null when n = 0. */
  brier: number | null
  /** Confusion counts at `threshold`. */
  confusion: Confusion
  /** tp / (tp + fp); null when nothing is predicted positive. */
  precision: number | null
  /** tp / (tp + fn) (= TPR); null when no label is positive. */
  recall: number | null
  /** fp / (fp + tn); null when no label is negative. */
  fpr: number | null
  /** 2tp / (2tp + fp + fn); null when tp + fp + fn = 0. */
  f1: number | null
}

function checkThreshold(_fn: string, threshold: number): void {
  if (Number.isNaN(threshold)) throw new RangeError('the decision threshold is NaN')
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den
}

/**
 * Confusion counts when rows with `p[i] >= threshold` are predicted positive.
 * @returns all zeros for empty input; tp + fp + tn + fn = n always.
 * @throws RangeError on mismatched lengths, a NaN score or threshold, or a label other than 0/1.
 * @example confusionAt(new Float32Array([0.2, 0.7]), new Uint8Array([0, 1]), 0.5) // tp 1, tn 1
 */
export function confusionAt(p: Scores, y: Labels, threshold = 0.5): Confusion {
  metricsCheckInputs('confusionAt', p, y)
  checkThreshold('confusionAt', threshold)
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  for (let i = 0; i < p.length; i++) {
    if (p[i]! >= threshold) {
      if (y[i]) tp++
      else fp++
    } else if (y[i]) fn++
    else tn++
  }
  return { tp, fp, tn, fn }
}

/**
 * Share of rows whose prediction at `threshold` matches the label, in [0, 1].
 * @returns null for empty input.
 * @example accuracyAt(Float32Array.of(0.2, 0.7), Uint8Array.of(1, 1)) // 0.5
 */
export function accuracyAt(p: Scores, y: Labels, threshold = 0.5): number | null {
  const c = confusionAt(p, y, threshold)
  return ratio(c.tp + c.tn, p.length)
}

/**
 * Mean log loss (binary cross-entropy) in nats: mean of −[y ln p + (1 − y) ln(1 − p)], with p
 * clipped to [1e-15, 1 − 1e-15] (sklearn's `log_loss`), so a confident mistake costs ≈ 34.5.
 * @returns null for empty input.
 * @example logLoss(Float64Array.of(0.5), Uint8Array.of(1)) // ln 2 ≈ 0.693
 */
export function logLoss(p: Scores, y: Labels): number | null {
  metricsCheckInputs('logLoss', p, y)
  let sum = 0
  for (let i = 0; i < p.length; i++) sum += logLossRow(p[i]!, y[i]!)
  return ratio(sum, p.length)
}

/**
 * One row's log loss in nats: −ln p for a positive label, −ln(1 − p) for a negative one, p clipped
 * to [1e-15, 1 − 1e-15] (sklearn's `log_loss`); `logLoss` is their mean. Not validated.
 * @example logLossRow(0.5, 1) // ln 2
 */
export function logLossRow(p: number, y: number): number {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p))
  return -(y ? Math.log(q) : Math.log(1 - q))
}

/**
 * Brier score: mean of (p − y)², in [0, 1] for probabilities (0 = perfect).
 * @returns null for empty input.
 * @example brier(Float64Array.of(0.25), Uint8Array.of(1)) // 0.5625
 */
export function brier(p: Scores, y: Labels): number | null {
  metricsCheckInputs('brier', p, y)
  let sum = 0
  for (let i = 0; i < p.length; i++) {
    const d = p[i]! - y[i]!
    sum += d * d
  }
  return ratio(sum, p.length)
}

/** The parts of `PerformanceMetrics` that do not depend on the threshold (O(n log n) to compute). */
export type ThresholdFreeMetrics = Pick<PerformanceMetrics, 'n' | 'rocAuc' | 'logLoss' | 'brier'>

/**
 * ROC AUC, log loss and Brier score of all rows: what `performanceMetrics` adds to the confusion
 * counts. Computed once per prediction set (off the page's thread for large data), so that a
 * threshold change only needs `confusionAt` (O(n)) and `metricsAt`.
 * @throws RangeError on mismatched lengths, a NaN score, or a label other than 0/1.
 * @example metricsAt(thresholdFreeMetrics(p, y), confusionAt(p, y, 0.3), 0.3).f1
 */
export function thresholdFreeMetrics(p: Scores, y: Labels): ThresholdFreeMetrics {
  return { n: p.length, rocAuc: rocAuc(p, y), logLoss: logLoss(p, y), brier: brier(p, y) }
}

/**
 * `performanceMetrics` from its two parts: the threshold-free numbers and the confusion counts at
 * `threshold` (which must sum to `free.n`).
 * @throws RangeError when the counts do not sum to n or the threshold is NaN.
 */
export function metricsAt(
  free: ThresholdFreeMetrics,
  confusion: Confusion,
  threshold: number,
): PerformanceMetrics {
  checkThreshold('metricsAt', threshold)
  const { tp, fp, tn, fn } = confusion
  const n = free.n
  if (tp + fp + tn + fn !== n) {
    throw new RangeError(`the confusion counts sum to ${tp + fp + tn + fn}, not n = ${n}`)
  }
  return {
    n,
    threshold,
    positiveRate: ratio(tp + fn, n),
    predictedPositiveRate: ratio(tp + fp, n),
    accuracy: ratio(tp + tn, n),
    rocAuc: free.rocAuc,
    logLoss: free.logLoss,
    brier: free.brier,
    confusion,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    fpr: ratio(fp, fp + tn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  }
}

/**
 * All summary metrics at one threshold (docs/contracts.md §4 `metrics` plus the confusion-derived
 * rates). Every rate whose denominator is 0 is null; see `PerformanceMetrics`.
 * @throws RangeError on mismatched lengths, a NaN score or threshold, or a label other than 0/1.
 * @example performanceMetrics(predictions, labels, 0.5).accuracy
 */
export function performanceMetrics(p: Scores, y: Labels, threshold = 0.5): PerformanceMetrics {
  const confusion = confusionAt(p, y, threshold)
  return metricsAt(thresholdFreeMetrics(p, y), confusion, threshold)
}
