/**
 * Path-dependent TreeSHAP by leaf tables (the idea of Fast TreeSHAP v2, Yang 2021): for a leaf
 * with value v whose path holds d distinct inputs F, input j has a zero fraction z_j (the product
 * of cover(child)/cover(node) over the path's nodes on j) and a one fraction o_j ∈ {0, 1} (x
 * follows the path at every node on j). The leaf's game is v · Π_{k∈S} o_k · Π_{k∈F\S} z_k, whose
 * Shapley value for j is
 *   φ_j = v (o_j − z_j) Σ_{S ⊆ F\{j}} w_d(|S|) Π_{k∈S} o_k Π_{k∈F\{j}\S} z_k,
 * w_d(s) = s!(d − s − 1)!/d!. It depends on x only through the mask O = {k : o_k = 1}, so it is
 * tabulated once for the 2^d masks:
 *   T[O][j] = v (o_j − z_j) · Π_{k∉O, k≠j} z_k · Σ_s w_d(s) [t^s] Π_{k∈O\{j}} (t + z_k).
 * A row then costs one pass over the tree plus d additions per leaf.
 */
import { type LeafTables, leafTablesOffsets } from './leafTables.ts'
import type { TreePaths } from './paths.ts'

/**
 * Builds the tables of one tree (keys of `p` = inputs) for leaf values `leafValue` (per node) and
 * covers `cover` (> 0 at branch nodes); `w[n][s]` are Shapley weights. Needs maxD ≤ 30 and a
 * size that fits memory (see leafTablesSize).
 */
export function pathDependentTablesBuild(
  p: TreePaths,
  leafValue: Float64Array,
  cover: Float64Array,
  size: number,
  w: readonly Float64Array[],
): LeafTables {
  const { leaves, leafD, local, parent } = p
  const offset = leafTablesOffsets(p, leafValue)
  const table = new Float64Array(size)
  const z = new Float64Array(p.maxD)
  const poly = new Float64Array(p.maxD + 1)
  const quot = new Float64Array(p.maxD + 1)
  for (let i = 0; i < leaves.length; i++) {
    const at = offset[i]!
    if (at < 0) continue
    const leaf = leaves[i]!
    const v = leafValue[leaf]!
    const d = leafD[i]!
    z.fill(1, 0, d)
    for (let c = leaf, u = parent[leaf]!; u !== -1; c = u, u = parent[u]!)
      z[local[u]!] = z[local[u]!]! * (cover[c]! / cover[u]!)
    const wd = w[d]!
    for (let O = 0; O < 2 ** d; O++) {
      // poly = Π_{k∈O} (t + z_k), coefficients by degree.
      poly.fill(0, 0, d + 1)
      poly[0] = 1
      let deg = 0
      for (let k = 0; k < d; k++) {
        if (!(O & (1 << k))) continue
        deg++
        for (let s = deg; s >= 1; s--) poly[s] = poly[s - 1]! + z[k]! * poly[s]!
        poly[0] = z[k]! * poly[0]!
      }
      const row = at + O * d
      for (let j = 0; j < d; j++) {
        const inO = (O >> j) & 1
        let rest = 1
        for (let k = 0; k < d; k++) if (k !== j && !(O & (1 << k))) rest *= z[k]!
        let sum = 0
        if (inO) {
          // Π_{k∈O\{j}} (t + z_k) = poly / (t + z_j): synthetic division from the top.
          let q = 0
          for (let s = deg; s >= 1; s--) {
            q = s === deg ? poly[s]! : poly[s]! - z[j]! * quot[s]!
            quot[s - 1] = q
          }
          for (let s = 0; s < deg; s++) sum += wd[s]! * quot[s]!
        } else for (let s = 0; s <= deg; s++) sum += wd[s]! * poly[s]!
        table[row + j] = v * (inO - z[j]!) * rest * sum
      }
    }
  }
  return { paths: p, offset, table }
}
