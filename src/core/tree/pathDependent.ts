/**
 * Path-dependent TreeSHAP (docs/contracts.md §7): Lundberg et al.'s tree SHAP of the game
 * v(S) = E[margin | x_S] under each tree's training covers (XGBoost's `sum_hessian`), per input
 * (not grouped), equal to XGBoost's `predict(..., pred_contribs=True)`; baseValue = its bias
 * column = the base margin + Σ over trees of the cover-weighted mean leaf value. Only for
 * ensembles with covers (an ONNX model's hit rates are not covers).
 *
 * Two exact routes per tree, chosen once per explainer: leaf tables (pathDependentTables.ts; a
 * row costs one pass over the tree) while they fit `tableBudget` and paths hold ≤ 30 distinct
 * inputs, else the recursive algorithm (pathDependentRecursive.ts), O(leaves · depth²) per row.
 */
import type { Matrix } from '../types.ts'
import { treeDepth } from './check.ts'
import { treeMargins } from './evaluate.ts'
import type { TreeShapResult } from './interventional.ts'
import { type LeafTables, leafTablesExplainRows, leafTablesSize } from './leafTables.ts'
import { pathDependentTablesBuild } from './pathDependentTables.ts'
import { pathBuffers, recursiveTreeShap, treeCoverMean } from './pathDependentRecursive.ts'
import {
  PATHS_MAX_MASK_KEYS,
  shapleyWeightTable,
  treeDirections,
  treeLeafValues,
  treePaths,
} from './paths.ts'
import { SplitMode, type Tree, type TreeEnsemble } from './types.ts'

/** Options of {@link treeShapPathDependentExplainer}. */
export type PathDependentOptions = {
  /** Margin output explained (default 0; a binary ensemble's only output scores class 1). */
  readonly output?: number
  /** 'auto' (default): tables while they fit, the recursion otherwise; or force one route. */
  readonly method?: 'auto' | 'tables' | 'recursive'
  /** Most table entries (float64) over all trees (default 2^22, 32 MiB). */
  readonly tableBudget?: number
}

/** A prepared path-dependent explainer; see {@link treeShapPathDependentExplainer}. */
export type PathDependentExplainer = {
  /** The bias: base margin + Σ trees' cover-weighted mean leaf value. */
  readonly baseValue: number
  /** Players = the ensemble's inputs. */
  readonly players: number
  readonly treesByTables: number
  readonly treesByRecursion: number
  /** Explains every row of `x`; φ per input, rows × nInputs. */
  explain(x: Matrix): TreeShapResult
}

const DEFAULT_TABLE_BUDGET = 2 ** 22

/** Why `ens` has no path-dependent TreeSHAP, or null when it has. */
export function treeShapPathDependentUnavailable(ens: TreeEnsemble): string | null {
  for (const [ti, t] of ens.trees.entries()) {
    if (!t.cover)
      return `tree ${ti} has no node covers (path-dependent TreeSHAP needs training covers such as XGBoost's sum_hessian)`
    for (let v = 0; v < t.nodes; v++)
      if (t.mode[v] !== SplitMode.Leaf && !(t.cover[v]! > 0))
        return `tree ${ti}, node ${v}: a split with cover ${t.cover[v]} (path-dependent TreeSHAP divides by it)`
  }
  return null
}

/**
 * Prepares path-dependent TreeSHAP of output `opts.output` of `ens`.
 * @throws RangeError when the ensemble has no covers (see {@link treeShapPathDependentUnavailable}),
 *   the output is out of range, or `method: 'tables'` meets a tree whose tables cannot be built.
 * @example treeShapPathDependentExplainer(xgb.ensemble).explain(x).phi // ≈ pred_contribs
 */
export function treeShapPathDependentExplainer(
  ens: TreeEnsemble,
  opts: PathDependentOptions = {},
): PathDependentExplainer {
  const why = treeShapPathDependentUnavailable(ens)
  if (why) throw new RangeError(why)
  const output = opts.output ?? 0
  if (!(Number.isInteger(output) && output >= 0 && output < ens.nOutputs))
    throw new RangeError(`output ${output} is not one of the ${ens.nOutputs} margins`)
  const method = opts.method ?? 'auto'
  let budget = opts.tableBudget ?? DEFAULT_TABLE_BUDGET
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  const inputs = Int32Array.from({ length: ens.nInputs }, (_, i) => i)
  const maxDepth = ens.trees.reduce((m, t) => Math.max(m, treeDepth(t)), 0)
  const w = shapleyWeightTable(maxDepth + 1)
  let baseValue = ens.base[output]!
  const tables: LeafTables[] = []
  const recursive: { tree: Tree; cover: Float64Array; values: Float64Array }[] = []
  for (const [ti, tree] of ens.trees.entries()) {
    const values = treeLeafValues(tree, ens.nOutputs, output, scale)
    const cover = tree.cover!
    baseValue += treeCoverMean(tree, cover, values)
    if (values.every((v) => v === 0)) continue
    const paths = treePaths(tree, inputs)
    const size = paths.maxD <= PATHS_MAX_MASK_KEYS ? leafTablesSize(paths, values) : Infinity
    if (method === 'tables' || (method === 'auto' && size <= budget)) {
      if (size === Infinity || size > 2 ** 28)
        throw new RangeError(`tree ${ti}: its leaf tables (${size} entries) cannot be built`)
      budget -= size
      tables.push(pathDependentTablesBuild(paths, values, cover, size, w))
    } else recursive.push({ tree, cover, values })
  }

  const maxNodes = ens.trees.reduce((m, t) => Math.max(m, t.nodes), 0)
  const dir = new Uint8Array(maxNodes)
  const buffers = pathBuffers(maxDepth)
  const cols = ens.nInputs
  const recursiveRow = (
    rows: Float64Array,
    at: number,
    phi: Float64Array,
    phiOff: number,
  ): void => {
    for (const t of recursive) {
      treeDirections(t.tree, rows, at, dir)
      recursiveTreeShap(t.tree, t.cover, t.values, dir, buffers, phi, phiOff)
    }
  }
  const explain = (x: Matrix): TreeShapResult => {
    if (x.cols !== cols) throw new RangeError(`rows have ${x.cols} inputs, the trees read ${cols}`)
    const phi = leafTablesExplainRows(
      x,
      ens.thresholdPrecision,
      tables,
      cols,
      maxNodes,
      recursiveRow,
    )
    const all = treeMargins(ens, x)
    const margins = new Float64Array(x.rows)
    for (let r = 0; r < x.rows; r++) margins[r] = all[r * ens.nOutputs + output]!
    return { phi, rows: x.rows, players: cols, baseValue, margins }
  }
  return {
    baseValue,
    players: cols,
    treesByTables: tables.length,
    treesByRecursion: recursive.length,
    explain,
  }
}

/** Path-dependent TreeSHAP of every row of `x` in one call (see {@link treeShapPathDependentExplainer}). */
export function treeShapPathDependent(
  ens: TreeEnsemble,
  x: Matrix,
  opts: PathDependentOptions = {},
): TreeShapResult {
  return treeShapPathDependentExplainer(ens, opts).explain(x)
}
