/**
 * Per-leaf tables indexed by a row's path mask (paths.ts): the form both TreeSHAP flavours
 * precompute (interventionalTables.ts folds the background in, pathDependentTables.ts the
 * covers), so that explaining a row costs one pass over the tree plus d additions per leaf.
 */
import type { Matrix } from '../types.ts'
import { type TreePaths, pathsMasks, treeRowInputs } from './paths.ts'
import type { TreeEnsemble } from './types.ts'

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
 * Adds one tree's contributions for `n` rows (`rows`, from `treeRowInputs`, `cols` values each) to
 * `phi` (rows × nKeys, from row 0). Rows go in a block so that the tree's tables stay in cache
 * while they are read (one random row of d entries per leaf and row). `masks` (length ≥ nodes)
 * is a work buffer.
 */
export function leafTablesExplain(
  t: LeafTables,
  rows: Float64Array,
  n: number,
  cols: number,
  masks: Int32Array,
  phi: Float64Array,
  nKeys: number,
): void {
  const { paths, offset, table } = t
  const { leaves, leafD, keyStart, leafKeys } = paths
  for (let r = 0; r < n; r++) {
    pathsMasks(paths, rows, r * cols, masks)
    const p0 = r * nKeys
    for (let i = 0; i < offset.length; i++) {
      const off = offset[i]!
      if (off < 0) continue
      const d = leafD[i]!
      const at = off + (masks[leaves[i]!]! & ((1 << d) - 1)) * d
      const k0 = keyStart[i]!
      for (let j = 0; j < d; j++) {
        const key = p0 + leafKeys[k0 + j]!
        phi[key] = phi[key]! + table[at + j]!
      }
    }
  }
}

/** Rows per block in {@link leafTablesExplainRows}. */
const BLOCK = 128

/**
 * φ of every row of `x` (rows × nKeys): each block of rows is rounded as the trees compare
 * (`treeRowInputs`), then every table tree runs over the block, then `perRow` (the trees without
 * tables) adds its part for each row from the rounded inputs at `rows[at …]` into `phi` from
 * `phiOff`.
 */
export function leafTablesExplainRows(
  x: Matrix,
  precision: TreeEnsemble['thresholdPrecision'],
  tables: readonly LeafTables[],
  nKeys: number,
  maxNodes: number,
  perRow: (rows: Float64Array, at: number, phi: Float64Array, phiOff: number) => void,
): Float64Array {
  const cols = x.cols
  const phi = new Float64Array(x.rows * nKeys)
  const rows = new Float64Array(Math.min(BLOCK, x.rows) * cols)
  const masks = new Int32Array(maxNodes)
  for (let r0 = 0; r0 < x.rows; r0 += BLOCK) {
    const n = Math.min(BLOCK, x.rows - r0)
    treeRowInputs(x.data, r0, n, cols, precision, rows)
    const block = phi.subarray(r0 * nKeys, (r0 + n) * nKeys)
    for (const t of tables) leafTablesExplain(t, rows, n, cols, masks, block, nKeys)
    for (let r = 0; r < n; r++) perRow(rows, r * cols, phi, (r0 + r) * nKeys)
  }
  return phi
}
