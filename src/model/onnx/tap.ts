/**
 * A "tap" on an ONNX graph: the same model with one more graph output, an intermediate tensor
 * (e.g. the preprocessed vector a pipeline's trees read), so onnxruntime can return it.
 * onnxruntime only fetches graph outputs; adding one leaves every other value unchanged.
 *
 * The edit is done on the wire format, without re-encoding the model: the ModelProto's graph
 * field (7) gets one more `output` (GraphProto field 12: a ValueInfoProto with the tensor's name
 * and element type), and the graph field's length prefix is rewritten.
 */
import { ModelError } from '../errors.ts'
import { ProtoReader, ProtobufError, WireType } from './protobuf.ts'

/** Protobuf varint bytes of a non-negative integer below 2^53. */
function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

/** A length-delimited field: tag, length, payload. */
function lenField(field: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(field * 8 + WireType.Len), ...varint(payload.length)]
  const out = new Uint8Array(head.length + payload.length)
  out.set(head, 0)
  out.set(payload, head.length)
  return out
}

/** A varint field: tag and value. */
const varintField = (field: number, value: number): Uint8Array =>
  Uint8Array.from([...varint(field * 8 + WireType.Varint), ...varint(value)])

/**
 * ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type } } } (shape left out: the
 * runtime infers it).
 */
function tensorValueInfo(name: string, elemType: number): Uint8Array {
  const tensorType = varintField(1, elemType)
  const typeProto = lenField(1, tensorType)
  const nameBytes = new TextEncoder().encode(name)
  const a = lenField(1, nameBytes)
  const b = lenField(2, typeProto)
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/**
 * The model `bytes` with tensor `name` (element type `elemType`, a TensorProto.DataType) added
 * to the graph's outputs.
 * @throws ModelError naming `source` when the bytes have no graph field.
 * @example const tapped = onnxWithOutput(bytes, 'concat_out', 1, 'rf.onnx')
 */
export function onnxWithOutput(
  bytes: Uint8Array,
  name: string,
  elemType: number,
  source: string,
): Uint8Array {
  const r = new ProtoReader(bytes)
  let graph: { start: number; payload: Uint8Array; end: number } | null = null
  try {
    while (!r.done()) {
      const start = r.offset()
      const { field, wire } = r.tag()
      if (field === 7 && wire === WireType.Len) {
        const payload = r.bytesField()
        graph = { start, payload, end: r.offset() }
      } else r.skip(wire)
    }
  } catch (e) {
    if (e instanceof ProtobufError) throw new ModelError(`${source}: ${e.message}`)
    throw e
  }
  if (!graph) throw new ModelError(`${source}: not an ONNX model (no graph)`)
  const extra = lenField(12, tensorValueInfo(name, elemType))
  const payload = new Uint8Array(graph.payload.length + extra.length)
  payload.set(graph.payload, 0)
  payload.set(extra, graph.payload.length)
  const field = lenField(7, payload)
  const out = new Uint8Array(graph.start + field.length + (bytes.length - graph.end))
  out.set(bytes.subarray(0, graph.start), 0)
  out.set(field, graph.start)
  out.set(bytes.subarray(graph.end), graph.start + field.length)
  return out
}
