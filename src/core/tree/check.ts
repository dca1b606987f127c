/**
 * Structural checks of a {@link TreeEnsemble}: what every evaluator and TreeSHAP routine assumes
 * (array lengths, child indices, one parent per node, no cycles, feature ids inside the input,
 * finite leaf values, float32 thresholds when the ensemble compares in float32). Readers call it once after building an ensemble, so a malformed file fails
 * with one message naming it, the tree and the node, instead of a wrong number later.
 */
import { SplitMode, type Tree, type TreeEnsemble } from './types.ts'

/** A tree ensemble that breaks the {@link TreeEnsemble} invariants. */
export class TreeEnsembleError extends Error {
  override name = 'TreeEnsembleError'
}

/**
 * Throws {@link TreeEnsembleError} naming `source`, the tree and the node when `ens` is malformed;
 * returns `ens` otherwise. Checks: at least one tree; `nInputs` ≥ 1 and `nOutputs` ≥ 1 (exactly 1
 * when `binary`); `base` has `nOutputs` finite values; in each tree every array has `nodes`
 * entries, a branch node has a mode 0–5, a feature in [0, nInputs), children in [1, nodes) and a
 * non-NaN threshold (a float32 value under float32 precision); a leaf has mode Leaf and finite values; every node but the root has exactly
 * one parent and is reachable from the root (node 0); covers, when present, are finite and ≥ 0.
 * @example treeEnsembleCheck(ensemble, 'model.json')
 */
export function treeEnsembleCheck(ens: TreeEnsemble, source = 'the model'): TreeEnsemble {
  const fail: (what: string) => never = (what) => {
    throw new TreeEnsembleError(`${source}: ${what}`)
  }
  if (ens.trees.length === 0) fail('the ensemble has no trees')
  if (!Number.isInteger(ens.nInputs) || ens.nInputs < 1) fail(`bad input width ${ens.nInputs}`)
  if (!Number.isInteger(ens.nOutputs) || ens.nOutputs < 1) fail(`bad output count ${ens.nOutputs}`)
  if (ens.binary && ens.nOutputs !== 1)
    fail(`a binary ensemble scores class 1 only (1 output), not ${ens.nOutputs}`)
  if (ens.base.length !== ens.nOutputs)
    fail(`${ens.base.length} base values for ${ens.nOutputs} outputs`)
  for (let o = 0; o < ens.nOutputs; o++)
    if (!Number.isFinite(ens.base[o]!)) fail(`base value ${o} is ${ens.base[o]}`)
  ens.trees.forEach((t, i) => treeCheck(t, ens, `tree ${i}`, fail))
  return ens
}

function treeCheck(t: Tree, ens: TreeEnsemble, name: string, fail: (what: string) => never): void {
  const n = t.nodes
  if (!Number.isInteger(n) || n < 1) fail(`${name} has ${n} nodes`)
  const arrays: [string, { length: number } | null, number][] = [
    ['mode', t.mode, n],
    ['feature', t.feature, n],
    ['threshold', t.threshold, n],
    ['yes', t.yes, n],
    ['no', t.no, n],
    ['missingYes', t.missingYes, n],
    ['value', t.value, n * ens.nOutputs],
    ['cover', t.cover, n],
  ]
  for (const [field, a, len] of arrays)
    if (a !== null && a.length !== len)
      fail(`${name}: ${field} has ${a.length} entries, not ${len}`)
  const parents = new Int32Array(n).fill(-1)
  for (let v = 0; v < n; v++) {
    const mode = t.mode[v]!
    if (mode === SplitMode.Leaf) {
      for (let o = 0; o < ens.nOutputs; o++) {
        const x = t.value[v * ens.nOutputs + o]!
        if (!Number.isFinite(x)) fail(`${name}, leaf ${v}: value ${x} is not finite`)
      }
      continue
    }
    if (!(mode <= SplitMode.Neq)) fail(`${name}, node ${v}: unknown split mode ${mode}`)
    const f = t.feature[v]!
    if (!(f >= 0 && f < ens.nInputs))
      fail(`${name}, node ${v}: feature ${f} is outside the ${ens.nInputs} inputs`)
    const thr = t.threshold[v]!
    if (Number.isNaN(thr)) fail(`${name}, node ${v}: the threshold is NaN`)
    if (ens.thresholdPrecision === 'float32' && Math.fround(thr) !== thr)
      fail(`${name}, node ${v}: threshold ${thr} is not a float32 value (round it when reading)`)
    for (const c of [t.yes[v]!, t.no[v]!]) {
      if (!(c > 0 && c < n)) fail(`${name}, node ${v}: child ${c} is not a node of the tree`)
      if (parents[c] !== -1) fail(`${name}: node ${c} has two parents (${parents[c]} and ${v})`)
      parents[c] = v
    }
  }
  if (t.cover)
    for (let v = 0; v < n; v++)
      if (!(t.cover[v]! >= 0 && Number.isFinite(t.cover[v]!)))
        fail(`${name}, node ${v}: cover ${t.cover[v]} is not a finite number ≥ 0`)
  // One parent per node and n − 1 edges: the graph is a tree iff every node reaches the root.
  for (let v = 1; v < n; v++) {
    let u = v
    for (let steps = 0; u !== 0; steps++) {
      if (parents[u] === -1 || steps > n) fail(`${name}: node ${v} is not reachable from the root`)
      u = parents[u]!
    }
  }
}

/** Depth of the deepest leaf of `t` (the root at depth 0; a single-leaf tree has depth 0). */
export function treeDepth(t: Tree): number {
  const depth = new Int32Array(t.nodes)
  let max = 0
  const stack = [0]
  while (stack.length > 0) {
    const v = stack.pop()!
    if (t.mode[v] === SplitMode.Leaf) {
      if (depth[v]! > max) max = depth[v]!
      continue
    }
    for (const c of [t.yes[v]!, t.no[v]!]) {
      depth[c] = depth[v]! + 1
      stack.push(c)
    }
  }
  return max
}

/** Number of leaves of `t`. */
export function treeLeaves(t: Tree): number {
  let n = 0
  for (let v = 0; v < t.nodes; v++) if (t.mode[v] === SplitMode.Leaf) n++
  return n
}
