/**
 * Row order by score for any float64 scores in O(n): a stable least-significant-digit radix sort
 * of the scores' IEEE bit patterns (mapped to unsigned keys with the numbers' order) in four 16-bit
 * digits, each pass skipped when every key has the same digit there — float32 model outputs held
 * as float64 have zeros in their low 29 bits, so they take two passes. A million rows sort in tens
 * of milliseconds, where a comparator sort of indices takes a second and per-row binary searches
 * in a sorted copy thrash the cache.
 */

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const word = new Float64Array(1)
const words = new Uint32Array(word.buffer)
const LOW = LITTLE_ENDIAN ? 0 : 1
const HIGH = 1 - LOW

/**
 * Indices 0…n−1 ordered by `values` ascending; equal values keep their index order (stable).
 * −0 sorts as +0. Values must not be NaN (the caller validates).
 * @example scoreOrder(Float64Array.of(0.5, -1, 0.5, 0.2)) // Int32Array [1, 3, 0, 2]
 */
export function scoreOrder(values: ArrayLike<number>): Int32Array {
  const n = values.length
  let hi = new Uint32Array(n)
  let lo = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    word[0] = values[i]! === 0 ? 0 : values[i]!
    const h = words[HIGH]!
    // Negative numbers: all bits flipped; positive: the sign bit set. Unsigned order = numeric.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0
      lo[i] = ~words[LOW]! >>> 0
    } else {
      hi[i] = (h | 0x80000000) >>> 0
      lo[i] = words[LOW]!
    }
  }
  let idx = new Int32Array(n)
  for (let i = 0; i < n; i++) idx[i] = i
  let nextIdx = new Int32Array(n)
  let nextHi = new Uint32Array(n)
  let nextLo = new Uint32Array(n)
  const count = new Int32Array(1 << 16)
  for (const [useHi, shift] of [
    [false, 0],
    [false, 16],
    [true, 0],
    [true, 16],
  ] as const) {
    const keys = useHi ? hi : lo
    count.fill(0)
    for (let k = 0; k < n; k++) count[(keys[k]! >>> shift) & 0xffff]!++
    if (n === 0 || count[(keys[0]! >>> shift) & 0xffff] === n) continue // one digit: nothing moves
    for (let d = 0, sum = 0; d < count.length; d++) {
      const c = count[d]!
      count[d] = sum
      sum += c
    }
    for (let k = 0; k < n; k++) {
      const at = count[(keys[k]! >>> shift) & 0xffff]!++
      nextIdx[at] = idx[k]!
      nextHi[at] = hi[k]!
      nextLo[at] = lo[k]!
    }
    ;[idx, nextIdx] = [nextIdx, idx]
    ;[hi, nextHi] = [nextHi, hi]
    ;[lo, nextLo] = [nextLo, lo]
  }
  return idx
}
