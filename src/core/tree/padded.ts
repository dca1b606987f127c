/**
 * The evaluator's fast form: every tree of the flat form (flat.ts) padded to a complete tree of
 * its own depth and stored in heap order (node i's children are 2i + 1 and 2i + 2; below a leaf
 * of the flat form, dummy nodes with threshold +∞ lead to copies of its value). A row then takes
 * exactly `depth` steps per tree, each `i = 2i + 2 − (x < t)`: no child index is loaded, and V8
 * compiles `Number(x < t)` without a branch, so walk.ts can walk 8 rows side by side and overlap
 * their memory latencies — about twice as fast as the branchy walk of the flat form (measured on
 * the Adult model: the heap order ~7% over stored child indices, `Number(x < t)` ~1.6× over a
 * ternary, 8 rows side by side ~1.5× over one). Thresholds are float32 (the ensemble compares in
 * float32). NaN, whose comparisons are all false, would not take the missing branch: rows
 * holding a NaN take the flat form's walk instead.
 */
import type { FlatEnsemble } from './flat.ts'

/** See the module comment. Built by {@link treePadded}. */
export type PaddedEnsemble = {
  /** Heap-ordered branch nodes of all trees: input and threshold (`x < t` → child 2i + 1). */
  readonly feature: Int32Array
  readonly thr: Float32Array
  /** Per tree: first node, first leaf, depth (steps to a leaf), output. */
  readonly nodeStart: Int32Array
  readonly leafStart: Int32Array
  readonly depths: Int32Array
  readonly treeOutput: Int32Array
  /** Leaf values in heap order per tree (leaf j of tree t at leafStart[t] + j). */
  readonly leafValue: Float64Array
}

/** Deepest tree the padded form accepts (2^depth leaves per tree). */
export const PADDED_MAX_DEPTH = 10

/**
 * The padded form of a flat ensemble compared in float32, or null when one of its trees touches
 * several outputs or is deeper than {@link PADDED_MAX_DEPTH}.
 */
export function treePadded(flat: FlatEnsemble): PaddedEnsemble | null {
  const { lt, ge, roots, treeOutput } = flat
  const depthOf = (v: number): number =>
    v < 0 ? 0 : 1 + Math.max(depthOf(lt[v]!), depthOf(ge[v]!))
  const T = roots.length
  const depths = new Int32Array(T)
  const nodeStart = new Int32Array(T + 1)
  const leafStart = new Int32Array(T + 1)
  for (let t = 0; t < T; t++) {
    if (treeOutput[t]! < 0) return null
    depths[t] = depthOf(roots[t]!)
    if (depths[t]! > PADDED_MAX_DEPTH) return null
    nodeStart[t + 1] = nodeStart[t]! + 2 ** depths[t]! - 1
    leafStart[t + 1] = leafStart[t]! + 2 ** depths[t]!
  }
  const feature = new Int32Array(nodeStart[T]!)
  const thr = new Float32Array(nodeStart[T]!)
  const leafValue = new Float64Array(leafStart[T]!)
  for (let t = 0; t < T; t++) {
    const D = depths[t]!
    const n0 = nodeStart[t]!
    const l0 = leafStart[t]! - (2 ** D - 1)
    // Flat node v (or ~leaf) at heap position i, `depth` steps below the root.
    const fill = (v: number, i: number, depth: number): void => {
      if (depth === D) {
        leafValue[l0 + i] = flat.leafScalar[~v]!
        return
      }
      thr[n0 + i] = v < 0 ? Infinity : flat.thr[v]!
      feature[n0 + i] = v < 0 ? 0 : flat.feature[v]!
      fill(v < 0 ? v : lt[v]!, 2 * i + 1, depth + 1)
      fill(v < 0 ? v : ge[v]!, 2 * i + 2, depth + 1)
    }
    fill(roots[t]!, 0, 0)
  }
  return { feature, thr, nodeStart, leafStart, depths, treeOutput, leafValue }
}
