/**
 * Seeded pseudo-random numbers for every stochastic part of the core (Kernel SHAP sampling,
 * K-means++ seeding, counterfactual search). The generator is sfc32 (Chris Doty-Humphrey's
 * "small fast counter", 128-bit state, period ≥ 2^32, passes PractRand) seeded through
 * splitmix32, so nearby seeds give unrelated streams. Same seed → same numbers on every
 * JavaScript engine (only 32-bit integer arithmetic and exact float conversions are used).
 */

/** A seeded generator. Methods advance the state; `clone` snapshots it. */
export type Rng = {
  /** Next raw 32-bit unsigned integer in [0, 2^32). */
  uint32(): number
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number
  /** Uniform integer in [0, n) without modulo bias; n must be a positive integer ≤ 2^53. */
  int(n: number): number
  /** Standard normal N(0, 1) (Box–Muller, one value per call). */
  normal(): number
  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T
  /**
   * `k` distinct integers drawn uniformly from [0, n), in random order.
   * @throws RangeError when k > n or k < 0.
   */
  sampleWithoutReplacement(n: number, k: number): Int32Array
  /** An independent copy of the current state (the copy and the original then agree). */
  clone(): Rng
}

const TWO_32 = 4294967296

/** splitmix32 step, used to expand a seed into sfc32's four state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** Mixes an arbitrary finite number (integer or not, any sign) into a 32-bit seed. */
function seedWord(seed: number): number {
  if (!Number.isFinite(seed))
    throw new RangeError(`the random seed must be a finite number, got ${seed}`)
  const lo = seed | 0
  const hi = Math.floor(seed / TWO_32) | 0
  const frac = Math.floor((seed - Math.floor(seed)) * TWO_32) | 0
  return (lo ^ Math.imul(hi, 0x27d4eb2d) ^ Math.imul(frac, 0x165667b1)) >>> 0
}

function rngFromState(a: number, b: number, c: number, d: number): Rng {
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  const uniform = (): number => {
    const hi = next() >>> 5 // 27 bits
    const lo = next() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }
  const int = (n: number): number => {
    if (!(n >= 1) || !Number.isInteger(n))
      throw new RangeError(`a random integer below n needs n to be a positive integer, got ${n}`)
    if (n <= TWO_32) {
      // Rejection sampling on 32 bits: unbiased.
      const limit = TWO_32 - (TWO_32 % n)
      for (;;) {
        const u = next()
        if (u < limit) return u % n
      }
    }
    return Math.floor(uniform() * n)
  }
  const rng: Rng = {
    uint32: next,
    uniform,
    int,
    normal() {
      let u = 0
      while (u === 0) u = uniform()
      const v = uniform()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = int(i + 1)
        const t = arr[i]
        arr[i] = arr[j]
        arr[j] = t
      }
      return arr
    },
    sampleWithoutReplacement(n, k) {
      if (!Number.isInteger(k) || k < 0 || k > n) {
        throw new RangeError(
          `a sample of k of n without replacement needs whole numbers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`,
        )
      }
      const out = new Int32Array(k)
      if (n <= 4 * k || n <= 64) {
        // Partial Fisher–Yates over an explicit index array.
        const idx = new Int32Array(n)
        for (let i = 0; i < n; i++) idx[i] = i
        for (let i = 0; i < k; i++) {
          const j = i + int(n - i)
          const t = idx[i]!
          idx[i] = idx[j]!
          idx[j] = t
          out[i] = idx[i]!
        }
        return out
      }
      // Sparse variant: a map of the swapped positions (same distribution, O(k) memory).
      const swapped = new Map<number, number>()
      for (let i = 0; i < k; i++) {
        const j = i + int(n - i)
        const vj = swapped.get(j) ?? j
        const vi = swapped.get(i) ?? i
        swapped.set(j, vi)
        out[i] = vj
      }
      return out
    },
    clone() {
      return rngFromState(a, b, c, d)
    },
  }
  return rng
}

/**
 * A generator seeded with `seed` (any finite number; integers are the usual choice).
 * @example
 * const rng = rngFromSeed(1)
 * rng.uniform() // same value on every run
 */
export function rngFromSeed(seed: number): Rng {
  const st = { s: seedWord(seed) }
  const r = rngFromState(splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st))
  for (let i = 0; i < 12; i++) r.uint32() // warm-up, as sfc32's author recommends
  return r
}

/**
 * A child generator whose stream is independent of the parent's later draws: it consumes two
 * words of `parent` to seed itself. Use it to give sub-tasks their own streams.
 */
export function rngSplit(parent: Rng): Rng {
  return rngFromSeed(rngSplitSeed(parent))
}

/**
 * The seed {@link rngSplit} would use: `rngFromSeed(rngSplitSeed(parent))` is the same stream as
 * `rngSplit(parent)`. A number can cross a worker boundary, so helpers can rebuild a child stream.
 */
export function rngSplitSeed(parent: Rng): number {
  const hi = parent.uint32()
  const lo = parent.uint32()
  return hi * TWO_32 + lo
}
