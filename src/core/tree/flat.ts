/**
 * The evaluator's form of a tree ensemble: every tree's branch nodes in one set of flat arrays,
 * each node rewritten to the single test `v < thr` (true → `lt`, false → `ge`, NaN → `miss`), so
 * the hot loop has no mode switch. The rewrite is exact for inputs of the ensemble's precision:
 * `v ≤ t ⇔ v < next(t)` where next(t) is the next number above t of that precision; ≥ and > swap
 * the children; = and ≠ become two nodes (`v < t`, then `v < next(t)`). A child is a node index
 * (≥ 0) or `~leaf` (< 0) where `leaf` indexes the leaf values.
 */
import { splitNextUp } from './split.ts'
import { SplitMode, type TreeEnsemble } from './types.ts'

/** See the module comment. Built by {@link treeFlatten}. */
export type FlatEnsemble = {
  /** Number of canonical branch nodes over all trees. */
  readonly nodes: number
  /** Input index per node. */
  readonly feature: Int32Array
  /** `v < thr` sends `v` to `lt`. */
  readonly thr: Float64Array
  readonly lt: Int32Array
  readonly ge: Int32Array
  readonly miss: Int32Array
  /** Per tree: its root (a node, or `~leaf` for a single-leaf tree). */
  readonly roots: Int32Array
  /** Leaf values, leaves × nOutputs, already divided by the tree count under AVERAGE. */
  readonly leafValue: Float64Array
  /** Per tree: the only output its leaves touch, or −1 when they touch several. */
  readonly treeOutput: Int32Array
  /** Per leaf: its value for its tree's only output (0 for trees with several). */
  readonly leafScalar: Float64Array
  readonly nOutputs: number
}

const cache = new WeakMap<TreeEnsemble, FlatEnsemble>()

/**
 * The flat form of `ens` (cached per ensemble object). `ens` must pass `treeEnsembleCheck`.
 * @example treeFlatten(ens).roots.length === ens.trees.length
 */
export function treeFlatten(ens: TreeEnsemble): FlatEnsemble {
  const hit = cache.get(ens)
  if (hit) return hit
  const k = ens.nOutputs
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  let nodeCap = 0
  let leafCount = 0
  for (const t of ens.trees)
    for (let v = 0; v < t.nodes; v++)
      if (t.mode[v] === SplitMode.Leaf) leafCount++
      else nodeCap += t.mode[v] === SplitMode.Eq || t.mode[v] === SplitMode.Neq ? 2 : 1
  const feature = new Int32Array(nodeCap)
  const thr = new Float64Array(nodeCap)
  const lt = new Int32Array(nodeCap)
  const ge = new Int32Array(nodeCap)
  const miss = new Int32Array(nodeCap)
  const roots = new Int32Array(ens.trees.length)
  const leafValue = new Float64Array(leafCount * k)
  const leafScalar = new Float64Array(leafCount)
  const treeOutput = new Int32Array(ens.trees.length)
  let nNodes = 0
  let nLeaves = 0
  const next = (t: number): number => splitNextUp(t, ens.thresholdPrecision)

  ens.trees.forEach((t, ti) => {
    const firstLeaf = nLeaves
    // Ids of the flat nodes/leaves of this tree's nodes, assigned in preorder.
    const id = new Int32Array(t.nodes)
    const order: number[] = []
    const stack = [0]
    while (stack.length > 0) {
      const v = stack.pop()!
      order.push(v)
      if (t.mode[v] === SplitMode.Leaf) {
        id[v] = ~nLeaves
        for (let o = 0; o < k; o++) leafValue[nLeaves * k + o] = t.value[v * k + o]! * scale
        nLeaves++
      } else {
        id[v] = nNodes
        nNodes += t.mode[v] === SplitMode.Eq || t.mode[v] === SplitMode.Neq ? 2 : 1
        stack.push(t.no[v]!, t.yes[v]!)
      }
    }
    roots[ti] = id[0]!
    for (const v of order) {
      const mode = t.mode[v]!
      if (mode === SplitMode.Leaf) continue
      const i = id[v]!
      const s = t.threshold[v]!
      const yes = id[t.yes[v]!]!
      const no = id[t.no[v]!]!
      const m = t.missingYes[v] === 1 ? yes : no
      feature[i] = t.feature[v]!
      miss[i] = m
      const set = (j: number, tt: number, a: number, b: number): void => {
        thr[j] = tt
        lt[j] = a
        ge[j] = b
      }
      const inf = s === Infinity
      if (mode === SplitMode.Lt) set(i, s, yes, no)
      else if (mode === SplitMode.Gte) set(i, s, no, yes)
      else if (mode === SplitMode.Leq) set(i, inf ? s : next(s), yes, inf ? yes : no)
      else if (mode === SplitMode.Gt) set(i, inf ? s : next(s), no, inf ? no : yes)
      else {
        // = and ≠: below t → "not equal"; then below next(t) → "equal" (t = +∞: always equal).
        const eq = mode === SplitMode.Eq ? yes : no
        const ne = mode === SplitMode.Eq ? no : yes
        set(i, s, ne, i + 1)
        set(i + 1, inf ? s : next(s), eq, inf ? eq : ne)
        feature[i + 1] = t.feature[v]!
        miss[i + 1] = m
      }
    }
    treeOutput[ti] = singleOutput(leafValue, firstLeaf, nLeaves, k)
    const o = treeOutput[ti]!
    if (o >= 0) for (let l = firstLeaf; l < nLeaves; l++) leafScalar[l] = leafValue[l * k + o]!
  })
  const flat: FlatEnsemble = {
    nodes: nNodes,
    feature,
    thr,
    lt,
    ge,
    miss,
    roots,
    leafValue,
    treeOutput,
    leafScalar,
    nOutputs: k,
  }
  cache.set(ens, flat)
  return flat
}

/** The only output with non-zero values among leaves [from, to), 0 if none, −1 if several. */
function singleOutput(values: Float64Array, from: number, to: number, k: number): number {
  if (k === 1) return 0
  let found = -1
  for (let l = from; l < to; l++)
    for (let o = 0; o < k; o++)
      if (values[l * k + o] !== 0) {
        if (found === -1) found = o
        else if (found !== o) return -1
      }
  return Math.max(found, 0)
}
