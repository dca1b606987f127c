import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type WeightTensor,
  packedBytes,
  prune,
  pruneCount,
  QUANT_SCHEME_IDS,
  quantizeFloat16,
  quantizeInt4,
  quantizeInt8,
  quantizeUint8,
  quantizeVariant,
  roundHalfEven,
} from '../../../src/core/quantize/schemes.ts'

const tensor = (shape: number[], values: number[], name = 'w'): WeightTensor => ({
  name,
  shape,
  data: Float32Array.from(values),
})

const list = (a: ArrayLike<number>): number[] => Array.from(a)

describe('roundHalfEven', () => {
  it('rounds ties to the even integer and everything else to the nearest', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -3.5].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, -4,
    ])
    expect([2.4999, 2.5001, -2.5001, 7, 1e300].map(roundHalfEven)).toEqual([2, 3, -3, 7, 1e300])
  })
})

describe('quantizeUint8', () => {
  it('nudges the range so 0 is a code and rounds half to even (hand-computed)', () => {
    // min −0.09375, max 15.84375 → scale = 15.9375/255 = 0.0625; zp = round(1.5) = 2,
    // min′ = −0.125, max′ = 15.8125. Codes: (w + 0.125)/0.0625 = 0.5→0, 2, 2.5→2, 3.5→4, 255.
    const r = quantizeUint8(tensor([5], [-0.09375, 0, 0.03125, 0.09375, 15.84375]))
    expect(r.scale).toBe(0.0625)
    expect(r.min).toBe(-0.125)
    expect(list(r.q)).toEqual([0, 2, 2, 4, 255])
    expect(list(r.tensor.data)).toEqual([-0.125, 0, 0, 0.125, 15.8125])
  })

  it('does not nudge a range without 0', () => {
    // min 1, max 32.875 → scale 0.125; (w − 1)/0.125 = 0, 0.5→0, 1.5→2, 255.
    const r = quantizeUint8(tensor([4], [1, 1.0625, 1.1875, 32.875]))
    expect([r.scale, r.min]).toEqual([0.125, 1])
    expect(list(r.q)).toEqual([0, 0, 2, 255])
    expect(list(r.tensor.data)).toEqual([1, 1, 1.25, 32.875])
  })

  it('stores a constant tensor as code 0, scale 1, min = the value (like the converter)', () => {
    const r = quantizeUint8(tensor([2], [0.3, 0.3]))
    expect([r.scale, r.min]).toEqual([1, Math.fround(0.3)])
    expect(list(r.q)).toEqual([0, 0])
    expect(list(r.tensor.data)).toEqual([Math.fround(0.3), Math.fround(0.3)])
  })

  it('rejects values that do not match the shape or are not finite', () => {
    expect(() => quantizeUint8(tensor([3], [1, 2]))).toThrow(/2 values/)
    expect(() => quantizeUint8(tensor([2], [1, Infinity], 'dense_1/kernel'))).toThrow(
      'weight "dense_1/kernel" (value 1 of 2) is Infinity: not a finite number — the model file holds a NaN or infinite weight, so it cannot be quantized (retrain or re-export the model)',
    )
  })
})

describe('quantizeInt8', () => {
  it('uses one scale per output channel (last axis) and rounds half to even', () => {
    // [3, 2] kernel, row-major: channel 0 = (127, 2.5, −3.5), channel 1 = (−254, 7, 1).
    const r = quantizeInt8(tensor([3, 2], [127, -254, 2.5, 7, -3.5, 1]))
    expect(list(r.scales)).toEqual([1, 2])
    // ch0: 127, 2.5→2, −3.5→−4; ch1: −254/2 = −127, 3.5→4, 0.5→0
    expect(list(r.q)).toEqual([127, -127, 2, 4, -4, 0])
    expect(list(r.tensor.data)).toEqual([127, -254, 2, 8, -4, 0])
  })

  it('gives an all-zero channel scale 0 and codes 0', () => {
    const r = quantizeInt8(tensor([2, 2], [0, 1, 0, -1]))
    expect(list(r.scales)).toEqual([0, Math.fround(1 / 127)])
    expect(list(r.q)).toEqual([0, 127, 0, -127])
  })

  it('stores float32 scales and dequantizes to float32(q · scale)', () => {
    const r = quantizeInt8(tensor([2, 1], [0.3, -0.1]))
    const s = Math.fround(Math.fround(0.3) / 127)
    expect(r.scales[0]).toBe(s)
    expect(r.q[1]).toBe(roundHalfEven(Math.fround(-0.1) / s))
    expect(r.tensor.data[1]).toBe(Math.fround(r.q[1]! * s))
  })
})

describe('quantizeInt4', () => {
  it('scales groups of inputs per channel, the last group partial (hand-computed, group 2)', () => {
    // [5, 2]: channel 0 = (7, 3.5 | 14, 1 | 0.875), channel 1 = (−7, 2.5 | 0, 0 | 1.75)
    const t = tensor([5, 2], [7, -7, 3.5, 2.5, 14, 0, 1, 0, 0.875, 1.75])
    const r = quantizeInt4(t, 2)
    expect(r.groups).toBe(3)
    expect(list(r.scales)).toEqual([1, 2, 0.125, 1, 0, 0.25])
    expect(list(r.q)).toEqual([7, -7, 4, 2, 7, 0, 0, 0, 7, 7])
    expect(list(r.tensor.data)).toEqual([7, -7, 4, 2, 14, 0, 0, 0, 0.875, 1.75])
  })

  it('defaults to groups of 32 inputs: a partial group of 8 gets its own scale', () => {
    const values = Array.from({ length: 40 }, (_, i) => (i < 32 ? (i % 8) * 0.1 : 70))
    const r = quantizeInt4(tensor([40, 1], values))
    expect(r.groups).toBe(2)
    expect(list(r.scales)).toEqual([Math.fround(0.7 / 7), 10])
    expect(r.q[3]).toBe(3) // 0.3 / 0.1 → 3 (not lost in a scale of 10)
    expect(r.q[39]).toBe(7)
    expect(Math.max(...list(r.q).map(Math.abs))).toBeLessThanOrEqual(7)
  })
})

describe('prune', () => {
  it('zeroes the floor(f·n) smallest |w|, earlier positions first on ties', () => {
    const t = tensor([3, 2], [3, -1, 1, 0, -2, 1])
    // |w| order: 0 (i3), 1 (i1), 1 (i2), 1 (i5), 2, 3
    const half = prune(t, 0.5)
    expect(half.pruned).toBe(3)
    expect(list(half.tensor.data)).toEqual([3, 0, 0, 0, -2, 1])
    expect(list(half.kept)).toEqual([1, 0, 0, 0, 1, 1])
    expect(list(prune(t, 0.8).tensor.data)).toEqual([3, 0, 0, 0, -2, 0]) // floor(4.8) = 4
    expect(list(prune(t, 0).tensor.data)).toEqual(list(t.data))
    expect(() => prune(t, 1.5)).toThrow(/fraction/)
  })

  it('counts floor(fraction · n) without float noise', () => {
    expect([
      pruneCount(1408, 0.8),
      pruneCount(10, 0.8),
      pruneCount(35, 0.8),
      pruneCount(7, 0.5),
    ]).toEqual([1126, 8, 28, 3])
  })
})

describe('packedBytes', () => {
  const golden = [[88, 16], [16], [16, 8], [8], [8, 1], [1]].map((shape) => ({ shape }))

  it('follows the documented formulas on the golden shapes', () => {
    const bytes = Object.fromEntries(
      (['float32', ...QUANT_SCHEME_IDS] as const).map((id) => [id, packedBytes(id, golden)]),
    )
    expect(bytes).toEqual({
      float32: 6276, // 1569 values × 4
      float16: 3138, // × 2, biases too
      uint8: 1617, // 1569 + 6 tensors × 8
      int8: 1744, // kernels 1408+64 + 128+32 + 8+4, biases 25 × 4
      int4: 1100, // 704+4·16·3 + 64+4·8 + 4+4, biases 100
      prune50: 3381, // 4·704+176 + 4·64+16 + 4·4+1, biases 100
      prune80: 1533, // 4·282+176 + 4·26+16 + 4·2+1, biases 100
      int8act: 1768, // int8 + 3 layers × 8
    })
  })

  it('counts an odd number of int4 codes in whole bytes and honours the options', () => {
    expect(packedBytes('int4', [{ shape: [3, 1] }])).toBe(2 + 4)
    expect(packedBytes('int4', [{ shape: [40, 2] }], { groupSize: 8 })).toBe(40 + 4 * 2 * 5)
    expect(packedBytes('int8act', [{ shape: [2, 2] }], { activationRanges: 3 })).toBe(4 + 8 + 24)
  })
})

describe('quantizeVariant', () => {
  const tensors = [
    tensor([2, 2], [0.1, -0.2, 0.3, 0.4], 'd/kernel'),
    tensor([2], [0.123, -0.7], 'd/bias'),
  ]

  it('keeps biases float32 for int and prune schemes, quantizes them for float16/uint8', () => {
    for (const id of ['int8', 'int4', 'prune50', 'prune80', 'int8act'] as const) {
      const v = quantizeVariant(id, tensors)
      expect(v.native).toBeUndefined()
      expect(list(v.tensors[1]!.data)).toEqual(list(tensors[1]!.data))
      expect(v.tensors[1]!.data).not.toBe(tensors[1]!.data) // a copy
      expect(v.bytes).toBe(packedBytes(id, tensors))
    }
    const f16 = quantizeVariant('float16', tensors)
    expect(f16.native?.dtype).toBe('float16')
    expect(list(f16.tensors[1]!.data)).toEqual(list(quantizeFloat16(tensors[1]!).tensor.data))
    const u8 = quantizeVariant('uint8', tensors)
    expect(u8.native?.dtype).toBe('uint8')
    expect(list(u8.tensors[1]!.data)).toEqual(list(quantizeUint8(tensors[1]!).tensor.data))
    expect(u8.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['d/kernel', [2, 2]],
      ['d/bias', [2]],
    ])
  })

  it('rejects an unknown id', () => {
    expect(() => quantizeVariant('int2' as never, tensors)).toThrow(/unknown quantization scheme/)
  })
})

describe('quantize → dequantize error', () => {
  const kernel = fc
    .record({ rows: fc.integer({ min: 1, max: 70 }), cols: fc.integer({ min: 1, max: 4 }) })
    .chain(({ rows, cols }) =>
      fc
        .array(fc.float({ min: -50, max: 50, noNaN: true }), {
          minLength: rows * cols,
          maxLength: rows * cols,
        })
        .map((v) => tensor([rows, cols], v)),
    )
  // Half a step, plus the float32 rounding of the dequantized value (relative, or one
  // subnormal step).
  const within = (w: number, wq: number, scale: number): boolean =>
    Math.abs(w - wq) <= (scale / 2) * (1 + 1e-9) + Math.abs(w) * 2 ** -23 + 2 ** -149

  it('stays within half a step per weight for int8, int4 and uint8', () => {
    fc.assert(
      fc.property(kernel, (t) => {
        const C = t.shape[1]!
        const i8 = quantizeInt8(t)
        const i4 = quantizeInt4(t)
        const u8 = quantizeUint8(t)
        for (let k = 0; k < t.data.length; k++) {
          const w = t.data[k]!
          const c = k % C
          const g = Math.floor(Math.floor(k / C) / i4.groupSize)
          if (!within(w, i8.tensor.data[k]!, i8.scales[c]!)) return false
          if (!within(w, i4.tensor.data[k]!, i4.scales[c * i4.groups + g]!)) return false
          if (Math.abs(i8.q[k]!) > 127 || Math.abs(i4.q[k]!) > 7) return false
          if (u8.scale !== 1 && !within(w, u8.tensor.data[k]!, u8.scale)) return false
        }
        // 0 stays exact under uint8 whenever the range covers it.
        const z = quantizeUint8({
          ...t,
          data: Float32Array.from([...t.data, 0]),
          shape: [t.data.length + 1],
        })
        return z.tensor.data[t.data.length] === 0 || z.min > 0 || z.min + 255 * z.scale < 0
      }),
      { numRuns: 200 },
    )
  })
})
