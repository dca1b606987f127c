/**
 * Per-leaf tables indexed by a row's path mask (paths.ts): the form both TreeSHAP flavours
 * precompute (interventionalTables.ts folds the background in, pathDependentTables.ts the
 * covers), so that explaining a row costs one pass over the tree plus d additions per leaf.
 */
import { type TreePaths, pathsLeafMasks } from './paths.ts'

/**
 * One tree's leaf tables: leaf position i with d distinct keys on its path adds
 * `table[offset[i] + mask·d + j]` to key `leafKeys[keyStart[i] + j]`; offset −1: the leaf adds
 * nothing (its value is 0).
 */
export type LeafTables = {
  readonly paths: TreePaths
  readonly offset: Int32Array
  readonly table: Float64Array
}

/** Table entries one tree needs: Σ over leaves with a non-zero value of 2^d · d. */
export function leafTablesSize(p: TreePaths, leafValue: Float64Array): number {
  let size = 0
  for (let i = 0; i < p.leaves.length; i++) {
    if (leafValue[p.leaves[i]!] === 0) continue
    const d = p.leafD[i]!
    size += 2 ** d * d
  }
  return size
}

/**
 * Per-leaf table offsets for leaf values `leafValue` (−1 where the value is 0), laid out in leaf
 * order with 2^d · d entries each.
 */
export function leafTablesOffsets(p: TreePaths, leafValue: Float64Array): Int32Array {
  const offset = new Int32Array(p.leaves.length).fill(-1)
  let at = 0
  for (let i = 0; i < p.leaves.length; i++) {
    if (leafValue[p.leaves[i]!] === 0) continue
    offset[i] = at
    at += 2 ** p.leafD[i]! * p.leafD[i]!
  }
  return offset
}

/**
 * Adds one tree's contributions for a row with per-node directions `dir` to `phi` (per key).
 * `scratch` (length ≥ nodes) and `leafMasks` (length ≥ leaves) are work buffers.
 */
export function leafTablesExplain(
  t: LeafTables,
  dir: Uint8Array,
  scratch: Int32Array,
  leafMasks: Int32Array,
  phi: Float64Array,
): void {
  const { paths, offset, table } = t
  pathsLeafMasks(paths, dir, scratch, leafMasks)
  const { leafD, keyStart, leafKeys } = paths
  for (let i = 0; i < offset.length; i++) {
    const off = offset[i]!
    if (off < 0) continue
    const d = leafD[i]!
    const row = off + leafMasks[i]! * d
    const k0 = keyStart[i]!
    for (let j = 0; j < d; j++) {
      const key = leafKeys[k0 + j]!
      phi[key] = phi[key]! + table[row + j]!
    }
  }
}
