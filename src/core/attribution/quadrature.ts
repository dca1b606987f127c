/**
 * Quadrature rules on [0, 1] for the integrated-gradients path integral ∫₀¹ g(α) dα ≈ Σ ω_k g(α_k).
 * Riemann left/right/midpoint and trapezoid with n equal intervals, and n-point Gauss–Legendre
 * (nodes = roots of P_n found by Newton's method from Tricomi's initial guesses; exact for
 * polynomials of degree ≤ 2n − 1).
 */

/** Quadrature rule ids (CLI `--ig-method`; contracts §3 spells Gauss–Legendre `gausslegendre`). */
export type IgRule = 'left' | 'right' | 'midpoint' | 'trapezoid' | 'gausslegendre'

/** Nodes α_k in [0, 1] and weights ω_k (Σω = 1). */
export type Quadrature = { readonly nodes: Float64Array; readonly weights: Float64Array }

const glCache = new Map<number, Quadrature>()

/**
 * n-point Gauss–Legendre rule mapped to [0, 1]. Cached per n.
 * @throws RangeError for n < 1 or non-integer n.
 */
export function gaussLegendre(n: number): Quadrature {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`Gauss–Legendre quadrature: n must be a positive integer, got ${n}`)
  const hit = glCache.get(n)
  if (hit) return hit
  const nodes = new Float64Array(n)
  const weights = new Float64Array(n)
  const half = Math.floor((n + 1) / 2)
  for (let i = 0; i < half; i++) {
    // Tricomi's approximation of the i-th root (descending), then Newton on P_n.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)) * (1 - (n - 1) / (8 * n * n * n))
    let dp = 1
    for (let it = 0; it < 100; it++) {
      let p0 = 1
      let p1 = x
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        p0 = p1
        p1 = p2
      }
      const pn = n === 1 ? x : p1
      const pn1 = n === 1 ? 1 : p0
      dp = (n * (x * pn - pn1)) / (x * x - 1)
      const dx = pn / dp
      x -= dx
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break
    }
    // Recompute P_n' at the converged root for the weight.
    let p0 = 1
    let p1 = x
    for (let k = 2; k <= n; k++) {
      const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
      p0 = p1
      p1 = p2
    }
    dp = n === 1 ? 1 : (n * (x * p1 - p0)) / (x * x - 1)
    const w = 2 / ((1 - x * x) * dp * dp)
    // Map [-1, 1] → [0, 1]: α = (1 + x)/2, ω = w/2. Ascending order.
    nodes[n - 1 - i] = (1 + x) / 2
    weights[n - 1 - i] = w / 2
    nodes[i] = (1 - x) / 2
    weights[i] = w / 2
  }
  const q = { nodes, weights }
  glCache.set(n, q)
  return q
}

/**
 * The rule's nodes and weights for n steps: Riemann rules use n points α = k/n (left),
 * (k + 1)/n (right) or (k + ½)/n (midpoint), each weighted 1/n; trapezoid uses the n + 1
 * points k/n with end weights 1/(2n); Gauss–Legendre uses n points.
 * @example igQuadrature('midpoint', 4).nodes // [0.125, 0.375, 0.625, 0.875]
 */
export function igQuadrature(rule: IgRule, n: number): Quadrature {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`integrated gradients: steps must be a positive integer, got ${n}`)
  if (rule === 'gausslegendre') return gaussLegendre(n)
  if (rule === 'trapezoid') {
    const nodes = new Float64Array(n + 1)
    const weights = new Float64Array(n + 1).fill(1 / n)
    for (let k = 0; k <= n; k++) nodes[k] = k / n
    weights[0] = weights[n] = 1 / (2 * n)
    return { nodes, weights }
  }
  const shift = rule === 'left' ? 0 : rule === 'right' ? 1 : 0.5
  const nodes = new Float64Array(n)
  for (let k = 0; k < n; k++) nodes[k] = (k + shift) / n
  return { nodes, weights: new Float64Array(n).fill(1 / n) }
}
