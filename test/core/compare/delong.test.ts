import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Z_95, delongTest, normalTest, normalTwoSidedP } from '../../../src/core/compare/delong.ts'
import { rocAuc } from '../../../src/core/metrics.ts'
import { caseLabels, reference, relClose } from './reference.ts'

const rows = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: 20 }).map((v) => v / 20), // coarse scores: many ties
    fc.integer({ min: 0, max: 20 }).map((v) => v / 20),
    fc.boolean(),
  ),
  { minLength: 4, maxLength: 80 },
)
const split = (r: [number, number, boolean][]) => ({
  a: Float64Array.from(r, (x) => x[0]),
  b: Float64Array.from(r, (x) => x[1]),
  y: Uint8Array.from(r, (x) => (x[2] ? 1 : 0)),
})

describe('delongTest', () => {
  it('equals the reference Sun & Xu implementation and sklearn AUCs on tied data', () => {
    expect(reference.z95).toBe(Z_95)
    expect(reference.delong.length).toBeGreaterThanOrEqual(5)
    for (const c of reference.delong) {
      const d = delongTest(
        Float64Array.from(c.champion),
        Float64Array.from(c.challenger),
        caseLabels(c),
      )
      expect(d.reason, c.name).toBeNull()
      expect(d.champion!, c.name).toBeCloseTo(c.aucChampion, 12)
      expect(d.challenger!, c.name).toBeCloseTo(c.aucChallenger, 12)
      expect(d.delta!, c.name).toBeCloseTo(c.delta, 12)
      expect(relClose(d.se!, c.se, 1e-9), `${c.name} se ${d.se} vs ${c.se}`).toBe(true)
      expect(relClose(d.pValue!, c.pValue!, 1e-9), `${c.name} p ${d.pValue} vs ${c.pValue}`).toBe(
        true,
      )
      expect(d.ci![0], c.name).toBeCloseTo(c.ci[0], 10)
      expect(d.ci![1], c.name).toBeCloseTo(c.ci[1], 10)
    }
  })

  it('gives se 0, p-value 1 and ci [0, 0] for a model compared with itself', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const { a, y } = split(r)
        const d = delongTest(a, a, y)
        if (d.reason !== null) return d.pValue === null
        return d.delta === 0 && d.se === 0 && d.pValue === 1 && d.ci![0] === 0 && d.ci![1] === 0
      }),
    )
  })

  it('negates delta and keeps se and p when the models swap', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const { a, b, y } = split(r)
        const ab = delongTest(a, b, y)
        const ba = delongTest(b, a, y)
        if (ab.se === null) return ba.se === null
        return (
          ab.delta === -ba.delta! &&
          relClose(ab.se, ba.se!, 1e-12) &&
          relClose(ab.pValue!, ba.pValue!, 1e-9)
        )
      }),
    )
  })

  it('does not change under strictly increasing transforms of either model’s scores', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const { a, b, y } = split(r)
        const d = delongTest(a, b, y)
        const t = delongTest(
          a.map((v) => Math.exp(3 * v)),
          b.map((v) => v * v * v - 2),
          y,
        )
        if (d.se === null) return t.se === null
        return relClose(d.se, t.se!, 1e-9) && Math.abs(d.delta! - t.delta!) < 1e-12
      }),
    )
  })

  it('reports exactly the AUCs of rocAuc (the same exact U, the same rounding)', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const { a, b, y } = split(r)
        const d = delongTest(a, b, y)
        return d.champion === rocAuc(a, y) && d.challenger === rocAuc(b, y)
      }),
    )
    for (const c of reference.delong) {
      const y = caseLabels(c)
      const d = delongTest(Float64Array.from(c.champion), Float64Array.from(c.challenger), y)
      expect(d.champion).toBe(rocAuc(Float64Array.from(c.champion), y))
      expect(d.challenger).toBe(rocAuc(Float64Array.from(c.challenger), y))
    }
  })

  it('says why when a class is missing or has a single row', () => {
    const p = Float64Array.of(0.1, 0.4, 0.8)
    const none = delongTest(p, p, Uint8Array.of(0, 0, 0))
    expect(none).toMatchObject({ champion: null, delta: null, se: null, ci: null, pValue: null })
    expect(none.reason).toMatch(/both classes.*0 positive and 3 negative/)
    const one = delongTest(p, Float64Array.of(0.5, 0.2, 0.3), Uint8Array.of(0, 0, 1))
    expect(one.champion).toBe(1)
    expect(one.challenger).toBe(0.5)
    expect(one.se).toBeNull()
    expect(one.reason).toMatch(/at least 2 positive and 2 negative rows; there are 1 and 2/)
  })

  it('treats a certain difference (zero variance, delta ≠ 0) as p-value 0', () => {
    // The champion separates the classes perfectly, the challenger ties everything.
    const y = Uint8Array.of(1, 1, 0, 0)
    const d = delongTest(Float64Array.of(0.9, 0.8, 0.2, 0.1), new Float64Array(4).fill(0.5), y)
    expect(d).toMatchObject({ champion: 1, challenger: 0.5, delta: -0.5, se: 0, pValue: 0 })
    expect(d.ci).toEqual([-0.5, -0.5])
  })

  it('rejects bad input', () => {
    const p = Float64Array.of(0.1, 0.9)
    expect(() => delongTest(p, Float64Array.of(0.2), Uint8Array.of(0, 1))).toThrow(
      /1 predictions but 2 labels/,
    )
    expect(() => delongTest(p, Float64Array.of(NaN, 1), Uint8Array.of(0, 1))).toThrow(/NaN/)
  })
})

describe('normalTwoSidedP', () => {
  it('matches the normal distribution’s tails', () => {
    expect(normalTwoSidedP(0)).toBe(1)
    expect(normalTwoSidedP(Z_95)).toBeCloseTo(0.05, 7)
    expect(normalTwoSidedP(-Z_95)).toBe(normalTwoSidedP(Z_95))
    // 2·Φ(−1) = erfc(1/√2) = 0.31731050786291415 (scipy.stats.norm.sf(1) · 2)
    expect(relClose(normalTwoSidedP(1), 0.31731050786291415, 1e-13)).toBe(true)
    // 2·Φ(−10) = 1.523970604832094e-23 (scipy)
    expect(relClose(normalTwoSidedP(10), 1.523970604832094e-23, 1e-12)).toBe(true)
    expect(() => normalTwoSidedP(NaN)).toThrow(RangeError)
  })
})

describe('normalTest', () => {
  it('builds the Wald interval and p-value', () => {
    const t = normalTest(0.02, 0.01)
    expect(t.ci[0]).toBeCloseTo(0.02 - Z_95 * 0.01, 15)
    expect(t.ci[1]).toBeCloseTo(0.02 + Z_95 * 0.01, 15)
    expect(t.pValue).toBeCloseTo(normalTwoSidedP(2), 15)
    expect(normalTest(0, 0)).toEqual({ se: 0, ci: [0, 0], pValue: 1 })
  })
})
