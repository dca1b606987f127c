import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { calibration } from '../../../src/core/calibration.ts'
import { fairnessByGroup, fairnessSummary } from '../../../src/core/fairness.ts'
import { rocAuc } from '../../../src/core/metrics.ts'
import { parseCsvText } from '../../../src/core/csv.ts'
import {
  INTERSECTION_SEPARATOR,
  columnGroups,
  disparitySummary,
  fairnessTable,
  groupKeys,
  intersectionGroups,
} from '../../../src/core/views/fairnessView.ts'
import { groupedRows } from './arbitraries.ts'
import { columnTexts, labels, predictions, ref, table } from './goldenFixture.ts'

const rateKeys = ['count', 'selectionRate', 'tpr', 'fpr', 'precision', 'accuracy'] as const
const summaryKeys = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
] as const

function subset(groups: string[], name: string) {
  const idx = groups.flatMap((v, i) => (v === name ? [i] : []))
  return {
    p: Float32Array.from(idx, (i) => predictions[i]!),
    y: Uint8Array.from(idx, (i) => labels[i]!),
  }
}

describe('fairnessTable', () => {
  for (const attribute of ['sex', 'race']) {
    it(`matches the golden rates for ${attribute} within 1e-6`, () => {
      const want = ref.fairness[attribute]!
      const groups = columnTexts(attribute)
      const t = fairnessTable(predictions, labels, groups, 0.5)
      expect(Object.keys(t.groups)).toEqual(Object.keys(want.groups))
      for (const [name, g] of [...Object.entries(t.groups), ['overall', t.overall] as const]) {
        const w = name === 'overall' ? want.overall : want.groups[name]!
        for (const k of rateKeys) {
          expect(Math.abs(g[k]! - w[k]), `${name}.${k}`).toBeLessThan(1e-6)
        }
        expect(g.tp + g.fn).toBe(w.tp + w.fn)
        expect(g.baseRate).toBeCloseTo((w.tp + w.fn) / w.count, 12)
        expect(g.fnr).toBeCloseTo(w.fn / (w.tp + w.fn), 12)
        expect(g.fnr! + g.tpr!).toBeCloseTo(1, 12)
      }
      const s = disparitySummary(t)
      for (const k of summaryKeys) expect(Math.abs(s[k]! - want[k]!), k).toBeLessThan(1e-6)
    })
  }

  it('gives each group the AUC and ECE of its own rows, and the overall ones', () => {
    const groups = columnTexts('race')
    const t = fairnessTable(predictions, labels, groups)
    for (const [name, g] of Object.entries(t.groups)) {
      const { p, y } = subset(groups, name)
      expect(g.auc).toBe(rocAuc(p, y))
      expect(g.ece).toBe(calibration(p, y).ece)
      expect(g.small).toBe(g.count < 30)
    }
    expect(Math.abs(t.overall.auc! - ref.metrics.rocAuc)).toBeLessThan(1e-5)
    expect(Math.abs(t.overall.ece! - ref.calibration.ece)).toBeLessThan(1e-6)
    expect(t.overall.small).toBe(false)
    expect(t.threshold).toBe(0.5)
  })

  it('has null AUC for a one-class group and null rates for empty input', () => {
    const t = fairnessTable(Float64Array.of(0.2, 0.9, 0.6), Uint8Array.of(0, 1, 1), ['a', 'b', 'b'])
    expect(t.groups.a!.auc).toBeNull()
    expect(t.groups.a!.fnr).toBeNull()
    expect(t.groups.b!.auc).toBeNull()
    expect(t.groups.b!.fnr).toBe(0)
    const empty = fairnessTable(new Float64Array(0), new Uint8Array(0), [])
    expect(empty.groups).toEqual({})
    expect(empty.overall).toMatchObject({ count: 0, baseRate: null, auc: null, ece: null })
  })
})

describe('disparitySummary', () => {
  it('flags the four-fifths rule and repeats the numbers without small groups', () => {
    const groups = columnTexts('race')
    const t = fairnessTable(predictions, labels, groups)
    const s = disparitySummary(t)
    expect(s.fourFifthsFlag).toBe(s.demographicParityRatio! < 0.8)
    const small = Object.keys(t.groups).filter((k) => t.groups[k]!.count < 30)
    expect(s.smallGroups).toEqual(small.sort())
    expect(s.withoutSmall).toMatchObject(fairnessSummary(t.groups, { excludeSmall: true }))
    // The golden sex ratio (0.33) fails the rule.
    expect(
      disparitySummary(fairnessTable(predictions, labels, columnTexts('sex'))).fourFifthsFlag,
    ).toBe(true)
  })

  it('flags only ratios below 0.8 and is null when the ratio is', () => {
    const mk = (selectionRate: number | null, count = 100) => ({
      count,
      selectionRate,
      tpr: null,
      fpr: null,
      precision: null,
      accuracy: null,
      tp: 0,
      fp: 0,
      tn: 0,
      fn: 0,
      small: count < 30,
    })
    expect(disparitySummary({ groups: { a: mk(0.4), b: mk(0.5) } }).fourFifthsFlag).toBe(false)
    expect(disparitySummary({ groups: { a: mk(0.39), b: mk(0.5) } }).fourFifthsFlag).toBe(true)
    const s = disparitySummary({ groups: { a: mk(0.1, 5), b: mk(0.5), c: mk(0.45) } })
    expect(s.fourFifthsFlag).toBe(true)
    expect(s.withoutSmall.fourFifthsFlag).toBe(false)
    expect(s.smallGroups).toEqual(['a'])
    expect(disparitySummary({ groups: { a: mk(0), b: mk(0) } }).fourFifthsFlag).toBeNull()
    expect(disparitySummary({ groups: {} }).withoutSmall.fourFifthsFlag).toBeNull()
  })
})

describe('intersectionGroups', () => {
  it('joins the attribute values of every row, one attribute giving the column itself', () => {
    const sex = columnTexts('sex')
    const race = columnTexts('race')
    expect(intersectionGroups(table, ['sex'])).toEqual(sex)
    const both = intersectionGroups(table, ['sex', 'race'])
    expect(both[0]).toBe(`${sex[0]} × ${race[0]}`)
    both.forEach((k, i) => expect(k).toBe(groupKeys([sex, race], i)))
    expect(INTERSECTION_SEPARATOR).toBe(' × ')
  })

  it('gives intersection groups whose counts refine the single attribute', () => {
    const both = intersectionGroups(table, ['sex', 'race'])
    const f = fairnessByGroup(predictions, labels, both)
    const females = Object.entries(f.groups).filter(([k]) => k.startsWith('Female × '))
    expect(females.reduce((s, [, g]) => s + g.count, 0)).toBe(
      ref.fairness.sex!.groups.Female!.count,
    )
    expect(Object.keys(fairnessTable(predictions, labels, both).groups)).toContain('Female × Black')
  })

  it('keeps empty cells as the group "" and rejects unknown or no attributes', () => {
    const t = parseCsvText('a,b\nx,\ny,1\n')
    expect(intersectionGroups(t, ['a', 'b'])).toEqual(['x × ', 'y × 1'])
    expect(() => intersectionGroups(t, ['c'])).toThrow(/no column "c"/)
    expect(() => intersectionGroups(t, [])).toThrow(RangeError)
  })
})

describe('columnGroups', () => {
  const col = (name: string) => table.columns.find((c) => c.name === name)!

  it('equals the joined cell texts for all rows and for a subset of rows', () => {
    const sex = columnTexts('sex')
    const race = columnTexts('race')
    expect(columnGroups([col('sex')])).toEqual(sex)
    const both = columnGroups([col('sex'), col('race')])
    both.forEach((k, i) => expect(k).toBe(groupKeys([sex, race], i)))
    const rows = Int32Array.of(5, 0, 1999, 5)
    expect(columnGroups([col('race'), col('sex')], rows)).toEqual(
      Array.from(rows, (i) => `${race[i]} × ${sex[i]}`),
    )
  })

  it('joins each distinct combination once (the same string for equal groups)', () => {
    const both = columnGroups([col('sex'), col('race')])
    const first = new Map<string, string>()
    for (const g of both) if (!first.has(g)) first.set(g, g)
    expect(both.every((g) => Object.is(first.get(g), g))).toBe(true)
  })

  it('rejects no columns or columns of different lengths', () => {
    expect(() => columnGroups([])).toThrow(RangeError)
    expect(() =>
      columnGroups([
        { codes: Int32Array.of(0), values: ['a'] },
        { codes: Int32Array.of(0, 0), values: ['b'] },
      ]),
    ).toThrow(/differ in length/)
  })
})

describe('fairnessTable properties', () => {
  it('agrees with fairnessByGroup on random data', () => {
    const data = groupedRows(['a', 'b', 'c'])
    fc.assert(
      fc.property(data, fc.integer({ min: 0, max: 20 }), ({ p, y, g }, t) => {
        const f = fairnessByGroup(p, y, g, t / 20)
        const tab = fairnessTable(p, y, g, t / 20)
        for (const [name, row] of Object.entries(tab.groups)) {
          expect(row).toMatchObject(f.groups[name]!)
        }
        // Two groups or more: the core's disparities; one group: nothing to compare (n/a).
        const summary = disparitySummary(tab)
        if (Object.keys(f.groups).length >= 2)
          expect(summary).toMatchObject(fairnessSummary(f.groups))
        else expect(summary.demographicParityDifference).toBeNull()
      }),
      { numRuns: 200 },
    )
  })
})

describe('disparitySummary of one group', () => {
  it('is n/a (null), not a difference of 0 and a ratio of 1', () => {
    const p = Float32Array.of(0.2, 0.7, 0.9)
    const y = Uint8Array.of(0, 1, 1)
    const s = disparitySummary(fairnessTable(p, y, ['F', 'F', 'F']))
    expect(fairnessByGroup(p, y, ['F', 'F', 'F'], 0.5).demographicParityDifference).toBe(0)
    for (const v of [s, s.withoutSmall])
      expect(v).toMatchObject({
        demographicParityDifference: null,
        demographicParityRatio: null,
        equalizedOddsDifference: null,
        equalizedOddsRatio: null,
        equalOpportunityDifference: null,
        fourFifthsFlag: null,
      })
  })
})
