import { describe, expect, it } from 'vitest'
import { chiSquare } from '../../../src/core/drift/chiSquare.ts'
import { kolmogorovSf, smirnovSf } from '../../../src/core/drift/kolmogorov.ts'
import { ksTwoSample, wasserstein1 } from '../../../src/core/drift/ks.ts'
import {
  chiSquareSf,
  gammaQ,
  holm,
  logGamma,
  roundHalfEven,
} from '../../../src/core/drift/special.ts'

describe('ksTwoSample', () => {
  it('matches a hand computation, ties included', () => {
    // a = [1, 2, 2, 3], b = [2, 3, 3, 4, 5]. CDF gaps after each distinct value:
    // 1: 1/4 − 0 = 0.25; 2: 3/4 − 1/5 = 0.55; 3: 1 − 3/5 = 0.4; 4: 0.2; 5: 0 → D = 0.55.
    // Effective n = round(4·5/9 = 2.22) = 2, and D ≥ 0.5 so P(D_2 ≥ D) = 2·P(D_2⁺ ≥ D)
    // = 2·(1 − D)² (only the j = 0 Birnbaum–Tingey term) = 2·0.45² = 0.405.
    const r = ksTwoSample([1, 2, 2, 3], [2, 3, 3, 4, 5])
    expect(r.statistic).toBeCloseTo(0.55, 15)
    expect(r.pValue).toBeCloseTo(0.405, 12)
    // scipy 1.17: ks_2samp([1,2,2,3], [2,3,3,4,5], method='asymp') → (0.55, 0.40499999999999)
  })

  it("matches scipy.stats.ks_2samp(method='asymp')", () => {
    const a = Array.from({ length: 200 }, (_, i) => (i + 1) / 10)
    const b = Array.from({ length: 150 }, (_, i) => (i + 1) / 10 + 1.234)
    const r = ksTwoSample(a, b)
    expect(r.statistic).toBeCloseTo(0.19, 12)
    expect(r.pValue).toBeCloseTo(0.0034189967342880363, 10)
    const c = Array.from({ length: 1000 }, (_, i) => i / 1000)
    const d = Array.from({ length: 800 }, (_, i) => (i / 800) ** 1.1)
    const s = ksTwoSample(c, d)
    expect(s.statistic).toBeCloseTo(0.03625, 12)
    expect(s.pValue).toBeCloseTo(0.5909751143980306, 10)
  })

  it('is D = 1, p = 0 for separated samples and symmetric', () => {
    expect(ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toEqual({ statistic: 1, pValue: 0 })
    const a = [0.3, 1.2, 5, 2.2, 0.1]
    const b = [1, 1.5, 2.5, 9]
    expect(ksTwoSample(a, b)).toEqual(ksTwoSample(b, a))
    expect(ksTwoSample(a, a)).toEqual({ statistic: 0, pValue: 1 })
  })

  it('rejects an empty sample and NaN', () => {
    expect(() => ksTwoSample([], [1])).toThrow(RangeError)
    expect(() => ksTwoSample([1, NaN], [1])).toThrow(/NaN/)
  })
})

describe('kolmogorovSf', () => {
  it('has the closed forms of small samples', () => {
    // n = 1: D₁ = max(U, 1 − U) ≥ d ⇔ U ≤ 1 − d or U ≥ d → 2(1 − d) for d ≥ 1/2.
    expect(kolmogorovSf(1, 0.7)).toBeCloseTo(0.6, 14)
    // Ruben–Gambino: P(D_n ≤ d) = n!/nⁿ (2nd − 1)ⁿ for 1/(2n) ≤ d ≤ 1/n.
    expect(kolmogorovSf(3, 0.3)).toBeCloseTo(1 - (6 / 27) * 0.8 ** 3, 14)
    expect(kolmogorovSf(5, 0.05)).toBe(1)
    expect(kolmogorovSf(5, 1)).toBe(0)
  })

  it('matches scipy.stats.kstwo.sf in every regime', () => {
    // scipy 1.17: kstwo.sf(d, n)
    const cases: [number, number, number][] = [
      [10, 0.3, 0.27053557479999946], // Durbin matrix, n ≤ 140
      [50, 0.15, 0.19026366518248072], // Durbin matrix (Pomeranz in scipy)
      [100, 0.1, 0.2526927570063874],
      [1000, 0.05, 0.013012074781090332], // 2 × Smirnov, n·d² ≥ 2.2
      [3000, 0.02, 0.17889813623188966], // Pelz–Good
    ]
    for (const [n, d, p] of cases) expect(kolmogorovSf(n, d)).toBeCloseTo(p, 10)
  })

  it('decreases in d', () => {
    let prev = 1
    for (let d = 0.001; d < 1; d += 0.013) {
      const p = kolmogorovSf(400, d)
      expect(p).toBeLessThanOrEqual(prev + 1e-12)
      prev = p
    }
  })

  it('rejects a non-integer n', () => {
    expect(() => kolmogorovSf(2.5, 0.1)).toThrow(RangeError)
  })
})

describe('smirnovSf', () => {
  it('is 1 − d for one observation', () => {
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15)
  })
})

describe('wasserstein1', () => {
  it('matches hand computations and the scipy examples', () => {
    // Equal sizes: mean |a₍ᵢ₎ − b₍ᵢ₎| of the sorted samples = (5 + 5 + 5) / 3.
    expect(wasserstein1([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 15)
    // scipy docs: wasserstein_distance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4]) = 2.7
    expect(wasserstein1([3.4, 3.9, 7.5, 7.8], [4.5, 1.4])).toBeCloseTo(2.7, 12)
    // ∫|F_a − F_b|: a = {0, 2}, b = {1}: |1/2 − 0| on [0, 1) + |1/2 − 1| on [1, 2) = 1.
    expect(wasserstein1([0, 2], [1])).toBeCloseTo(1, 15)
  })

  it('is a shift for a shifted copy, 0 for itself, and symmetric', () => {
    const a = [0.3, 1.2, 5, 2.2, 0.1, 0.1]
    expect(
      wasserstein1(
        a,
        a.map((v) => v + 2.5),
      ),
    ).toBeCloseTo(2.5, 12)
    expect(wasserstein1(a, a)).toBe(0)
    expect(wasserstein1(a, [1, 9])).toBeCloseTo(wasserstein1([1, 9], a), 12)
  })
})

describe('chiSquare', () => {
  it('matches a hand-computed 2×2 table (no Yates correction)', () => {
    // Expected 15 everywhere: Σ (±5)²/15 = 4·25/15 = 6.667, dof 1, p = erfc(√(χ²/2)).
    const r = chiSquare([
      [10, 20],
      [20, 10],
    ])
    expect(r.statistic).toBeCloseTo(20 / 3, 12)
    expect(r.dof).toBe(1)
    expect(r.pValue).toBeCloseTo(0.009823274507519235, 12) // scipy chi2_contingency(correction=False)
  })

  it('matches scipy on a 2×3 table and drops empty columns', () => {
    const r = chiSquare([
      [30, 10, 5, 0],
      [20, 25, 15, 0],
    ])
    expect(r.statistic).toBeCloseTo(11.520833333333336, 12)
    expect(r.dof).toBe(2)
    // dof 2: p = e^{−χ²/2} exactly.
    expect(r.pValue).toBeCloseTo(Math.exp(-r.statistic / 2), 14)
    expect(r.pValue).toBeCloseTo(0.0031497989087744247, 14)
  })

  it('has nothing to test with one category', () => {
    expect(chiSquare([[5], [7]])).toEqual({ statistic: 0, dof: 0, pValue: 1 })
    expect(() => chiSquare([[1, 2], [3]])).toThrow(RangeError)
    expect(() => chiSquare([[1, -2]])).toThrow(RangeError)
  })
})

describe('chiSquareSf and gammaQ', () => {
  it('match known values', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 13)
    expect(chiSquareSf(10, 3)).toBeCloseTo(0.01856613546304325, 14)
    expect(chiSquareSf(100, 50)).toBeCloseTo(3.454931382984871e-5, 15)
    expect(chiSquareSf(400, 300) / 9.678621994933555e-5).toBeCloseTo(1, 9)
    expect(chiSquareSf(0.5, 7)).toBeCloseTo(0.9994464813904249, 14)
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 15)
    expect(gammaQ(3, 0)).toBe(1)
  })

  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13)
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 9)
  })
})

describe('holm', () => {
  it('adjusts step-down and keeps the order', () => {
    // sorted: 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
    const adj = holm([0.01, 0.04, 0.03])
    ;[0.03, 0.06, 0.06].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15))
    expect(holm([0.5, null, 0.9])).toEqual([1, null, 1])
    expect(holm([])).toEqual([])
  })
})

describe('roundHalfEven', () => {
  it('rounds like numpy', () => {
    expect([0.5, 1.5, 2.5, 2.2222, -2.5, 3.5].map(roundHalfEven)).toEqual([0, 2, 2, 2, -2, 4])
  })
})
