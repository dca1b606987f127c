/**
 * ONNX `ai.onnx.ml` TreeEnsembleClassifier / TreeEnsembleRegressor attributes (opsets 1 and 3,
 * `*_as_tensor` included) → the shared `TreeEnsemble` (src/core/tree/types.ts), with
 * onnxruntime's reading of them:
 * - a tree is the run of consecutive nodes with one `nodes_treeids` value; its first node is
 *   the root; node ids are remapped per tree to breadth-first positions (root 0);
 * - every node mode; `nodes_missing_value_tracks_true` sends NaN to the true branch;
 * - a binary classifier whose `class_ids` are all 0 (skl2onnx, onnxmltools) scores class 1 only:
 *   nOutputs 1, margin = Σ weights + base_values[0];
 * - base values, post-transforms, the regressor's SUM/AVERAGE aggregation (AVERAGE: Σ/trees + base).
 * Hit rates are not covers: `cover` is always null (no path-dependent TreeSHAP for ONNX).
 */
import { ModelError } from '../artifacts.ts'
import {
  SplitMode,
  type PostTransform,
  type Tree,
  type TreeEnsemble,
} from '../../core/tree/types.ts'
import { OnnxDataType, type OnnxNode } from './onnxTypes.ts'
import {
  onnxAttr,
  onnxAttrInts,
  onnxAttrString,
  onnxAttrStrings,
  onnxAttrFloats,
  onnxTensorNumbers,
} from './onnxValues.ts'
import { onnxNodeLabel } from './read.ts'

/** Op types this reader takes (domain ai.onnx.ml). */
export const ONNX_TREE_OPS = ['TreeEnsembleClassifier', 'TreeEnsembleRegressor'] as const

const MODES: Record<string, SplitMode> = {
  BRANCH_LEQ: SplitMode.Leq,
  BRANCH_LT: SplitMode.Lt,
  BRANCH_GTE: SplitMode.Gte,
  BRANCH_GT: SplitMode.Gt,
  BRANCH_EQ: SplitMode.Eq,
  BRANCH_NEQ: SplitMode.Neq,
  LEAF: SplitMode.Leaf,
}
const POST_TRANSFORMS: readonly PostTransform[] = [
  'NONE',
  'LOGISTIC',
  'SOFTMAX',
  'SOFTMAX_ZERO',
  'PROBIT',
]

/** A tree-ensemble node as the core sees it, with what the card and the output choice need. */
export type OnnxTreeEnsembleRead = {
  ensemble: TreeEnsemble
  kind: 'classifier' | 'regressor'
  /** A classifier's class labels (classlabels_int64s or _strings); [] for a regressor. */
  classLabels: (number | string)[]
  /** The tensor the trees read. */
  input: string
  /** Number of leaves over all trees. */
  leaves: number
  /** Depth of the deepest leaf, the root at depth 0. */
  maxDepth: number
}

/** One tree's layout before values: attribute index per position, children per position, depth. */
type Layout = {
  order: number[]
  pos: Map<number, number>
  yes: Int32Array
  no: Int32Array
  depth: number
}

function fail(node: OnnxNode, what: string): never {
  throw new ModelError(`${onnxNodeLabel(node)}: ${what}`)
}

/** A float list attribute or its `_as_tensor` twin; `double` when the tensor is float64. */
function floatsOrTensor(
  node: OnnxNode,
  name: string,
): { values: ArrayLike<number>; double: boolean; present: boolean } {
  const t = onnxAttr(node, `${name}_as_tensor`)?.t
  if (t)
    return {
      values: onnxTensorNumbers(t),
      double: t.dataType === OnnxDataType.Double,
      present: true,
    }
  const a = onnxAttr(node, name)
  return { values: onnxAttrFloats(node, name), double: false, present: a !== undefined }
}

function layoutTree(
  node: OnnxNode,
  tree: number,
  idx: number[],
  ids: number[],
  modes: string[],
  t: number[],
  f: number[],
): Layout {
  const byId = new Map<number, number>()
  for (const i of idx) {
    if (byId.has(ids[i]!)) fail(node, `tree ${tree} lists node ${ids[i]} twice`)
    byId.set(ids[i]!, i)
  }
  const order = [idx[0]!]
  const pos = new Map<number, number>([[idx[0]!, 0]])
  const depthOf = [0]
  const yes: number[] = []
  const no: number[] = []
  let depth = 0
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!
    depth = Math.max(depth, depthOf[k]!)
    if (modes[i] === 'LEAF') {
      yes.push(-1)
      no.push(-1)
    } else
      for (const [child, list] of [
        [t[i]!, yes],
        [f[i]!, no],
      ] as const) {
        const c = byId.get(child)
        if (c === undefined)
          fail(
            node,
            `tree ${tree} node ${ids[i]} points to node ${child}, which the tree does not have`,
          )
        if (pos.has(c))
          fail(node, `tree ${tree} reaches node ${child} twice (a cycle or a shared child)`)
        pos.set(c, order.length)
        list.push(order.length)
        order.push(c)
        depthOf.push(depthOf[k]! + 1)
      }
  }
  return { order, pos, yes: Int32Array.from(yes), no: Int32Array.from(no), depth }
}

/**
 * Reads a TreeEnsembleClassifier / TreeEnsembleRegressor node.
 * @param options.inputDtype the dtype of the tensor the trees read: a float64 input is compared
 *   unrounded (thresholdPrecision 'float64'), as onnxruntime does; so are float64 `nodes_values_as_tensor`.
 * @param options.nInputs the width of that tensor when known (nInputs ≥ the largest feature id + 1).
 * @throws ModelError naming the node for attributes that disagree (lengths, unknown ids or
 *   modes, cycles) or layouts the TreeEnsemble type cannot hold (MIN/MAX aggregation, a
 *   two-class classifier whose class_ids are all 1 or that has two base values).
 */
export function onnxTreeEnsembleRead(
  node: OnnxNode,
  options: { inputDtype?: string; nInputs?: number } = {},
): OnnxTreeEnsembleRead {
  const classifier = node.opType === 'TreeEnsembleClassifier'
  if (!classifier && node.opType !== 'TreeEnsembleRegressor') fail(node, 'not a tree ensemble')
  const treeIds = onnxAttrInts(node, 'nodes_treeids')
  const nodeIds = onnxAttrInts(node, 'nodes_nodeids')
  const features = onnxAttrInts(node, 'nodes_featureids')
  const modes = onnxAttrStrings(node, 'nodes_modes')
  const trueIds = onnxAttrInts(node, 'nodes_truenodeids')
  const falseIds = onnxAttrInts(node, 'nodes_falsenodeids')
  const missing = onnxAttrInts(node, 'nodes_missing_value_tracks_true')
  const values = floatsOrTensor(node, 'nodes_values')
  const n = treeIds.length
  const lists: [string, ArrayLike<unknown>][] = [
    ['nodes_nodeids', nodeIds],
    ['nodes_featureids', features],
    ['nodes_modes', modes],
    ['nodes_truenodeids', trueIds],
    ['nodes_falsenodeids', falseIds],
    ['nodes_values', values.values],
  ]
  if (n === 0) fail(node, 'no nodes (nodes_treeids is empty)')
  for (const [name, list] of lists)
    if (list.length !== n) fail(node, `${name} has ${list.length} entries, nodes_treeids ${n}`)
  if (missing.length !== 0 && missing.length !== n)
    fail(node, `nodes_missing_value_tracks_true has ${missing.length} entries, nodes_treeids ${n}`)
  for (const m of modes) if (!(m in MODES)) fail(node, `unknown node mode "${m}"`)

  const prefix = classifier ? 'class' : 'target'
  const wTree = onnxAttrInts(node, `${prefix}_treeids`)
  const wNode = onnxAttrInts(node, `${prefix}_nodeids`)
  const wId = onnxAttrInts(node, `${prefix}_ids`)
  const weights = floatsOrTensor(node, `${prefix}_weights`)
  for (const [name, list] of [
    [`${prefix}_nodeids`, wNode],
    [`${prefix}_ids`, wId],
    [`${prefix}_weights`, weights.values],
  ] as const)
    if (list.length !== wTree.length)
      fail(node, `${name} has ${list.length} entries, ${prefix}_treeids ${wTree.length}`)

  const int64Labels = onnxAttrInts(node, 'classlabels_int64s')
  const classLabels: (number | string)[] = classifier
    ? int64Labels.length > 0
      ? int64Labels
      : onnxAttrStrings(node, 'classlabels_strings')
    : []
  const binary = classifier && classLabels.length === 2 && wId.every((c) => c === 0)
  if (classifier && classLabels.length === 2 && !binary && wId.every((c) => c === 1))
    fail(
      node,
      'two classes whose class_ids are all 1: onnxruntime does not read that layout as a probability pair',
    )
  const nOutputs = binary
    ? 1
    : classifier
      ? classLabels.length
      : Math.max(1, onnxAttr(node, 'n_targets')?.i ?? 1)
  for (const c of wId)
    if (c < 0 || c >= nOutputs) fail(node, `${prefix}_ids has ${c}, outside 0..${nOutputs - 1}`)

  const base = Float64Array.from(floatsOrTensor(node, 'base_values').values)
  if (base.length !== 0 && base.length !== nOutputs)
    fail(
      node,
      `${base.length} base_values for ${nOutputs} output${nOutputs > 1 ? 's' : ''}${binary ? ' (a binary classifier scoring class 1)' : ''}`,
    )
  const post = onnxAttrString(node, 'post_transform', 'NONE') as PostTransform
  if (!POST_TRANSFORMS.includes(post)) fail(node, `unknown post_transform "${post}"`)
  const aggregateName = classifier ? 'SUM' : onnxAttrString(node, 'aggregate_function', 'SUM')
  if (aggregateName !== 'SUM' && aggregateName !== 'AVERAGE')
    fail(node, `aggregate_function ${aggregateName} (Glassbox reads SUM and AVERAGE)`)

  // Trees: runs of one tree id, in file order.
  const runs: { tree: number; idx: number[] }[] = []
  const seen = new Set<number>()
  for (let i = 0; i < n; i++) {
    const last = runs[runs.length - 1]
    if (last && last.tree === treeIds[i]) last.idx.push(i)
    else {
      if (seen.has(treeIds[i]!))
        fail(
          node,
          `the nodes of tree ${treeIds[i]} are not consecutive (onnxruntime reads each tree as one run)`,
        )
      seen.add(treeIds[i]!)
      runs.push({ tree: treeIds[i]!, idx: [i] })
    }
  }
  const treeOf = new Map(runs.map((r, k) => [r.tree, k]))
  const layouts = runs.map((r) =>
    layoutTree(node, r.tree, r.idx, nodeIds, modes, trueIds, falseIds),
  )
  // Per tree: node id → position (for the weights).
  const nodePos = layouts.map(
    (l) => new Map([...l.pos].map(([attrIndex, p]) => [nodeIds[attrIndex]!, p])),
  )

  let maxFeature = -1
  let leaves = 0
  const trees: Tree[] = layouts.map((l) => {
    const size = l.order.length
    const mode = new Uint8Array(size)
    const feature = new Int32Array(size).fill(-1)
    const threshold = new Float64Array(size)
    const missingYes = new Uint8Array(size)
    l.order.forEach((i, p) => {
      mode[p] = MODES[modes[i]!]!
      if (mode[p] === SplitMode.Leaf) return leaves++
      if (features[i]! < 0)
        fail(node, `node ${nodeIds[i]} of tree ${treeIds[i]} reads feature ${features[i]}`)
      feature[p] = features[i]!
      maxFeature = Math.max(maxFeature, features[i]!)
      threshold[p] = values.values[i]!
      missingYes[p] = missing.length > 0 && missing[i] !== 0 ? 1 : 0
    })
    return {
      nodes: size,
      mode,
      feature,
      threshold,
      yes: l.yes,
      no: l.no,
      missingYes,
      value: new Float64Array(size * nOutputs),
      cover: null,
    }
  })
  for (let j = 0; j < wTree.length; j++) {
    const k = treeOf.get(wTree[j]!)
    const p = k === undefined ? undefined : nodePos[k]!.get(wNode[j]!)
    if (k === undefined || p === undefined)
      fail(
        node,
        `${prefix}_weights entry ${j} is for node ${wNode[j]} of tree ${wTree[j]}, which does not exist`,
      )
    const t = trees[k]!
    // Weights on branch nodes never reach an output (onnxruntime adds the reached leaf's).
    if (t.mode[p] === SplitMode.Leaf)
      t.value[p * nOutputs + (binary ? 0 : wId[j]!)]! += weights.values[j]!
  }

  const ensemble: TreeEnsemble = {
    trees,
    nInputs: Math.max(options.nInputs ?? 0, maxFeature + 1),
    nOutputs,
    base: base.length === 0 ? new Float64Array(nOutputs) : base,
    aggregate: aggregateName,
    postTransform: post,
    binary,
    thresholdPrecision: values.double || options.inputDtype === 'float64' ? 'float64' : 'float32',
  }
  return {
    ensemble,
    kind: classifier ? 'classifier' : 'regressor',
    classLabels,
    input: node.inputs[0] ?? '',
    leaves,
    maxDepth: Math.max(...layouts.map((l) => l.depth)),
  }
}
