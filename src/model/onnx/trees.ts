/**
 * What TreeSHAP needs from an ONNX model: its tree ensemble as a `TreeEnsemble` and, for each
 * input the trees read, the schema feature (player) it belongs to — or why TreeSHAP is
 * unavailable (no trees, several ensembles, an op after the trees, columns the trace cannot
 * follow, attributes the reader cannot hold). Probability-space SHAP works either way.
 */
import type { TreeEnsemble } from '../../core/tree/types.ts'
import type { OnnxInputPlan } from './columns.ts'
import { onnxDtypeName, type OnnxNode } from './onnxTypes.ts'
import { onnxOriginNode, type OnnxOutputChoice } from './output.ts'
import { onnxDomain, onnxNodeLabel, onnxProducers, type OnnxModelRead } from './read.ts'
import { onnxTracePlayers } from './trace.ts'
import { ONNX_TREE_OPS, onnxTreeEnsembleRead } from './treeEnsemble.ts'

/** Everything TreeSHAP needs from an ONNX model, or why it is unavailable there. */
export type OnnxTreeSetup =
  | {
      available: true
      ensemble: TreeEnsemble
      /** Player (schema feature index) of each tree input, −1 for a constant column; length ensemble.nInputs. */
      inputPlayers: Int32Array
      kind: 'classifier' | 'regressor'
      classLabels: (number | string)[]
    }
  | { available: false; reason: string }

/** Player per column of each model input: per encoded column (schema offsets) or one per feature. */
export function onnxStartPlayers(
  plan: OnnxInputPlan,
  offsets: ArrayLike<number>,
): Map<string, Int32Array> {
  if (plan.mode === 'columns')
    return new Map(plan.inputs.map((c) => [c.input, Int32Array.of(c.feature)]))
  const players = new Int32Array(plan.width).fill(-1)
  for (let j = 0; j + 1 < offsets.length; j++) players.fill(j, offsets[j]!, offsets[j + 1]!)
  return new Map([[plan.input, players]])
}

/** The dtype a tensor carries, from value_info, the graph inputs, or the ops that write it (float32 if unknown). */
export function onnxTensorDtype(model: OnnxModelRead, name: string): string {
  const producers = onnxProducers(model.graph)
  for (let guard = 0; guard <= model.graph.nodes.length; guard++) {
    const info = [...model.graph.valueInfo, ...model.graph.inputs].find((v) => v.name === name)
    if (info?.type?.kind === 'tensor') return onnxDtypeName(info.type.elemType)
    const node: OnnxNode | undefined = producers.get(name)
    if (!node) break
    const to = node.attributes.find((a) => a.name === 'to')
    if (node.opType === 'Cast' && to) return onnxDtypeName(to.i)
    if (['Scaler', 'OneHotEncoder', 'Normalizer', 'FeatureVectorizer'].includes(node.opType))
      return 'float32'
    if (!node.inputs[0]) break
    name = node.inputs[0]
  }
  return 'float32'
}

/**
 * Reads the tree ensemble behind the chosen output and maps its inputs to players.
 * @param offsets the schema's encoded offsets (features + 1 entries; used in encoded mode).
 * @example const t = onnxTreeSetup(model, plan, output, schemaOffsets(schema)); if (!t.available) notice(t.reason)
 */
export function onnxTreeSetup(
  model: OnnxModelRead,
  plan: OnnxInputPlan,
  output: OnnxOutputChoice,
  offsets: ArrayLike<number>,
): OnnxTreeSetup {
  const trees = model.graph.nodes.filter(
    (n) =>
      onnxDomain(n) === 'ai.onnx.ml' && (ONNX_TREE_OPS as readonly string[]).includes(n.opType),
  )
  if (trees.length === 0) return { available: false, reason: 'the model has no tree ensemble' }
  if (trees.length > 1)
    return {
      available: false,
      reason: `the model has ${trees.length} tree ensembles; TreeSHAP explains one`,
    }
  const node = trees[0]!
  const origin = onnxOriginNode(model, output.name)
  if (origin !== node)
    return {
      available: false,
      reason: `the output "${output.name}" is computed after the trees (by ${origin ? onnxNodeLabel(origin) : 'no node'}), so the trees' margin is not the model's`,
    }
  const input = node.inputs[0] ?? ''
  const traced = onnxTracePlayers(model, onnxStartPlayers(plan, offsets), input)
  if (!traced.ok)
    return {
      available: false,
      reason: `the trees' input cannot be traced to the schema features: ${traced.reason}`,
    }
  let read
  try {
    read = onnxTreeEnsembleRead(node, {
      inputDtype: onnxTensorDtype(model, input),
      nInputs: traced.players.length,
    })
  } catch (e) {
    return { available: false, reason: (e as Error).message }
  }
  if (read.ensemble.nInputs > traced.players.length)
    return {
      available: false,
      reason: `the trees read input ${read.ensemble.nInputs - 1}, but their input has ${traced.players.length} columns`,
    }
  return {
    available: true,
    ensemble: read.ensemble,
    inputPlayers: traced.players,
    kind: read.kind,
    classLabels: read.classLabels,
  }
}
