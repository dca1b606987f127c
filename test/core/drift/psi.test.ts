import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  PSI_EPS,
  psiBinCounts,
  psiCategorical,
  psiEdges,
  psiFromCounts,
  psiNumeric,
} from '../../../src/core/drift/psi.ts'
import { quantileLinear } from '../../../src/core/drift/special.ts'

const oneToTen = Array.from({ length: 10 }, (_, i) => i + 1)
/** repr(np.percentile(np.arange(1, 11), [10, 20, …, 90]).tolist()), numpy 2.4. */
const DECILES = [1.9, 2.8, 3.6999999999999997, 4.6, 5.5, 6.3999999999999995, 7.3, 8.2, 9.1]

describe('quantileLinear', () => {
  it("follows numpy's 'linear' rule to the last bit", () => {
    const s = Float64Array.from(oneToTen)
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => quantileLinear(s, k / 10))).toEqual(DECILES)
    expect(quantileLinear(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5)
    expect(quantileLinear(Float64Array.of(7), 0.9)).toBe(7)
    expect(quantileLinear(Float64Array.of(0, 10), 1)).toBe(10)
    expect(quantileLinear(new Float64Array(0), 0.5)).toBeNaN()
  })
})

describe('psiEdges', () => {
  it('keeps the distinct deciles only', () => {
    expect(psiEdges(oneToTen)).toEqual(DECILES)
    // 85 zeros and 1..15: the deciles 10%..80% are all 0 and collapse into one edge; the 90th
    // percentile is at h = 99·0.9 = 89.1, between 5 and 6.
    const mostlyZero = [
      ...new Array<number>(85).fill(0),
      ...Array.from({ length: 15 }, (_, i) => i + 1),
    ]
    const edges = psiEdges(mostlyZero)
    expect(edges).toHaveLength(2)
    expect(edges[0]).toBe(0)
    expect(edges[1]).toBeCloseTo(5.1, 12)
    expect(psiEdges([5, 5, 5])).toEqual([5])
  })
})

describe('psiBinCounts', () => {
  it('puts a value equal to an edge in the bin below it: (e_{i−1}, e_i]', () => {
    expect(psiBinCounts([1, 2, 2.0001, 3, -Infinity, Infinity], [2, 3])).toEqual([3, 2, 1])
  })
})

describe('psiNumeric', () => {
  it('matches a hand computation with ε = 1e-4 smoothing', () => {
    // Reference 1..10: one value per decile bin (share 0.1 each). Current: five 1s and five
    // 10s → shares 0.5 in the first and the last bin, 0 in the eight others.
    const cur = [1, 1, 1, 1, 1, 10, 10, 10, 10, 10]
    const e = PSI_EPS
    const hand =
      2 * (0.5 + e - (0.1 + e)) * Math.log((0.5 + e) / (0.1 + e)) +
      8 * (e - (0.1 + e)) * Math.log(e / (0.1 + e))
    const r = psiNumeric(oneToTen, cur)
    expect(r.psi).toBeCloseTo(hand, 12)
    expect(r.psi).toBeCloseTo(6.8139, 4)
    expect(r.refShares).toEqual(new Array(10).fill(0.1))
    expect(r.curShares).toEqual([0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0.5])
    expect(r.labels[0]).toBe('≤ 1.9')
    expect(r.labels[9]).toBe('> 9.1')
    expect(r.terms.reduce((a, b) => a + b, 0)).toBeCloseTo(r.psi, 12)
  })

  it('is 0 for identical samples and symmetric in the shares', () => {
    expect(psiNumeric(oneToTen, oneToTen).psi).toBe(0)
    fc.assert(
      fc.property(
        fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }),
        fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }),
        (a, b) => {
          fc.pre(a.some((v) => v > 0) && b.some((v) => v > 0))
          const ab = psiFromCounts(a, b).psi
          expect(ab).toBeGreaterThanOrEqual(0)
          expect(psiFromCounts(b, a).psi).toBeCloseTo(ab, 12)
        },
      ),
    )
  })

  it('rejects an empty side and NaN', () => {
    expect(() => psiNumeric([], [1])).toThrow(RangeError)
    expect(() => psiNumeric([1, 2], [NaN])).toThrow(/NaN/)
    expect(() => psiFromCounts([1, 2], [1])).toThrow(RangeError)
  })
})

describe('psiCategorical', () => {
  it('bins the reference categories plus "unseen" and lists new categories', () => {
    const ref = ['a', 'a', 'b', 'b']
    const cur = ['a', 'c', 'c', 'd']
    const r = psiCategorical(ref, cur, ['b', 'a', 'zz'])
    expect(r.labels).toEqual(['b', 'a', 'unseen'])
    expect(r.refCounts).toEqual([2, 2, 0])
    expect(r.curCounts).toEqual([0, 1, 3])
    expect(r.newCategories).toEqual(['c', 'd'])
    const e = PSI_EPS
    const hand =
      (e - 0.5 - e) * Math.log(e / (0.5 + e)) +
      (0.25 + e - 0.5 - e) * Math.log((0.25 + e) / (0.5 + e)) +
      (0.75 + e - e) * Math.log((0.75 + e) / e)
    expect(r.psi).toBeCloseTo(hand, 12)
  })

  it('accepts value → count maps and is 0 for equal shares', () => {
    const r = psiCategorical(
      new Map([
        ['x', 10],
        ['y', 30],
      ]),
      new Map([
        ['y', 3],
        ['x', 1],
        ['w', 0],
      ]),
    )
    expect(r.psi).toBeCloseTo(0, 12)
    expect(r.newCategories).toEqual([])
    expect(r.labels).toEqual(['x', 'y', 'unseen'])
  })
})
