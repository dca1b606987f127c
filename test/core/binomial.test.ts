import { describe, expect, it } from 'vitest'
import { binomialDraw, logFactorial, multinomialDraw } from '../../src/core/binomial.ts'
import { rngFromSeed } from '../../src/core/random.ts'

/** Binomial pmf by the product formula in log space (independent of the code under test). */
function pmf(n: number, p: number, k: number): number {
  let s = 0
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i)
  return Math.exp(s + k * Math.log(p) + (n - k) * Math.log(1 - p))
}

describe('logFactorial', () => {
  it('equals the sum of logs, below and above the table', () => {
    let s = 0
    for (let k = 1; k <= 3000; k++) {
      s += Math.log(k)
      expect(Math.abs(logFactorial(k) - s)).toBeLessThan(1e-13 * Math.max(1, s))
    }
    expect(logFactorial(0)).toBe(0)
  })
})

describe('binomialDraw', () => {
  it('follows the binomial distribution exactly on small n (chi-square, both halves of p)', () => {
    for (const [n, p] of [
      [10, 0.3],
      [40, 0.83],
      [7, 0.5],
    ] as const) {
      const rng = rngFromSeed(11)
      const draws = 40_000
      const seen = new Float64Array(n + 1)
      for (let d = 0; d < draws; d++) seen[binomialDraw(rng, n, p)]!++
      let chi2 = 0
      let cells = 0
      for (let k = 0; k <= n; k++) {
        const e = draws * pmf(n, p, k)
        if (e < 5) continue
        chi2 += (seen[k]! - e) ** 2 / e
        cells++
      }
      // 99.9% quantile of chi-square with ≤ 40 degrees of freedom is below 74.
      expect(chi2, `n ${n} p ${p}`).toBeLessThan(74)
      expect(cells).toBeGreaterThan(4)
    }
  })

  it('has the binomial mean and variance at a million trials', () => {
    const rng = rngFromSeed(5)
    const n = 1_000_000
    const p = 0.3
    const xs = Float64Array.from({ length: 3000 }, () => binomialDraw(rng, n, p))
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / xs.length))
    expect(v / (n * p * (1 - p))).toBeGreaterThan(0.9)
    expect(v / (n * p * (1 - p))).toBeLessThan(1.1)
  })

  it('handles the edges and is deterministic for a seed', () => {
    const rng = rngFromSeed(1)
    expect(binomialDraw(rng, 0, 0.4)).toBe(0)
    expect(binomialDraw(rng, 9, 0)).toBe(0)
    expect(binomialDraw(rng, 9, 1)).toBe(9)
    expect(binomialDraw(rngFromSeed(3), 1000, 1e-9)).toBe(0)
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          binomialDraw(r, 500, 0.2)
      )(rngFromSeed(9)),
    )
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          binomialDraw(r, 500, 0.2)
      )(rngFromSeed(9)),
    )
    expect(a).toEqual(b)
    expect(() => binomialDraw(rng, -1, 0.5)).toThrow(RangeError)
    expect(() => binomialDraw(rng, 2.5, 0.5)).toThrow(RangeError)
    expect(() => binomialDraw(rng, 3, 1.5)).toThrow(RangeError)
    expect(() => binomialDraw(rng, 3, NaN)).toThrow(RangeError)
  })
})

describe('multinomialDraw', () => {
  it('sums to n, keeps empty cells empty and matches the shares on average', () => {
    const rng = rngFromSeed(2)
    const w = Float64Array.of(0, 600, 300, 0, 100)
    const out = new Float64Array(5)
    const sum = new Float64Array(5)
    const reps = 2000
    for (let r = 0; r < reps; r++) {
      multinomialDraw(rng, 1000, w, out)
      expect(out.reduce((a, b) => a + b, 0)).toBe(1000)
      expect(out[0]).toBe(0)
      expect(out[3]).toBe(0)
      for (let k = 0; k < 5; k++) sum[k]! += out[k]!
    }
    expect(sum[1]! / reps / 1000).toBeCloseTo(0.6, 2)
    expect(sum[2]! / reps / 1000).toBeCloseTo(0.3, 2)
    expect(sum[4]! / reps / 1000).toBeCloseTo(0.1, 2)
  })

  it('rejects bad weights', () => {
    const rng = rngFromSeed(1)
    expect(() => multinomialDraw(rng, 3, [0, 0], new Float64Array(2))).toThrow(/sum to 0/)
    expect(() => multinomialDraw(rng, 3, [1, -1], new Float64Array(2))).toThrow(RangeError)
    expect(() => multinomialDraw(rng, 3, [1, 1], new Float64Array(1))).toThrow(/too short/)
    expect(Array.from(multinomialDraw(rng, 0, [0, 0], new Float64Array(2)))).toEqual([0, 0])
  })
})
