/**
 * The decoded shapes of ONNX's protobuf messages (onnx/onnx.proto3) that onnxProto.ts fills,
 * and the TensorProto data types by the names onnxruntime-web uses.
 */
/** TensorProto.DataType values. */
export const OnnxDataType = {
  Float: 1,
  Uint8: 2,
  Int8: 3,
  Uint16: 4,
  Int16: 5,
  Int32: 6,
  Int64: 7,
  String: 8,
  Bool: 9,
  Float16: 10,
  Double: 11,
  Uint32: 12,
  Uint64: 13,
  Complex64: 14,
  Complex128: 15,
  Bfloat16: 16,
} as const

const DTYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
}

/** The name onnxruntime-web uses for a TensorProto data type ('float32', 'int64', …; `type N` if unknown). */
export function onnxDtypeName(dataType: number): string {
  return DTYPE_NAMES[dataType] ?? `type ${dataType}`
}

/** A TensorProto: dims, data type and whichever payload field the writer used. */
export type OnnxTensor = {
  name: string
  dims: number[]
  dataType: number
  floatData: number[]
  int32Data: number[]
  int64Data: number[]
  uint64Data: number[]
  doubleData: number[]
  stringData: Uint8Array[]
  /** Little-endian payload when the writer used raw_data; null otherwise. */
  rawData: Uint8Array | null
  /** True when the data lives in an external file (data_location EXTERNAL): not readable here. */
  external: boolean
}

/** One dimension: a size, a symbolic name (dim_param), or null when the file states neither. */
export type OnnxDim = number | string | null

/** A TypeProto: a (sparse) tensor with its element type and shape, or a sequence, map or optional of types. */
export type OnnxType =
  | { kind: 'tensor'; elemType: number; shape: OnnxDim[] | null }
  | { kind: 'sparseTensor'; elemType: number; shape: OnnxDim[] | null }
  | { kind: 'sequence'; elem: OnnxType | null }
  | { kind: 'map'; keyType: number; value: OnnxType | null }
  | { kind: 'optional'; elem: OnnxType | null }
  | { kind: 'unknown' }

/** A graph input, output or value_info entry: a name and its type (null when the file omits it). */
export type OnnxValueInfo = { name: string; type: OnnxType | null }

/** AttributeProto.AttributeType values. */
export const OnnxAttrType = {
  Float: 1,
  Int: 2,
  String: 3,
  Tensor: 4,
  Graph: 5,
  Floats: 6,
  Ints: 7,
  Strings: 8,
  Tensors: 9,
  Graphs: 10,
  SparseTensor: 11,
  SparseTensors: 12,
  TypeProto: 13,
  TypeProtos: 14,
} as const

/** An AttributeProto: every value field, the one its `type` names being meaningful. */
export type OnnxAttribute = {
  name: string
  /** AttributeType; inferred from the fields present when an old writer left it 0. */
  type: number
  f: number
  i: number
  s: Uint8Array
  t: OnnxTensor | null
  g: OnnxGraph | null
  floats: number[]
  ints: number[]
  strings: Uint8Array[]
  tensors: OnnxTensor[]
  graphs: OnnxGraph[]
}

/** A NodeProto: one operator call. */
export type OnnxNode = {
  name: string
  opType: string
  /** '' for the default domain ai.onnx. */
  domain: string
  inputs: string[]
  outputs: string[]
  attributes: OnnxAttribute[]
}

/** A GraphProto: nodes in topological order, constants, inputs and outputs. */
export type OnnxGraph = {
  name: string
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  valueInfo: OnnxValueInfo[]
}

/** A ModelProto: metadata, operator sets and the graph. */
export type OnnxModel = {
  irVersion: number
  producerName: string
  producerVersion: string
  domain: string
  modelVersion: number
  docString: string
  /** Operator sets by domain ('' = ai.onnx). */
  opsetImport: { domain: string; version: number }[]
  /** null when the file has no graph (not a usable model). */
  graph: OnnxGraph | null
  metadata: { key: string; value: string }[]
  /** Number of model-local functions (ModelProto.functions). */
  functions: number
}
