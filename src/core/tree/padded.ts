/**
 * The evaluator's fast form: every tree of the flat form (flat.ts) padded to a complete tree of
 * its own depth (a leaf above the bottom becomes a chain of nodes whose two children are the
 * same). A row then takes exactly `depth` steps per tree, each `child = rec[4v + 2 − (x < t)]`,
 * which V8 compiles without a branch, so walk.ts can walk 8 rows side by side and overlap their
 * memory latencies — about twice as fast as the branchy walk of the flat form (bench/treeShap.ts).
 * Thresholds are float32 (the ensemble compares in float32). NaN, whose comparisons are all
 * false, would take the `ge` child instead of the missing one: rows holding a NaN take the flat
 * form's walk instead.
 */
import { type FlatEnsemble } from './flat.ts'

/** See the module comment. Built by {@link treePadded}. */
export type PaddedEnsemble = {
  /** 4 int32 per node: input, child when input < threshold, child otherwise, unused. */
  readonly rec: Int32Array
  /** Threshold per node. */
  readonly thr: Float32Array
  /** Per tree: root node, depth (steps to a leaf), output. */
  readonly roots: Int32Array
  readonly depths: Int32Array
  readonly treeOutput: Int32Array
  /** Per padded leaf (child −1 − i): the value its tree adds to its output. */
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
  const depths = new Int32Array(roots.length)
  let nodes = 0
  for (let t = 0; t < roots.length; t++) {
    if (treeOutput[t]! < 0) return null
    depths[t] = depthOf(roots[t]!)
    if (depths[t]! > PADDED_MAX_DEPTH) return null
    nodes += 2 ** depths[t]! - 1
  }
  let leaves = 0
  for (const d of depths) leaves += 2 ** d
  const rec = new Int32Array(4 * nodes)
  const thr = new Float32Array(nodes)
  const leafValue = new Float64Array(leaves)
  const padRoots = new Int32Array(roots.length)
  let nNodes = 0
  let nLeaves = 0
  // Node v of the flat form (or ~leaf) at the given remaining depth → padded id.
  const build = (v: number, left: number): number => {
    if (left === 0) {
      leafValue[nLeaves] = flat.leafScalar[~v]!
      return ~nLeaves++
    }
    const id = nNodes++
    if (v < 0) {
      const c = build(v, left - 1)
      rec.set([0, c, c], 4 * id)
      return id
    }
    const a = build(lt[v]!, left - 1)
    const b = build(ge[v]!, left - 1)
    rec.set([flat.feature[v]!, a, b], 4 * id)
    thr[id] = flat.thr[v]!
    return id
  }
  for (let t = 0; t < roots.length; t++) padRoots[t] = build(roots[t]!, depths[t]!)
  return { rec, thr, roots: padRoots, depths, treeOutput, leafValue }
}
