/**
 * Values out of decoded ONNX messages: a tensor's numbers or strings (whatever field the writer
 * used: raw little-endian bytes or the typed repeated fields), and node attributes by name.
 */
import { ModelError } from '../artifacts.ts'
import {
  OnnxAttrType,
  OnnxDataType,
  onnxDtypeName,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './onnxTypes.ts'

const utf8 = new TextDecoder('utf-8')

/** IEEE half (binary16) bits → number (±Infinity, NaN and subnormals included). */
export function onnxHalfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24
  if (exp === 31) return frac ? NaN : sign * Infinity
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

/** Number of elements of a tensor (1 for a scalar, dims = []). */
export function onnxTensorSize(t: OnnxTensor): number {
  return t.dims.reduce((a, b) => a * b, 1)
}

function rawNumbers(t: OnnxTensor, raw: Uint8Array): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const n = onnxTensorSize(t)
  const out = new Float64Array(n)
  const read: Partial<Record<number, [number, (o: number) => number]>> = {
    [OnnxDataType.Float]: [4, (o) => view.getFloat32(o, true)],
    [OnnxDataType.Double]: [8, (o) => view.getFloat64(o, true)],
    [OnnxDataType.Int8]: [1, (o) => view.getInt8(o)],
    [OnnxDataType.Uint8]: [1, (o) => view.getUint8(o)],
    [OnnxDataType.Bool]: [1, (o) => view.getUint8(o)],
    [OnnxDataType.Int16]: [2, (o) => view.getInt16(o, true)],
    [OnnxDataType.Uint16]: [2, (o) => view.getUint16(o, true)],
    [OnnxDataType.Float16]: [2, (o) => onnxHalfToNumber(view.getUint16(o, true))],
    [OnnxDataType.Int32]: [4, (o) => view.getInt32(o, true)],
    [OnnxDataType.Uint32]: [4, (o) => view.getUint32(o, true)],
    [OnnxDataType.Int64]: [8, (o) => Number(view.getBigInt64(o, true))],
    [OnnxDataType.Uint64]: [8, (o) => Number(view.getBigUint64(o, true))],
  }
  const r = read[t.dataType]
  if (!r) throw new ModelError(`tensor "${t.name}": ${onnxDtypeName(t.dataType)} is not numeric`)
  const [size, get] = r
  if (raw.length !== n * size)
    throw new ModelError(
      `tensor "${t.name}": raw_data has ${raw.length} bytes, ${n} ${onnxDtypeName(t.dataType)} values need ${n * size}`,
    )
  for (let i = 0; i < n; i++) out[i] = get(i * size)
  return out
}

/**
 * A numeric tensor's values as float64 (row-major), int64 exact within ±2^53.
 * @throws ModelError for string or externally stored tensors, or a payload of the wrong size.
 */
export function onnxTensorNumbers(t: OnnxTensor): Float64Array {
  if (t.external)
    throw new ModelError(
      `tensor "${t.name}" is stored in an external file, which a browser cannot read`,
    )
  if (t.rawData) return rawNumbers(t, t.rawData)
  const d = t.dataType
  const typed =
    d === OnnxDataType.Float || d === OnnxDataType.Complex64
      ? t.floatData
      : d === OnnxDataType.Double || d === OnnxDataType.Complex128
        ? t.doubleData
        : d === OnnxDataType.Int64
          ? t.int64Data
          : d === OnnxDataType.Uint32 || d === OnnxDataType.Uint64
            ? t.uint64Data
            : d === OnnxDataType.String
              ? null
              : t.int32Data
  if (typed === null) throw new ModelError(`tensor "${t.name}": string is not numeric`)
  const out = Float64Array.from(typed)
  if (d === OnnxDataType.Float16)
    for (let i = 0; i < out.length; i++) out[i] = onnxHalfToNumber(out[i]!)
  if (out.length !== onnxTensorSize(t))
    throw new ModelError(
      `tensor "${t.name}": ${out.length} values for shape [${t.dims.join(', ')}]`,
    )
  return out
}

/** A string tensor's values (UTF-8). */
export function onnxTensorStrings(t: OnnxTensor): string[] {
  return t.stringData.map((b) => utf8.decode(b))
}

/** The attribute `name` of a node, or undefined. */
export function onnxAttr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name)
}

/** An INT attribute, or `fallback` when absent. */
export function onnxAttrInt(node: OnnxNode, name: string, fallback: number): number {
  const a = onnxAttr(node, name)
  return a && a.type === OnnxAttrType.Int ? a.i : fallback
}

/** A FLOAT attribute, or `fallback` when absent. */
export function onnxAttrFloat(node: OnnxNode, name: string, fallback: number): number {
  const a = onnxAttr(node, name)
  return a && a.type === OnnxAttrType.Float ? a.f : fallback
}

/** A STRING attribute decoded as UTF-8, or `fallback` when absent. */
export function onnxAttrString(node: OnnxNode, name: string, fallback: string): string {
  const a = onnxAttr(node, name)
  return a && a.type === OnnxAttrType.String ? utf8.decode(a.s) : fallback
}

/** An INTS attribute ([] when absent). */
export function onnxAttrInts(node: OnnxNode, name: string): number[] {
  return onnxAttr(node, name)?.ints ?? []
}

/** A FLOATS attribute ([] when absent). */
export function onnxAttrFloats(node: OnnxNode, name: string): number[] {
  return onnxAttr(node, name)?.floats ?? []
}

/** A STRINGS attribute decoded as UTF-8 ([] when absent). */
export function onnxAttrStrings(node: OnnxNode, name: string): string[] {
  return (onnxAttr(node, name)?.strings ?? []).map((b) => utf8.decode(b))
}

/** A TENSOR attribute, or null when absent. */
export function onnxAttrTensor(node: OnnxNode, name: string): OnnxTensor | null {
  return onnxAttr(node, name)?.t ?? null
}
