import { describe, expect, it } from 'vitest'
import { float16Bits, float16FromBits, float16Round } from '../../../src/core/quantize/float16.ts'

describe('float16Bits', () => {
  it('encodes exact halves', () => {
    expect(float16Bits(1)).toBe(0x3c00)
    expect(float16Bits(-2)).toBe(0xc000)
    expect(float16Bits(65504)).toBe(0x7bff) // largest finite half
    expect(float16Bits(2 ** -14)).toBe(0x0400) // smallest normal
    expect(float16Bits(2 ** -24)).toBe(0x0001) // smallest subnormal
    expect(float16Bits(0)).toBe(0)
    expect(float16Bits(-0)).toBe(0x8000)
  })

  it('rounds ties to the even mantissa', () => {
    // 1 + 2^-11 lies halfway between 1 (even) and 1 + 2^-10 (odd).
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00)
    // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02)
    // Just above a tie rounds up.
    expect(float16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01)
    // A carry out of the mantissa bumps the exponent: 2 − 2^-12 → 2.
    expect(float16Bits(2 - 2 ** -12)).toBe(0x4000)
  })

  it('rounds into and within the subnormal range, ties to even', () => {
    expect(float16Bits(2 ** -25)).toBe(0) // tie between 0 and 2^-24: 0 is even
    expect(float16Bits(-(2 ** -25))).toBe(0x8000)
    expect(float16Bits(2 ** -25 + 2 ** -40)).toBe(1) // above the tie
    expect(float16Bits(3 * 2 ** -25)).toBe(2) // 1.5 steps: tie between 1 and 2 → 2
    expect(float16Bits(5 * 2 ** -25)).toBe(2) // 2.5 steps → 2
    expect(float16Bits(2 ** -30)).toBe(0)
    // 1023.5 steps: tie between the largest subnormal (odd) and the smallest normal (even).
    expect(float16Bits(1023.5 * 2 ** -24)).toBe(0x0400)
    expect(float16FromBits(0x03ff)).toBe(1023 * 2 ** -24)
  })

  it('overflows to ±Infinity from 65520 (the tie above 65504) and keeps NaN', () => {
    expect(float16Bits(65519)).toBe(0x7bff)
    expect(float16Bits(65520)).toBe(0x7c00)
    expect(float16Bits(-70000)).toBe(0xfc00)
    expect(float16Bits(Infinity)).toBe(0x7c00)
    expect(float16Bits(NaN)).toBe(0x7e00)
    expect(float16Round(65520)).toBe(Infinity)
    expect(float16Round(NaN)).toBeNaN()
  })

  it('round-trips every finite half bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue // NaNs
      expect(float16Bits(float16FromBits(h))).toBe(h)
    }
  })

  it('picks the nearest half for values between neighbours', () => {
    for (const x of [0.1, -3.14159, 1e-5, 1234.567, 6e-8]) {
      const r = float16Round(x)
      const h = float16Bits(x)
      const below = float16FromBits(h - 1)
      const above = float16FromBits(h + 1)
      const err = Math.abs(Math.fround(x) - r)
      expect(err).toBeLessThanOrEqual(Math.abs(Math.fround(x) - below))
      expect(err).toBeLessThanOrEqual(Math.abs(Math.fround(x) - above))
    }
    expect(float16Round(0.1)).toBe(0.0999755859375)
  })
})
