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

/** Scores per row: probabilities in [0, 1] for log loss, Brier and calibration; else any real. */
export type Scores = ArrayLike<number>

/** Labels per row: 1 = positive (the schema's `target.positive`), 0 = negative. */
export type Labels = Uint8Array

/** Counts of the 2×2 confusion matrix at one threshold; they sum to n. */
export type Confusion = { tp: number; fp: number; tn: number; fn: number }

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

/** ROC curve as parallel arrays, ordered by decreasing threshold (sklearn's `roc_curve` order). */
export type RocCurve = {
  /** False positive rate at each point, non-decreasing from 0 to 1. */
  fpr: Float64Array
  /** True positive rate at each point, non-decreasing from 0 to 1. */
  tpr: Float64Array
  /** Threshold of each point (rows with p ≥ threshold are positive); the first is +Infinity. */
  threshold: Float64Array
}

/** Precision-recall curve as parallel arrays, ordered by increasing threshold (sklearn order). */
export type PrCurve = {
  /** Recall at each point, non-increasing, ending at 0. */
  recall: Float64Array
  /** Precision at each point, ending at 1. */
  precision: Float64Array
  /**
   * Threshold of each point. The last is +Infinity: the (recall 0, precision 1) point that sklearn
   * appends without a threshold; dropping it gives sklearn's `thresholds` exactly.
   */
  threshold: Float64Array
}

/**
 * Checks that `p` and `y` have the same length, that no score is NaN and every label is 0 or 1.
 * Shared by the metric modules of the core so that a bad input fails loudly instead of turning
 * into a silent NaN.
 * @throws RangeError naming `fn`, the index and the value.
 */
export function metricsCheckInputs(fn: string, p: Scores, y: Labels): void {
  if (p.length !== y.length) {
    throw new RangeError(`${fn}: ${p.length} scores but ${y.length} labels`)
  }
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(p[i]!)) throw new RangeError(`${fn}: p[${i}] is NaN`)
    if (y[i]! > 1) throw new RangeError(`${fn}: y[${i}] = ${y[i]!} is not 0 or 1`)
  }
}

function checkThreshold(fn: string, threshold: number): void {
  if (Number.isNaN(threshold)) throw new RangeError(`${fn}: threshold is NaN`)
}

function checkMaxPoints(fn: string, maxPoints: number): void {
  if (!(maxPoints >= 2) || !(Number.isInteger(maxPoints) || maxPoints === Infinity)) {
    throw new RangeError(`${fn}: maxPoints must be an integer ≥ 2, got ${maxPoints}`)
  }
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
  const lo = 1e-15
  const hi = 1 - 1e-15
  let sum = 0
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(hi, Math.max(lo, p[i]!))
    sum -= y[i] ? Math.log(q) : Math.log(1 - q)
  }
  return ratio(sum, p.length)
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

/**
 * The rows grouped by distinct score, in decreasing score order: `tp[k]` / `fp[k]` count the
 * positives / negatives with score ≥ `score[k]` (the confusion at threshold `score[k]`).
 */
type ScoreTies = {
  score: Float64Array
  tp: Float64Array
  fp: Float64Array
  nPos: number
  nNeg: number
}

function scoreTies(fn: string, p: Scores, y: Labels): ScoreTies {
  metricsCheckInputs(fn, p, y)
  const n = p.length
  let nPos = 0
  for (let i = 0; i < n; i++) nPos += y[i]!
  const nNeg = n - nPos
  const pos = new Float64Array(nPos)
  const neg = new Float64Array(nNeg)
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (y[i]) pos[a++] = p[i]!
    else neg[b++] = p[i]!
  }
  pos.sort()
  neg.sort()
  const score = new Float64Array(n)
  const tps = new Float64Array(n)
  const fps = new Float64Array(n)
  let i = nPos - 1
  let j = nNeg - 1
  let k = 0
  let tp = 0
  let fp = 0
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!)
    while (i >= 0 && pos[i] === v) {
      tp++
      i--
    }
    while (j >= 0 && neg[j] === v) {
      fp++
      j--
    }
    score[k] = v
    tps[k] = tp
    fps[k] = fp
    k++
  }
  return { score: score.subarray(0, k), tp: tps.subarray(0, k), fp: fps.subarray(0, k), nPos, nNeg }
}

/** Indices of a uniform subset of `0..length-1` of size `maxPoints`, endpoints included. */
function downsampleIndices(length: number, maxPoints: number): Uint32Array | null {
  if (length <= maxPoints) return null
  const idx = new Uint32Array(maxPoints)
  const step = (length - 1) / (maxPoints - 1)
  for (let k = 0; k < maxPoints; k++) idx[k] = Math.round(k * step)
  return idx
}

function pick(a: Float64Array, idx: Uint32Array | null): Float64Array {
  if (idx === null) return a
  const out = new Float64Array(idx.length)
  for (let k = 0; k < idx.length; k++) out[k] = a[idx[k]!]!
  return out
}

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counting
 * one half (Mann-Whitney U with mid-ranks; equals sklearn's `roc_auc_score`). In [0, 1].
 * Invariant to strictly increasing transforms of `p`. Computed exactly from all rows, never from a
 * downsampled curve.
 * @returns null unless both classes occur (empty input included).
 * @example rocAuc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.75
 */
export function rocAuc(p: Scores, y: Labels): number | null {
  return aucOfTies(scoreTies('rocAuc', p, y))
}

function aucOfTies(t: ScoreTies): number | null {
  if (t.nPos === 0 || t.nNeg === 0) return null
  let u = 0
  let prevTp = 0
  let prevFp = 0
  for (let k = 0; k < t.score.length; k++) {
    const dp = t.tp[k]! - prevTp
    const dn = t.fp[k]! - prevFp
    // Positives at this score beat every negative below it and tie with the dn at it.
    u += dp * (t.nNeg - t.fp[k]!) + 0.5 * dp * dn
    prevTp = t.tp[k]!
    prevFp = t.fp[k]!
  }
  return u / (t.nPos * t.nNeg)
}

/**
 * ROC curve: one point per distinct score (threshold = that score), preceded by (0, 0) at
 * threshold +Infinity and ending at (1, 1) at the smallest score. Intermediate collinear points
 * are kept (sklearn's `drop_intermediate=False`). When there are more than `maxPoints` points, a
 * uniform subset of `maxPoints` is returned, endpoints kept: for drawing only (`rocAuc` gives the
 * exact AUC).
 * @returns null unless both classes occur.
 * @throws RangeError when `maxPoints` is not an integer ≥ 2 (Infinity = no downsampling).
 * @example rocCurve(predictions, labels)?.tpr // ≤ 201 points for a chart
 */
export function rocCurve(p: Scores, y: Labels, maxPoints = 201): RocCurve | null {
  checkMaxPoints('rocCurve', maxPoints)
  return rocOfTies(scoreTies('rocCurve', p, y), maxPoints)
}

function rocOfTies(t: ScoreTies, maxPoints: number): RocCurve | null {
  if (t.nPos === 0 || t.nNeg === 0) return null
  const m = t.score.length + 1
  const fpr = new Float64Array(m)
  const tpr = new Float64Array(m)
  const threshold = new Float64Array(m)
  threshold[0] = Infinity
  for (let k = 1; k < m; k++) {
    fpr[k] = t.fp[k - 1]! / t.nNeg
    tpr[k] = t.tp[k - 1]! / t.nPos
    threshold[k] = t.score[k - 1]!
  }
  const idx = downsampleIndices(m, maxPoints)
  return { fpr: pick(fpr, idx), tpr: pick(tpr, idx), threshold: pick(threshold, idx) }
}

/**
 * Precision-recall curve in sklearn's `precision_recall_curve` convention: one point per distinct
 * score in increasing threshold order (recall decreasing), then the point (recall 0, precision 1)
 * with threshold +Infinity. Downsampled like `rocCurve` when longer than `maxPoints`.
 * @returns null when no label is positive (recall undefined) or the input is empty.
 * @throws RangeError when `maxPoints` is not an integer ≥ 2 (Infinity = no downsampling).
 * @example prCurve(predictions, labels, Infinity) // every distinct threshold
 */
export function prCurve(p: Scores, y: Labels, maxPoints = 201): PrCurve | null {
  checkMaxPoints('prCurve', maxPoints)
  return prOfTies(scoreTies('prCurve', p, y), maxPoints)
}

function prOfTies(t: ScoreTies, maxPoints: number): PrCurve | null {
  if (t.nPos === 0) return null
  const k0 = t.score.length
  const m = k0 + 1
  const recall = new Float64Array(m)
  const precision = new Float64Array(m)
  const threshold = new Float64Array(m)
  for (let k = 0; k < k0; k++) {
    const at = k0 - 1 - k
    recall[k] = t.tp[at]! / t.nPos
    precision[k] = t.tp[at]! / (t.tp[at]! + t.fp[at]!)
    threshold[k] = t.score[at]!
  }
  recall[k0] = 0
  precision[k0] = 1
  threshold[k0] = Infinity
  const idx = downsampleIndices(m, maxPoints)
  return {
    recall: pick(recall, idx),
    precision: pick(precision, idx),
    threshold: pick(threshold, idx),
  }
}

/**
 * Average precision (sklearn's `average_precision_score`): Σ_k (R_k − R_{k−1}) P_k over the
 * distinct thresholds in decreasing order, a step-wise (not interpolated) area under the PR curve,
 * in [0, 1]. Computed from all rows.
 * @returns null when no label is positive or the input is empty.
 * @example averagePrecision(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 5/6
 */
export function averagePrecision(p: Scores, y: Labels): number | null {
  return apOfTies(scoreTies('averagePrecision', p, y))
}

function apOfTies(t: ScoreTies): number | null {
  if (t.nPos === 0) return null
  let ap = 0
  let prevTp = 0
  for (let k = 0; k < t.score.length; k++) {
    const tp = t.tp[k]!
    if (tp !== prevTp) ap += ((tp - prevTp) / t.nPos) * (tp / (tp + t.fp[k]!))
    prevTp = tp
  }
  return ap
}

/** The ranking numbers of one prediction set; see `rankingMetrics`. */
export type RankingMetrics = {
  rocAuc: number | null
  roc: RocCurve | null
  pr: PrCurve | null
  averagePrecision: number | null
}

/**
 * `rocAuc`, `rocCurve`, `prCurve` and `averagePrecision` from one sort of the scores instead of
 * four: the same numbers, a quarter of the work and garbage (a million rows: one pass of sorts).
 * @throws RangeError as those functions.
 * @example rankingMetrics(p, y).roc?.tpr
 */
export function rankingMetrics(p: Scores, y: Labels, maxPoints = 201): RankingMetrics {
  checkMaxPoints('rankingMetrics', maxPoints)
  const t = scoreTies('rankingMetrics', p, y)
  return {
    rocAuc: aucOfTies(t),
    roc: rocOfTies(t, maxPoints),
    pr: prOfTies(t, maxPoints),
    averagePrecision: apOfTies(t),
  }
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
    throw new RangeError(
      `metricsAt: the confusion counts sum to ${tp + fp + tn + fn}, not n = ${n}`,
    )
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
