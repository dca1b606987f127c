import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  attributionAgreement,
  featuresByMagnitude,
  rankAverage,
  spearman,
  topFeatureAgreement,
  topKOverlap,
} from '../../../src/core/views/rank.ts'

describe('rankAverage', () => {
  it('gives tied values their mean rank', () => {
    expect([...rankAverage([10, 20, 10])]).toEqual([1.5, 3, 1.5])
    expect([...rankAverage([5, 5, 5, 1])]).toEqual([3, 3, 3, 1])
    expect(rankAverage([])).toHaveLength(0)
  })
})

describe('spearman', () => {
  it('matches hand-computed and scipy values', () => {
    expect(spearman([1, 2, 3], [10, 30, 20])).toBeCloseTo(0.5, 15)
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1)
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBe(1)
    // scipy.stats.spearmanr, ties included.
    expect(spearman([1, 2, 2, 3, 5, 5, 5], [2, 1, 4, 4, 3, 6, 6])).toBeCloseTo(
      0.6764666413954515,
      14,
    )
    expect(spearman([3, 1, 4, 1, 5], [9, 2, 6, 5, 3])).toBeCloseTo(0.20519567041703085, 14)
  })

  it('is null when undefined and rejects bad input', () => {
    expect(spearman([], [])).toBeNull()
    expect(spearman([1], [2])).toBeNull()
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull()
    expect(() => spearman([1, 2], [1])).toThrow(RangeError)
    expect(() => spearman([1, NaN], [1, 2])).toThrow(RangeError)
  })

  it('is symmetric, in [−1, 1], and invariant to increasing transforms', () => {
    const pairs = fc
      .array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })), {
        minLength: 2,
        maxLength: 30,
      })
      .map((r) => [r.map(([a]) => a), r.map(([, b]) => b)] as const)
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const r = spearman(a, b)
        expect(spearman(b, a)).toBe(r)
        if (r === null) return
        expect(Math.abs(r)).toBeLessThanOrEqual(1)
        expect(
          spearman(
            a.map((v) => Math.exp(v)),
            b,
          ),
        ).toBeCloseTo(r, 12)
        expect(
          spearman(
            a.map((v) => -v),
            b,
          ),
        ).toBeCloseTo(-r, 12)
      }),
    )
  })
})

describe('topKOverlap', () => {
  it('compares the top k features by |value|', () => {
    expect(topKOverlap({ a: 3, b: -2, c: 0.1 }, { a: 1, b: 0, c: 2 }, 2)).toBe(0.5)
    expect(topKOverlap({ a: 3, b: -2, c: 0.1 }, { a: -1, b: 5, c: 0 }, 2)).toBe(1)
    expect(topKOverlap({ a: 1, b: 2 }, { a: 1, b: 2 }, 10)).toBe(1)
    expect(topKOverlap({}, { a: 1 }, 1)).toBeNull()
    expect(() => topKOverlap({ a: 1 }, { a: 1 }, 0)).toThrow(RangeError)
  })

  it('breaks magnitude ties by name', () => {
    expect(featuresByMagnitude({ b: 1, a: -1, c: 2 })).toEqual(['c', 'a', 'b'])
  })
})

describe('topFeatureAgreement', () => {
  it('flags a disagreement on the most important feature', () => {
    expect(topFeatureAgreement({ age: 0.2, sex: -0.3 }, { age: 0.4, sex: 0.1 })).toEqual({
      a: 'sex',
      b: 'age',
      agree: false,
    })
    expect(topFeatureAgreement({ age: -0.5, sex: 0.1 }, { age: 0.4, sex: 0.1 }).agree).toBe(true)
    expect(topFeatureAgreement({}, {})).toEqual({ a: null, b: null, agree: false })
  })
})

describe('attributionAgreement', () => {
  it('summarises SHAP against IG on the shared features', () => {
    const shap = { age: 0.3, education: 0.2, hours: -0.1, sex: 0.05 }
    const ig = { age: 0.25, education: 0.22, hours: 0.12, sex: 0.01, extra: 9 }
    const r = attributionAgreement(shap, ig, 2)
    expect(r.spearman).toBeCloseTo(spearman([0.3, 0.2, -0.1, 0.05], [0.25, 0.22, 0.12, 0.01])!, 15)
    expect(r.spearmanAbs).toBe(1)
    expect(r.k).toBe(2)
    expect(r.topKOverlap).toBe(0.5)
    expect(r.top).toEqual({ a: 'age', b: 'extra', agree: false })
  })
})
