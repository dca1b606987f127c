/**
 * IEEE 754 binary16 ("half") conversions, bit-exact: float32 → half with round to nearest, ties
 * to even (what numpy's `astype(np.float16)` and the TensorFlow.js converter's
 * `--quantize_float16` do), and half → float32 (what tfjs's float16 decoder does).
 *
 * Edge cases, all as IEEE 754 prescribes: magnitudes ≥ 65520 (halfway between the largest half,
 * 65504, and 2^16) overflow to ±Infinity; magnitudes below 2^-14 become subnormal halves (steps
 * of 2^-24), and those ≤ 2^-25 round to ±0 (2^-25 itself is a tie and goes to the even 0); the
 * sign of zero is kept; NaN becomes the quiet NaN 0x7e00; ±Infinity stays ±Infinity.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/**
 * The binary16 bit pattern nearest to `x` (after rounding `x` to float32, as a float32 tensor
 * holds it), ties to even.
 * @returns an integer in [0, 0xffff].
 * @example float16Bits(1) // 0x3c00; float16Bits(65520) // 0x7c00 (Infinity)
 */
export function float16Bits(x: number): number {
  f32[0] = x
  const b = u32[0]!
  const sign = (b >>> 16) & 0x8000
  const exp = (b >>> 23) & 0xff
  const mant = b & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0)
  const e = exp - 127 + 15 // the half's biased exponent
  if (e >= 31) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal half: value / 2^-24 = significand >> (14 − e), rounded half to even.
    if (e < -10) return sign // below 2^-25: rounds to zero
    const m = mant | 0x800000
    const shift = 14 - e
    let q = m >>> shift
    const rem = m & ((1 << shift) - 1)
    const half = 1 << (shift - 1)
    if (rem > half || (rem === half && (q & 1) === 1)) q++
    return sign | q // q = 0x400 is the smallest normal, which the bit layout gives for free
  }
  let q = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  // A carry out of the mantissa bumps the exponent; past 30 it reaches 0x7c00 = Infinity.
  if (rem > 0x1000 || (rem === 0x1000 && (q & 1) === 1)) q++
  return sign | q
}

/**
 * The value of a binary16 bit pattern (exact: every half is a float32 and a float64).
 * @example float16FromBits(0x0001) // 2^-24, the smallest subnormal
 */
export function float16FromBits(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * f * 2 ** -24
  if (e === 31) return f !== 0 ? NaN : s * Infinity
  return s * (1 + f / 1024) * 2 ** (e - 15)
}

/**
 * `x` rounded to the nearest half (float32 → half → float32 round trip).
 * @example float16Round(0.1) // 0.0999755859375
 */
export function float16Round(x: number): number {
  return float16FromBits(float16Bits(x))
}
