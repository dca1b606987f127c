/**
 * Exact binomial and multinomial draws from a seeded Rng, for resampling at scale: the counts of
 * n rows drawn with replacement into K cells follow Multinomial(n, cell shares), so a bootstrap
 * replicate of a statistic that only depends on cell counts can be drawn in O(K · √n) instead of
 * n row draws (1,000 replicates of a million rows: milliseconds instead of a minute).
 *
 * The binomial draw is inversion with the support searched outward from the mode (m, m−1, m+1,
 * m−2, …), the probabilities following from the mode's by the ratio recurrence: exact up to float
 * rounding of the probabilities (relative ~1e-13), expected O(√(npq)) steps.
 */
import type { Rng } from './random.ts'

/** ln k! for k < 256, summed exactly enough in float64. */
const LOG_FACTORIAL_TABLE = (() => {
  const t = new Float64Array(256)
  for (let k = 2; k < 256; k++) t[k] = t[k - 1]! + Math.log(k)
  return t
})()

/**
 * ln k! for a non-negative integer k: a table below 256, Stirling's series with three correction
 * terms above (relative error < 1e-16 there).
 * @example logFactorial(10) // ln 3628800
 */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!
  const inv = 1 / k
  const inv2 = inv * inv
  return (
    k * Math.log(k) -
    k +
    0.5 * Math.log(2 * Math.PI * k) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260)))
  )
}

/**
 * One draw of Binomial(n, p): the number of successes in n independent trials of probability p.
 * @throws RangeError unless n is a non-negative integer and 0 ≤ p ≤ 1.
 * @example binomialDraw(rngFromSeed(1), 1_000_000, 0.3) // about 300,000 ± 458
 */
export function binomialDraw(rng: Rng, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0))
    throw new RangeError(
      `a binomial draw needs a number of trials that is a non-negative integer, got ${n}`,
    )
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`a binomial draw needs a probability in [0, 1], got ${p}`)
  if (n === 0 || p === 0) return 0
  if (p === 1) return n
  // Draw the rarer outcome: the recurrences are best conditioned with p ≤ 1/2.
  if (p > 0.5) return n - binomialDraw(rng, n, 1 - p)
  const q = 1 - p
  const mode = Math.min(n, Math.floor((n + 1) * p))
  const logPmf =
    logFactorial(n) -
    logFactorial(mode) -
    logFactorial(n - mode) +
    mode * Math.log(p) +
    (n - mode) * Math.log(q)
  const r = p / q
  let u = rng.uniform() - Math.exp(logPmf)
  if (u < 0) return mode
  // f(k) downward: f(k−1) = f(k) · k / ((n − k + 1) r); upward: f(k+1) = f(k) · (n − k) r / (k + 1).
  let down = mode
  let fDown = Math.exp(logPmf)
  let up = mode
  let fUp = fDown
  for (;;) {
    const canDown = down > 0 && fDown > 0
    const canUp = up < n && fUp > 0
    if (!canDown && !canUp) return mode // only float rounding leaves u ≥ 0 here
    if (canDown) {
      fDown *= down / ((n - down + 1) * r)
      down--
      u -= fDown
      if (u < 0) return down
    }
    if (canUp) {
      fUp *= ((n - up) * r) / (up + 1)
      up++
      u -= fUp
      if (u < 0) return up
    }
  }
}

/**
 * One draw of Multinomial(n, weights / Σ weights) into `out` (one count per weight), by
 * conditional binomials. With the weights being cell counts of n rows, this is the distribution
 * of the cell counts of n rows drawn from them with replacement.
 * @throws RangeError for a negative or non-finite weight, weights summing to 0 with n > 0, or
 *   `out` shorter than `weights`.
 * @example multinomialDraw(rng, 10, Float64Array.of(1, 1), new Float64Array(2)) // e.g. [6, 4]
 */
export function multinomialDraw(
  rng: Rng,
  n: number,
  weights: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  if (out.length < weights.length)
    throw new RangeError('the output array of a multinomial draw is too short for its weights')
  let total = 0
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!
    if (!(w >= 0 && Number.isFinite(w)))
      throw new RangeError(`a multinomial draw needs finite weights ≥ 0, got ${w}`)
    total += w
  }
  if (n > 0 && total === 0) throw new RangeError('the weights of a multinomial draw sum to 0')
  let left = n
  let mass = total
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!
    if (left === 0 || w === 0) {
      out[k] = 0
      continue
    }
    const x = w >= mass ? left : binomialDraw(rng, left, Math.min(1, w / mass))
    out[k] = x
    left -= x
    mass -= w
  }
  return out
}
