/**
 * Ranking metrics of a binary classifier (docs/contracts.md §2): ROC AUC, the ROC and
 * precision-recall curves and average precision. They sort the positive and the negative scores
 * separately with the native typed-array sort (no comparator, O(n log n)) and merge them into one
 * row per distinct score, so a million rows take well under a second. Undefined metrics (one class
 * only, no rows) are `null`, never NaN.
 */
import { type Labels, type Scores, metricsCheckInputs } from './inputs.ts'

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

function checkMaxPoints(_fn: string, maxPoints: number): void {
  if (!(maxPoints >= 2) || !(Number.isInteger(maxPoints) || maxPoints === Infinity)) {
    throw new RangeError(
      `a curve needs at least 2 points (an integer or Infinity), got ${maxPoints}`,
    )
  }
}

/**
 * The rows grouped by distinct score, in decreasing score order: `tp[k]` / `fp[k]` count the
 * positives / negatives with score ≥ `score[k]` (the confusion at threshold `score[k]`).
 * Built from the rows by `rankingMetrics`, or from exact (score, label) counts by the streamed
 * audit (src/core/stream), which then gets the same numbers bit for bit.
 */
export type ScoreTies = {
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
  return rankingMetricsOfTies(scoreTies('rankingMetrics', p, y), maxPoints)
}

/**
 * `rankingMetrics` of rows already grouped by distinct score (see `ScoreTies`).
 * @throws RangeError when `maxPoints` is not an integer ≥ 2 (Infinity = no downsampling).
 */
export function rankingMetricsOfTies(t: ScoreTies, maxPoints = 201): RankingMetrics {
  checkMaxPoints('rankingMetricsOfTies', maxPoints)
  return {
    rocAuc: aucOfTies(t),
    roc: rocOfTies(t, maxPoints),
    pr: prOfTies(t, maxPoints),
    averagePrecision: apOfTies(t),
  }
}
