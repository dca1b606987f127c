/**
 * Test references for the tree code, written independently of src/core/tree: random tree
 * ensembles (every split mode, NaN routing, ±∞ thresholds, shuffled node ids, covers), a plain
 * recursive evaluator in float64 that follows docs/contracts.md §7 (inputs rounded once to
 * float32), and Shapley values by enumerating every coalition:
 * - interventional: v(S) = mean_b margin(x_S, b_notS), players = groups of inputs;
 * - path-dependent: v(S) = base + Σ_trees E[tree | x_S] where a node whose input is in S follows
 *   x and any other node averages its children weighted by cover(child)/cover(node).
 */
import fc from 'fast-check'
import { type Rng, rngFromSeed } from '../../../src/core/random.ts'
import { SplitMode, type Tree, type TreeEnsemble } from '../../../src/core/tree/types.ts'
import { type Matrix, matrix } from '../../../src/core/types.ts'

/** Every split mode. */
export const ALL_MODES: readonly number[] = [
  SplitMode.Leq,
  SplitMode.Lt,
  SplitMode.Gte,
  SplitMode.Gt,
  SplitMode.Eq,
  SplitMode.Neq,
]

/** Thresholds the random trees use (all float32 values). */
export const GRID = [-Infinity, -1, -0.5, 0, 0.25, 0.5, 1, Infinity]

export type EnsembleSpec = {
  nInputs: number
  nOutputs: number
  nTrees: number
  maxDepth: number
  modes: readonly number[]
  aggregate: 'SUM' | 'AVERAGE'
  binary: boolean
  covers: boolean
}

/**
 * Arbitrary ensemble specs for property tests: up to `maxInputs` inputs, 3 outputs, `maxTrees`
 * trees of depth ≤ `maxDepth`, every mode or `<` only (or `modes` given), SUM or AVERAGE.
 */
export function ensembleSpecArb(o: {
  maxInputs: number
  maxTrees: number
  maxDepth: number
  covers: boolean
  modes?: readonly (readonly number[])[]
}): fc.Arbitrary<EnsembleSpec> {
  return fc.record({
    nInputs: fc.integer({ min: 1, max: o.maxInputs }),
    nOutputs: fc.integer({ min: 1, max: 3 }),
    nTrees: fc.integer({ min: 1, max: o.maxTrees }),
    maxDepth: fc.integer({ min: 0, max: o.maxDepth }),
    modes: fc.constantFrom(...(o.modes ?? [ALL_MODES, [SplitMode.Lt]])),
    aggregate: fc.constantFrom('SUM' as const, 'AVERAGE' as const),
    binary: fc.constant(false),
    covers: fc.constant(o.covers),
  })
}

/** An ensemble spec: `over` on top of one small SUM tree of depth 3 over 3 inputs, every mode. */
export function ensembleSpec(over: Partial<EnsembleSpec>): EnsembleSpec {
  return {
    nInputs: 3,
    nOutputs: 1,
    nTrees: 1,
    maxDepth: 3,
    modes: ALL_MODES,
    aggregate: 'SUM',
    binary: false,
    covers: false,
    ...over,
  }
}

/** A random ensemble: trees of depth ≤ maxDepth, node ids shuffled (the root stays 0). */
export function randomEnsemble(seed: number, spec: EnsembleSpec): TreeEnsemble {
  const rng = rngFromSeed(seed)
  const trees = Array.from({ length: spec.nTrees }, () => randomTree(rng, spec))
  const base = Float64Array.from({ length: spec.nOutputs }, () => rng.normal())
  return {
    trees,
    nInputs: spec.nInputs,
    nOutputs: spec.nOutputs,
    base,
    aggregate: spec.aggregate,
    postTransform: spec.binary ? 'LOGISTIC' : 'SOFTMAX',
    binary: spec.binary,
    thresholdPrecision: 'float32',
  }
}

type Node = { leaf: true; values: number[]; cover: number } | BranchNode
type BranchNode = {
  leaf: false
  mode: number
  feature: number
  threshold: number
  missingYes: number
  yes: Node
  no: Node
  cover: number
}

function randomTree(rng: Rng, spec: EnsembleSpec): Tree {
  // One output per tree (XGBoost-like) or values for all outputs (random-forest-like).
  const only = spec.nOutputs > 1 && rng.uniform() < 0.5 ? rng.int(spec.nOutputs) : -1
  const grow = (depth: number): Node => {
    if (depth >= spec.maxDepth || (depth > 0 && rng.uniform() < 0.25)) {
      const values = Array.from({ length: spec.nOutputs }, (_, o) =>
        only >= 0 && o !== only ? 0 : rng.uniform() < 0.1 ? 0 : rng.normal(),
      )
      return { leaf: true, values, cover: 0.5 + rng.uniform() * 10 }
    }
    const yes = grow(depth + 1)
    const no = grow(depth + 1)
    // Covers: the children's sum, sometimes perturbed (the algorithms hold for any positive covers).
    const cover = (yes.cover + no.cover) * (rng.uniform() < 0.3 ? 0.8 + 0.4 * rng.uniform() : 1)
    return {
      leaf: false,
      mode: spec.modes[rng.int(spec.modes.length)]!,
      feature: rng.int(spec.nInputs),
      threshold: rng.uniform() < 0.1 ? GRID[rng.int(2) * 7]! : GRID[1 + rng.int(6)]!,
      missingYes: rng.int(2),
      yes,
      no,
      cover,
    }
  }
  const rootNode = grow(0)
  const all: Node[] = []
  const collect = (n: Node): void => {
    all.push(n)
    if (!n.leaf) {
      collect(n.yes)
      collect(n.no)
    }
  }
  collect(rootNode)
  // Shuffled ids, root kept at 0.
  const ids = Int32Array.from({ length: all.length }, (_, i) => i)
  rng.shuffle(ids.subarray(1))
  const index = new Map(all.map((n, i) => [n, ids[i]!]))
  const n = all.length
  const k = spec.nOutputs
  const t = {
    nodes: n,
    mode: new Uint8Array(n),
    feature: new Int32Array(n).fill(-1),
    threshold: new Float64Array(n),
    yes: new Int32Array(n).fill(-1),
    no: new Int32Array(n).fill(-1),
    missingYes: new Uint8Array(n),
    value: new Float64Array(n * k),
    cover: spec.covers ? new Float64Array(n) : null,
  }
  for (const node of all) {
    const i = index.get(node)!
    if (t.cover) t.cover[i] = node.cover
    if (node.leaf) {
      t.mode[i] = SplitMode.Leaf
      node.values.forEach((v, o) => (t.value[i * k + o] = v))
    } else {
      t.mode[i] = node.mode
      t.feature[i] = node.feature
      t.threshold[i] = node.threshold
      t.missingYes[i] = node.missingYes
      t.yes[i] = index.get(node.yes)!
      t.no[i] = index.get(node.no)!
    }
  }
  return t
}

/** A random row: grid values, values within 1e-9 of them (float32 rounds them onto the grid), NaN, ±∞, uniform. */
export function randomRow(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => {
    const u = rng.uniform()
    if (u < 0.12) return NaN
    if (u < 0.17) return rng.uniform() < 0.5 ? Infinity : -Infinity
    if (u < 0.45) return GRID[1 + rng.int(6)]!
    if (u < 0.6) return GRID[1 + rng.int(6)]! + (rng.uniform() < 0.5 ? 1e-9 : -1e-9)
    return rng.uniform() * 3 - 1.5
  })
}

/** `rows` random rows (see {@link randomRow}) as a float64 matrix. */
export function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  return matrix(
    Float64Array.from({ length: rows * cols }, () => randomRow(rng, 1)[0]!),
    rows,
    cols,
  )
}

/** Whether value x (any float64) goes to a node's yes child, by the contract: round once to float32. */
function goesYes(t: Tree, v: number, x: number): boolean {
  const f = Math.fround(x)
  if (Number.isNaN(f)) return t.missingYes[v] === 1
  const s = t.threshold[v]!
  return [f <= s, f < s, f >= s, f > s, f === s, f !== s][t.mode[v]!]!
}

/** The leaf node a row reaches. */
export function refLeaf(t: Tree, row: readonly number[]): number {
  let v = 0
  while (t.mode[v] !== SplitMode.Leaf) v = goesYes(t, v, row[t.feature[v]!]!) ? t.yes[v]! : t.no[v]!
  return v
}

/** Margin of output o for one row: base + sum (or mean) of the reached leaves' values. */
export function refMargin(ens: TreeEnsemble, row: readonly number[], o: number): number {
  let s = 0
  for (const t of ens.trees) s += t.value[refLeaf(t, row) * ens.nOutputs + o]!
  return ens.base[o]! + (ens.aggregate === 'AVERAGE' ? s / ens.trees.length : s)
}

/** Shapley values of the game `v` (a function of a coalition bit mask) with M players, by definition. */
export function shapleyByEnumeration(M: number, v: (mask: number) => number): number[] {
  const values = Float64Array.from({ length: 2 ** M }, (_, m) => v(m))
  const fact = [1]
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1]! * i)
  const phi = new Array<number>(M).fill(0)
  for (let m = 0; m < 2 ** M; m++) {
    let size = 0
    for (let j = 0; j < M; j++) if (m & (1 << j)) size++
    const weight = (fact[size]! * fact[M - size - 1]!) / fact[M]!
    for (let i = 0; i < M; i++)
      if (!(m & (1 << i))) phi[i]! += weight * (values[m | (1 << i)]! - values[m]!)
  }
  return phi
}

/** Interventional Shapley values by enumeration: v(S) = mean_b margin(x_S, b_notS). */
export function bruteInterventional(
  ens: TreeEnsemble,
  x: readonly number[],
  bg: readonly (readonly number[])[],
  inputPlayer: ArrayLike<number>,
  nPlayers: number,
  o: number,
): { phi: number[]; base: number } {
  const v = (mask: number): number => {
    let s = 0
    for (const b of bg) {
      const h = b.map((bi, i) => (mask & (1 << inputPlayer[i]!) ? x[i]! : bi))
      s += refMargin(ens, h, o)
    }
    return s / bg.length
  }
  return { phi: shapleyByEnumeration(nPlayers, v), base: v(0) }
}

/** Path-dependent Shapley values by enumeration over the inputs (players = inputs). */
export function brutePathDependent(
  ens: TreeEnsemble,
  x: readonly number[],
  o: number,
): { phi: number[]; base: number } {
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  const expect = (t: Tree, v: number, mask: number): number => {
    if (t.mode[v] === SplitMode.Leaf) return t.value[v * ens.nOutputs + o]!
    const f = t.feature[v]!
    if (mask & (1 << f)) return expect(t, goesYes(t, v, x[f]!) ? t.yes[v]! : t.no[v]!, mask)
    const c = t.cover!
    return (
      (c[t.yes[v]!]! * expect(t, t.yes[v]!, mask) + c[t.no[v]!]! * expect(t, t.no[v]!, mask)) /
      c[v]!
    )
  }
  const game = (mask: number): number =>
    ens.base[o]! + scale * ens.trees.reduce((s, t) => s + expect(t, 0, mask), 0)
  return { phi: shapleyByEnumeration(ens.nInputs, game), base: game(0) }
}
