/**
 * Numbers behind the calibration view: reliability bins with Wilson 95% intervals (equal-width,
 * the contracts' default, or equal-mass), ECE, MCE, Brier and log loss, a histogram of the
 * predictions, and the same per group of a sensitive attribute.
 *
 * The equal-width path is `calibration` from src/core/calibration.ts with the intervals added, so
 * its bins, ECE and MCE are exactly the report's. Equal-mass bins are computed here with the same
 * ECE/MCE definitions (contracts §2).
 */
import { type CalibrationBin, calibration, calibrationBinIndex } from '../calibration.ts'
import { FAIRNESS_SMALL_GROUP_ROWS } from '../fairness.ts'
import { type Labels, type Scores, brier, logLoss, metricsCheckInputs } from '../metrics.ts'
import { predictionsCheckProbabilities } from '../errors.ts'
import { groupIndex, groupsCheckLength, labelsAt, scoresAt } from './groups.ts'
import { dict } from '../dict.ts'

/** z of a two-sided 95% normal interval: Φ⁻¹(0.975). */
export const WILSON_Z95 = 1.959963984540054

/** 'width': k/nBins edges (contracts §2). 'mass': edges at quantiles of the predictions. */
export type CalibrationStrategy = 'width' | 'mass'

/** Options of the calibration view. */
export type CalibrationViewOptions = {
  /** Number of bins requested, a positive integer [10]. 'mass' may return fewer (ties). */
  readonly nBins?: number
  /** ['width'] */
  readonly strategy?: CalibrationStrategy
}

/** A reliability bin with the Wilson interval of its fraction positive. */
export type ReliabilityBin = CalibrationBin & {
  /** Lower end of the Wilson 95% interval of `fractionPositive`, in [0, 1]; null when empty. */
  wilsonLow: number | null
  /** Upper end of the Wilson 95% interval of `fractionPositive`, in [0, 1]; null when empty. */
  wilsonHigh: number | null
}

/** A reliability diagram's data and the calibration scores of one set of predictions. */
export type Reliability = {
  strategy: CalibrationStrategy
  /** Number of rows. */
  count: number
  /** Expected calibration error Σ n_b/N |meanPredicted_b − fractionPositive_b|; null when N = 0. */
  ece: number | null
  /** Largest |meanPredicted_b − fractionPositive_b| over non-empty bins; null when N = 0. */
  mce: number | null
  /** Mean (p − y)², in [0, 1]; null when N = 0. */
  brier: number | null
  /** Mean binary cross-entropy in nats (p clipped to [1e-15, 1 − 1e-15]); null when N = 0. */
  logLoss: number | null
  /** Bins in increasing order, covering [0, 1]; 'width' lists empty bins too. */
  bins: ReliabilityBin[]
}

/** Reliability of one group; see `calibrationByGroup`. */
export type GroupReliability = Reliability & {
  /** True when the group has fewer than FAIRNESS_SMALL_GROUP_ROWS (30) rows. */
  small: boolean
}

/** One bar of the prediction histogram. */
export type HistogramBin = {
  /** Lower edge k/nBins (inclusive only for the first bin). */
  lower: number
  /** Upper edge (k+1)/nBins (inclusive). */
  upper: number
  /** Number of predictions in (lower, upper] ([0, upper] for the first bin). */
  count: number
}

/**
 * Wilson score interval for a binomial proportion k/n: the set of p whose z-test does not reject,
 * center (k + z²/2)/(n + z²), half-width z√(k(n − k)/n + z²/4)/(n + z²). Unlike the Wald interval
 * it stays inside [0, 1] and is not degenerate at k = 0 or k = n (then one end is exactly 0 or 1).
 * @returns null when n = 0 (no information).
 * @throws RangeError unless n and k are integers with 0 ≤ k ≤ n and z ≥ 0.
 * @example wilsonInterval(0, 10) // { low: 0, high: 0.2775… }
 */
export function wilsonInterval(
  k: number,
  n: number,
  z = WILSON_Z95,
): { low: number; high: number } | null {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`a Wilson interval needs whole counts 0 ≤ k ≤ n, got k = ${k} of n = ${n}`)
  }
  if (!(z >= 0)) throw new RangeError(`a Wilson interval needs a z-score ≥ 0, got ${z}`)
  if (n === 0) return null
  const z2 = z * z
  const center = (k + z2 / 2) / (n + z2)
  const half = (z * Math.sqrt((k * (n - k)) / n + z2 / 4)) / (n + z2)
  return {
    low: k === 0 ? 0 : Math.max(0, center - half),
    high: k === n ? 1 : Math.min(1, center + half),
  }
}

function withWilson(bin: CalibrationBin): ReliabilityBin {
  if (bin.count === 0 || bin.fractionPositive === null) {
    return { ...bin, wilsonLow: null, wilsonHigh: null }
  }
  // fractionPositive = k / count exactly, so rounding recovers the integer k.
  const w = wilsonInterval(Math.round(bin.fractionPositive * bin.count), bin.count)!
  return { ...bin, wilsonLow: w.low, wilsonHigh: w.high }
}

function checkBins(nBins: number): void {
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new RangeError(`the number of bins must be a positive whole number, got ${nBins}`)
  }
}

/**
 * Upper edges of equal-mass bins: the sorted predictions are cut after positions
 * round(k·N/nBins), k = 1…nBins, and a cut inside a run of equal predictions moves to the end of
 * the run, so ties always share a bin. A cut that lands at or before the previous one (a long tie
 * run swallowed it) is dropped, hence at most nBins edges. The last edge is max(p).
 */
function massUpperEdges(sorted: Float64Array, nBins: number): number[] {
  const n = sorted.length
  const uppers: number[] = []
  let start = 0
  for (let k = 1; k <= nBins && start < n; k++) {
    let end = Math.round((k * n) / nBins)
    if (end <= start) continue
    const edge = sorted[end - 1]!
    while (end < n && sorted[end] === edge) end++
    uppers.push(edge)
    start = end
  }
  return uppers
}

/** Index of the first upper edge ≥ v (v ≤ the last edge). */
function edgeIndex(uppers: readonly number[], v: number): number {
  let lo = 0
  let hi = uppers.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v <= uppers[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

function massCalibration(
  p: Scores,
  y: Labels,
  nBins: number,
): Omit<Reliability, 'brier' | 'logLoss'> {
  const n = p.length
  const sorted = Float64Array.from(p).sort()
  const uppers = massUpperEdges(sorted, nBins)
  const m = uppers.length
  const count = new Float64Array(m)
  const sumP = new Float64Array(m)
  const sumY = new Float64Array(m)
  for (let i = 0; i < n; i++) {
    const k = edgeIndex(uppers, p[i]!)
    count[k]!++
    sumP[k]! += p[i]!
    sumY[k]! += y[i]!
  }
  let ece = 0
  let mce = 0
  const bins: ReliabilityBin[] = []
  for (let k = 0; k < m; k++) {
    const c = count[k]!
    const meanPredicted = sumP[k]! / c
    const fractionPositive = sumY[k]! / c
    const gap = Math.abs(meanPredicted - fractionPositive)
    ece += (c / n) * gap
    mce = Math.max(mce, gap)
    const lower = k === 0 ? 0 : uppers[k - 1]!
    const upper = k === m - 1 ? 1 : uppers[k]!
    bins.push(withWilson({ lower, upper, count: c, meanPredicted, fractionPositive }))
  }
  return { strategy: 'mass', count: n, ece, mce, bins }
}

/**
 * Reliability diagram data: bins of (mean predicted, fraction positive) with Wilson 95%
 * intervals, plus ECE, MCE, Brier and log loss.
 *
 * 'width' (default): exactly `calibration(p, y, nBins)` (bin 0 = [0, 1/nBins], bin k =
 * (k/nBins, (k+1)/nBins]; every bin listed, empty ones with null means and intervals).
 * 'mass': bins of (almost) equal counts. The sorted predictions are cut after positions
 * round(k·N/nBins); a cut inside a run of tied predictions moves to the end of the run (ties are
 * never split), and cuts swallowed by a long run are dropped, so fewer than nBins bins may come
 * back, none empty. Bin k covers (upper_{k−1}, upper_k] where upper_k is the largest prediction
 * in it; the first bin starts at 0 (inclusive) and the last ends at 1, so the bins tile [0, 1].
 * For empty input 'mass' falls back to the 'width' edges (all empty).
 * @throws RangeError when nBins is not a positive integer, lengths differ, a label is not 0/1 or
 *   a prediction is NaN or outside [0, 1].
 * @example calibrationBins(p, y, { strategy: 'mass', nBins: 10 }).bins[0]!.wilsonHigh
 */
export function calibrationBins(
  p: Scores,
  y: Labels,
  options: CalibrationViewOptions = {},
): Reliability {
  const nBins = options.nBins ?? 10
  const strategy = options.strategy ?? 'width'
  checkBins(nBins)
  metricsCheckInputs('calibrationBins', p, y)
  predictionsCheckProbabilities('calibrationBins', p)
  const scores = { brier: brier(p, y), logLoss: logLoss(p, y) }
  if (strategy === 'mass' && p.length > 0) return { ...massCalibration(p, y, nBins), ...scores }
  const c = calibration(p, y, nBins)
  return {
    strategy,
    count: p.length,
    ece: c.ece,
    mce: c.mce,
    ...scores,
    bins: c.bins.map(withWilson),
  }
}

/**
 * Histogram of predictions over `nBins` equal-width bins of [0, 1], with the edge convention of
 * the reliability bins (a value on an edge counts in the bin below), so with the same nBins the
 * bars sit exactly under the 'width' reliability bins.
 * @returns every bin, counts 0 for empty input.
 * @throws RangeError when nBins is not a positive integer or a prediction is outside [0, 1].
 * @example predictionHistogram(p, 20).map((b) => b.count)
 */
export function predictionHistogram(p: Scores, nBins = 20): HistogramBin[] {
  checkBins(nBins)
  predictionsCheckProbabilities('predictionHistogram', p)
  const counts = new Float64Array(nBins)
  for (let i = 0; i < p.length; i++) counts[calibrationBinIndex(p[i]!, nBins)]!++
  return Array.from(counts, (count, k) => ({ lower: k / nBins, upper: (k + 1) / nBins, count }))
}

/**
 * Reliability per group (rows grouped by `groups[i]`, e.g. a sensitive attribute's value), each
 * computed like `calibrationBins` on that group's rows alone (with 'mass', on that group's own
 * quantiles). Groups with fewer than 30 rows stay and are flagged `small`.
 * @returns groups in sorted (code-unit) order, as fairnessByGroup lists them; {} for empty input.
 * @throws RangeError as `calibrationBins`, or when there is not one group value per row.
 * @example calibrationByGroup(p, y, sexColumn).Female!.ece
 */
export function calibrationByGroup(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  options: CalibrationViewOptions = {},
): Record<string, GroupReliability> {
  metricsCheckInputs('calibrationByGroup', p, y)
  groupsCheckLength(p, groups)
  const index = groupIndex(groups)
  const out = dict<GroupReliability>()
  index.names.forEach((name, g) => {
    const rows = index.rows[g]!
    const r = calibrationBins(scoresAt(p, rows), labelsAt(y, rows), options)
    out[name] = { ...r, small: r.count < FAIRNESS_SMALL_GROUP_ROWS }
  })
  return out
}
