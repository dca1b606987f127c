/**
 * A numeric column's counterfactual stats (./config.ts `NumericColumnStats`) from the exact counts
 * of its values (src/core/stream/counts.ts), which merge over shards: range, integrality, the
 * distinct values and the MAD are exactly those of `numericColumnStats` on the same rows, in any
 * order. Only the standard deviation (the scale of a column whose MAD is 0) differs, in its last
 * bits: it comes from exact sums rounded once, where the column version sums row by row.
 */
import type { CountsRun } from '../stream/counts.ts'
import { ExactSums } from '../stream/exactSum.ts'
import type { NumericColumnStats } from './config.ts'

/** The k-th (0-based) value of the sorted multiset (keys[i] repeated counts[i] times). */
function kth(keys: ArrayLike<number>, counts: ArrayLike<number>, k: number): number {
  let seen = 0
  for (let i = 0; i < keys.length; i++) {
    seen += counts[i]!
    if (k < seen) return keys[i]!
  }
  throw new RangeError(`counterfactual stats: value ${k} of ${seen}`)
}

/** `median` of ./config.ts over a sorted multiset of n values. */
function medianOf(keys: ArrayLike<number>, counts: ArrayLike<number>, n: number): number {
  if (n === 0) return 0
  return n % 2
    ? kth(keys, counts, (n - 1) / 2)
    : (kth(keys, counts, n / 2 - 1) + kth(keys, counts, n / 2)) / 2
}

/** The sorted multiset of |v − m| (merging the values below m, reversed, with those above). */
function deviations(run: CountsRun, m: number): { keys: Float64Array; counts: Float64Array } {
  const { keys } = run
  const c = run.counts[0]!
  let split = 0
  while (split < keys.length && keys[split]! <= m) split++
  const outK = new Float64Array(keys.length)
  const outC = new Float64Array(keys.length)
  let lo = split - 1
  let hi = split
  for (let k = 0; k < keys.length; k++) {
    const dl = lo >= 0 ? Math.abs(keys[lo]! - m) : Infinity
    const dh = hi < keys.length ? Math.abs(keys[hi]! - m) : Infinity
    if (dl <= dh) {
      outK[k] = dl
      outC[k] = c[lo--]!
    } else {
      outK[k] = dh
      outC[k] = c[hi++]!
    }
  }
  return { keys: outK, counts: outC }
}

/**
 * The stats of a numeric column from its value counts (one column of counts).
 * @example counterfactualStatsOfCounts(valueCounts.run())
 */
export function counterfactualStatsOfCounts(run: CountsRun): NumericColumnStats {
  const keys = run.keys
  const counts = run.counts[0]!
  let n = 0
  for (let i = 0; i < counts.length; i++) n += counts[i]!
  const distinct = Float64Array.from(keys)
  if (n === 0) {
    return { n, lo: -Infinity, hi: Infinity, integral: true, distinct, scale: 1 }
  }
  const integral = keys.every((v) => Number.isInteger(v))
  const m = medianOf(keys, counts, n)
  const dev = deviations(run, m)
  const mad = medianOf(dev.keys, dev.counts, n)
  let scale = mad
  if (!(mad > 0)) {
    const sums = new ExactSums(2)
    for (let i = 0; i < keys.length; i++) sums.addProduct(0, counts[i]!, keys[i]!)
    const mean = sums.value(0) / n
    for (let i = 0; i < keys.length; i++) sums.addProduct(1, counts[i]!, (keys[i]! - mean) ** 2)
    const sd = Math.sqrt(sums.value(1) / Math.max(1, n - 1))
    scale = sd > 0 ? sd : 1
  }
  return { n, lo: keys[0]!, hi: keys[keys.length - 1]!, integral, distinct, scale }
}
