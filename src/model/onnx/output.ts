/**
 * Which ONNX output is the probability (docs/contracts.md §7): the output named
 * `probabilities` (skl2onnx, onnxmltools), else the only float tensor output; label outputs
 * (integer or string tensors, or named `label`) are ignored. Refused, with a message naming the
 * file: a ZipMap output alone (export with zipmap=False), several candidates, no float output,
 * and an output the graph shows to be a regressor's. Whether the values stay in [0, 1] is
 * checked again on every predicted row (session.ts).
 */
import { ModelError } from '../artifacts.ts'
import {
  OnnxDataType,
  onnxDtypeName,
  type OnnxDim,
  type OnnxNode,
  type OnnxType,
  type OnnxValueInfo,
} from './onnxTypes.ts'
import { onnxDomain, onnxNodeLabel, onnxProducers, type OnnxModelRead } from './read.ts'

/** The output used as the probability. */
export type OnnxOutputChoice = {
  name: string
  dtype: 'float32' | 'float64' | 'float16'
  shape: OnnxDim[] | null
  /** Columns per row when the file states them: 1 for [N] or [N, 1], k for [N, k]; null if unknown. */
  columns: number | null
  /**
   * What the graph says about the values: 'probability' when they come from a classifier op,
   * a sigmoid or a softmax; 'unknown' otherwise (then only the run-time check guards the range).
   */
  evidence: 'probability' | 'unknown'
  /** The op the values come from, past shape-only ops (e.g. 'TreeEnsembleClassifier'), or null for a graph input. */
  origin: string | null
}

const FLOATS: Record<number, OnnxOutputChoice['dtype']> = {
  [OnnxDataType.Float]: 'float32',
  [OnnxDataType.Double]: 'float64',
  [OnnxDataType.Float16]: 'float16',
}

/** Ops that only move or re-type values: the trace looks through them to find the origin. */
const PASS_THROUGH = new Set([
  'Identity',
  'Cast',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Gather',
  'Slice',
  'ArrayFeatureExtractor',
])
const REGRESSORS = new Set(['TreeEnsembleRegressor', 'LinearRegressor', 'SVMRegressor'])
const PROBABILITY_OPS = new Set([
  'TreeEnsembleClassifier',
  'LinearClassifier',
  'SVMClassifier',
  'Sigmoid',
  'Softmax',
  'Normalizer',
])

/** A readable type for messages and the card: 'float32', 'sequence<map<int64,float32>>', … */
export function onnxTypeName(t: OnnxType | null): string {
  if (!t) return 'unknown'
  switch (t.kind) {
    case 'tensor':
      return onnxDtypeName(t.elemType)
    case 'sparseTensor':
      return `sparse<${onnxDtypeName(t.elemType)}>`
    case 'sequence':
      return `sequence<${onnxTypeName(t.elem)}>`
    case 'map':
      return `map<${onnxDtypeName(t.keyType)},${onnxTypeName(t.value)}>`
    case 'optional':
      return `optional<${onnxTypeName(t.elem)}>`
    default:
      return 'unknown'
  }
}

function isZipMap(v: OnnxValueInfo): boolean {
  return v.type?.kind === 'sequence' && v.type.elem?.kind === 'map'
}

function floatType(v: OnnxValueInfo): OnnxOutputChoice['dtype'] | null {
  return v.type?.kind === 'tensor' ? (FLOATS[v.type.elemType] ?? null) : null
}

const isLabelName = (name: string): boolean => /(^|[_.])label$/i.test(name)

function columnsOf(shape: OnnxDim[] | null): number | null {
  if (!shape) return null
  if (shape.length === 1) return 1
  if (shape.length === 2) return typeof shape[1] === 'number' ? shape[1] : null
  return null
}

/**
 * The node a tensor's values come from, looking through shape-only ops (Identity, Cast,
 * Reshape, …); null when they come straight from a graph input or an initializer.
 */
export function onnxOriginNode(model: OnnxModelRead, tensor: string): OnnxNode | null {
  const producers = onnxProducers(model.graph)
  let name = tensor
  for (let guard = 0; guard <= model.graph.nodes.length; guard++) {
    const node = producers.get(name)
    if (!node) return null
    if (!PASS_THROUGH.has(node.opType) || node.inputs[0] === undefined) return node
    name = node.inputs[0]
  }
  return null
}

/**
 * Chooses the probability output.
 * @throws ModelError naming `source` for a ZipMap-only model, several candidates, no float
 *   output, or a regressor's output (TreeEnsembleRegressor, LinearRegressor, SVMRegressor).
 * @example onnxOutputChoose(model, 'rf.onnx').name // 'probabilities'
 */
export function onnxOutputChoose(model: OnnxModelRead, source: string): OnnxOutputChoice {
  const outputs = model.graph.outputs
  const named = outputs.find((o) => o.name === 'probabilities')
  const candidates =
    named && floatType(named)
      ? [named]
      : outputs.filter((o) => floatType(o) && !isLabelName(o.name))
  const zipMaps = outputs.filter(isZipMap)
  if (candidates.length === 0) {
    if (zipMaps.length > 0)
      throw new ModelError(
        `${source}: the only probability output "${zipMaps[0]!.name}" is a ZipMap (a sequence of maps, one per row), which Glassbox cannot read; export the classifier with zipmap=False (skl2onnx: options={'zipmap': False})`,
      )
    const all = outputs.map((o) => `"${o.name}" (${onnxTypeName(o.type)})`).join(', ')
    throw new ModelError(
      `${source}: no float tensor output to read probabilities from (outputs: ${all || 'none'})`,
    )
  }
  if (candidates.length > 1)
    throw new ModelError(
      `${source}: more than one candidate probability output (${candidates.map((o) => `"${o.name}"`).join(', ')}); Glassbox reads the one named "probabilities" or the only float output`,
    )
  const out = candidates[0]!
  const shape = out.type?.kind === 'tensor' ? out.type.shape : null
  const origin = onnxOriginNode(model, out.name)
  if (origin && onnxDomain(origin) === 'ai.onnx.ml' && REGRESSORS.has(origin.opType))
    throw new ModelError(
      `${source}: output "${out.name}" comes from ${onnxNodeLabel(origin)}: a regressor's output is unbounded, not a probability (Glassbox explains classifiers)`,
    )
  return {
    name: out.name,
    dtype: floatType(out)!,
    shape,
    columns: columnsOf(shape),
    evidence: origin && PROBABILITY_OPS.has(origin.opType) ? 'probability' : 'unknown',
    origin: origin ? origin.opType : null,
  }
}
