/**
 * DeLong's test for the difference of two correlated ROC AUCs (DeLong, DeLong & Clarke-Pearson
 * 1988), with the structural components computed as in Sun & Xu 2014 ("Fast implementation of
 * DeLong's algorithm for comparing the areas under correlated receiver operating characteristic
 * curves", IEEE Signal Processing Letters 21(11)) — O(n log n) instead of O(m·n).
 *
 * For model r with m positive scores X and n negative scores Y, Sun & Xu write the structural
 * components with mid-ranks: T_z = mid-rank among all m + n scores, T_x among the positives, T_y
 * among the negatives, V10_i = (T_z(X_i) − T_x(X_i)) / n and V01_j = 1 − (T_z(Y_j) − T_y(Y_j)) / m.
 * The difference of two mid-ranks of X_i is the number of negatives below X_i plus half the
 * negatives tied with it, so here V10_i = (#{Y < X_i} + ½ #{Y = X_i}) / n and
 * V01_j = (#{X > Y_j} + ½ #{X = Y_j}) / m, each count read by binary search in the other class's
 * scores sorted once (the same numbers, and the same O(n log n)). AUC_r = mean_i V10_i.
 * S10 and S01 are the 2×2 sample covariances (divisor m − 1, n − 1) of the two models'
 * V10 and V01 over the same rows, S = S10/m + S01/n, and var(AUC_B − AUC_A) = S_AA + S_BB − 2 S_AB.
 * The AUCs themselves (equal to mean_i V10_i up to rounding) are `rocAuc`'s, so that they are the
 * very numbers the audit reports.
 */
import { gammaQ } from '../drift/special.ts'
import { type Labels, type Scores, metricsCheckInputs, rocAuc } from '../metrics.ts'

/** The normal quantile of a two-sided 95% interval, as docs/contracts.md §8 fixes it. */
export const Z_95 = 1.959964

/** DeLong's test of challenger − champion; see {@link delongTest}. */
export type DelongTest = {
  /** ROC AUC of the champion (`rocAuc`), in [0, 1]; null unless both classes occur. */
  champion: number | null
  /** ROC AUC of the challenger; null unless both classes occur. */
  challenger: number | null
  /** challenger − champion; null unless both classes occur. */
  delta: number | null
  /** Standard error of delta, √var ≥ 0; null when it cannot be estimated (see `reason`). */
  se: number | null
  /** delta ± 1.959964 · se; [delta, delta] for a zero variance; null with `se`. */
  ci: [number, number] | null
  /** Two-sided normal p-value of z = delta / se; null with `se` (see the function's doc). */
  pValue: number | null
  /** Why `se` is null; null when the test ran. */
  reason: string | null
}

/**
 * Two-sided p-value of a standard normal statistic z: P(|Z| ≥ |z|) = erfc(|z|/√2), computed as
 * the regularized upper incomplete gamma Q(½, z²/2) (relative error ~1e-15, no cancellation in
 * the tail).
 * @example normalTwoSidedP(1.959964) // 0.05 (to 6 digits)
 */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalTwoSidedP: z is NaN')
  return gammaQ(0.5, (z * z) / 2)
}

/** Number of entries of ascending `a` that are < v (strict) or ≤ v. */
function countBelow(a: Float64Array, v: number, orEqual: boolean): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < v || (orEqual && a[mid]! === v)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The structural components of one model: V10 per positive row and V01 per negative row, in the
 * rows' order (so that two models' components pair up row by row).
 */
function structuralComponents(
  p: Scores,
  y: Labels,
  m: number,
  n: number,
): { v10: Float64Array; v01: Float64Array } {
  const pos = new Float64Array(m)
  const neg = new Float64Array(n)
  for (let i = 0, a = 0, b = 0; i < p.length; i++) {
    if (y[i]) pos[a++] = p[i]!
    else neg[b++] = p[i]!
  }
  const posSorted = Float64Array.from(pos).sort()
  const negSorted = Float64Array.from(neg).sort()
  const v10 = new Float64Array(m)
  const v01 = new Float64Array(n)
  for (let i = 0; i < m; i++) {
    const below = countBelow(negSorted, pos[i]!, false)
    const atOrBelow = countBelow(negSorted, pos[i]!, true)
    v10[i] = (0.5 * (below + atOrBelow)) / n
  }
  for (let j = 0; j < n; j++) {
    const below = countBelow(posSorted, neg[j]!, false)
    const atOrBelow = countBelow(posSorted, neg[j]!, true)
    v01[j] = (m - 0.5 * (below + atOrBelow)) / m
  }
  return { v10, v01 }
}

/** Mean of a non-empty array, float64. */
function mean(a: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s / a.length
}

/** Variance of (a − b) over paired entries, divisor length − 1, two-pass. */
function varianceOfDifference(a: Float64Array, b: Float64Array): number {
  const ma = mean(a)
  const mb = mean(b)
  let saa = 0
  let sbb = 0
  let sab = 0
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    saa += da * da
    sbb += db * db
    sab += da * db
  }
  return (saa + sbb - 2 * sab) / (a.length - 1)
}

/**
 * DeLong's test of AUC(challenger) − AUC(champion) on the same rows with labels `y`.
 * A zero variance (e.g. the same scores twice) gives pValue 1 and ci [0, 0] when delta = 0, and
 * pValue 0 with ci [delta, delta] otherwise (the limit z → ±∞: both AUCs are then constant over
 * the structural components, so the difference is certain). A variance that rounding makes
 * slightly negative counts as zero.
 * @returns AUCs and delta null with a reason when a class is missing; se, ci and pValue null with a
 *   reason when a class has a single row (a sample covariance needs two).
 * @throws RangeError on mismatched lengths, a NaN score or a label other than 0/1.
 * @example delongTest(pChampion, pChallenger, y).pValue
 */
export function delongTest(champion: Scores, challenger: Scores, y: Labels): DelongTest {
  metricsCheckInputs('delongTest', champion, y)
  metricsCheckInputs('delongTest', challenger, y)
  let m = 0
  for (let i = 0; i < y.length; i++) m += y[i]!
  const n = y.length - m
  const none = { se: null, ci: null, pValue: null }
  if (m === 0 || n === 0) {
    const reason = `ROC AUC needs both classes; the labels have ${m} positive and ${n} negative rows`
    return { champion: null, challenger: null, delta: null, ...none, reason }
  }
  const aucA = rocAuc(champion, y)!
  const aucB = rocAuc(challenger, y)!
  const delta = aucB - aucA
  const auc = { champion: aucA, challenger: aucB, delta }
  if (m < 2 || n < 2) {
    const reason = `DeLong's variance needs at least 2 positive and 2 negative rows; there are ${m} and ${n}`
    return { ...auc, ...none, reason }
  }
  const a = structuralComponents(champion, y, m, n)
  const b = structuralComponents(challenger, y, m, n)
  const variance = varianceOfDifference(a.v10, b.v10) / m + varianceOfDifference(a.v01, b.v01) / n
  return { ...auc, ...normalTest(delta, Math.sqrt(Math.max(0, variance))), reason: null }
}

/**
 * The normal (Wald) interval and two-sided p-value of an estimate `delta` with standard error
 * `se`: ci = delta ± 1.959964·se, pValue = P(|Z| ≥ |delta/se|). A zero `se` gives pValue 1 when
 * delta = 0 and 0 otherwise, with ci [delta, delta].
 * @example normalTest(0.02, 0.01).pValue // 0.0455
 */
export function normalTest(
  delta: number,
  se: number,
): { se: number; ci: [number, number]; pValue: number } {
  if (se === 0) return { se, ci: [delta, delta], pValue: delta === 0 ? 1 : 0 }
  return { se, ci: [delta - Z_95 * se, delta + Z_95 * se], pValue: normalTwoSidedP(delta / se) }
}
