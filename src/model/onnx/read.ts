/**
 * ONNX bytes → a decoded model the rest of src/model/onnx reads, with every failure named:
 * a truncated file, bytes that are not a protobuf ModelProto, a model without a graph or
 * operator sets. Plus the small graph queries the card, the output choice and the trace share.
 */
import { ModelError } from '../artifacts.ts'
import { onnxDecodeModel } from './onnxProto.ts'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from './onnxTypes.ts'
import { ProtobufError } from './protobuf.ts'

/** A decoded model whose graph is present. */
export type OnnxModelRead = OnnxModel & { graph: OnnxGraph }

/**
 * Decodes and sanity-checks an ONNX file.
 * @param source the file name or URL, used in messages.
 * @throws ModelError "<source>: the ONNX file is truncated …" when a field runs past the end,
 *   "<source>: not an ONNX model (…)" for bytes that are not a ModelProto (an HTML page, a CSV,
 *   an empty file) or a ModelProto without graph, IR version or operator sets.
 * @example onnxModelRead(new Uint8Array(await file.arrayBuffer()), file.name).graph.nodes.length
 */
export function onnxModelRead(bytes: Uint8Array, source: string): OnnxModelRead {
  if (bytes.length === 0) throw new ModelError(`${source}: not an ONNX model (the file is empty)`)
  let model: OnnxModel
  try {
    model = onnxDecodeModel(bytes)
  } catch (e) {
    if (!(e instanceof ProtobufError)) throw e
    if (e.truncated)
      throw new ModelError(
        `${source}: the ONNX file is truncated (${bytes.length} bytes; ${e.message.replace(/^the bytes end early \(truncated\): /, '')}); export or download it again`,
      )
    throw new ModelError(
      `${source}: not an ONNX model (its bytes are not a protobuf ModelProto: ${e.message})`,
    )
  }
  const graph = model.graph
  const missing = !graph
    ? 'no graph'
    : model.irVersion <= 0
      ? 'no IR version'
      : model.opsetImport.length === 0
        ? 'no operator set imports'
        : ''
  if (missing || !graph)
    throw new ModelError(
      `${source}: not an ONNX model (a protobuf message with ${missing || 'no graph'})`,
    )
  return { ...model, graph }
}

/** Names of the graph's initializers (constants), which IR < 4 files also list as inputs. */
export function onnxInitializerNames(graph: OnnxGraph): Set<string> {
  return new Set(graph.initializers.map((t) => t.name))
}

/** The inputs a caller must feed: graph inputs that are not initializers. */
export function onnxFeedInputs(graph: OnnxGraph): OnnxValueInfo[] {
  const init = onnxInitializerNames(graph)
  return graph.inputs.filter((v) => !init.has(v.name))
}

/** Which node writes each tensor (graph inputs and initializers have none). */
export function onnxProducers(graph: OnnxGraph): Map<string, OnnxNode> {
  const out = new Map<string, OnnxNode>()
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') out.set(o, n)
  return out
}

/** A node's domain as ONNX names it ('' → 'ai.onnx'). */
export function onnxDomain(node: { domain: string }): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? 'ai.onnx' : node.domain
}

/** The opset version the model imports for `domain` ('' and 'ai.onnx' alike), or null. */
export function onnxOpsetVersion(model: OnnxModel, domain: string): number | null {
  const want = onnxDomain({ domain })
  const o = model.opsetImport.find((x) => onnxDomain(x) === want)
  return o ? o.version : null
}

/** A node's display name in messages: `OpType "name"` or just `OpType`. */
export function onnxNodeLabel(node: OnnxNode): string {
  return node.name ? `${node.opType} "${node.name}"` : node.opType
}
