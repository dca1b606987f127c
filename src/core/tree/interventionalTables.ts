/**
 * Interventional TreeSHAP by leaf tables: what depends only on the background is computed once
 * per tree (a Fast-TreeSHAP-style precomputation), so that explaining a row costs one pass over
 * the tree plus d additions per leaf.
 *
 * For a leaf whose path holds d distinct players (local indices 0 … d − 1, see paths.ts), a row
 * enters the pair game of interventionalPairs.ts only through its mask X (bit j: the row follows
 * the path at every node of player j), and a background row only through its mask M. The leaf is
 * reachable iff X | M covers all d bits; then A = X & ~M, B = M & ~X. So the leaf's contribution to
 * the mean over b is a function of X alone:
 *   T[X][j] = (v / n_b) Σ_M count(M) · [X | M = full] · (+w(a+c, a−1) if j ∈ A, −w(a+c, a) if j ∈ B)
 * with w(n, s) = s!(n − s − 1)!/n!. The table has 2^d · d entries per leaf, built from the
 * histogram of the background masks.
 */
import { type LeafTables, leafTablesOffsets, leafTablesSize } from './leafTables.ts'
import { type TreePaths, pathsMasks, popcount } from './paths.ts'

/**
 * Builds the tables of one tree from the background rows (`bg`: nb rows of `cols` values from
 * `treeRowInputs`, i.e. already rounded as the trees compare), for leaf values `leafValue` (per
 * node, the explained output, already scaled by the aggregation). `w[n][s]` are Shapley weights.
 * Needs maxD ≤ 30 and a size that fits memory.
 */
export function interventionalTablesBuild(
  p: TreePaths,
  leafValue: Float64Array,
  bg: Float64Array,
  nb: number,
  cols: number,
  w: readonly Float64Array[],
): LeafTables {
  const L = p.leaves.length
  const nodeMasks = new Int32Array(p.tree.nodes)
  const masks = new Int32Array(nb * L)
  for (let b = 0; b < nb; b++) {
    pathsMasks(p, bg, b * cols, nodeMasks)
    for (let i = 0; i < L; i++)
      masks[b * L + i] = nodeMasks[p.leaves[i]!]! & ((1 << p.leafD[i]!) - 1)
  }
  const offset = leafTablesOffsets(p, leafValue)
  const table = new Float64Array(leafTablesSize(p, leafValue))
  const distinct = new Map<number, number>()
  for (let i = 0; i < L; i++) {
    const at = offset[i]!
    if (at < 0) continue
    const v = leafValue[p.leaves[i]!]!
    const d = p.leafD[i]!
    distinct.clear()
    for (let b = 0; b < nb; b++) {
      const m = masks[b * L + i]!
      distinct.set(m, (distinct.get(m) ?? 0) + 1)
    }
    const full = 2 ** d - 1
    const vb = v / nb
    for (const [m, count] of distinct) {
      const g = vb * count
      // X ranges over the masks with X | m = full: the bits missing from m, plus any subset of m.
      const need = full & ~m
      for (let sub = m; ; sub = (sub - 1) & m) {
        const x = need | sub
        const A = x & ~m
        const B = m & ~x
        const a = popcount(A)
        const c = popcount(B)
        const n = a + c
        if (n > 0) {
          const row = at + x * d
          const gA = a > 0 ? g * w[n]![a - 1]! : 0
          const gB = c > 0 ? g * w[n]![a]! : 0
          for (let j = 0; j < d; j++) {
            const bit = 1 << j
            if (A & bit) table[row + j] = table[row + j]! + gA
            else if (B & bit) table[row + j] = table[row + j]! - gB
          }
        }
        if (sub === 0) break
      }
    }
  }
  return { paths: p, offset, table }
}
