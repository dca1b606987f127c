/**
 * Interventional TreeSHAP (docs/contracts.md §7): the exact Shapley values of
 *   v(S) = mean over background rows b of margin(x_S, b_notS)
 * for one output's margin, players = groups of inputs (players.ts), in time polynomial in the
 * trees — no coalition enumeration. baseValue = v(∅) = the mean margin of the background, and
 * Σφ = margin(x) − baseValue.
 *
 * Two exact routes per tree, chosen once per explainer:
 * - leaf tables (interventionalTables.ts): the background is folded into per-leaf tables indexed
 *   by the row's path mask; a row then costs one pass over the tree. Used while the tables fit
 *   `tableBudget` and paths hold ≤ 30 distinct players;
 * - pair traversals (interventionalPairs.ts): one traversal per (row, background row); any depth.
 * Leaf values are scaled by 1/trees under AVERAGE; the ensemble's base value is in both v(∅) and
 * margin(x), so it cancels out of φ.
 */
import type { Matrix } from '../types.ts'
import { treeMargins } from './evaluate.ts'
import { pairScratch, pairsTreeShap } from './interventionalPairs.ts'
import { interventionalTablesBuild } from './interventionalTables.ts'
import type { LeafTables } from './leafTables.ts'
import { treeDirections, treeRowInputs } from './paths.ts'
import { type TreePlayers, treePlayerMap } from './players.ts'
import {
  type TreeShapCommonOptions,
  type TreeShapExplainer,
  type TreeShapResult,
  treeShapPlan,
  treeShapExplainer,
} from './shapCommon.ts'
import type { Tree, TreeEnsemble } from './types.ts'

/** Options of {@link treeShapInterventionalExplainer}. */
export type InterventionalOptions = TreeShapCommonOptions & {
  /** Players (default: one per input). */
  readonly players?: TreePlayers
  /** 'auto' (default): tables while they fit, pairs otherwise; or force one route. */
  readonly method?: 'auto' | 'tables' | 'pairs'
}

/**
 * Prepares interventional TreeSHAP of `ens` against `background` (rows of encoded inputs): the
 * per-tree precomputation runs here, once, so that the explainer's `explain` is fast.
 * @throws RangeError for a background with no rows, a width other than the ensemble's, an output
 *   out of range, bad players, or `method: 'tables'` on a tree whose tables cannot be built.
 * @example treeShapInterventionalExplainer(ens, bg, { players: { offsets } }).explain(x).phi
 */
export function treeShapInterventionalExplainer(
  ens: TreeEnsemble,
  background: Matrix,
  opts: InterventionalOptions = {},
): TreeShapExplainer {
  if (background.rows < 1) throw new RangeError('interventional TreeSHAP needs background rows')
  if (background.cols !== ens.nInputs)
    throw new RangeError(
      `background rows have ${background.cols} inputs, the trees read ${ens.nInputs}`,
    )
  const { inputPlayer, nPlayers } = treePlayerMap(opts.players, ens.nInputs)
  const method = opts.method ?? 'auto'
  const plan = treeShapPlan(
    ens,
    opts,
    inputPlayer,
    method === 'tables' ? 'force' : method === 'pairs' ? 'never' : 'auto',
  )
  const nb = background.rows
  const cols = ens.nInputs
  const bgMargins = treeMargins(ens, background)
  let baseValue = 0
  for (let b = 0; b < nb; b++) baseValue += bgMargins[b * ens.nOutputs + plan.output]!
  baseValue /= nb

  const bg = new Float64Array(nb * cols)
  treeRowInputs(background.data, 0, nb, cols, ens.thresholdPrecision, bg)
  const tables: LeafTables[] = []
  const pairs: { tree: Tree; values: Float64Array; nodePlayer: Int32Array; bgDir: Uint8Array }[] =
    []
  for (const { tree, values, paths, tableSize } of plan.trees) {
    if (tableSize !== null) {
      tables.push(interventionalTablesBuild(paths, values, bg, nb, cols, plan.w))
      continue
    }
    const nodePlayer = new Int32Array(tree.nodes)
    for (let v = 0; v < tree.nodes; v++)
      if (tree.feature[v]! >= 0) nodePlayer[v] = inputPlayer[tree.feature[v]!]!
    const bgDir = new Uint8Array(nb * tree.nodes)
    for (let b = 0; b < nb; b++)
      treeDirections(tree, bg, b * cols, bgDir.subarray(b * tree.nodes, (b + 1) * tree.nodes))
    pairs.push({ tree, values, nodePlayer, bgDir })
  }

  const dir = new Uint8Array(plan.maxNodes)
  const scratch = pairScratch(nPlayers, plan.maxDepth)
  const pairsRow = (rows: Float64Array, at: number, phi: Float64Array, phiOff: number): void => {
    for (const p of pairs) {
      treeDirections(p.tree, rows, at, dir)
      for (let b = 0; b < nb; b++)
        pairsTreeShap(
          p.tree,
          p.nodePlayer,
          p.values,
          dir,
          p.bgDir,
          b * p.tree.nodes,
          plan.w,
          1 / nb,
          scratch,
          phi,
          phiOff,
        )
    }
  }
  return treeShapExplainer(ens, plan, tables, pairs.length, nPlayers, baseValue, pairsRow)
}

/**
 * Interventional TreeSHAP of every row of `x` against `background` in one call (see
 * {@link treeShapInterventionalExplainer}; prefer the explainer when several batches share a
 * background).
 */
export function treeShapInterventional(
  ens: TreeEnsemble,
  x: Matrix,
  background: Matrix,
  opts: InterventionalOptions = {},
): TreeShapResult {
  return treeShapInterventionalExplainer(ens, background, opts).explain(x)
}
