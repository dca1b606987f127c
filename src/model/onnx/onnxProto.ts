/**
 * ONNX's protobuf messages (onnx/onnx.proto3, IR versions 3–11) decoded with the wire reader:
 * ModelProto, GraphProto, NodeProto, AttributeProto (every type, repeated fields packed or not),
 * TensorProto, ValueInfoProto and TypeProto (tensor, sequence, map, optional, sparse). Fields
 * the card and the readers do not need (training info, quantization annotations, …) are skipped.
 * Tensor payloads stay views into the file's bytes (no copies).
 */
import { ProtoReader, protoFields, WireType, type WireType as Wire } from './protobuf.ts'
import {
  OnnxAttrType,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxType,
  type OnnxValueInfo,
} from './onnxTypes.ts'

const V = WireType.Varint
const L = WireType.Len

const int64 = (r: ProtoReader): number => r.int64()
const float = (r: ProtoReader): number => r.float()
const double = (r: ProtoReader): number => r.double()
const uint64 = (r: ProtoReader): number => r.varint()

function decodeTensor(r: ProtoReader): OnnxTensor {
  const t: OnnxTensor = {
    name: '',
    dims: [],
    dataType: 0,
    floatData: [],
    int32Data: [],
    int64Data: [],
    uint64Data: [],
    doubleData: [],
    stringData: [],
    rawData: null,
    external: false,
  }
  protoFields(r, (field, wire) => {
    if (field === 1) r.repeated(wire, V, int64, t.dims)
    else if (field === 2 && wire === V) t.dataType = r.int32()
    else if (field === 4) r.repeated(wire, WireType.I32, float, t.floatData)
    else if (field === 5) r.repeated(wire, V, int64, t.int32Data)
    else if (field === 6 && wire === L) t.stringData.push(r.bytesField())
    else if (field === 7) r.repeated(wire, V, int64, t.int64Data)
    else if (field === 8 && wire === L) t.name = r.string()
    else if (field === 9 && wire === L) t.rawData = r.bytesField()
    else if (field === 10) r.repeated(wire, WireType.I64, double, t.doubleData)
    else if (field === 11) r.repeated(wire, V, uint64, t.uint64Data)
    else if (field === 14 && wire === V) t.external = r.int32() === 1
    else return false
    return true
  })
  return t
}

function decodeShape(r: ProtoReader): OnnxDim[] {
  const dims: OnnxDim[] = []
  protoFields(r, (field, wire) => {
    if (field !== 1 || wire !== L) return false
    const d = r.message()
    let dim: OnnxDim = null
    protoFields(d, (f, w) => {
      if (f === 1 && w === V) dim = d.int64()
      else if (f === 2 && w === L) dim = d.string()
      else return false
      return true
    })
    dims.push(dim)
    return true
  })
  return dims
}

function decodeTensorType(r: ProtoReader): { elemType: number; shape: OnnxDim[] | null } {
  let elemType = 0
  let shape: OnnxDim[] | null = null
  protoFields(r, (field, wire) => {
    if (field === 1 && wire === V) elemType = r.int32()
    else if (field === 2 && wire === L) shape = decodeShape(r.message())
    else return false
    return true
  })
  return { elemType, shape }
}

/** The single TypeProto field `field` of a message (Sequence.elem_type, Optional.elem_type). */
function decodeElem(r: ProtoReader, field: number): OnnxType | null {
  let elem: OnnxType | null = null
  protoFields(r, (f, w) => {
    if (f !== field || w !== L) return false
    elem = decodeType(r.message())
    return true
  })
  return elem
}

function decodeType(r: ProtoReader): OnnxType {
  let type: OnnxType = { kind: 'unknown' }
  protoFields(r, (field, wire) => {
    if (wire !== L) return false
    if (field === 1) type = { kind: 'tensor', ...decodeTensorType(r.message()) }
    else if (field === 8) type = { kind: 'sparseTensor', ...decodeTensorType(r.message()) }
    else if (field === 4) type = { kind: 'sequence', elem: decodeElem(r.message(), 1) }
    else if (field === 9) type = { kind: 'optional', elem: decodeElem(r.message(), 1) }
    else if (field === 5) {
      const m = r.message()
      let keyType = 0
      let value: OnnxType | null = null
      protoFields(m, (f, w) => {
        if (f === 1 && w === V) keyType = m.int32()
        else if (f === 2 && w === L) value = decodeType(m.message())
        else return false
        return true
      })
      type = { kind: 'map', keyType, value }
    } else return false
    return true
  })
  return type
}

function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', type: null }
  protoFields(r, (field, wire) => {
    if (field === 1 && wire === L) v.name = r.string()
    else if (field === 2 && wire === L) v.type = decodeType(r.message())
    else return false
    return true
  })
  return v
}

/** AttributeType from the fields present (writers before IR 3 may leave `type` unset). */
function inferAttrType(a: OnnxAttribute, seen: Set<number>): number {
  const order: [number, number][] = [
    [2, OnnxAttrType.Float],
    [3, OnnxAttrType.Int],
    [4, OnnxAttrType.String],
    [5, OnnxAttrType.Tensor],
    [6, OnnxAttrType.Graph],
    [7, OnnxAttrType.Floats],
    [8, OnnxAttrType.Ints],
    [9, OnnxAttrType.Strings],
    [10, OnnxAttrType.Tensors],
    [11, OnnxAttrType.Graphs],
  ]
  for (const [field, type] of order) if (seen.has(field)) return type
  return a.type
}

function decodeAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = {
    name: '',
    type: 0,
    f: 0,
    i: 0,
    s: new Uint8Array(0),
    t: null,
    g: null,
    floats: [],
    ints: [],
    strings: [],
    tensors: [],
    graphs: [],
  }
  const seen = new Set<number>()
  protoFields(r, (field, wire) => {
    seen.add(field)
    if (field === 1 && wire === L) a.name = r.string()
    else if (field === 2 && wire === WireType.I32) a.f = r.float()
    else if (field === 3 && wire === V) a.i = r.int64()
    else if (field === 4 && wire === L) a.s = r.bytesField()
    else if (field === 5 && wire === L) a.t = decodeTensor(r.message())
    else if (field === 6 && wire === L) a.g = decodeGraph(r.message())
    else if (field === 7) r.repeated(wire, WireType.I32, float, a.floats)
    else if (field === 8) r.repeated(wire, V, int64, a.ints)
    else if (field === 9 && wire === L) a.strings.push(r.bytesField())
    else if (field === 10 && wire === L) a.tensors.push(decodeTensor(r.message()))
    else if (field === 11 && wire === L) a.graphs.push(decodeGraph(r.message()))
    else if (field === 20 && wire === V) a.type = r.int32()
    else return false
    return true
  })
  if (a.type === 0) a.type = inferAttrType(a, seen)
  return a
}

function decodeNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] }
  protoFields(r, (field, wire) => {
    if (wire !== L) return false
    if (field === 1) n.inputs.push(r.string())
    else if (field === 2) n.outputs.push(r.string())
    else if (field === 3) n.name = r.string()
    else if (field === 4) n.opType = r.string()
    else if (field === 5) n.attributes.push(decodeAttribute(r.message()))
    else if (field === 7) n.domain = r.string()
    else return false
    return true
  })
  return n
}

function decodeGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = {
    name: '',
    nodes: [],
    initializers: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
  }
  protoFields(r, (field, wire) => {
    if (wire !== L) return false
    if (field === 1) g.nodes.push(decodeNode(r.message()))
    else if (field === 2) g.name = r.string()
    else if (field === 5) g.initializers.push(decodeTensor(r.message()))
    else if (field === 11) g.inputs.push(decodeValueInfo(r.message()))
    else if (field === 12) g.outputs.push(decodeValueInfo(r.message()))
    else if (field === 13) g.valueInfo.push(decodeValueInfo(r.message()))
    else return false
    return true
  })
  return g
}

function decodeStringPair(r: ProtoReader): { key: string; value: string } {
  const p = { key: '', value: '' }
  protoFields(r, (field, wire) => {
    if (field === 1 && wire === L) p.key = r.string()
    else if (field === 2 && wire === L) p.value = r.string()
    else return false
    return true
  })
  return p
}

/**
 * Decodes a ModelProto. Strict about the wire format (see protobuf.ts), lenient about missing
 * fields: the caller decides what a usable model needs (onnxModelRead).
 * @throws ProtobufError when the bytes are not a well-formed protobuf message.
 */
export function onnxDecodeModel(bytes: Uint8Array): OnnxModel {
  const m: OnnxModel = {
    irVersion: 0,
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    opsetImport: [],
    graph: null,
    metadata: [],
    functions: 0,
  }
  const r = new ProtoReader(bytes)
  protoFields(r, (field: number, wire: Wire) => {
    if (field === 1 && wire === V) m.irVersion = r.int64()
    else if (field === 2 && wire === L) m.producerName = r.string()
    else if (field === 3 && wire === L) m.producerVersion = r.string()
    else if (field === 4 && wire === L) m.domain = r.string()
    else if (field === 5 && wire === V) m.modelVersion = r.int64()
    else if (field === 6 && wire === L) m.docString = r.string()
    else if (field === 7 && wire === L) m.graph = decodeGraph(r.message())
    else if (field === 8 && wire === L) {
      const o = r.message()
      const op = { domain: '', version: 0 }
      protoFields(o, (f, w) => {
        if (f === 1 && w === L) op.domain = o.string()
        else if (f === 2 && w === V) op.version = o.int64()
        else return false
        return true
      })
      m.opsetImport.push(op)
    } else if (field === 14 && wire === L) m.metadata.push(decodeStringPair(r.message()))
    else if (field === 25 && wire === L) {
      r.bytesField()
      m.functions++
    } else return false
    return true
  })
  return m
}
