import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { calibration } from '../../../src/core/calibration.ts'
import {
  compareSampleRows,
  fairnessWidened,
  meanAbsAttribution,
  quantizationReportEntry,
  variantCompare,
} from '../../../src/core/quantize/compare.ts'
import { matrix } from '../../../src/core/types.ts'

const base = { p: Float64Array.of(0.2, 0.6, 0.7, 0.4) }
const variant = { p: Float64Array.of(0.3, 0.4, 0.75, 0.4) }
const y = Uint8Array.of(0, 1, 1, 0)
const groups = { g: ['a', 'a', 'b', 'b'] }

describe('variantCompare', () => {
  const c = variantCompare(base, variant, y, groups, 0.5)

  it('measures decision agreement and |Δp| (hand-computed)', () => {
    // decisions: base 0 1 1 0, variant 0 0 1 0; |Δp| = 0.1, 0.2, 0.05, 0
    expect(c.n).toBe(4)
    expect(c.agreement).toBe(0.75)
    expect(c.maxAbsDiff).toBeCloseTo(0.2, 15)
    expect(c.meanAbsDiff).toBeCloseTo(0.0875, 15)
  })

  it('scores the variant with the shared metric modules', () => {
    expect(c.accuracy).toBe(0.75)
    expect(c.accuracyDelta).toBe(-0.25)
    expect(c.rocAuc).toBe(0.875) // positives 0.4, 0.75 vs negatives 0.3, 0.4 → 3.5 / 4
    expect(c.rocAucDelta).toBe(-0.125)
    expect(c.ece).toBe(calibration(variant.p, y).ece)
  })

  it('reports each attribute’s disparities and their change from float32', () => {
    // base: a and b both select 1 of 2, tpr 1, fpr 0 → DP 0, EO 0.
    // variant: a selects 0 (tpr 0), b selects 1 of 2 (tpr 1) → DP 0.5, EO 1.
    expect(c.fairness.g).toEqual({
      demographicParityDifference: 0.5,
      equalizedOddsDifference: 1,
      baseDemographicParityDifference: 0,
      baseEqualizedOddsDifference: 0,
      demographicParityDifferenceDelta: 0.5,
      equalizedOddsDifferenceDelta: 1,
      groups: {
        a: {
          selectionRate: 0,
          tpr: 0,
          fpr: 0,
          selectionRateDelta: -0.5,
          tprDelta: -1,
          fprDelta: 0,
        },
        b: { selectionRate: 0.5, tpr: 1, fpr: 0, selectionRateDelta: 0, tprDelta: 0, fprDelta: 0 },
      },
    })
    expect(fairnessWidened(c).map((f) => [f.attribute, f.metric, f.delta])).toEqual([
      ['g', 'demographicParityDifference', 0.5],
      ['g', 'equalizedOddsDifference', 1],
    ])
    expect(fairnessWidened(c, 0.6).map((f) => f.metric)).toEqual(['equalizedOddsDifference'])
    expect(fairnessWidened(variantCompare(base, base, y, groups))).toEqual([])
  })

  it('keeps label-free numbers when the data has no target column', () => {
    const u = variantCompare(base, variant, null, groups)
    expect([u.accuracy, u.rocAuc, u.ece, u.accuracyDelta]).toEqual([null, null, null, null])
    expect(u.fairness.g!.demographicParityDifference).toBe(0.5)
    expect(u.fairness.g!.equalizedOddsDifference).toBeNull()
    expect(u.fairness.g!.groups.a!.tpr).toBeNull()
    expect(u.agreement).toBe(0.75)
  })

  it('compares attributions: rank correlation, top-5 overlap, largest change', () => {
    // mean |φ|: base (6 5 4 3 2 1), variant (5 6 4 3 1 2)
    const phiB = matrix(Float64Array.of(6, 5, 4, 3, 2, 1, -6, -5, -4, -3, -2, -1), 2, 6)
    const phiV = matrix(Float64Array.of(5, 6, 4, 3, 1, 2, -5, -6, -4, -3, -1, -2.5), 2, 6)
    const a = variantCompare({ ...base, phi: phiB }, { ...variant, phi: phiV }, y, {})
    expect(a.top5Overlap).toBe(0.8) // {0,1,2,3,4} vs {1,0,2,3,5}
    expect(a.shapRankCorrelation).toBeCloseTo(1 - (6 * 4) / (6 * 35), 12)
    expect(a.maxRowAbsDeltaPhi).toBe(1.5)
    expect(Array.from(meanAbsAttribution(phiV))).toEqual([5, 6, 4, 3, 1, 2.25])
    expect(c.shapRankCorrelation).toBeNull()
    expect(() =>
      variantCompare(
        { ...base, phi: phiB },
        { ...variant, phi: matrix(new Float64Array(6), 1, 6) },
        y,
        {},
      ),
    ).toThrow(/SHAP values differ in shape/)
  })

  it('rejects mismatched rows', () => {
    expect(() => variantCompare(base, { p: Float64Array.of(1) }, y, {})).toThrow(/variant rows/)
    expect(() => variantCompare(base, variant, Uint8Array.of(1), {})).toThrow(/labels/)
  })

  it('does not depend on the group names (swap symmetry)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.boolean(),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (rows) => {
          const b = { p: Float64Array.from(rows.map((r) => r[0])) }
          const v = { p: Float64Array.from(rows.map((r) => r[1])) }
          const yy = Uint8Array.from(rows.map((r) => (r[2] ? 1 : 0)))
          const g1 = rows.map((r) => (r[3] ? 'x' : 'y'))
          const g2 = rows.map((r) => (r[3] ? 'y' : 'x'))
          const f1 = variantCompare(b, v, yy, { s: g1 }).fairness.s!
          const f2 = variantCompare(b, v, yy, { s: g2 }).fairness.s!
          return (
            f1.demographicParityDifferenceDelta === f2.demographicParityDifferenceDelta &&
            f1.equalizedOddsDifferenceDelta === f2.equalizedOddsDifferenceDelta
          )
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('quantizationReportEntry', () => {
  it('keeps exactly the contract’s fields', () => {
    const e = quantizationReportEntry(variantCompare(base, variant, y, groups), 1617)
    expect(Object.keys(e)).toEqual([
      'bytes',
      'agreement',
      'maxAbsDiff',
      'meanAbsDiff',
      'accuracy',
      'rocAuc',
      'ece',
      'fairness',
      'shapRankCorrelation',
    ])
    expect(e.fairness).toEqual({
      g: { demographicParityDifference: 0.5, equalizedOddsDifference: 1 },
    })
  })
})

describe('compareSampleRows', () => {
  it('draws k distinct sorted rows reproducibly from the seed', () => {
    const a = compareSampleRows(2000, 16, 1)
    expect(a).toEqual(compareSampleRows(2000, 16, 1))
    expect(new Set(a).size).toBe(16)
    expect([...a].sort((x, z) => x - z)).toEqual(a)
    expect(a.every((r) => r >= 0 && r < 2000)).toBe(true)
    expect(compareSampleRows(3, 10, 1)).toEqual([0, 1, 2])
  })
})
