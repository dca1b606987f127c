/**
 * TreeSHAP as the explanations use it (docs/contracts.md §7): for one class's margin of a tree
 * model, interventional TreeSHAP of rows against a (weighted) background with the schema's
 * features as players, and path-dependent TreeSHAP per tree input — in the report's shape
 * (`{ output: 'margin', interventional: { baseValue, shap }, pathDependent?: { baseValue, shap } }`).
 *
 * Glue only: the algorithms are interventional.ts and pathDependent.ts. What this adds:
 * - the class's margin as an affine function of one ensemble output (a binary ensemble scores
 *   class 1 only: class 0's margin is −m, or 1 − s for averaged probabilities), applied to φ and
 *   the base value;
 * - a weighted background (k-means medoids): rows of equal weight form one explainer, and φ is the
 *   weight-sum of the groups' φ (Shapley values are linear in the game), exactly;
 * - constant tree inputs (−1: columns the graph fills with a constant) join player 0: x and every
 *   background row agree on them, so they never move a Shapley value.
 */
import type { Matrix } from '../types.ts'
import { treeShapInterventionalExplainer } from './interventional.ts'
import { treeShapPathDependentExplainer } from './pathDependent.ts'
import type { TreeShapExplainer } from './shapCommon.ts'
import type { TreeEnsemble } from './types.ts'

/** The TreeSHAP flavours (CLI `--tree-shap`). */
export const TREE_SHAP_KINDS = ['interventional', 'pathDependent'] as const
/** One of {@link TREE_SHAP_KINDS}. */
export type TreeShapKind = (typeof TREE_SHAP_KINDS)[number]

/** TreeSHAP values of one flavour for one row: base value and φ by player or input name. */
export type TreeShapValues = { baseValue: number; shap: Record<string, number> }

/** One row's TreeSHAP (report `explanations.<row>.treeShap`); a flavour not computed is absent. */
export type RowTreeShap = {
  output: 'margin'
  interventional?: TreeShapValues
  pathDependent?: TreeShapValues
}

/** What TreeSHAP of one class's margin needs. */
export type TreeShapTarget = {
  ensemble: TreeEnsemble
  /** The class's margin = offset + sign · margin of ensemble output `output`. */
  output: number
  sign: 1 | -1
  offset: number
  /** Player of each tree input (−1 for a constant column); length ensemble.nInputs. */
  inputPlayers: Int32Array
  /** Player (schema feature) names. */
  playerNames: readonly string[]
  /** Tree input names for path-dependent φ (`feature`, `feature=category`); null: not offered. */
  inputNames: readonly string[] | null
}

/** A weighted background in the trees' input space. */
export type TreeBackground = { x: Matrix; weights: Float64Array }

/** TreeSHAP of many rows: base value and φ (rows × players, or rows × inputs), margin units. */
export type TreeShapBatch = { baseValue: number; phi: Float64Array; cols: number }

/** A prepared TreeSHAP of one target and background. */
export type TreeShapPrepared = {
  /** Interventional φ of rows of tree inputs (rows × players); null when not prepared. */
  interventional(x: Matrix): TreeShapBatch | null
  /** Path-dependent φ (rows × tree inputs); null when not prepared. */
  pathDependent(x: Matrix): TreeShapBatch | null
}

/** Rows of `m` whose indices are listed, as a new matrix of the same element type. */
function rowsOf(m: Matrix, rows: readonly number[]): Matrix {
  const data =
    m.data instanceof Float64Array
      ? new Float64Array(rows.length * m.cols)
      : new Float32Array(rows.length * m.cols)
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols))
  return { data, rows: rows.length, cols: m.cols }
}

/** Background rows grouped by equal weight: the rows of each group and its total weight. */
function weightGroups(weights: Float64Array): { rows: number[]; total: number }[] {
  const groups = new Map<number, number[]>()
  weights.forEach((w, r) => {
    if (!(w > 0)) return
    const g = groups.get(w)
    if (g) g.push(r)
    else groups.set(w, [r])
  })
  return [...groups].map(([w, rows]) => ({ rows, total: w * rows.length }))
}

/** φ and base of the class's margin from those of the ensemble output. */
function affine(
  t: TreeShapTarget,
  baseValue: number,
  phi: Float64Array,
  cols: number,
): TreeShapBatch {
  if (t.sign === -1) for (let i = 0; i < phi.length; i++) phi[i] = -phi[i]!
  return { baseValue: t.offset + t.sign * baseValue, phi, cols }
}

/**
 * Prepares TreeSHAP of `target` for `background` (tree-input rows with weights summing to 1):
 * the per-tree precomputation of each flavour asked for runs here, once.
 * @throws RangeError for an empty background, a width other than the trees', or path-dependent
 *   TreeSHAP asked of an ensemble without covers.
 * @example treeShapPrepare(t, { x: bgInputs, weights }, ['interventional']).interventional(rows)
 */
export function treeShapPrepare(
  target: TreeShapTarget,
  background: TreeBackground,
  kinds: readonly TreeShapKind[],
): TreeShapPrepared {
  const ens = target.ensemble
  const nPlayers = target.playerNames.length
  const inputPlayer = Int32Array.from(target.inputPlayers, (p) => (p < 0 ? 0 : p))
  const opts = { output: target.output }
  let groups: { explainer: TreeShapExplainer; total: number }[] | null = null
  if (kinds.includes('interventional')) {
    const players = { inputPlayer, nPlayers }
    groups = weightGroups(background.weights).map((g) => ({
      explainer: treeShapInterventionalExplainer(ens, rowsOf(background.x, g.rows), {
        ...opts,
        players,
      }),
      total: g.total,
    }))
    if (groups.length === 0) throw new RangeError('interventional TreeSHAP needs background rows')
  }
  const pd =
    kinds.includes('pathDependent') && target.inputNames
      ? treeShapPathDependentExplainer(ens, opts)
      : null
  return {
    interventional: (x) => {
      if (!groups) return null
      if (groups.length === 1) {
        const r = groups[0]!.explainer.explain(x)
        return affine(target, r.baseValue, r.phi, nPlayers)
      }
      const phi = new Float64Array(x.rows * nPlayers)
      let base = 0
      for (const g of groups) {
        const r = g.explainer.explain(x)
        for (let i = 0; i < phi.length; i++) phi[i]! += g.total * r.phi[i]!
        base += g.total * r.baseValue
      }
      return affine(target, base, phi, nPlayers)
    },
    pathDependent: (x) => {
      if (!pd) return null
      const r = pd.explain(x)
      return affine(target, r.baseValue, r.phi, ens.nInputs)
    },
  }
}

const named = (names: readonly string[], phi: Float64Array, at: number): Record<string, number> =>
  Object.fromEntries(names.map((n, j) => [n, phi[at + j]!]))

/**
 * Per-row TreeSHAP in the report's shape, from a prepared explainer and rows of tree inputs.
 * @example treeShapRows(t, treeShapPrepare(t, bg, kinds), rows)[0].interventional.shap.age
 */
export function treeShapRows(
  target: TreeShapTarget,
  prepared: TreeShapPrepared,
  x: Matrix,
): RowTreeShap[] {
  const iv = prepared.interventional(x)
  const pd = prepared.pathDependent(x)
  return Array.from({ length: x.rows }, (_, i) => ({
    output: 'margin' as const,
    ...(iv
      ? {
          interventional: {
            baseValue: iv.baseValue,
            shap: named(target.playerNames, iv.phi, i * iv.cols),
          },
        }
      : {}),
    ...(pd && target.inputNames
      ? {
          pathDependent: {
            baseValue: pd.baseValue,
            shap: named(target.inputNames, pd.phi, i * pd.cols),
          },
        }
      : {}),
  }))
}
