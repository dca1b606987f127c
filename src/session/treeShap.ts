/**
 * TreeSHAP on a session (docs/contracts.md §7): whether the session's model offers it (a tree
 * ensemble whose inputs all trace to the schema's features), which flavours, and the function the
 * explanations call — rows of model inputs and the SHAP background in, per-row TreeSHAP of the
 * class of interest's margin out. The trees' inputs come from the runtime (the model rows
 * themselves, or an ONNX pipeline's preprocessed vector); the prepared explainers are kept per
 * background, so what-if moves and repeated explanations reuse them.
 */
import type { ModelInputMap } from '../core/modelInput.ts'
import { encodedNames, type Schema } from '../core/schema.ts'
import type { Background } from '../core/shap/background.ts'
import {
  type RowTreeShap,
  TREE_SHAP_KINDS,
  type TreeShapKind,
  type TreeShapBatch,
  type TreeShapPrepared,
  type TreeShapTarget,
  treeShapPrepare,
  treeShapRows,
} from '../core/tree/explain.ts'
import type { Matrix } from '../core/types.ts'
import type { OutputColumn } from '../model/card.ts'
import type { LoadedModel } from '../model/runtime.ts'

/** Rows of model inputs and the background → each row's TreeSHAP, for the kinds asked. */
export type TreeShapExplainFn = (
  x: Matrix,
  background: Background,
  kinds: readonly TreeShapKind[],
) => Promise<RowTreeShap[]>

/**
 * TreeSHAP on a session: `none` for a model that is not a tree ensemble (nothing is said about
 * TreeSHAP), `unavailable` with the reason for a tree model it cannot explain, else the kinds it
 * offers and the function computing them.
 */
export type SessionTreeShap =
  | { status: 'none' }
  | { status: 'unavailable'; reason: string }
  | {
      status: 'available'
      /** The flavours this model offers (path-dependent needs node covers). */
      kinds: TreeShapKind[]
      /** Why path-dependent TreeSHAP is not offered; null when it is. */
      pathDependentUnavailable: string | null
      explain: TreeShapExplainFn
      /**
       * Interventional TreeSHAP of many rows as one matrix (global SHAP): φ rows × features and
       * the base value, margin units.
       */
      matrix(x: Matrix, background: Background): Promise<TreeShapBatch>
    }

/** Player of every model input from the map's offsets (a one-hot block is one player). */
function playersOfInputs(input: ModelInputMap): Int32Array {
  const out = new Int32Array(input.width)
  for (let j = 0; j + 1 < input.offsets.length; j++)
    out.fill(j, input.offsets[j]!, input.offsets[j + 1]!)
  return out
}

/**
 * A cache key of a background by content (its rows' values and weights): the same rows of other
 * data, or other rows, get their own explainer.
 */
const backgroundKey = (b: Background, kinds: readonly TreeShapKind[]): string =>
  `${kinds.join(',')}|${b.x.cols}|${Array.from(b.weights).join(',')}|${Array.from(b.x.data).join(',')}`

/**
 * TreeSHAP of the session's model for output `column` (see {@link SessionTreeShap}).
 * @throws ModelError from the runtime for a column the trees have no margin for.
 * @example const t = sessionTreeShap(model, column, input, schema); if (t.status === 'available') await t.explain(rows, bg, t.kinds)
 */
export function sessionTreeShap(
  model: LoadedModel,
  column: OutputColumn,
  input: ModelInputMap,
  schema: Schema,
): SessionTreeShap {
  const access = model.trees
  if (!access) return { status: 'none' }
  if (!access.available) return { status: 'unavailable', reason: access.reason }
  const trees = access.trees
  const ens = trees.ensemble
  const inputPlayers = trees.inputPlayers ?? playersOfInputs(input)
  if (inputPlayers.length !== ens.nInputs)
    return {
      status: 'unavailable',
      reason: `the trees read ${ens.nInputs} inputs, but the schema gives the model ${inputPlayers.length}`,
    }
  const names = encodedNames(schema)
  // Path-dependent φ are per tree input, named after the encoded inputs they are.
  const byInput =
    trees.inputPlayers === null && input.mode === 'encoded' && names.length === ens.nInputs
  const pathDependentUnavailable =
    trees.pathDependentUnavailable ??
    (byInput ? null : 'the trees do not read the encoded inputs one to one')
  const target: TreeShapTarget = {
    ensemble: ens,
    ...trees.margin(column),
    inputPlayers,
    playerNames: schema.features.map((f) => f.name),
    inputNames: pathDependentUnavailable ? null : names,
  }
  const cache = new Map<string, TreeShapPrepared>()
  const prepared = async (
    background: Background,
    kinds: readonly TreeShapKind[],
  ): Promise<TreeShapPrepared> => {
    const key = backgroundKey(background, kinds)
    let p = cache.get(key)
    if (!p) {
      const bg = kinds.includes('interventional')
        ? { x: await trees.inputs(background.x), weights: background.weights }
        : {
            x: { data: new Float32Array(0), rows: 0, cols: ens.nInputs },
            weights: new Float64Array(0),
          }
      p = treeShapPrepare(target, bg, kinds)
      if (cache.size >= 4) cache.delete(cache.keys().next().value!)
      cache.set(key, p)
    }
    return p
  }
  const offered = TREE_SHAP_KINDS.filter((k) => k !== 'pathDependent' || !pathDependentUnavailable)
  return {
    status: 'available',
    kinds: offered,
    pathDependentUnavailable,
    explain: async (x, background, kinds) => {
      const wanted = offered.filter((k) => kinds.includes(k))
      if (wanted.length === 0 || x.rows === 0)
        return Array.from({ length: x.rows }, () => ({ output: 'margin' as const }))
      const p = await prepared(background, wanted)
      return treeShapRows(target, p, await trees.inputs(x))
    },
    matrix: async (x, background) => {
      const p = await prepared(background, ['interventional'])
      return p.interventional(await trees.inputs(x))!
    },
  }
}
