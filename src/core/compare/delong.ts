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
 * V01_j = (#{X > Y_j} + ½ #{X = Y_j}) / m, counted in one pass over the rows in score order
 * (the same numbers; the order is an O(n) radix sort, `scoreOrder`). AUC_r = mean_i V10_i.
 * S10 and S01 are the 2×2 sample covariances (divisor m − 1, n − 1) of the two models'
 * V10 and V01 over the same rows, S = S10/m + S01/n, and var(AUC_B − AUC_A) = S_AA + S_BB − 2 S_AB.
 * The AUCs are U / (m·n) with the Mann–Whitney U summed exactly, which is bit for bit what
 * `rocAuc` returns, so they are the very numbers the audit reports.
 */
import { gammaQ } from '../drift/special.ts'
import { type Labels, type Scores, metricsCheckInputs } from '../metrics.ts'
import { scoreOrder } from './ranks.ts'

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
  if (Number.isNaN(z)) throw new RangeError('the test statistic z is NaN')
  return gammaQ(0.5, (z * z) / 2)
}

/**
 * One model's structural components by row (V10 on positive rows, V01 on negative rows) and
 * twice its Mann–Whitney U. One pass over the rows in score order (`scoreOrder`), tie group by
 * tie group: with N_< negatives and P_< positives below a group holding P positives and N
 * negatives, its positives get V10 = (N_< + N/2) / n and its negatives V01 = (m − P_< − P/2) / m.
 * 2U = Σ P·(2N_< + N) is a sum of integers, exact in float64 below 2^53 (n ≈ 9·10^7 rows).
 */
function structuralComponents(
  p: Scores,
  y: Labels,
  m: number,
  n: number,
): { v: Float64Array; twiceU: number } {
  const order = scoreOrder(p)
  const total = p.length
  const v = new Float64Array(total)
  let posBelow = 0
  let negBelow = 0
  let twiceU = 0
  for (let s = 0; s < total;) {
    const value = p[order[s]!]!
    let e = s
    let pos = 0
    while (e < total && p[order[e]!] === value) pos += y[order[e++]!]!
    const neg = e - s - pos
    const v10 = (negBelow + 0.5 * neg) / n
    const v01 = (m - posBelow - 0.5 * pos) / m
    for (let k = s; k < e; k++) v[order[k]!] = y[order[k]!] ? v10 : v01
    twiceU += pos * (2 * negBelow + neg)
    posBelow += pos
    negBelow += neg
    s = e
  }
  return { v, twiceU }
}

/**
 * Sample variance (divisor count − 1, two-pass) of a[i] − b[i] over the rows of class `cls`.
 */
function classVarianceOfDifference(
  a: Float64Array,
  b: Float64Array,
  y: Labels,
  cls: number,
  count: number,
): number {
  let sa = 0
  let sb = 0
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== cls) continue
    sa += a[i]!
    sb += b[i]!
  }
  const ma = sa / count
  const mb = sb / count
  let saa = 0
  let sbb = 0
  let sab = 0
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== cls) continue
    const da = a[i]! - ma
    const db = b[i]! - mb
    saa += da * da
    sbb += db * db
    sab += da * db
  }
  return (saa + sbb - 2 * sab) / (count - 1)
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
  const a = structuralComponents(champion, y, m, n)
  const b = structuralComponents(challenger, y, m, n)
  // U / (m·n): the same exact U and the same one rounding as `rocAuc`, so the same number.
  const aucA = a.twiceU / 2 / (m * n)
  const aucB = b.twiceU / 2 / (m * n)
  const delta = aucB - aucA
  const auc = { champion: aucA, challenger: aucB, delta }
  if (m < 2 || n < 2) {
    const reason = `DeLong's variance needs at least 2 positive and 2 negative rows; there are ${m} and ${n}`
    return { ...auc, ...none, reason }
  }
  const variance =
    classVarianceOfDifference(a.v, b.v, y, 1, m) / m +
    classVarianceOfDifference(a.v, b.v, y, 0, n) / n
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
