import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ProtoReader,
  ProtobufError,
  protoFields,
  WireType,
} from '../../../src/model/onnx/protobuf.ts'

/** An independent varint encoder (BigInt, two's complement for negatives, as protobuf's int64). */
function varint(value: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(value))
  const out: number[] = []
  do {
    let b = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) b |= 0x80
    out.push(b)
  } while (v !== 0n)
  return out
}
const tag = (field: number, wire: number): number[] => varint(field * 8 + wire)
const len = (bytes: number[]): number[] => [...varint(bytes.length), ...bytes]
const f32 = (x: number): number[] => [...new Uint8Array(Float32Array.of(x).buffer)]
const f64 = (x: number): number[] => [...new Uint8Array(Float64Array.of(x).buffer)]
const reader = (bytes: number[]): ProtoReader => new ProtoReader(Uint8Array.from(bytes))

describe('ProtoReader', () => {
  it('decodes every int64 within ±2^53, negatives included (ten-byte varints)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (v) => {
          const r = reader(varint(v))
          expect(r.int64()).toBe(v)
          expect(r.done()).toBe(true)
        },
      ),
    )
    expect(varint(-1)).toHaveLength(10)
    expect(reader(varint(-1)).int64()).toBe(-1)
  })

  it('reads unsigned varints up to 2^53 and the low 32 bits as int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        expect(reader(varint(v)).varint()).toBe(v)
      }),
    )
    expect(reader(varint(-7)).int32()).toBe(-7)
    expect(reader(varint(2 ** 31 + 5)).int32()).toBe(-(2 ** 31) + 5)
  })

  it('reads floats, doubles and length-delimited strings', () => {
    const bytes = [...f32(0.1), ...f64(-2.5e300), ...len([...new TextEncoder().encode('héllo')])]
    const r = reader(bytes)
    expect(r.float()).toBe(Math.fround(0.1))
    expect(r.double()).toBe(-2.5e300)
    expect(r.string()).toBe('héllo')
    expect(r.done()).toBe(true)
  })

  it('reads repeated scalars packed or one per tag, into one list', () => {
    const packed = [...tag(1, WireType.Len), ...len([...varint(3), ...varint(-2), ...varint(300)])]
    const loose = [
      ...tag(1, WireType.Varint),
      ...varint(7),
      ...tag(1, WireType.Varint),
      ...varint(-9),
    ]
    const values: number[] = []
    const r = reader([...packed, ...loose])
    protoFields(r, (field, wire) => {
      expect(field).toBe(1)
      r.repeated(wire, WireType.Varint, (x) => x.int64(), values)
      return true
    })
    expect(values).toEqual([3, -2, 300, 7, -9])
  })

  it('skips unknown fields of every wire type', () => {
    const bytes = [
      ...tag(9, WireType.Varint),
      ...varint(123456789),
      ...tag(10, WireType.I64),
      ...f64(1),
      ...tag(11, WireType.I32),
      ...f32(1),
      ...tag(12, WireType.Len),
      ...len([1, 2, 3]),
      ...tag(2, WireType.Varint),
      ...varint(42),
    ]
    const r = reader(bytes)
    let seen = 0
    protoFields(r, (field) => {
      if (field !== 2) return false
      seen = r.int64()
      return true
    })
    expect(seen).toBe(42)
  })

  it('refuses truncated fields, groups, unknown wire types, field 0 and over-long varints', () => {
    const fails = (bytes: number[], message: RegExp) => {
      const r = reader(bytes)
      expect(() => protoFields(r, () => false)).toThrow(ProtobufError)
      expect(() => protoFields(reader(bytes), () => false)).toThrow(message)
    }
    fails([...tag(1, WireType.Len), ...varint(10), 1, 2], /^the bytes end early \(truncated\)/)
    fails([...tag(1, WireType.I64), 1, 2, 3], /^the bytes end early \(truncated\)/)
    fails([0x80], /^the bytes end early \(truncated\)/)
    fails([...tag(7, WireType.EGroup)], /group wire type 4/)
    fails([...tag(7, 6)], /invalid wire type 6/)
    fails([0x02], /invalid field number 0/)
    fails([...tag(1, WireType.Varint), ...Array(10).fill(0xff), 1], /varint longer than 10 bytes/)
  })

  it('reads a sub-message without reading past its end', () => {
    const inner = [...tag(1, WireType.Varint), ...varint(5)]
    const r = reader([
      ...tag(3, WireType.Len),
      ...len(inner),
      ...tag(4, WireType.Varint),
      ...varint(6),
    ])
    const got: number[] = []
    protoFields(r, (field) => {
      if (field === 3) {
        const m = r.message()
        protoFields(m, () => (got.push(m.int64()), true))
      } else got.push(100 + r.int64())
      return true
    })
    expect(got).toEqual([5, 106])
  })
})
