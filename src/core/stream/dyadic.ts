/**
 * Exact dyadic rationals m · 2^e (m a BigInt, e an integer): every finite float64 is one, and
 * sums and products of them stay dyadic, so the finalizers of the streamed audit can combine
 * exact sums without any rounding and round once, correctly, at the very end
 * ({@link dyadicToNumber}). Slow (BigInt); used a handful of times per report, never per row.
 */

/** The value m · 2^e. Canonical form: m odd, or m = 0 with e = 0. */
export type Dyadic = { readonly m: bigint; readonly e: number }

/** Zero. */
export const DYADIC_ZERO: Dyadic = { m: 0n, e: 0 }

const POW2 = new Float64Array(2100)
{
  // 2^k for k in [−1074, 1023], built by exact halvings and doublings (no Math.pow).
  let v = 1
  for (let k = 0; k <= 1023; k++, v *= 2) POW2[k + 1074] = v
  v = 1
  for (let k = 0; k >= -1074; k--, v /= 2) POW2[k + 1074] = v
}

/** 2^k as a float64, exact for k in [−1074, 1023]. */
export function pow2(k: number): number {
  if (!(k >= -1074 && k <= 1023 && Number.isInteger(k)))
    throw new RangeError(`exact arithmetic: 2^${k} is not a finite float64`)
  return POW2[k + 1074]!
}

/** Number of bits of |m| (0 for 0). */
export function bitLength(m: bigint): number {
  if (m < 0n) m = -m
  if (m === 0n) return 0
  const hex = m.toString(16)
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)))
}

/** Number of trailing zero bits of m ≠ 0. */
function trailingZeros(m: bigint): number {
  let tz = 0
  while ((m & 0xffffffffn) === 0n) {
    m >>= 32n
    tz += 32
  }
  let low = Number(m & 0xffffffffn)
  while ((low & 1) === 0) {
    low >>>= 1
    tz++
  }
  return tz
}

/** m · 2^e in canonical form (odd m). */
export function dyadic(m: bigint, e: number): Dyadic {
  if (m === 0n) return DYADIC_ZERO
  const tz = trailingZeros(m)
  return tz === 0 ? { m, e } : { m: m >> BigInt(tz), e: e + tz }
}

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)

/**
 * The exact value of a finite float64.
 * @throws RangeError for NaN or ±Infinity.
 * @example dyadicFromNumber(0.75) // { m: 3n, e: -2 }
 */
export function dyadicFromNumber(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`exact arithmetic: ${x} is not finite`)
  if (x === 0) return DYADIC_ZERO
  F64[0] = x
  const lo = U32[0]!
  const hi = U32[1]!
  const be = (hi >>> 20) & 0x7ff
  let mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo)
  if (be !== 0) mant += 1n << 52n
  const m = hi >>> 31 ? -mant : mant
  return dyadic(m, (be === 0 ? 1 : be) - 1075)
}

/** a + b, exactly. */
export function dyadicAdd(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n) return b
  if (b.m === 0n) return a
  if (a.e <= b.e) return dyadic(a.m + (b.m << BigInt(b.e - a.e)), a.e)
  return dyadic(b.m + (a.m << BigInt(a.e - b.e)), b.e)
}

/** a − b, exactly. */
export function dyadicSub(a: Dyadic, b: Dyadic): Dyadic {
  return dyadicAdd(a, { m: -b.m, e: b.e })
}

/** a · b, exactly. */
export function dyadicMul(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n || b.m === 0n) return DYADIC_ZERO
  return { m: a.m * b.m, e: a.e + b.e } // odd × odd is odd: already canonical
}

/** −1, 0 or 1 by the sign of a. */
export function dyadicSign(a: Dyadic): number {
  return a.m === 0n ? 0 : a.m < 0n ? -1 : 1
}

/**
 * The float64 nearest to a (ties to even), as IEEE 754 rounds one operation: ±Infinity when |a|
 * reaches 2^1024 after rounding, subnormals below 2^−1022, −0 never (an exact zero gives +0).
 * @example dyadicToNumber(dyadicFromNumber(0.1)) // 0.1
 */
export function dyadicToNumber(a: Dyadic): number {
  if (a.m === 0n) return 0
  const neg = a.m < 0n
  let m = neg ? -a.m : a.m
  const bits = bitLength(m)
  const top = a.e + bits - 1 // exponent of the leading bit
  if (top >= 1024) return neg ? -Infinity : Infinity
  // Weight of the last bit a float64 keeps at this magnitude (subnormals stop at 2^−1074).
  const ulp = Math.max(top - 52, -1074)
  let e = a.e
  if (e < ulp) {
    const shift = BigInt(ulp - e)
    const q = m >> shift
    const rest = m - (q << shift)
    const half = 1n << (shift - 1n)
    m = rest > half || (rest === half && (q & 1n) === 1n) ? q + 1n : q
    e = ulp
  }
  // m ≤ 2^53 and −1074 ≤ e ≤ 1023 now: m · 2^e is representable, or overflows to Infinity when
  // rounding carried into 2^1024; either way one multiplication gives it exactly.
  const v = Number(m) * pow2(e)
  return neg ? -v : v
}

/**
 * The float64 nearest to a / d for a positive integer d (correctly rounded, ties to even).
 * @throws RangeError unless d is a positive safe integer.
 * @example dyadicDivToNumber(dyadicFromNumber(1), 3) // 1/3
 */
export function dyadicDivToNumber(a: Dyadic, d: number): number {
  if (!(Number.isSafeInteger(d) && d > 0))
    throw new RangeError(`exact arithmetic: divisor ${d} is not a positive safe integer`)
  if (a.m === 0n) return 0
  // Scale the numerator so that the integer quotient has ≥ 64 bits, keep a sticky bit for the
  // remainder: the rounding of (q + sticky) · 2^e then equals that of the true quotient.
  const big = BigInt(d)
  const shift = Math.max(0, 66 + bitLength(big) - bitLength(a.m))
  const num = a.m << BigInt(shift)
  const q = num / big
  const sticky = num % big === 0n ? 0n : num < 0n ? -1n : 1n
  return dyadicToNumber({ m: (q << 1n) + sticky, e: a.e - shift - 1 })
}

/**
 * Compact exact text of a dyadic: `[-]HEXpE` = ±HEX · 2^E with HEX odd (lowercase hex), or `0`.
 * @example dyadicToString(dyadicFromNumber(-0.75)) // '-3p-2'
 */
export function dyadicToString(a: Dyadic): string {
  if (a.m === 0n) return '0'
  const c = dyadic(a.m, a.e)
  return `${c.m < 0n ? '-' : ''}${(c.m < 0n ? -c.m : c.m).toString(16)}p${c.e}`
}

const DYADIC_TEXT = /^(-?)([0-9a-f]{1,600})p(-?\d{1,5})$/

/**
 * Reads {@link dyadicToString}'s text back.
 * @throws RangeError naming `what` when the text is not a canonical dyadic.
 */
export function dyadicParse(text: unknown, what: string): Dyadic {
  if (text === '0') return DYADIC_ZERO
  const g = typeof text === 'string' ? DYADIC_TEXT.exec(text) : null
  if (!g) throw new RangeError(`${what}: ${JSON.stringify(text)} is not an exact sum ("HEXpE")`)
  const m = BigInt(`0x${g[2]!}`)
  if ((m & 1n) === 0n) throw new RangeError(`${what}: ${text} is not canonical (even significand)`)
  return { m: g[1] ? -m : m, e: Number(g[3]!) }
}
