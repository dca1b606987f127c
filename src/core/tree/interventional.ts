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
import { type LeafTables, leafTablesExplainRows, leafTablesSize } from './leafTables.ts'
import {
  PATHS_MAX_MASK_KEYS,
  shapleyWeightTable,
  treeDirections,
  treeLeafValues,
  treePaths,
  treeRowInputs,
} from './paths.ts'
import { type TreePlayers, treePlayerMap } from './players.ts'
import { treeDepth } from './check.ts'
import type { Tree, TreeEnsemble } from './types.ts'

/** TreeSHAP values of a batch of rows for one output, in margin units. */
export type TreeShapResult = {
  /** rows × players, row-major. */
  readonly phi: Float64Array
  readonly rows: number
  readonly players: number
  /** The value of the empty coalition (interventional: mean background margin). */
  readonly baseValue: number
  /** Per row, the explained output's margin (= baseValue + Σφ up to rounding). */
  readonly margins: Float64Array
}

/** Options of {@link treeShapInterventionalExplainer}. */
export type InterventionalOptions = {
  /** Margin output explained (default 0; a binary ensemble's only output scores class 1). */
  readonly output?: number
  /** Players (default: one per input). */
  readonly players?: TreePlayers
  /** 'auto' (default): tables while they fit, pairs otherwise; or force one route. */
  readonly method?: 'auto' | 'tables' | 'pairs'
  /** Most table entries (float64) over all trees (default 2^22, 32 MiB). */
  readonly tableBudget?: number
}

/** An interventional explainer with its background folded in; see {@link treeShapInterventionalExplainer}. */
export type InterventionalExplainer = {
  readonly baseValue: number
  readonly players: number
  /** Trees explained by leaf tables and by pair traversals. */
  readonly treesByTables: number
  readonly treesByPairs: number
  /** Explains every row of `x` (cols = the ensemble's inputs). */
  explain(x: Matrix): TreeShapResult
}

const DEFAULT_TABLE_BUDGET = 2 ** 22

/**
 * Prepares interventional TreeSHAP of `ens` against `background` (rows of encoded inputs): the
 * per-tree precomputation runs here, once, so that {@link InterventionalExplainer.explain} is fast.
 * @throws RangeError for a background with no rows, a width other than the ensemble's, an output
 *   out of range, bad players, or `method: 'tables'` on a tree whose tables cannot be built.
 * @example treeShapInterventionalExplainer(ens, bg, { players: { offsets } }).explain(x).phi
 */
export function treeShapInterventionalExplainer(
  ens: TreeEnsemble,
  background: Matrix,
  opts: InterventionalOptions = {},
): InterventionalExplainer {
  const output = opts.output ?? 0
  if (!(Number.isInteger(output) && output >= 0 && output < ens.nOutputs))
    throw new RangeError(`output ${output} is not one of the ${ens.nOutputs} margins`)
  if (background.rows < 1) throw new RangeError('interventional TreeSHAP needs background rows')
  if (background.cols !== ens.nInputs)
    throw new RangeError(
      `background rows have ${background.cols} inputs, the trees read ${ens.nInputs}`,
    )
  const { inputPlayer, nPlayers } = treePlayerMap(opts.players, ens.nInputs)
  const nb = background.rows
  const cols = ens.nInputs
  const method = opts.method ?? 'auto'
  let budget = opts.tableBudget ?? DEFAULT_TABLE_BUDGET
  const scale = ens.aggregate === 'AVERAGE' ? 1 / ens.trees.length : 1
  const bgMargins = treeMargins(ens, background)
  let baseValue = 0
  for (let b = 0; b < nb; b++) baseValue += bgMargins[b * ens.nOutputs + output]!
  baseValue /= nb

  const maxDepth = ens.trees.reduce((m, t) => Math.max(m, treeDepth(t)), 0)
  const w = shapleyWeightTable(maxDepth + 1)
  const bg = new Float64Array(nb * cols)
  treeRowInputs(background.data, 0, nb, cols, ens.thresholdPrecision, bg)
  const tables: LeafTables[] = []
  const pairs: { tree: Tree; values: Float64Array; nodePlayer: Int32Array; bgDir: Uint8Array }[] =
    []
  for (const [ti, tree] of ens.trees.entries()) {
    const values = treeLeafValues(tree, ens.nOutputs, output, scale)
    if (values.every((v) => v === 0)) continue
    const paths = treePaths(tree, inputPlayer)
    const size = paths.maxD <= PATHS_MAX_MASK_KEYS ? leafTablesSize(paths, values) : Infinity
    const useTables = method === 'tables' || (method === 'auto' && size <= budget)
    if (useTables) {
      if (size === Infinity || size > 2 ** 28)
        throw new RangeError(`tree ${ti}: its leaf tables (${size} entries) cannot be built`)
      budget -= size
      tables.push(interventionalTablesBuild(paths, values, bg, nb, cols, w))
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

  const maxNodes = ens.trees.reduce((m, t) => Math.max(m, t.nodes), 0)
  const dir = new Uint8Array(maxNodes)
  const scratch = pairScratch(nPlayers, maxDepth)
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
          w,
          1 / nb,
          scratch,
          phi,
          phiOff,
        )
    }
  }
  const explain = (x: Matrix): TreeShapResult => {
    if (x.cols !== cols) throw new RangeError(`rows have ${x.cols} inputs, the trees read ${cols}`)
    const phi = leafTablesExplainRows(
      x,
      ens.thresholdPrecision,
      tables,
      nPlayers,
      maxNodes,
      pairsRow,
    )
    const all = treeMargins(ens, x)
    const margins = new Float64Array(x.rows)
    for (let r = 0; r < x.rows; r++) margins[r] = all[r * ens.nOutputs + output]!
    return { phi, rows: x.rows, players: nPlayers, baseValue, margins }
  }
  return {
    baseValue,
    players: nPlayers,
    treesByTables: tables.length,
    treesByPairs: pairs.length,
    explain,
  }
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
