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
import type { LeafTables } from './leafTables.ts'
import { pathDependentTablesBuild } from './pathDependentTables.ts'
import { pathBuffers, recursiveTreeShap, treeCoverMean } from './pathDependentRecursive.ts'
import { treeDirections, treeLeafValues } from './paths.ts'
import {
  type TreeShapCommonOptions,
  type TreeShapExplainer,
  type TreeShapResult,
  treeShapPlan,
  treeShapExplainer,
} from './shapCommon.ts'
import { SplitMode, type Tree, type TreeEnsemble } from './types.ts'

/** Options of {@link treeShapPathDependentExplainer}. */
export type PathDependentOptions = TreeShapCommonOptions & {
  /** 'auto' (default): tables while they fit, the recursion otherwise; or force one route. */
  readonly method?: 'auto' | 'tables' | 'recursive'
}

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
): TreeShapExplainer {
  const why = treeShapPathDependentUnavailable(ens)
  if (why) throw new RangeError(why)
  const method = opts.method ?? 'auto'
  const inputs = Int32Array.from({ length: ens.nInputs }, (_, i) => i)
  const plan = treeShapPlan(
    ens,
    opts,
    inputs,
    method === 'tables' ? 'force' : method === 'recursive' ? 'never' : 'auto',
  )
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  let baseValue = ens.base[plan.output]!
  for (const tree of ens.trees)
    baseValue += treeCoverMean(
      tree,
      tree.cover!,
      treeLeafValues(tree, ens.nOutputs, plan.output, scale),
    )
  const tables: LeafTables[] = []
  const recursive: { tree: Tree; cover: Float64Array; values: Float64Array }[] = []
  for (const { tree, values, paths, tableSize } of plan.trees) {
    if (tableSize !== null)
      tables.push(pathDependentTablesBuild(paths, values, tree.cover!, tableSize, plan.w))
    else recursive.push({ tree, cover: tree.cover!, values })
  }

  const dir = new Uint8Array(plan.maxNodes)
  const buffers = pathBuffers(plan.maxDepth)
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
  return treeShapExplainer(ens, plan, tables, recursive.length, cols, baseValue, recursiveRow)
}

/** Path-dependent TreeSHAP of every row of `x` in one call (see {@link treeShapPathDependentExplainer}). */
export function treeShapPathDependent(
  ens: TreeEnsemble,
  x: Matrix,
  opts: PathDependentOptions = {},
): TreeShapResult {
  return treeShapPathDependentExplainer(ens, opts).explain(x)
}
