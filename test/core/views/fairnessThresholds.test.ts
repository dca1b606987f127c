import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import {
  fairnessAtThresholds,
  fairnessIndex,
  fairnessIndexAt,
  thresholdsDemographicParity,
  thresholdsEqualOpportunity,
  thresholdsFromIndex,
} from '../../../src/core/views/fairnessThresholds.ts'
import { groupedRows } from './arbitraries.ts'
import { columnTexts, labels, predictions } from './goldenFixture.ts'

const sex = columnTexts('sex')
const race = columnTexts('race')

/** Random small data sets with ties, a group per row, and per-group thresholds. */
const grouped = groupedRows(['a', 'b', 'c', 'd'], 0, 80)

describe('fairnessIndexAt', () => {
  it('equals fairnessByGroup on the golden data at random thresholds', () => {
    const indexes = [sex, race].map((g) => [g, fairnessIndex(predictions, labels, g)] as const)
    fc.assert(
      fc.property(fc.double({ min: -0.1, max: 1.1, noNaN: true }), (t) => {
        for (const [groups, index] of indexes) {
          expect(fairnessIndexAt(index, t)).toEqual(fairnessByGroup(predictions, labels, groups, t))
        }
      }),
      { numRuns: 200 },
    )
    // Thresholds exactly at a prediction: the row counts as positive (p ≥ t).
    for (const t of [predictions[0]!, predictions[17]!, 0.5]) {
      const [groups, index] = indexes[1]!
      expect(fairnessIndexAt(index, t)).toEqual(fairnessByGroup(predictions, labels, groups, t))
    }
  })

  it('equals fairnessByGroup and fairnessAtThresholds on random data, with per-group thresholds', () => {
    fc.assert(
      fc.property(
        grouped,
        fc.integer({ min: -1, max: 21 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'x'), fc.integer({ min: 0, max: 21 })),
        ({ p, y, g }, k, per) => {
          const index = fairnessIndex(p, y, g)
          const t = k / 20
          expect(fairnessIndexAt(index, t)).toEqual(fairnessByGroup(p, y, g, t))
          const thresholds = Object.fromEntries(Object.entries(per).map(([n, v]) => [n, v / 20]))
          const direct = fairnessAtThresholds(p, y, g, thresholds, t)
          const { accuracy, ...fair } = direct
          expect(fairnessIndexAt(index, t, thresholds)).toEqual(fair)
          expect(accuracy).toBe(direct.overall.accuracy)
          // Per-group rates equal the single-threshold rates of that group alone.
          for (const [name, grp] of Object.entries(direct.groups)) {
            const tt = Object.hasOwn(thresholds, name) ? thresholds[name]! : t
            expect(grp).toEqual(fairnessByGroup(p, y, g, tt).groups[name])
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  // How long a threshold move takes (at 2,000 and 100,000 rows) is a bench figure:
  // bench/responsiveness.ts, core.fairnessIndexAt.*.

  it('rejects a NaN threshold', () => {
    const index = fairnessIndex(Float64Array.of(0.5), Uint8Array.of(1), ['a'])
    expect(() => fairnessIndexAt(index, NaN)).toThrow(RangeError)
    expect(() => fairnessIndexAt(index, 0.5, { a: NaN })).toThrow(RangeError)
  })
})

describe('thresholdsEqualOpportunity', () => {
  for (const [attribute, groups] of [
    ['sex', sex],
    ['race', race],
  ] as const) {
    it(`shrinks the TPR spread for ${attribute} and reports the accuracy it costs`, () => {
      const before = fairnessByGroup(predictions, labels, groups, 0.5)
      const r = thresholdsEqualOpportunity(predictions, labels, groups, { threshold: 0.5 })
      expect(r.criterion).toBe('equalOpportunity')
      expect(r.target).toBe(before.overall.tpr)
      expect(r.fairness.equalOpportunityDifference!).toBeLessThan(
        before.equalOpportunityDifference!,
      )
      const direct = fairnessAtThresholds(predictions, labels, groups, r.thresholds, 0.5)
      expect(r.accuracy).toBe(direct.accuracy)
      expect(r.baselineAccuracy).toBe(before.overall.accuracy)
      expect(r.accuracyChange).toBeCloseTo(direct.accuracy! - before.overall.accuracy!, 15)
      for (const [name, g] of Object.entries(direct.groups)) expect(r.rates[name]).toBe(g.tpr)
    })
  }

  it('picks, per group, the candidate threshold whose TPR is closest to the target', () => {
    fc.assert(
      fc.property(grouped, fc.double({ min: 0, max: 1, noNaN: true }), ({ p, y, g }, target) => {
        const r = thresholdsEqualOpportunity(p, y, g, { target })
        const f = fairnessByGroup(p, y, g, 0.5)
        for (const name of Object.keys(f.groups)) {
          const rows = g.flatMap((v, i) => (v === name ? [i] : []))
          const pos = rows.filter((i) => y[i])
          if (pos.length === 0) {
            expect(r.thresholds[name]).toBe(0.5)
            continue
          }
          const tprAt = (t: number) => pos.filter((i) => p[i]! >= t).length / pos.length
          const best = Math.min(
            Math.abs(tprAt(Infinity) - target),
            ...rows.map((i) => Math.abs(tprAt(p[i]!) - target)),
          )
          expect(Math.abs(tprAt(r.thresholds[name]!) - target)).toBeCloseTo(best, 12)
          expect(r.rates[name]).toBe(tprAt(r.thresholds[name]!))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('keeps the single threshold when the target is undefined', () => {
    const r = thresholdsEqualOpportunity(Float64Array.of(0.3, 0.7), Uint8Array.of(0, 0), ['a', 'b'])
    expect(r.target).toBeNull()
    expect(r.thresholds).toEqual({ a: 0.5, b: 0.5 })
    expect(r.accuracyChange).toBe(0)
  })
})

describe('thresholdsDemographicParity', () => {
  for (const [attribute, groups] of [
    ['sex', sex],
    ['race', race],
  ] as const) {
    it(`shrinks the selection-rate spread for ${attribute}`, () => {
      const before = fairnessByGroup(predictions, labels, groups, 0.5)
      const r = thresholdsDemographicParity(predictions, labels, groups)
      expect(r.target).toBe(before.overall.selectionRate)
      expect(r.fairness.demographicParityDifference!).toBeLessThan(
        before.demographicParityDifference! / 5,
      )
      const direct = fairnessAtThresholds(predictions, labels, groups, r.thresholds)
      for (const [name, g] of Object.entries(direct.groups)) {
        expect(r.rates[name]).toBe(g.selectionRate)
        expect(Math.abs(g.selectionRate! - r.target!)).toBeLessThanOrEqual(1 / g.count)
      }
      expect(r.accuracyChange).toBeCloseTo(direct.accuracy! - before.overall.accuracy!, 15)
    })
  }

  it('reaches an explicit target and selects nobody for target 0', () => {
    const index = fairnessIndex(predictions, labels, sex)
    const r = thresholdsFromIndex(index, 'demographicParity', { target: 0 })
    expect(r.thresholds).toEqual({ Female: Infinity, Male: Infinity })
    expect(r.fairness.overall.selectionRate).toBe(0)
    const half = thresholdsFromIndex(index, 'demographicParity', { target: 0.5 })
    for (const g of Object.values(half.fairness.groups)) {
      expect(Math.abs(g.selectionRate! - 0.5)).toBeLessThanOrEqual(1 / g.count)
    }
  })

  it('rejects a NaN target', () => {
    expect(() =>
      thresholdsDemographicParity(Float64Array.of(0.5), Uint8Array.of(1), ['a'], { target: NaN }),
    ).toThrow(RangeError)
  })
})
