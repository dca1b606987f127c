/**
 * Root-to-leaf path structure shared by both TreeSHAP flavours. A "key" is what a Shapley player is
 * made of: a player (a group of inputs) for interventional TreeSHAP, an input for path-dependent.
 * On the path to each node, the distinct keys are numbered 0, 1, … in order of first appearance
 * (`local`); the numbering of a path's prefix is that of the prefix's own path, so one pass in
 * preorder can carry a bit mask per node: bit j set ⇔ the row followed the path at every node of
 * local key j so far (see {@link pathsLeafMasks}).
 */
import { shapleyWeights } from '../shap/exact.ts'
import { SplitMode, type Tree, type TreeEnsemble } from './types.ts'

/** Path structure of one tree; see the module comment. */
export type TreePaths = {
  readonly tree: Tree
  /** Branch nodes in preorder (parents before children). */
  readonly branches: Int32Array
  /** Per node: the local index of its key on its own path (branch nodes only; −1 at leaves). */
  readonly local: Int32Array
  /** Per node: its parent (−1 at the root). */
  readonly parent: Int32Array
  /** Leaf nodes in preorder. */
  readonly leaves: Int32Array
  /** Per leaf position i: number of distinct keys d on its path; keys at keyStart[i] … +d. */
  readonly leafKeys: Int32Array
  readonly keyStart: Int32Array
  readonly leafD: Int32Array
  /** Largest d over the leaves. */
  readonly maxD: number
}

/**
 * The {@link TreePaths} of `tree` where input i belongs to key `inputKey[i]`.
 * @example treePaths(tree, Int32Array.from({ length: nInputs }, (_, i) => i)) // keys = inputs
 */
export function treePaths(tree: Tree, inputKey: Int32Array): TreePaths {
  const n = tree.nodes
  const local = new Int32Array(n).fill(-1)
  const parent = new Int32Array(n).fill(-1)
  const branches: number[] = []
  const leaves: number[] = []
  const keys: number[] = []
  const keyStart: number[] = []
  const leafD: number[] = []
  // Distinct keys on the path from the root to the current node, in order of first appearance.
  const pathKeys: number[] = []
  const visit = (v: number): void => {
    if (tree.mode[v] === SplitMode.Leaf) {
      leaves.push(v)
      keyStart.push(keys.length)
      leafD.push(pathKeys.length)
      keys.push(...pathKeys)
      return
    }
    branches.push(v)
    const key = inputKey[tree.feature[v]!]!
    let j = pathKeys.indexOf(key)
    const added = j === -1
    if (added) j = pathKeys.push(key) - 1
    local[v] = j
    for (const c of [tree.yes[v]!, tree.no[v]!]) {
      parent[c] = v
      visit(c)
    }
    if (added) pathKeys.pop()
  }
  visit(0)
  return {
    tree,
    branches: Int32Array.from(branches),
    local,
    parent,
    leaves: Int32Array.from(leaves),
    leafKeys: Int32Array.from(keys),
    keyStart: Int32Array.from(keyStart),
    leafD: Int32Array.from(leafD),
    maxD: leafD.reduce((m, d) => Math.max(m, d), 0),
  }
}

/**
 * True when input value `v` goes to the `yes` child of a node with this mode, threshold and
 * missing rule (docs/contracts.md §7): NaN goes where `missingYes` says, otherwise the mode
 * compares `v` with `t`. `v` must already be rounded as the ensemble compares (see
 * {@link treeRowInputs}). The evaluator's flat form (flat.ts) is an exact rewrite of this rule.
 * @example splitGoesYes(SplitMode.Lt, 0.5, 1, 0) // → true (0.5 < 1)
 */
export function splitGoesYes(mode: number, v: number, t: number, missingYes: number): boolean {
  if (v !== v) return missingYes === 1
  if (mode === SplitMode.Lt) return v < t
  if (mode === SplitMode.Leq) return v <= t
  if (mode === SplitMode.Gte) return v >= t
  if (mode === SplitMode.Gt) return v > t
  if (mode === SplitMode.Eq) return v === t
  return v !== t
}

/**
 * Rows r0 … r0 + n − 1 of `data` (`cols` values each) as a tree compares them, into `out`
 * (row-major): each value rounded once to float32 (`Math.fround`) unless the ensemble compares
 * in float64. NaN stays NaN.
 */
export function treeRowInputs(
  data: ArrayLike<number>,
  r0: number,
  n: number,
  cols: number,
  precision: TreeEnsemble['thresholdPrecision'],
  out: Float64Array,
): Float64Array {
  const at = r0 * cols
  const len = n * cols
  if (precision === 'float32') for (let i = 0; i < len; i++) out[i] = Math.fround(data[at + i]!)
  else for (let i = 0; i < len; i++) out[i] = data[at + i]!
  return out
}

/**
 * Per branch node of `tree`, 1 when the row at `rows[at …]` (from {@link treeRowInputs}) goes to
 * the `yes` child, written into `out` (length ≥ nodes).
 */
export function treeDirections(
  tree: Tree,
  rows: Float64Array,
  at: number,
  out: Uint8Array,
): Uint8Array {
  const { mode, feature, threshold, missingYes } = tree
  for (let v = 0; v < tree.nodes; v++) {
    const m = mode[v]!
    if (m === SplitMode.Leaf) continue
    out[v] = splitGoesYes(m, rows[at + feature[v]!]!, threshold[v]!, missingYes[v]!) ? 1 : 0
  }
  return out
}

/**
 * The path mask of every node for the row at `rows[at …]` (from {@link treeRowInputs}), written
 * to `masks` (length ≥ nodes): bit j set ⇔ the row follows the path to the node at every node whose key is local key
 * j. A leaf's mask, cut to its d keys, is what the leaf tables are indexed by. Needs maxD ≤ 30.
 */
export function pathsMasks(
  p: TreePaths,
  rows: Float64Array,
  at: number,
  masks: Int32Array,
): Int32Array {
  const { tree, branches, local } = p
  const { mode, feature, threshold, missingYes, yes, no } = tree
  masks[0] = -1
  for (let i = 0; i < branches.length; i++) {
    const v = branches[i]!
    const m = masks[v]!
    const off = m & ~(1 << local[v]!)
    if (splitGoesYes(mode[v]!, rows[at + feature[v]!]!, threshold[v]!, missingYes[v]!)) {
      masks[yes[v]!] = m
      masks[no[v]!] = off
    } else {
      masks[yes[v]!] = off
      masks[no[v]!] = m
    }
  }
  return masks
}

/** Number of set bits of a 32-bit integer. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/**
 * Shapley weights by coalition size for up to `maxN` players: `w[n][s]` = s!(n − s − 1)!/n!,
 * s = 0 … n − 1 (the weight of a coalition of size s not containing the player, in a game of n).
 */
export function shapleyWeightTable(maxN: number): Float64Array[] {
  return Array.from({ length: maxN + 1 }, (_, n) => shapleyWeights(n))
}

/** Largest number of distinct keys on one path that the mask-based routines handle. */
export const PATHS_MAX_MASK_KEYS = 30

/**
 * Per node of `tree`, the value its leaf adds to output `output`'s margin (`value[v·k + output]`
 * times `scale`, e.g. 1/trees under AVERAGE); 0 at branch nodes.
 */
export function treeLeafValues(
  tree: Tree,
  nOutputs: number,
  output: number,
  scale: number,
): Float64Array {
  const out = new Float64Array(tree.nodes)
  for (let v = 0; v < tree.nodes; v++)
    if (tree.mode[v] === SplitMode.Leaf) out[v] = tree.value[v * nOutputs + output]! * scale
  return out
}
