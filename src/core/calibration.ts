/**
 * Reliability (calibration) of predicted probabilities (docs/contracts.md §2): equal-width bins
 * with float64 edges k/nBins; bin 0 = [0, 1/nBins], bin k > 0 = (k/nBins, (k+1)/nBins], so a
 * prediction exactly on an edge belongs to the bin below it.
 */
import { predictionsCheckProbabilities } from './errors.ts'
import { type Labels, type Scores, metricsCheckInputs } from './metrics.ts'

/** One reliability bin. */
export type CalibrationBin = {
  /** Lower edge k/nBins (exclusive, except 0 for the first bin). */
  lower: number
  /** Upper edge (k+1)/nBins (inclusive). */
  upper: number
  /** Number of predictions in the bin. */
  count: number
  /** Mean prediction in the bin; null when the bin is empty. */
  meanPredicted: number | null
  /** Share of positive labels in the bin; null when the bin is empty. */
  fractionPositive: number | null
}

/** Calibration summary; see `calibration`. */
export type Calibration = {
  /**
   * Expected calibration error Σ_b (n_b/N) |meanPredicted_b − fractionPositive_b|, in [0, 1];
   * null when N = 0.
   */
  ece: number | null
  /** Maximum calibration error: the largest gap over non-empty bins, in [0, 1]; null when N = 0. */
  mce: number | null
  /** Every bin in increasing order, empty ones included (count 0, null means). */
  bins: CalibrationBin[]
}

/**
 * Index of the bin holding probability `p` among `nBins` equal-width bins: 0 for p in
 * [0, 1/nBins], k for p in (k/nBins, (k+1)/nBins], edges compared in float64 as k/nBins.
 * Does not validate; callers check p ∈ [0, 1].
 * @example calibrationBinIndex(0.1, 10) // 0 (edges belong to the bin below)
 */
export function calibrationBinIndex(p: number, nBins: number): number {
  let k = Math.min(nBins - 1, Math.max(0, Math.ceil(p * nBins) - 1))
  // p * nBins can round across an edge; settle against the exact float64 edges.
  while (k > 0 && p <= k / nBins) k--
  while (k < nBins - 1 && p > (k + 1) / nBins) k++
  return k
}

/**
 * Reliability bins, ECE and MCE of probabilities `p` against labels `y`.
 * @returns every bin listed; for empty input, all bins empty and ece = mce = null.
 * @throws RangeError when `nBins` is not a positive integer or lengths differ; ValueError (naming
 *   the 0-based data row) when a label is not 0/1 or a prediction is NaN or outside [0, 1].
 * @example calibration(predictions, labels).ece
 */
export function calibration(p: Scores, y: Labels, nBins = 10): Calibration {
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new RangeError(`the number of calibration bins must be a positive integer, got ${nBins}`)
  }
  metricsCheckInputs('calibration', p, y)
  predictionsCheckProbabilities('calibration', p)
  const count = new Float64Array(nBins)
  const sumP = new Float64Array(nBins)
  const sumY = new Float64Array(nBins)
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!
    const k = calibrationBinIndex(v, nBins)
    count[k]!++
    sumP[k]! += v
    sumY[k]! += y[i]!
  }
  return calibrationOfBins(count, sumP, sumY)
}

/**
 * `calibration` of rows already binned: per bin the row count, the sum of the predictions and the
 * number of positive labels (nBins = their length). The batch function sums in float64; the
 * streamed audit (src/core/stream) passes exact sums rounded once.
 * @returns as `calibration`: every bin listed; ece = mce = null when there are no rows.
 * @throws RangeError when the three arrays differ in length.
 * @example calibrationOfBins([2, 0], [0.3, 0], [1, 0]).ece // 0.35
 */
export function calibrationOfBins(
  count: ArrayLike<number>,
  sumP: ArrayLike<number>,
  sumY: ArrayLike<number>,
): Calibration {
  const nBins = count.length
  if (sumP.length !== nBins || sumY.length !== nBins)
    throw new RangeError(
      `calibration bins: ${nBins} counts, ${sumP.length} sums, ${sumY.length} positives`,
    )
  let n = 0
  for (let k = 0; k < nBins; k++) n += count[k]!
  let ece = 0
  let mce = 0
  const bins: CalibrationBin[] = []
  for (let k = 0; k < nBins; k++) {
    const c = count[k]!
    const lower = k / nBins
    const upper = (k + 1) / nBins
    if (c === 0) {
      bins.push({ lower, upper, count: 0, meanPredicted: null, fractionPositive: null })
      continue
    }
    const meanPredicted = sumP[k]! / c
    const fractionPositive = sumY[k]! / c
    const gap = Math.abs(meanPredicted - fractionPositive)
    ece += (c / n) * gap
    mce = Math.max(mce, gap)
    bins.push({ lower, upper, count: c, meanPredicted, fractionPositive })
  }
  return { ece: n === 0 ? null : ece, mce: n === 0 ? null : mce, bins }
}
