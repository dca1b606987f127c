/**
 * Exact Shapley values from a complete table of coalition values, by the definition
 *   φ_i = Σ_{S ∌ i} |S|!(M − |S| − 1)!/M! · (v(S ∪ {i}) − v(S)).
 * Coalitions are bit masks over the M players (player i = bit i); exact enumeration is offered
 * up to M = 24 (2^24 coalition values).
 */

/** Largest player count the mask-based enumeration supports. */
export const SHAP_EXACT_MAX_PLAYERS = 24

/** Shapley weights w[s] = s!(M − s − 1)!/M! = 1/(M·C(M − 1, s)), s = 0 … M − 1. */
export function shapleyWeights(M: number): Float64Array {
  const w = new Float64Array(Math.max(M, 0))
  let binom = 1 // C(M − 1, s)
  for (let s = 0; s < M; s++) {
    w[s] = 1 / (M * binom)
    binom = (binom * (M - 1 - s)) / (s + 1)
  }
  return w
}

/**
 * Shapley values of the game whose values are `v[mask]` for all 2^M masks (v[0] = v(∅),
 * v[2^M − 1] = v(all)). Efficiency holds to rounding: Σφ = v(all) − v(∅).
 * @example shapExactFromTable(Float64Array.of(0, 1, 2, 4), 2) // → [1.5, 2.5]
 */
export function shapExactFromTable(v: ArrayLike<number>, M: number): Float64Array {
  if (M > SHAP_EXACT_MAX_PLAYERS)
    throw new RangeError(`exact SHAP: M = ${M} > ${SHAP_EXACT_MAX_PLAYERS}`)
  const n = 2 ** M
  if (v.length !== n) throw new RangeError(`exact SHAP: ${v.length} values, 2^${M} needed`)
  const w = shapleyWeights(M)
  const phi = new Float64Array(M)
  const pc = new Uint8Array(n)
  for (let m = 1; m < n; m++) pc[m] = pc[m >>> 1]! + (m & 1)
  for (let m = 0; m < n - 1; m++) {
    const wm = w[pc[m]!]!
    const vm = v[m]!
    for (let i = 0; i < M; i++) {
      const bit = 1 << i
      if (m & bit) continue
      phi[i] = phi[i]! + wm * (v[m | bit]! - vm)
    }
  }
  return phi
}

/**
 * Exact Shapley values of explained row r from its coalition values: `vals` holds
 * v(mask) for masks 1 … 2^M − 2 at index mask − 1 (row r at offset r·(2^M − 2)).
 */
export function shapExactRow(
  vals: Float64Array,
  r: number,
  M: number,
  base: number,
  fx: number,
): Float64Array {
  const n = 2 ** M
  const nCoal = n - 2
  const table = new Float64Array(n)
  table[0] = base
  table[n - 1] = fx
  if (nCoal > 0) table.set(vals.subarray(r * nCoal, (r + 1) * nCoal), 1)
  return shapExactFromTable(table, M)
}
