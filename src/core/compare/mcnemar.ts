/**
 * McNemar's exact test of two classifiers on the same rows (docs/contracts.md §8): of the
 * discordant pairs, b rows are right under the champion and wrong under the challenger and c the
 * reverse; under the null hypothesis of equal accuracy each discordant row is either kind with
 * probability ½, so b ~ Binomial(b + c, ½) and the two-sided p-value is
 * min(1, 2 · P(X ≤ min(b, c))) = min(1, 2 · Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c)).
 *
 * Computed stably at any size: the largest term of the tail, P(X = min(b, c)), comes from Loader's
 * saddle-point form of the binomial probability (C. Loader, "Fast and accurate computation of
 * binomial probabilities", 2000 — the algorithm of R's `dbinom`), which has no factorial and no
 * 2^n to overflow and keeps a relative error near 1e-15; the smaller terms follow from it by the
 * ratio P(X = i − 1) / P(X = i) = i / (n − i + 1), summed until they no longer change the sum
 * (O(√n) terms). A million discordant rows take microseconds.
 */

/** ln(n!) − ln(√(2πn) (n/e)^n) for n = 0…15 (0 for n = 0 by convention), to 1e-17. */
const STIRLING_ERROR = [
  0, 0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
  0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.010411265261972096,
  0.009255462182712733, 0.008330563433362871, 0.007573675487951841, 0.00694284010720953,
  0.006408994188004207, 0.005951370112758848, 0.005554733551962801,
] as const

/**
 * The error of Stirling's formula, ln(n!) − ln(√(2πn) (n/e)^n), for a non-negative integer n: a
 * table to 15, then the asymptotic series with as many terms as the size needs (Loader's cut-offs).
 */
function stirlingError(n: number): number {
  if (n <= 15) return STIRLING_ERROR[n]!
  const s0 = 1 / 12
  const s1 = 1 / 360
  const s2 = 1 / 1260
  const s3 = 1 / 1680
  const s4 = 1 / 1188
  const nn = n * n
  if (n > 500) return (s0 - s1 / nn) / n
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
}

/**
 * The deviance term x·ln(x / m) + m − x without cancellation: a series in v = (x − m)/(x + m)
 * when x is within 10% of m, the direct formula otherwise.
 */
function devianceTerm(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m)
    let s = (x - m) * v
    let ej = 2 * x * v
    v *= v
    for (let j = 1; j < 1000; j++) {
      ej *= v
      const s1 = s + ej / (2 * j + 1)
      if (s1 === s) return s1
      s = s1
    }
    return s
  }
  return x * Math.log(x / m) + m - x
}

/**
 * P(X = k) for X ~ Binomial(n, ½), by Loader's saddle-point expansion (relative error ~1e-15 at
 * every n; underflows to 0 only below ~1e-308).
 */
function binomialHalfPmf(k: number, n: number): number {
  if (k === 0 || k === n) return 2 ** -n // exact (0 below 2^-1074)
  const half = n / 2
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    devianceTerm(k, half) -
    devianceTerm(n - k, half)
  const lf = Math.log(2 * Math.PI) + Math.log(k) + Math.log1p(-k / n)
  return Math.exp(lc - 0.5 * lf)
}

/**
 * P(X ≤ k) for X ~ Binomial(n, ½), for integers 0 ≤ k ≤ n. Below the median the terms decrease
 * geometrically away from k, so the sum from k downwards stops after O(√n) terms once they no
 * longer change it; at or above the median it is 1 − P(X ≤ n − k − 1) by symmetry.
 * @example binomialHalfCdf(0, 3) // 0.125
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k)))
    throw new RangeError(`a binomial tail needs whole numbers n ≥ 0 and k, got k = ${k}, n = ${n}`)
  if (k < 0) return 0
  if (k >= n) return 1
  if (2 * k >= n) return 1 - binomialHalfCdf(n - k - 1, n)
  let term = 1
  let sum = 1
  for (let i = k; i > 0; i--) {
    term *= i / (n - i + 1)
    const next = sum + term
    if (next === sum) break
    sum = next
  }
  return Math.min(1, sum * binomialHalfPmf(k, n))
}

/**
 * McNemar's exact two-sided p-value for `b` (champion right, challenger wrong) and `c` (the
 * reverse) discordant rows: min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, ½).
 * @returns 1 when b + c = 0 (no discordant row: nothing to test) and when b = c.
 * @throws RangeError unless b and c are non-negative integers.
 * @example mcnemarExact(2, 8) // 0.109375 (2 · 56/1024)
 */
export function mcnemarExact(b: number, c: number): number {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0))
    throw new RangeError(
      `McNemar's test needs discordant counts b and c that are non-negative integers, got ${b}, ${c}`,
    )
  const n = b + c
  if (n === 0 || b === c) return 1
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n))
}
