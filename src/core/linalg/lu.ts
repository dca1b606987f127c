/**
 * Dense LU factorisation with partial pivoting for the small systems of the explainers
 * (Kernel SHAP's (M−1)×(M−1) normal equations). Float64, row-major, no allocation in solves.
 */

/** P·A = L·U packed in one row-major n×n array (unit lower L below the diagonal). */
export type LuFactors = { readonly n: number; readonly lu: Float64Array; readonly piv: Int32Array }

/**
 * Factors the n×n row-major matrix `a` (not modified).
 * @returns null when a pivot is below `tol` × the largest |a_ij| (numerically singular).
 * @example luFactor(Float64Array.of(2, 1, 1, 3), 2)
 */
export function luFactor(a: ArrayLike<number>, n: number, tol = 1e-13): LuFactors | null {
  if (a.length !== n * n)
    throw new RangeError(`${a.length} values for a ${n}x${n} matrix to factor`)
  const lu = Float64Array.from(a)
  const piv = new Int32Array(n)
  let scale = 0
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(lu[i]!))
  if (n > 0 && scale === 0) return null
  for (let i = 0; i < n; i++) piv[i] = i
  for (let k = 0; k < n; k++) {
    let p = k
    let best = Math.abs(lu[k * n + k]!)
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!)
      if (v > best) {
        best = v
        p = i
      }
    }
    if (best <= tol * scale) return null
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!
        lu[k * n + j] = lu[p * n + j]!
        lu[p * n + j] = t
      }
      const t = piv[k]!
      piv[k] = piv[p]!
      piv[p] = t
    }
    const d = lu[k * n + k]!
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k]! / d
      lu[i * n + k] = f
      if (f === 0) continue
      for (let j = k + 1; j < n; j++) lu[i * n + j] = lu[i * n + j]! - f * lu[k * n + j]!
    }
  }
  return { n, lu, piv }
}

/** Solves A·x = b with the factors of A; writes x into `out` (may alias nothing) and returns it. */
export function luSolve(
  f: LuFactors,
  b: ArrayLike<number>,
  out = new Float64Array(f.n),
): Float64Array {
  const { n, lu, piv } = f
  for (let i = 0; i < n; i++) out[i] = b[piv[i]!]!
  for (let i = 0; i < n; i++) {
    let s = out[i]!
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * out[j]!
    out[i] = s
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i]!
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * out[j]!
    out[i] = s / lu[i * n + i]!
  }
  return out
}

/**
 * Factors a symmetric positive semi-definite matrix, adding a ridge λ·mean(diag)·I (λ = 1e-12,
 * then ×100 up to 1e-4) when it is numerically singular, so least-squares solves always answer.
 * @returns the factors and the relative ridge used (0 when none was needed).
 */
export function luFactorRidge(a: ArrayLike<number>, n: number): { f: LuFactors; ridge: number } {
  const f0 = luFactor(a, n)
  if (f0) return { f: f0, ridge: 0 }
  let tr = 0
  for (let i = 0; i < n; i++) tr += Math.abs(a[i * n + i]!)
  const base = n > 0 && tr > 0 ? tr / n : 1
  const b = Float64Array.from(a)
  for (let lambda = 1e-12; lambda <= 1e-2; lambda *= 100) {
    for (let i = 0; i < n; i++) b[i * n + i] = a[i * n + i]! + lambda * base
    const f = luFactor(b, n, 0)
    if (f) return { f, ridge: lambda }
  }
  for (let i = 0; i < n; i++) b[i * n + i] = a[i * n + i]! + base
  return { f: luFactor(b, n, 0)!, ridge: 1 }
}
