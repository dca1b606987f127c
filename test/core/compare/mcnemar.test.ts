import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { binomialHalfCdf, mcnemarExact } from '../../../src/core/compare/mcnemar.ts'
import { reference, relClose } from './reference.ts'

/** P(X ≤ k), X ~ Binomial(n, ½), exactly with BigInt binomial coefficients (small n only). */
function exactCdf(k: number, n: number): number {
  let c = 1n
  let sum = 0n
  for (let i = 0; i <= k; i++) {
    sum += c
    c = (c * BigInt(n - i)) / BigInt(i + 1)
  }
  // sum / 2^n as a double: the top 64 bits of sum (correctly rounded), times a power of two.
  const s = Math.max(0, sum.toString(2).length - 64)
  return Number(sum >> BigInt(s)) * 2 ** (s - n)
}

describe('mcnemarExact', () => {
  it('equals the exact binomial sum of the reference script, up to a million discordant rows', () => {
    expect(reference.mcnemar.length).toBeGreaterThan(20)
    for (const { b, c, pValue } of reference.mcnemar) {
      const p = mcnemarExact(b, c)
      expect(relClose(p, pValue, 1e-12), `b=${b} c=${c}: ${p} vs ${pValue}`).toBe(true)
    }
  })

  it('is closer to the exact value than scipy.stats.binomtest at large n', () => {
    const big = reference.mcnemar.filter((r) => r.b + r.c >= 100_000 && r.pValue > 0)
    expect(big.length).toBeGreaterThan(2)
    for (const { b, c, pValue, pValueScipy } of big) {
      const ours = Math.abs(mcnemarExact(b, c) - pValue)
      expect(ours).toBeLessThanOrEqual(Math.abs(pValueScipy - pValue) + 1e-16 * pValue)
    }
  })

  it('follows the contract on small counts (hand-computed)', () => {
    expect(mcnemarExact(0, 0)).toBe(1)
    expect(mcnemarExact(3, 3)).toBe(1)
    expect(mcnemarExact(0, 5)).toBe(0.0625) // 2 / 32
    expect(mcnemarExact(2, 8)).toBeCloseTo(0.109375, 15) // 2 · (1 + 10 + 45) / 1024
    expect(mcnemarExact(1, 0)).toBe(1) // min(1, 2 · ½)
  })

  it('is symmetric in b and c and never exceeds 1', () => {
    fc.assert(
      fc.property(fc.nat(3000), fc.nat(3000), (b, c) => {
        const p = mcnemarExact(b, c)
        return p === mcnemarExact(c, b) && p >= 0 && p <= 1
      }),
    )
  })

  it('rejects counts that are not non-negative integers', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(/non-negative integers/)
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError)
    expect(() => mcnemarExact(Number.NaN, 2)).toThrow(RangeError)
  })
})

describe('binomialHalfCdf', () => {
  it('equals the exact BigInt sum for every k of n ≤ 200', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, u) => {
          const k = Math.min(n, Math.floor(u * (n + 1)))
          return relClose(binomialHalfCdf(k, n), exactCdf(k, n), 1e-13)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('is 0 below the support and 1 at its top', () => {
    expect(binomialHalfCdf(-1, 10)).toBe(0)
    expect(binomialHalfCdf(10, 10)).toBe(1)
    expect(binomialHalfCdf(0, 3)).toBe(0.125)
    expect(() => binomialHalfCdf(1, 2.5)).toThrow(RangeError)
  })
})
