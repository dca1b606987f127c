/**
 * The drift statistics of src/core/drift computed from exact value counts (sorted distinct values
 * with their counts, `CountsRun` of width 1) instead of the raw samples. Each walks the distinct
 * values exactly as the batch function walks its sorted copy — the same cumulative counts at the
 * same values, in the same order of float64 operations — so KS, its p-value, Wasserstein-1, the
 * PSI deciles and bins and the histograms are bit for bit the batch numbers; only the means,
 * summed exactly here, can differ from the batch's float64 running sums (by their rounding).
 */
import { type DriftHistogram, driftHistogramBin, driftHistogramFrame } from '../drift/features.ts'
import { kolmogorovSf } from '../drift/kolmogorov.ts'
import type { KsResult } from '../drift/ks.ts'
import type { PredictionDrift } from '../drift/prediction.ts'
import { type PsiBins, psiBinCounts, psiNumericBins } from '../drift/psi.ts'
import { quantileLinearOf, roundHalfEven } from '../drift/special.ts'
import type { CountsRun } from './counts.ts'
import { ExactSums } from './exactSum.ts'

function total(r: CountsRun): number {
  const c = r.counts[0]!
  let n = 0
  for (let k = 0; k < c.length; k++) n += c[k]!
  return n
}

/** Both samples' keys, counts and sizes, checked non-empty (`what`: the statistic, in words). */
function pair(what: string, a: CountsRun, b: CountsRun) {
  if (a.keys.length === 0 || b.keys.length === 0)
    throw new RangeError(
      `the ${what} needs at least one value in both the reference and the current data`,
    )
  return { ka: a.keys, kb: b.keys, ca: a.counts[0]!, cb: b.counts[0]!, n1: total(a), n2: total(b) }
}

/**
 * `ksTwoSample` of the two samples whose counts are `a` and `b`.
 * @throws RangeError when a sample is empty.
 */
export function ksOfCounts(a: CountsRun, b: CountsRun): KsResult {
  const { ka, kb, ca, cb, n1, n2 } = pair('Kolmogorov–Smirnov test', a, b)
  let i = 0
  let j = 0
  let seenA = 0
  let seenB = 0
  let d = 0
  while (i < ka.length && j < kb.length) {
    const v = Math.min(ka[i]!, kb[j]!)
    if (ka[i] === v) seenA += ca[i++]!
    if (kb[j] === v) seenB += cb[j++]!
    d = Math.max(d, Math.abs(seenA / n1 - seenB / n2))
  }
  const m = Math.max(n1, n2)
  const n = Math.min(n1, n2)
  const en = roundHalfEven((m * n) / (m + n))
  return { statistic: d, pValue: kolmogorovSf(Math.max(1, en), d) }
}

/**
 * `wasserstein1` of the two samples whose counts are `a` and `b`.
 * @throws RangeError when a sample is empty.
 */
export function wasserstein1OfCounts(a: CountsRun, b: CountsRun): number {
  const { ka, kb, ca, cb, n1, n2 } = pair('Wasserstein distance', a, b)
  let i = 0
  let j = 0
  let seenA = 0
  let seenB = 0
  let sum = 0
  let prev = Math.min(ka[0]!, kb[0]!)
  while (i < ka.length || j < kb.length) {
    const v = j >= kb.length || (i < ka.length && ka[i]! <= kb[j]!) ? ka[i]! : kb[j]!
    sum += Math.abs(seenA / n1 - seenB / n2) * (v - prev)
    if (i < ka.length && ka[i] === v) seenA += ca[i++]!
    if (j < kb.length && kb[j] === v) seenB += cb[j++]!
    prev = v
  }
  return sum
}

/** The i-th smallest value (0-based) of a sample given by its counts, through cumulative counts. */
function orderStatistic(r: CountsRun): (i: number) => number {
  const c = r.counts[0]!
  const cum = new Float64Array(c.length)
  let s = 0
  for (let k = 0; k < c.length; k++) cum[k] = s += c[k]!
  return (i) => {
    let lo = 0
    let hi = c.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cum[mid]! > i) hi = mid
      else lo = mid + 1
    }
    return r.keys[lo]!
  }
}

/**
 * `psiNumeric` of the samples whose counts are `ref` and `cur`: the reference's distinct deciles
 * (numpy 'linear', read through the counts), then both sides' bin counts.
 * @throws RangeError when a side is empty.
 */
export function psiNumericOfCounts(ref: CountsRun, cur: CountsRun): PsiBins {
  if (ref.keys.length === 0)
    throw new RangeError('the PSI bins need a reference with at least one row')
  const n = total(ref)
  const at = orderStatistic(ref)
  const edges: number[] = []
  for (let k = 1; k <= 9; k++) {
    const e = quantileLinearOf(n, at, k / 10)
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e)
  }
  return psiNumericBins(
    edges,
    psiBinCounts(ref.keys, edges, ref.counts[0]),
    psiBinCounts(cur.keys, edges, cur.counts[0]),
  )
}

/**
 * `driftHistogram` of the samples whose counts are `ref` and `cur`: shares in `bins` equal-width
 * bins over the pooled [min, max] (one bin around the value when all values are equal).
 */
export function driftHistogramOfCounts(ref: CountsRun, cur: CountsRun, bins = 20): DriftHistogram {
  let lo = Infinity
  let hi = -Infinity
  for (const s of [ref, cur]) {
    if (s.keys.length === 0) continue
    lo = Math.min(lo, s.keys[0]!)
    hi = Math.max(hi, s.keys[s.keys.length - 1]!)
  }
  const frame = driftHistogramFrame(lo, hi, bins)
  const shares = (s: CountsRun): number[] => {
    const c = new Array<number>(frame.bins).fill(0)
    for (let k = 0; k < s.keys.length; k++)
      c[driftHistogramBin(frame, s.keys[k]!)]! += s.counts[0]![k]!
    const n = total(s)
    return c.map((v) => (n ? v / n : 0))
  }
  return { edges: frame.edges, refShares: shares(ref), curShares: shares(cur) }
}

/**
 * Mean of a sample from its counts: Σ count · value summed exactly (each product exact), rounded
 * once, divided by n. NaN for an empty sample (as the batch's 0 / 0).
 */
export function meanOfCounts(r: CountsRun): number {
  const s = new ExactSums(1)
  const c = r.counts[0]!
  for (let k = 0; k < r.keys.length; k++) s.addProduct(0, c[k]!, r.keys[k]!)
  return s.value(0) / total(r)
}

/**
 * `predictionDrift` of the predictions whose counts are `ref` and `cur`: PSI over the reference
 * deciles, KS, the 20-bin histogram on [0, 1] and the means.
 * @throws RangeError when a side is empty.
 */
export function predictionDriftOfCounts(ref: CountsRun, cur: CountsRun): PredictionDrift {
  const ks = ksOfCounts(ref, cur)
  const bins = psiNumericOfCounts(ref, cur)
  const shares = (r: CountsRun): number[] => {
    const c = new Array<number>(20).fill(0)
    for (let k = 0; k < r.keys.length; k++)
      c[Math.min(19, Math.max(0, Math.floor(r.keys[k]! * 20)))]! += r.counts[0]![k]!
    const n = total(r)
    return c.map((v) => v / n)
  }
  return {
    psi: bins.psi,
    bins,
    ks: ks.statistic,
    pValue: ks.pValue,
    histogram: {
      edges: Array.from({ length: 21 }, (_, k) => k / 20),
      refShares: shares(ref),
      curShares: shares(cur),
    },
    refMean: meanOfCounts(ref),
    curMean: meanOfCounts(cur),
  }
}
