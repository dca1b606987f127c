/**
 * Path-dependent TreeSHAP of one tree by Lundberg et al.'s polynomial algorithm (Algorithm 2 of
 * "Consistent individualized feature attribution for tree ensembles", 2018, as XGBoost's
 * `pred_contribs` runs it): one recursion over the tree carrying the unique path of features with
 * their zero fractions (cover ratios) and one fractions (whether x goes that way), EXTEND when a
 * feature enters, UNWIND when a feature repeats or at a leaf. O(leaves · depth²) per row, any
 * depth; the general path of pathDependent.ts and the "before" of its benchmark.
 */
import type { Tree } from './types.ts'

/** Reusable path storage for trees of depth ≤ maxDepth. */
export type PathBuffers = {
  readonly feature: Int32Array
  readonly zero: Float64Array
  readonly one: Float64Array
  readonly weight: Float64Array
}

/** Buffers for {@link recursiveTreeShap} on trees of depth ≤ `maxDepth`. */
export function pathBuffers(maxDepth: number): PathBuffers {
  const n = ((maxDepth + 2) * (maxDepth + 3)) / 2
  return {
    feature: new Int32Array(n),
    zero: new Float64Array(n),
    one: new Float64Array(n),
    weight: new Float64Array(n),
  }
}

/**
 * Adds the path-dependent SHAP values of one tree to `phi` (per input, from `phiOff`). `dir` holds x's direction
 * per node (1 = yes child), `leafValue` each leaf's value for the explained output, `cover` the
 * node covers (> 0 at branch nodes).
 */
export function recursiveTreeShap(
  tree: Tree,
  cover: Float64Array,
  leafValue: Float64Array,
  dir: Uint8Array,
  buf: PathBuffers,
  phi: Float64Array,
  phiOff: number,
): void {
  const { feature: pf, zero: pz, one: po, weight: pw } = buf
  const { yes, no, feature, mode } = tree

  // Path elements 0 … depth live at [start, start + depth]; each call copies its parent's path.
  const extend = (s: number, depth: number, z: number, o: number, f: number): void => {
    pf[s + depth] = f
    pz[s + depth] = z
    po[s + depth] = o
    pw[s + depth] = depth === 0 ? 1 : 0
    for (let i = depth - 1; i >= 0; i--) {
      pw[s + i + 1] = pw[s + i + 1]! + (o * pw[s + i]! * (i + 1)) / (depth + 1)
      pw[s + i] = (z * pw[s + i]! * (depth - i)) / (depth + 1)
    }
  }
  const unwind = (s: number, depth: number, k: number): void => {
    const o = po[s + k]!
    const z = pz[s + k]!
    let next = pw[s + depth]!
    for (let i = depth - 1; i >= 0; i--) {
      if (o !== 0) {
        const tmp = pw[s + i]!
        pw[s + i] = (next * (depth + 1)) / ((i + 1) * o)
        next = tmp - (pw[s + i]! * z * (depth - i)) / (depth + 1)
      } else pw[s + i] = (pw[s + i]! * (depth + 1)) / (z * (depth - i))
    }
    for (let i = k; i < depth; i++) {
      pf[s + i] = pf[s + i + 1]!
      pz[s + i] = pz[s + i + 1]!
      po[s + i] = po[s + i + 1]!
    }
  }
  const unwoundSum = (s: number, depth: number, k: number): number => {
    const o = po[s + k]!
    const z = pz[s + k]!
    let next = pw[s + depth]!
    let total = 0
    for (let i = depth - 1; i >= 0; i--) {
      if (o !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * o)
        total += tmp
        next = pw[s + i]! - tmp * z * ((depth - i) / (depth + 1))
      } else if (z !== 0) total += pw[s + i]! / z / ((depth - i) / (depth + 1))
    }
    return total
  }
  const recurse = (
    v: number,
    parentStart: number,
    start: number,
    depth: number,
    z: number,
    o: number,
    f: number,
  ): void => {
    for (let i = 0; i < depth; i++) {
      pf[start + i] = pf[parentStart + i]!
      pz[start + i] = pz[parentStart + i]!
      po[start + i] = po[parentStart + i]!
      pw[start + i] = pw[parentStart + i]!
    }
    extend(start, depth, z, o, f)
    if (mode[v] === 6) {
      const value = leafValue[v]!
      if (value === 0) return
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(start, depth, i)
        phi[phiOff + pf[start + i]!] =
          phi[phiOff + pf[start + i]!]! + w * (po[start + i]! - pz[start + i]!) * value
      }
      return
    }
    const hot = dir[v] === 1 ? yes[v]! : no[v]!
    const cold = dir[v] === 1 ? no[v]! : yes[v]!
    const c = cover[v]!
    const hotZ = cover[hot]! / c
    const coldZ = cover[cold]! / c
    let inZ = 1
    let inO = 1
    const split = feature[v]!
    let d = depth
    let k = 1
    while (k <= d && pf[start + k] !== split) k++
    if (k <= d) {
      inZ = pz[start + k]!
      inO = po[start + k]!
      unwind(start, d, k)
      d--
    }
    const child = start + depth + 1
    recurse(hot, start, child, d + 1, hotZ * inZ, inO, split)
    recurse(cold, start, child, d + 1, coldZ * inZ, 0, split)
  }
  recurse(0, 0, 0, 0, 1, 1, -1)
}

/**
 * Expected value of one tree under its covers (XGBoost's node mean at the root): each branch
 * node's mean is its children's means weighted by their covers over its own.
 */
export function treeCoverMean(tree: Tree, cover: Float64Array, leafValue: Float64Array): number {
  const mean = (v: number): number =>
    tree.mode[v] === 6
      ? leafValue[v]!
      : (mean(tree.yes[v]!) * cover[tree.yes[v]!]! + mean(tree.no[v]!) * cover[tree.no[v]!]!) /
        cover[v]!
  return mean(0)
}
