/**
 * The model-card facts of an ONNX file (issue 15): producer and version, IR version, opset per
 * domain, inputs and outputs with dtypes and shapes, the output used, operator counts, and for
 * tree ensembles the number of trees, leaves and the maximum depth (root at depth 0).
 */
import type { OnnxDim } from './onnxTypes.ts'
import { onnxOutputChoose, onnxTypeName, type OnnxOutputChoice } from './output.ts'
import { onnxDomain, onnxFeedInputs, type OnnxModelRead } from './read.ts'
import { ONNX_TREE_OPS, onnxTreeEnsembleRead } from './treeEnsemble.ts'

/** An input or output: name, dtype ('float32', 'string', 'sequence<map<int64,float32>>', …), shape. */
export type OnnxIo = { name: string; dtype: string; shape: OnnxDim[] | null }

/** How many nodes of one op type (in one domain) the graph has. */
export type OnnxOperatorCount = { domain: string; opType: string; count: number }

/** The card facts of an ONNX model (what the model card view shows). */
export type OnnxCard = {
  irVersion: number
  producerName: string
  producerVersion: string
  /** Operator set version per domain ('ai.onnx' for the default domain). */
  opsets: Record<string, number>
  inputs: OnnxIo[]
  outputs: OnnxIo[]
  /** The output read as the probability. */
  output: OnnxOutputChoice
  /** Nodes per (domain, op type), sorted by domain then op type. */
  operators: OnnxOperatorCount[]
  /** Present when the graph has TreeEnsembleClassifier/Regressor nodes (summed over them). */
  trees?: { count: number; leaves: number; maxDepth: number }
}

function io(v: { name: string; type: Parameters<typeof onnxTypeName>[0] }): OnnxIo {
  return {
    name: v.name,
    dtype: onnxTypeName(v.type),
    shape: v.type?.kind === 'tensor' ? v.type.shape : null,
  }
}

/**
 * Reads the card facts.
 * @throws ModelError from the output choice (ZipMap only, several candidates, a regressor).
 *   Tree attributes the reader cannot follow leave `trees` out rather than refusing the model
 *   (onnxruntime may still run it; TreeSHAP then says why it is unavailable).
 * @example onnxCard(onnxModelRead(bytes, 'm.onnx'), 'm.onnx').opsets // { 'ai.onnx': 15, 'ai.onnx.ml': 1 }
 */
export function onnxCard(model: OnnxModelRead, source: string): OnnxCard {
  const counts = new Map<string, OnnxOperatorCount>()
  for (const n of model.graph.nodes) {
    const domain = onnxDomain(n)
    const key = `${domain}\u0000${n.opType}`
    const c = counts.get(key)
    if (c) c.count++
    else counts.set(key, { domain, opType: n.opType, count: 1 })
  }
  const operators = [...counts.values()].sort((a, b) =>
    a.domain === b.domain ? (a.opType < b.opType ? -1 : 1) : a.domain < b.domain ? -1 : 1,
  )
  const card: OnnxCard = {
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    opsets: Object.fromEntries(model.opsetImport.map((o) => [onnxDomain(o), o.version])),
    inputs: onnxFeedInputs(model.graph).map(io),
    outputs: model.graph.outputs.map(io),
    output: onnxOutputChoose(model, source),
    operators,
  }
  const treeNodes = model.graph.nodes.filter(
    (n) =>
      onnxDomain(n) === 'ai.onnx.ml' && (ONNX_TREE_OPS as readonly string[]).includes(n.opType),
  )
  if (treeNodes.length > 0) {
    try {
      const reads = treeNodes.map((n) => onnxTreeEnsembleRead(n))
      card.trees = {
        count: reads.reduce((a, r) => a + r.ensemble.trees.length, 0),
        leaves: reads.reduce((a, r) => a + r.leaves, 0),
        maxDepth: Math.max(...reads.map((r) => r.maxDepth)),
      }
    } catch {
      // Unreadable tree attributes: no tree facts on the card (see the doc comment).
    }
  }
  return card
}
