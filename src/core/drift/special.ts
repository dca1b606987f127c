/**
 * Special functions and order statistics shared by the drift tests: log Γ, the regularised upper
 * incomplete gamma Q(a, x) (hence the chi-squared survival function), numpy's 'linear'
 * quantile, numpy's round-half-to-even and Holm's step-down adjustment. Float64 throughout.
 */

/** Lanczos coefficients for g = 7, n = 9 (relative error of Γ below 2e-15 for x > 0). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const
const LOG_SQRT_2PI = 0.9189385332046728

/**
 * ln Γ(x) for x > 0 (Lanczos, g = 7); reflection for 0 < x < 0.5.
 * @returns NaN for x ≤ 0 or NaN; Infinity for x = +Infinity.
 * @example logGamma(5) // ln 24 ≈ 3.178
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN
  if (x === Infinity) return Infinity
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0]
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i)
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

const GAMMA_EPS = 1e-16
const GAMMA_MAX_ITER = 100_000

/**
 * Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), in [0, 1]: the series for
 * P = 1 − Q when x < a + 1, otherwise Lentz's continued fraction for Q (Numerical Recipes §6.2),
 * each to a relative 1e-16.
 * @returns 1 for x ≤ 0; NaN when a ≤ 0 or an argument is NaN.
 * @example gammaQ(1, 2) // e^−2 ≈ 0.1353
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return NaN
  if (x <= 0) return 1
  if (x === Infinity) return 0
  const lead = a * Math.log(x) - x - logGamma(a)
  if (x < a + 1) {
    // P(a, x) = e^{−x} x^a / Γ(a + 1) · Σ x^n / ((a + 1)…(a + n))
    let ap = a
    let term = 1 / a
    let sum = term
    for (let n = 0; n < GAMMA_MAX_ITER; n++) {
      ap += 1
      term *= x / ap
      sum += term
      if (Math.abs(term) < Math.abs(sum) * GAMMA_EPS) break
    }
    return Math.min(1, Math.max(0, 1 - sum * Math.exp(lead)))
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < GAMMA_MAX_ITER; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < GAMMA_EPS) break
  }
  return Math.min(1, Math.max(0, Math.exp(lead) * h))
}

/**
 * Survival function of the chi-squared distribution, P(X ≥ x) for X ~ χ²(dof) = Q(dof/2, x/2).
 * @returns 1 for x ≤ 0; 1 for dof = 0 (nothing to test, as scipy's chi2_contingency); NaN for
 *   dof < 0.
 * @example chiSquareSf(3.841458820694124, 1) // 0.05
 */
export function chiSquareSf(x: number, dof: number): number {
  if (dof === 0) return 1
  return gammaQ(dof / 2, x / 2)
}

/**
 * Quantile `q` ∈ [0, 1] of an ascending-sorted sample by numpy's default 'linear' rule (Hyndman
 * & Fan type 7): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]), evaluated like numpy's
 * `_lerp` (from the upper neighbour when the fraction is ≥ 0.5) so that results equal
 * `np.quantile(x, q)` exactly, not only to rounding.
 * @returns NaN for an empty sample.
 * @example quantileLinear(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantileLinear(sorted: ArrayLike<number>, q: number): number {
  return quantileLinearOf(sorted.length, (i) => sorted[i]!, q)
}

/**
 * {@link quantileLinear} of an ascending sample of size `n` read through `at(i)` (the i-th
 * smallest value), e.g. from sorted distinct values with counts (src/core/stream).
 * @returns NaN for n = 0.
 * @example quantileLinearOf(4, (i) => i + 1, 0.5) // 2.5
 */
export function quantileLinearOf(n: number, at: (i: number) => number, q: number): number {
  if (n === 0) return NaN
  const h = (n - 1) * q
  const lo = Math.floor(h)
  if (lo >= n - 1) return at(n - 1)
  if (lo < 0) return at(0)
  const a = at(lo)
  const b = at(lo + 1)
  const f = h - lo
  // numpy's _lerp, bit for bit: from the nearer end, so that f = 1 gives b exactly.
  return f >= 0.5 ? b - (b - a) * (1 - f) : a + (b - a) * f
}

/**
 * Rounds to the nearest integer, ties to even (numpy's `np.round`, used by scipy's ks_2samp):
 * 2.5 → 2, 3.5 → 4.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * A float64 ascending copy of `values`.
 * @param what the sample in words ("the reference"), for the message
 * @throws RangeError naming the sample and the 0-based position when a value is NaN.
 */
export function sortedCopy(what: string, values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values)
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`value ${i} of ${what} is NaN`)
  }
  return out.sort()
}

/**
 * Holm's step-down adjusted p-values (family-wise error control): sort the m non-null p-values
 * ascending, adj₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎), returned in the input's order.
 * Null entries (no test) stay null and do not count in m.
 * @example holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const idx: number[] = []
  pValues.forEach((p, i) => {
    if (p !== null) {
      if (Number.isNaN(p)) throw new RangeError(`p-value ${i} of the Holm correction is NaN`)
      idx.push(i)
    }
  })
  idx.sort((a, b) => pValues[a]! - pValues[b]! || a - b)
  const m = idx.length
  const out: (number | null)[] = pValues.map(() => null)
  let running = 0
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!))
    out[i] = running
  })
  return out
}
