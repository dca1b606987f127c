import { describe, expect, it } from 'vitest'
import { OnnxDataType, type OnnxTensor } from '../../../src/model/onnx/onnxTypes.ts'
import {
  onnxHalfToNumber,
  onnxTensorNumbers,
  onnxTensorStrings,
} from '../../../src/model/onnx/onnxValues.ts'

const tensor = (t: Partial<OnnxTensor>): OnnxTensor => ({
  name: 't',
  dims: [],
  dataType: OnnxDataType.Float,
  floatData: [],
  int32Data: [],
  int64Data: [],
  uint64Data: [],
  doubleData: [],
  stringData: [],
  rawData: null,
  external: false,
  ...t,
})
const raw = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

describe('onnxHalfToNumber', () => {
  it('decodes normals, subnormals, infinities and NaN', () => {
    expect(onnxHalfToNumber(0x3c00)).toBe(1)
    expect(onnxHalfToNumber(0xc000)).toBe(-2)
    expect(onnxHalfToNumber(0x3555)).toBe(0.333251953125)
    expect(onnxHalfToNumber(0x0001)).toBe(2 ** -24)
    expect(onnxHalfToNumber(0x7bff)).toBe(65504)
    expect(onnxHalfToNumber(0xfc00)).toBe(-Infinity)
    expect(onnxHalfToNumber(0x7e00)).toBeNaN()
  })
})

describe('onnxTensorNumbers', () => {
  it('reads raw little-endian payloads of each numeric type', () => {
    expect(
      Array.from(
        onnxTensorNumbers(
          tensor({
            dims: [2],
            dataType: OnnxDataType.Int64,
            rawData: raw(BigInt64Array.of(-1n, 2n ** 40n)),
          }),
        ),
      ),
    ).toEqual([-1, 2 ** 40])
    expect(
      Array.from(
        onnxTensorNumbers(
          tensor({
            dims: [2],
            dataType: OnnxDataType.Double,
            rawData: raw(Float64Array.of(0.1, -3)),
          }),
        ),
      ),
    ).toEqual([0.1, -3])
    expect(
      Array.from(
        onnxTensorNumbers(
          tensor({
            dims: [3],
            dataType: OnnxDataType.Int8,
            rawData: raw(Int8Array.of(-128, 0, 127)),
          }),
        ),
      ),
    ).toEqual([-128, 0, 127])
    expect(
      Array.from(
        onnxTensorNumbers(
          tensor({
            dims: [1],
            dataType: OnnxDataType.Float16,
            rawData: raw(Uint16Array.of(0x3c00)),
          }),
        ),
      ),
    ).toEqual([1])
    expect(
      Array.from(
        onnxTensorNumbers(tensor({ dims: [1, 2], rawData: raw(Float32Array.of(0.5, 2)) })),
      ),
    ).toEqual([0.5, 2])
  })

  it('reads the typed repeated fields when there is no raw payload', () => {
    expect(Array.from(onnxTensorNumbers(tensor({ dims: [2], floatData: [1.5, 2] })))).toEqual([
      1.5, 2,
    ])
    expect(
      Array.from(
        onnxTensorNumbers(tensor({ dims: [2], dataType: OnnxDataType.Int64, int64Data: [-3, 4] })),
      ),
    ).toEqual([-3, 4])
    expect(
      Array.from(
        onnxTensorNumbers(
          tensor({ dims: [1], dataType: OnnxDataType.Float16, int32Data: [0xc000] }),
        ),
      ),
    ).toEqual([-2])
    expect(
      Array.from(
        onnxTensorNumbers(tensor({ dims: [2], dataType: OnnxDataType.Bool, int32Data: [1, 0] })),
      ),
    ).toEqual([1, 0])
    expect(
      Array.from(
        onnxTensorNumbers(tensor({ dims: [], doubleData: [7], dataType: OnnxDataType.Double })),
      ),
    ).toEqual([7])
  })

  it('refuses payloads of the wrong size, strings and external data, naming the tensor', () => {
    expect(() =>
      onnxTensorNumbers(tensor({ dims: [3], rawData: raw(Float32Array.of(1, 2)) })),
    ).toThrow('tensor "t": raw_data has 8 bytes, 3 float32 values need 12')
    expect(() => onnxTensorNumbers(tensor({ dims: [3], floatData: [1] }))).toThrow(
      'tensor "t": 1 values for shape [3]',
    )
    expect(() => onnxTensorNumbers(tensor({ dataType: OnnxDataType.String }))).toThrow(
      'tensor "t": string is not numeric',
    )
    expect(() => onnxTensorNumbers(tensor({ external: true }))).toThrow(
      'tensor "t" is stored in an external file',
    )
  })

  it('decodes string tensors as UTF-8', () => {
    const enc = new TextEncoder()
    expect(
      onnxTensorStrings(
        tensor({ dataType: OnnxDataType.String, stringData: [enc.encode('Café'), enc.encode('')] }),
      ),
    ).toEqual(['Café', ''])
  })
})
