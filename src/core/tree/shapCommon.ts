/**
 * What interventional and path-dependent TreeSHAP share: the explained output, each tree's leaf
 * values for it, the choice per tree between leaf tables (leafTables.ts) and the flavour's
 * general algorithm, and the assembly of a result with the rows' margins.
 */
import type { Matrix } from '../types.ts'
import { treeDepth } from './check.ts'
import { treeMargins } from './evaluate.ts'
import { type LeafTables, leafTablesExplainRows, leafTablesSize } from './leafTables.ts'
import {
  PATHS_MAX_MASK_KEYS,
  type TreePaths,
  shapleyWeightTable,
  treeLeafValues,
  treePaths,
} from './paths.ts'
import type { Tree, TreeEnsemble } from './types.ts'

/** TreeSHAP values of a batch of rows for one output, in margin units. */
export type TreeShapResult = {
  /** rows × players, row-major. */
  readonly phi: Float64Array
  readonly rows: number
  readonly players: number
  /** The value of the empty coalition (interventional: mean background margin; path-dependent: the bias). */
  readonly baseValue: number
  /** Per row, the explained output's margin (= baseValue + Σφ up to rounding). */
  readonly margins: Float64Array
}

/** A prepared TreeSHAP explainer (interventional or path-dependent). */
export type TreeShapExplainer = {
  /** The value of the empty coalition, in margin units. */
  readonly baseValue: number
  /** Number of players (φ per row). */
  readonly players: number
  /** Trees explained by leaf tables, and by the flavour's traversal (pairs or recursion). */
  readonly treesByTables: number
  readonly treesByTraversal: number
  /** Explains every row of `x` (cols = the ensemble's inputs). */
  explain(x: Matrix): TreeShapResult
}

/** Options both explainers take. */
export type TreeShapCommonOptions = {
  /** Margin output explained (default 0; a binary ensemble's only output scores class 1). */
  readonly output?: number
  /** Most leaf-table entries (float64) over all trees (default 2^22, 32 MiB). */
  readonly tableBudget?: number
}

/** One tree to explain: its leaf values for the output and its paths over the keys. */
export type PlannedTree = {
  readonly index: number
  readonly tree: Tree
  readonly values: Float64Array
  readonly paths: TreePaths
  /** Leaf-table entries when the tree gets tables, null when it takes the general algorithm. */
  readonly tableSize: number | null
}

/** The per-tree plan of an explainer; see {@link treeShapPlan}. */
export type TreeShapPlan = {
  readonly output: number
  /** Trees with a non-zero leaf value for the output. */
  readonly trees: readonly PlannedTree[]
  readonly maxDepth: number
  readonly maxNodes: number
  /** Shapley weights w[n][s] for n ≤ maxDepth + 1. */
  readonly w: readonly Float64Array[]
}

const DEFAULT_TABLE_BUDGET = 2 ** 22
const MAX_TREE_TABLE = 2 ** 28

/**
 * Plans an explainer of `ens` whose players are the keys of `inputKey` (input → key): trees get
 * leaf tables while they fit the budget (`tables: 'auto'`), always (`'force'`: throws when a tree
 * cannot have them) or never (`'never'`).
 * @throws RangeError for an output that is not one of the ensemble's margins.
 */
export function treeShapPlan(
  ens: TreeEnsemble,
  opts: TreeShapCommonOptions,
  inputKey: Int32Array,
  tables: 'auto' | 'force' | 'never',
): TreeShapPlan {
  const output = opts.output ?? 0
  if (!(Number.isInteger(output) && output >= 0 && output < ens.nOutputs))
    throw new RangeError(`output ${output} is not one of the ${ens.nOutputs} margins`)
  let budget = opts.tableBudget ?? DEFAULT_TABLE_BUDGET
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  const trees: PlannedTree[] = []
  ens.trees.forEach((tree, index) => {
    const values = treeLeafValues(tree, ens.nOutputs, output, scale)
    if (values.every((v) => v === 0)) return
    const paths = treePaths(tree, inputKey)
    const size = paths.maxD <= PATHS_MAX_MASK_KEYS ? leafTablesSize(paths, values) : Infinity
    let tableSize: number | null = null
    if (tables === 'force') {
      if (size > MAX_TREE_TABLE)
        throw new RangeError(`tree ${index}: its leaf tables (${size} entries) cannot be built`)
      tableSize = size
    } else if (tables === 'auto' && size <= budget) {
      budget -= size
      tableSize = size
    }
    trees.push({ index, tree, values, paths, tableSize })
  })
  const maxDepth = ens.trees.reduce((m, t) => Math.max(m, treeDepth(t)), 0)
  return {
    output,
    trees,
    maxDepth,
    maxNodes: ens.trees.reduce((m, t) => Math.max(m, t.nodes), 0),
    w: shapleyWeightTable(maxDepth + 1),
  }
}

/**
 * The explainer of a plan: φ from the table trees plus `perRow` (the `traversals` other trees,
 * adding into `phi` from `phiOff` for the rounded row at `rows[at …]`), and the rows' margins.
 * Its `explain` throws RangeError when the rows are not as wide as the ensemble's input.
 */
export function treeShapExplainer(
  ens: TreeEnsemble,
  plan: TreeShapPlan,
  tables: readonly LeafTables[],
  traversals: number,
  players: number,
  baseValue: number,
  perRow: (rows: Float64Array, at: number, phi: Float64Array, phiOff: number) => void,
): TreeShapExplainer {
  const explain = (x: Matrix): TreeShapResult => {
    if (x.cols !== ens.nInputs)
      throw new RangeError(`rows have ${x.cols} inputs, the trees read ${ens.nInputs}`)
    const { thresholdPrecision, nOutputs } = ens
    const phi = leafTablesExplainRows(x, thresholdPrecision, tables, players, plan.maxNodes, perRow)
    const all = treeMargins(ens, x)
    const margins = new Float64Array(x.rows)
    for (let r = 0; r < x.rows; r++) margins[r] = all[r * nOutputs + plan.output]!
    return { phi, rows: x.rows, players, baseValue, margins }
  }
  return { baseValue, players, treesByTables: tables.length, treesByTraversal: traversals, explain }
}
