/**
 * Interventional TreeSHAP of one tree, one explained row x and one background row b, by a
 * traversal (Lundberg et al. 2020, "independent" TreeSHAP), for any depth and any number of
 * players. It is the general path of interventional.ts (trees whose leaf tables would not fit)
 * and the "before" of its benchmark.
 *
 * The game of the pair is v(S) = tree(x_S, b_notS). At a node whose player p reads its input:
 * where x and b take the same branch, the path goes on whatever S is; where they differ, the
 * x-side child is reached only when p ∈ S and the b-side child only when p ∉ S — unless p was
 * already placed on this path, which decides. A leaf with value v is so reached exactly for the
 * S with A ⊆ S and S ∩ B = ∅ (A: players placed on the x side, B: on the b side, |A| = a,
 * |B| = c). That game v·1[A ⊆ S, B ∩ S = ∅] has only A ∪ B as non-null players, and a player's
 * marginal contribution is non-zero for exactly one coalition of the others, so its Shapley
 * values are
 *   φ_p = +v · (a − 1)! c! / (a + c)!   for p ∈ A   (S = A \ {p} in the reduced game),
 *   φ_p = −v · a! (c − 1)! / (a + c)!   for p ∈ B   (S = A).
 * Summing over leaves gives the pair's Shapley values; averaging over b gives those of the mean
 * game (Shapley values are linear in the game).
 */
import type { Tree } from './types.ts'

/** Reusable buffers of {@link pairsTreeShap} for trees of depth ≤ `maxDepth` and `nPlayers`. */
export type PairScratch = {
  /** Per player: 0 unplaced, 1 on the x side (A), 2 on the b side (B). */
  readonly state: Uint8Array
  readonly listA: Int32Array
  readonly listB: Int32Array
}

/** Buffers for {@link pairsTreeShap}. */
export function pairScratch(nPlayers: number, maxDepth: number): PairScratch {
  return {
    state: new Uint8Array(nPlayers),
    listA: new Int32Array(maxDepth + 1),
    listB: new Int32Array(maxDepth + 1),
  }
}

/**
 * Adds `scale` × the Shapley values of the pair game of one tree to `phi` (per player, from
 * `phiOff`). `dx` and `db` (from `dbOff`) are the per-node directions of x and b (1 = yes child), `nodePlayer` the player of each
 * branch node, `leafValue` the value of each node for the explained output (0 at branches),
 * `w[n][s]` Shapley weights s!(n − s − 1)!/n!.
 */
export function pairsTreeShap(
  tree: Tree,
  nodePlayer: Int32Array,
  leafValue: Float64Array,
  dx: Uint8Array,
  db: Uint8Array,
  dbOff: number,
  w: readonly Float64Array[],
  scale: number,
  scratch: PairScratch,
  phi: Float64Array,
  phiOff: number,
): void {
  const { state, listA, listB } = scratch
  const { yes, no, mode } = tree
  const visit = (v: number, a: number, c: number): void => {
    if (mode[v] === 6) {
      const n = a + c
      if (n === 0) return
      const value = leafValue[v]! * scale
      if (value === 0) return
      if (a > 0) {
        const g = value * w[n]![a - 1]!
        for (let i = 0; i < a; i++) phi[phiOff + listA[i]!] = phi[phiOff + listA[i]!]! + g
      }
      if (c > 0) {
        const g = value * w[n]![a]!
        for (let i = 0; i < c; i++) phi[phiOff + listB[i]!] = phi[phiOff + listB[i]!]! - g
      }
      return
    }
    const toX = dx[v] === 1 ? yes[v]! : no[v]!
    if (dx[v] === db[dbOff + v]) {
      visit(toX, a, c)
      return
    }
    const toB = dx[v] === 1 ? no[v]! : yes[v]!
    const p = nodePlayer[v]!
    const s = state[p]!
    if (s === 1) visit(toX, a, c)
    else if (s === 2) visit(toB, a, c)
    else {
      state[p] = 1
      listA[a] = p
      visit(toX, a + 1, c)
      state[p] = 2
      listB[c] = p
      visit(toB, a, c + 1)
      state[p] = 0
    }
  }
  visit(0, 0, 0)
}
