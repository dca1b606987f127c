import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import {
  FAIRNESS_SMALL_GROUP_ROWS,
  type FairnessSummary,
  fairnessByGroup,
  fairnessSummary,
  groupRates,
} from '../../src/core/fairness.ts'
import { confusionAt } from '../../src/core/metrics.ts'

const golden = (name: string) => new URL(`../fixtures/golden/adult/${name}`, import.meta.url)

type RefGroup = Record<
  'count' | 'selectionRate' | 'tpr' | 'fpr' | 'precision' | 'accuracy' | 'tp' | 'fp' | 'tn' | 'fn',
  number
>
type RefAttribute = Record<keyof FairnessSummary, number> & {
  groups: Record<string, RefGroup>
  overall: RefGroup
}
type Reference = { predictions: number[]; fairness: Record<string, RefAttribute> }

const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as Reference
const schema = JSON.parse(readFileSync(golden('schema.json'), 'utf8')) as {
  target: { column: string; positive: string }
  sensitive: string[]
}
const rows = Papa.parse<Record<string, string>>(readFileSync(golden('data.csv'), 'utf8'), {
  header: true,
  skipEmptyLines: true,
}).data
const labels = Uint8Array.from(rows, (r) =>
  r[schema.target.column] === schema.target.positive ? 1 : 0,
)
const predictions = Float32Array.from(ref.predictions)

const summaryKeys = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
] as const
const rateKeys = ['count', 'selectionRate', 'tpr', 'fpr', 'precision', 'accuracy'] as const
const countKeys = ['tp', 'fp', 'tn', 'fn'] as const

function expectRates(got: Record<string, unknown>, want: RefGroup, where: string) {
  for (const k of countKeys) expect(got[k], `${where}.${k}`).toBe(want[k])
  for (const k of rateKeys) {
    expect(Math.abs((got[k] as number) - want[k]), `${where}.${k}`).toBeLessThan(1e-6)
  }
}

/** Random small data sets with a group value per row. */
const groupedSample = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 1 }),
      fc.constantFrom('a', 'b', 'c', 'd'),
    ),
    { minLength: 1, maxLength: 80 },
  )
  .map((r) => ({
    p: Float64Array.from(r, ([k]) => k / 20),
    y: Uint8Array.from(r, ([, b]) => b),
    g: r.map(([, , name]) => name),
  }))

describe('fairnessByGroup', () => {
  for (const attribute of ['sex', 'race']) {
    it(`matches every golden number for ${attribute} with float32 predictions`, () => {
      const want = ref.fairness[attribute]!
      const groups = rows.map((r) => r[attribute]!)
      const f = fairnessByGroup(predictions, labels, groups, 0.5)
      expect(Object.keys(f.groups)).toEqual(Object.keys(want.groups))
      for (const [name, g] of Object.entries(f.groups)) {
        expectRates(g, want.groups[name]!, `${attribute}.${name}`)
        expect(g.small).toBe(g.count < FAIRNESS_SMALL_GROUP_ROWS)
      }
      expectRates(f.overall, want.overall, `${attribute}.overall`)
      for (const k of summaryKeys) {
        expect(Math.abs(f[k]! - want[k]), `${attribute}.${k}`).toBeLessThan(1e-6)
      }
    })
  }

  it('flags the small race groups and can summarize without them', () => {
    const f = fairnessByGroup(
      predictions,
      labels,
      rows.map((r) => r.race!),
    )
    const small = Object.entries(f.groups).filter(([, g]) => g.small)
    expect(small.map(([name]) => name)).toEqual(['Amer-Indian-Eskimo', 'Other'])
    const big = Object.values(f.groups).filter((g) => !g.small)
    const rates = big.map((g) => g.selectionRate!)
    const without = fairnessSummary(f.groups, { excludeSmall: true })
    expect(without.demographicParityDifference).toBeCloseTo(
      Math.max(...rates) - Math.min(...rates),
      12,
    )
    const tprs = big.map((g) => g.tpr!)
    const fprs = big.map((g) => g.fpr!)
    expect(without.equalOpportunityDifference).toBeCloseTo(
      Math.max(...tprs) - Math.min(...tprs),
      12,
    )
    expect(without.equalizedOddsRatio).toBeCloseTo(
      Math.min(Math.min(...tprs) / Math.max(...tprs), Math.min(...fprs) / Math.max(...fprs)),
      12,
    )
    // The real values keep every group.
    const all = fairnessSummary(f.groups)
    for (const k of summaryKeys) expect(all[k]).toBe(f[k])
  })

  it('sorts groups by code unit and keeps awkward names as own keys', () => {
    const names = ['b', 'B', 'é', 'a', 'Z', '__proto__', 'constructor', '']
    const p = Float64Array.from(names, () => 0.7)
    const y = Uint8Array.from(names, () => 1)
    const f = fairnessByGroup(p, y, names)
    expect(Object.keys(f.groups)).toEqual(['', 'B', 'Z', '__proto__', 'a', 'b', 'constructor', 'é'])
    expect(Object.getPrototypeOf(f.groups)).toBe(Object.prototype)
    expect(f.groups['__proto__']!.count).toBe(1)
  })

  it('leaves disparities unchanged when group names are swapped', () => {
    const rename: Record<string, string> = { a: 'c', b: 'd', c: 'a', d: 'b' }
    fc.assert(
      fc.property(groupedSample, ({ p, y, g }) => {
        const f = fairnessByGroup(p, y, g)
        const swapped = fairnessByGroup(
          p,
          y,
          g.map((name) => rename[name]!),
        )
        for (const k of summaryKeys) expect(swapped[k]).toBe(f[k])
        for (const [name, rates] of Object.entries(f.groups)) {
          expect(swapped.groups[rename[name]!]).toEqual(rates)
        }
        expect(swapped.overall).toEqual(f.overall)
      }),
    )
  })

  it('has group counts summing to the overall confusion', () => {
    fc.assert(
      fc.property(groupedSample, fc.constantFrom(0, 0.3, 0.5, 1), ({ p, y, g }, t) => {
        const f = fairnessByGroup(p, y, g, t)
        expect(f.overall).toEqual(groupRates(confusionAt(p, y, t)))
        for (const k of [...countKeys, 'count'] as const) {
          expect(Object.values(f.groups).reduce((s, x) => s + x[k], 0)).toBe(f.overall[k])
        }
        for (const k of summaryKeys) {
          const v = f[k]
          if (v !== null) expect(Number.isNaN(v)).toBe(false)
        }
      }),
    )
  })

  it('gives null summaries and rates for empty input', () => {
    const f = fairnessByGroup(new Float32Array(0), new Uint8Array(0), [])
    expect(f.groups).toEqual({})
    expect(f.overall.count).toBe(0)
    for (const k of ['selectionRate', 'tpr', 'fpr', 'precision', 'accuracy'] as const) {
      expect(f.overall[k]).toBeNull()
    }
    for (const k of summaryKeys) expect(f[k]).toBeNull()
  })

  it('gives difference 0 and ratio 1 for a single group', () => {
    const f = fairnessByGroup(Float64Array.of(0.9, 0.1, 0.8), Uint8Array.of(1, 0, 0), [
      'x',
      'x',
      'x',
    ])
    expect(f.demographicParityDifference).toBe(0)
    expect(f.demographicParityRatio).toBe(1)
    expect(f.equalizedOddsDifference).toBe(0)
    expect(f.equalizedOddsRatio).toBe(1)
  })

  it('skips null rates in spreads and gives a null ratio when the max is 0', () => {
    // Group b has no positive label: its tpr is null and leaves the tpr spread to a and c.
    const p = Float64Array.of(0.9, 0.2, 0.9, 0.1, 0.1, 0.1, 0.2)
    const y = Uint8Array.of(1, 1, 0, 0, 1, 0, 0)
    const g = ['a', 'a', 'a', 'b', 'c', 'c', 'c']
    const f = fairnessByGroup(p, y, g)
    expect(f.groups.b!.tpr).toBeNull()
    expect(f.groups.b!.precision).toBeNull()
    expect(f.equalOpportunityDifference).toBe(0.5)
    expect(f.equalizedOddsDifference).toBe(1)
    expect(f.equalizedOddsRatio).toBe(0)
    // Nobody selected: every selection rate is 0, so the ratio is undefined.
    const none = fairnessByGroup(Float64Array.of(0.1, 0.2), Uint8Array.of(1, 0), ['a', 'b'])
    expect(none.demographicParityDifference).toBe(0)
    expect(none.demographicParityRatio).toBeNull()
    // No negative label anywhere: the fpr component is null, equalized odds uses the tpr.
    const allPos = fairnessByGroup(Float64Array.of(0.9, 0.1, 0.9), Uint8Array.of(1, 1, 1), [
      'a',
      'a',
      'b',
    ])
    expect(allPos.equalizedOddsDifference).toBe(0.5)
    expect(allPos.equalizedOddsRatio).toBe(0.5)
  })

  it('gives all-null summaries without small groups when every group is small', () => {
    const f = fairnessByGroup(Float64Array.of(0.9, 0.1), Uint8Array.of(1, 0), ['a', 'b'])
    expect(Object.values(f.groups).every((x) => x.small)).toBe(true)
    expect(f.demographicParityDifference).toBe(1)
    const without = fairnessSummary(f.groups, { excludeSmall: true })
    for (const k of summaryKeys) expect(without[k]).toBeNull()
  })

  it('rejects mismatched lengths and a NaN threshold', () => {
    expect(() => fairnessByGroup(Float64Array.of(0.1), Uint8Array.of(1), [])).toThrow(RangeError)
    expect(() => fairnessByGroup(Float64Array.of(0.1), Uint8Array.of(1), ['a'], NaN)).toThrow(
      /threshold/,
    )
  })
})
