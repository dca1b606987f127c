/**
 * Exact, order-independent sums of float64 values: a superaccumulator.
 *
 * Every finite float64 is an integer multiple of 2^−1074 below 2^1024, i.e. a 2,098-bit fixed-point
 * integer. A sum is kept as that integer split into 68 limbs of 32 bits (limb k weighs
 * 2^(32k − 1074)), each limb a float64 holding a signed integer. Adding x writes its 53-bit
 * significand, shifted to its exponent, as three pieces < 2^32 into three consecutive limbs: no
 * rounding ever happens, because a limb stays an integer below 2^53 for 2^20 additions, after
 * which the limbs are normalised (carries propagated so that every limb but the top one is in
 * [0, 2^32)). The sum is therefore exact whatever the order, the grouping or the merge of partial
 * sums, and it is rounded to float64 once, correctly (ties to even), when read.
 *
 * Cost: one `add` is ~10 integer and float operations plus three limb updates (a few ns);
 * `addProduct` adds the exact product a·b (Dekker's two-product: its rounded value and its error,
 * both float64) for about twice that. Memory: 68 float64 = 544 bytes per sum. A bank holds many
 * sums in one Float64Array so that a covariance matrix of sums costs no object per entry.
 */
import {
  type Dyadic,
  DYADIC_ZERO,
  bitLength,
  dyadic,
  dyadicParse,
  dyadicToString,
  dyadicFromNumber,
  dyadicToNumber,
  pow2,
} from './dyadic.ts'

/** Limbs per sum: 66 cover every float64, two more take carries of up to 2^53 additions. */
const LIMBS = 68
/** The value of one limb unit in bits: limb k weighs 2^(32k − 1074). */
const LIMB_BITS = 32
const LIMB = 4294967296
/** Additions a limb takes before a normalisation (each adds < 2^32; limbs stay below 2^53). */
const CAPACITY = 1 << 20

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)
F64[0] = 1
if (U32[1] !== 0x3ff00000) throw new Error('exact sums: needs a little-endian platform')

/** Veltkamp's splitter for Dekker's product: 2^27 + 1. */
const SPLIT = 134217729
/** |a·b| inside this range → the two-product is exact (no overflow, no underflow). */
const PRODUCT_MIN = pow2(-969)
const PRODUCT_MAX = pow2(996)
/** Factors below this split without overflow. */
const SPLIT_MAX = pow2(995)

/**
 * A bank of `size` exact sums (see the module doc). Sums start at 0.
 * @example
 * const s = new ExactSums(1)
 * s.add(0, 0.1); s.add(0, 0.2); s.add(0, -0.3)
 * s.value(0) // 5.551115123125783e-17, the exact sum of the three doubles, rounded once
 */
export class ExactSums {
  /** Number of sums in the bank. */
  readonly size: number
  private readonly limbs: Float64Array
  private pending = 0

  constructor(size: number) {
    if (!(Number.isSafeInteger(size) && size >= 0))
      throw new RangeError(`exact sums: size must be a non-negative integer, got ${size}`)
    this.size = size
    this.limbs = new Float64Array(size * LIMBS)
  }

  /**
   * Adds the float64 `x` to sum `i` exactly (±0 adds nothing).
   * @throws RangeError when x is NaN or ±Infinity (an exact sum of them does not exist).
   */
  add(i: number, x: number): void {
    if (x === 0) return
    F64[0] = x
    const lo = U32[0]!
    const hi = U32[1]!
    let be = (hi >>> 20) & 0x7ff
    if (be === 0x7ff) throw new RangeError(`exact sums: cannot add ${x}`)
    let mHi = hi & 0xfffff
    if (be === 0) be = 1
    else mHi |= 0x100000
    // x = (mHi · 2^32 + lo) · 2^(be − 1) units of 2^−1074: shift the 53 bits into 32-bit limbs.
    const sh = be - 1
    const s = sh & 31
    let p0: number
    let p1: number
    let p2: number
    if (s === 0) {
      p0 = lo
      p1 = mHi
      p2 = 0
    } else {
      p0 = (lo << s) >>> 0
      p1 = ((lo >>> (32 - s)) | (mHi << s)) >>> 0
      p2 = mHi >>> (32 - s)
    }
    const b = i * LIMBS + (sh >>> 5)
    const limbs = this.limbs
    if (hi >>> 31) {
      limbs[b] = limbs[b]! - p0
      limbs[b + 1] = limbs[b + 1]! - p1
      limbs[b + 2] = limbs[b + 2]! - p2
    } else {
      limbs[b] = limbs[b]! + p0
      limbs[b + 1] = limbs[b + 1]! + p1
      limbs[b + 2] = limbs[b + 2]! + p2
    }
    if (++this.pending >= CAPACITY) this.normalize()
  }

  /**
   * Adds the exact product a · b to sum `i` (not its float64 rounding): Dekker's two-product
   * gives a·b = p + err with both float64, and both are added. Products too large or too small
   * for that (|a·b| outside [2^−969, 2^996]) go through BigInt, slower but exact too.
   * @throws RangeError when a or b is not finite.
   */
  addProduct(i: number, a: number, b: number): void {
    const p = a * b
    const ap = Math.abs(p)
    if (
      ap >= PRODUCT_MIN &&
      ap <= PRODUCT_MAX &&
      Math.abs(a) < SPLIT_MAX &&
      Math.abs(b) < SPLIT_MAX
    ) {
      let t = SPLIT * a
      const ah = t - (t - a)
      const al = a - ah
      t = SPLIT * b
      const bh = t - (t - b)
      const bl = b - bh
      this.add(i, p)
      this.add(i, ah * bh - p + ah * bl + al * bh + al * bl)
      return
    }
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new RangeError(`exact sums: cannot add the product ${a} · ${b}`)
    if (p === 0 && (a === 0 || b === 0)) return
    const da = dyadicFromNumber(a)
    const db = dyadicFromNumber(b)
    this.addDyadic(i, dyadic(da.m * db.m, da.e + db.e))
  }

  /**
   * Adds the exact dyadic m · 2^e (|value| < 2^1024, e ≥ −1074) to sum `i`. Like `add`, it adds
   * less than 2^32 to each limb it touches, so it counts as one pending addition and needs no
   * normalisation of its own (a bank read from text, one `set` per sum, stays linear in its size).
   */
  addDyadic(i: number, d: Dyadic): void {
    if (d.m === 0n) return
    if (d.e < -1074) throw new RangeError(`exact sums: 2^${d.e} is below the sums' resolution`)
    const m = d.m < 0n ? -d.m : d.m
    const sign = d.m < 0n ? -1 : 1
    const bit = d.e + 1074
    const k0 = Math.floor(bit / LIMB_BITS)
    const shift = bit - k0 * LIMB_BITS
    // Checked before any limb is written: a refused value leaves the sum as it was.
    if (k0 + Math.ceil((bitLength(m) + shift) / LIMB_BITS) > LIMBS)
      throw new RangeError('exact sums: value too large')
    const base = i * LIMBS
    for (let k = k0, r = m << BigInt(shift); r > 0n; k++, r >>= 32n)
      this.limbs[base + k] = this.limbs[base + k]! + sign * Number(r & 0xffffffffn)
    if (++this.pending >= CAPACITY) this.normalize()
  }

  /** Adds every sum of `other` (a bank of the same size) into this one: exact and commutative. */
  merge(other: ExactSums): void {
    if (other.size !== this.size)
      throw new RangeError(`exact sums: sizes differ (${this.size} vs ${other.size})`)
    this.normalize()
    other.normalize()
    for (let j = 0; j < this.limbs.length; j++) this.limbs[j] = this.limbs[j]! + other.limbs[j]!
    this.pending = 1
    this.normalize()
  }

  /** Propagates carries: limbs 0..66 into [0, 2^32), the top limb signed. */
  private normalize(): void {
    if (this.pending === 0) return
    const limbs = this.limbs
    for (let i = 0; i < this.size; i++) {
      const base = i * LIMBS
      for (let k = 0; k < LIMBS - 1; k++) {
        const v = limbs[base + k]!
        if (v >= 0 && v < LIMB) continue
        const carry = Math.floor(v / LIMB)
        limbs[base + k] = v - carry * LIMB
        limbs[base + k + 1] = limbs[base + k + 1]! + carry
      }
    }
    this.pending = 0
  }

  /** Sum `i` exactly, as a dyadic rational. */
  dyadic(i: number): Dyadic {
    this.checkIndex(i)
    this.normalize()
    const base = i * LIMBS
    let m = 0n
    for (let k = LIMBS - 1; k >= 0; k--) m = (m << 32n) + BigInt(this.limbs[base + k]!)
    return m === 0n ? DYADIC_ZERO : dyadic(m, -1074)
  }

  /** Sum `i` rounded once to the nearest float64 (ties to even; ±Infinity past the range). */
  value(i: number): number {
    return dyadicToNumber(this.dyadic(i))
  }

  /** Whether sum `i` is exactly 0. */
  isZero(i: number): boolean {
    this.checkIndex(i)
    this.normalize()
    for (let k = 0; k < LIMBS; k++) if (this.limbs[i * LIMBS + k] !== 0) return false
    return true
  }

  /** Sets sum `i` to the exact value d (used when reading a serialized state). */
  set(i: number, d: Dyadic): void {
    this.checkIndex(i)
    this.limbs.fill(0, i * LIMBS, (i + 1) * LIMBS)
    this.addDyadic(i, d)
  }

  /** Every sum as exact text (`dyadicToString`), in bank order: the serialized form. */
  toJSON(): string[] {
    return Array.from({ length: this.size }, (_, i) => dyadicToString(this.dyadic(i)))
  }

  /**
   * A bank from `toJSON`'s texts.
   * @throws RangeError naming `what` on a text that is not an exact sum, or a wrong count.
   */
  static fromJSON(texts: unknown, what: string, size?: number): ExactSums {
    if (!Array.isArray(texts)) throw new RangeError(`${what}: expected a list of exact sums`)
    if (size !== undefined && texts.length !== size)
      throw new RangeError(`${what}: ${texts.length} exact sums, expected ${size}`)
    const out = new ExactSums(texts.length)
    texts.forEach((t, i) => {
      const d = dyadicParse(t, `${what}[${i}]`)
      if (d.e < -1074 || d.e + bitLength(d.m) > 1100)
        throw new RangeError(`${what}[${i}]: ${String(t)} is outside the range of a sum`)
      out.set(i, d)
    })
    return out
  }

  private checkIndex(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.size))
      throw new RangeError(`exact sums: sum ${i} is outside 0..${this.size - 1}`)
  }
}
