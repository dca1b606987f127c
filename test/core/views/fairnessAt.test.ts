import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Grouping,
  fairnessAccuracyEffect,
  fairnessAt,
  fairnessBootstrapKey,
  fairnessBootstrapTasks,
  fairnessEffectiveAttrs,
  fairnessGroupingsReady,
  fairnessHelpers,
  fairnessPlan,
  fairnessWantedGroupings,
  groupingKey,
} from '../../../src/core/views/fairnessAt.ts'
import { fairnessIndex } from '../../../src/core/views/fairnessThresholds.ts'
import { fairnessTable } from '../../../src/core/views/fairnessView.ts'
import { groupedRows } from './arbitraries.ts'
import { columnTexts, labels, predictions, ref } from './goldenFixture.ts'

/** A grouping of `groups` as the stats worker builds one. */
function grouping(key: string, p: ArrayLike<number>, y: Uint8Array, groups: string[]): Grouping {
  const scores = Float64Array.from(p)
  const values = [...new Set(groups)]
  return {
    key,
    attrs: [key],
    columns: [{ codes: Int32Array.from(groups, (g) => values.indexOf(g)), values }],
    index: fairnessIndex(scores, y, groups),
    table: fairnessTable(scores, y, groups, 0.5),
  }
}

/** Rates of the rows of `group`, cut at `t` — counted here, row by row. */
function brute(p: ArrayLike<number>, y: Uint8Array, groups: string[], cut: (g: string) => number) {
  const out: Record<string, { tp: number; fp: number; tn: number; fn: number }> = {}
  const all = { tp: 0, fp: 0, tn: 0, fn: 0 }
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!
    const c = (out[g] ??= { tp: 0, fp: 0, tn: 0, fn: 0 })
    const pos = p[i]! >= cut(g)
    const k = pos ? (y[i] ? 'tp' : 'fp') : y[i] ? 'fn' : 'tn'
    c[k]++
    all[k]++
  }
  return { groups: out, all }
}

const rows = groupedRows(['a', 'b', 'c'])

describe('fairnessAt', () => {
  it("equals the group table on the golden data (whose rates are fairlearn's) by sex and race", () => {
    for (const attr of ['sex', 'race']) {
      const groups = columnTexts(attr)
      const g = grouping(attr, predictions, labels, groups)
      for (const t of [0.35, 0.5, 0.62]) {
        const at = fairnessAt(g, t)
        const table = fairnessTable(Float64Array.from(predictions), labels, groups, t)
        expect(Object.keys(at.rows)).toEqual(Object.keys(ref.fairness[attr]!.groups))
        for (const [name, row] of Object.entries(table.groups))
          expect(at.rows[name]).toEqual({ ...row, threshold: t })
      }
    }
  })

  it('equals the group table at any threshold when no group has its own', () => {
    fc.assert(
      fc.property(rows, fc.double({ min: 0, max: 1, noNaN: true }), ({ p, y, g }, t) => {
        const at = fairnessAt(grouping('g', p, y, g), t)
        const table = fairnessTable(p, y, g, t)
        for (const [name, row] of Object.entries(table.groups)) {
          const { threshold, ...rest } = at.rows[name]!
          expect(threshold).toBe(t)
          expect(rest).toEqual(row)
        }
        expect(at.overall).toEqual(table.overall)
      }),
    )
  })

  it('cuts each group at its own threshold where one is given', () => {
    fc.assert(
      fc.property(rows, fc.double({ min: 0, max: 1, noNaN: true }), ({ p, y, g }, t) => {
        const own: Record<string, number> = { a: 0.3, c: 0.8 }
        const at = fairnessAt(grouping('g', p, y, g), t, own)
        const want = brute(p, y, g, (name) => own[name] ?? t)
        for (const [name, c] of Object.entries(want.groups)) {
          expect(at.rows[name]).toMatchObject(c)
          expect(at.rows[name]!.threshold).toBe(own[name] ?? t)
        }
        const n = g.length
        expect(at.overall.accuracy).toBeCloseTo((want.all.tp + want.all.tn) / n, 12)
      }),
    )
  })
})

describe('fairnessAccuracyEffect', () => {
  it('is the accuracy under the per-group thresholds minus the accuracy under one threshold', () => {
    fc.assert(
      fc.property(rows, ({ p, y, g }) => {
        const own = { b: 0.65 }
        const effect = fairnessAccuracyEffect(grouping('g', p, y, g), 0.4, own)
        const acc = (c: { tp: number; tn: number }) => (c.tp + c.tn) / g.length
        const withOwn = acc(brute(p, y, g, (name) => (name === 'b' ? 0.65 : 0.4)).all)
        const without = acc(brute(p, y, g, () => 0.4).all)
        expect(effect.accuracy).toBeCloseTo(withOwn, 12)
        expect(effect.baselineAccuracy).toBeCloseTo(without, 12)
        expect(effect.accuracyChange).toBeCloseTo(withOwn - without, 12)
      }),
    )
  })
})

describe('fairnessHelpers', () => {
  it('gives both helpers at the threshold asked', () => {
    const h = fairnessHelpers(grouping('sex', predictions, labels, columnTexts('sex')), 0.4)
    expect(h.equalOpportunity).toMatchObject({ criterion: 'equalOpportunity', threshold: 0.4 })
    expect(h.demographicParity).toMatchObject({ criterion: 'demographicParity', threshold: 0.4 })
  })
})

describe('fairnessPlan', () => {
  it('keeps the chosen attributes the data has, in schema order, else the first available', () => {
    expect(fairnessEffectiveAttrs(['race', 'sex'], ['sex', 'race'])).toEqual(['sex', 'race'])
    expect(fairnessEffectiveAttrs(['age'], ['sex', 'race'])).toEqual(['sex'])
    expect(fairnessEffectiveAttrs([], [])).toEqual([])
    const plan = fairnessPlan(['sex', 'race', 'age'], (c) => c !== 'age', ['race', 'sex'])
    expect(plan).toEqual({
      available: ['sex', 'race'],
      attrs: ['sex', 'race'],
      key: 'sex × race',
      wanted: [['sex'], ['race'], ['sex', 'race']],
    })
    expect(fairnessWantedGroupings(['sex'], ['sex'])).toEqual([['sex']])
    expect(groupingKey(['sex'])).toBe('sex')
  })

  it('collects the groupings only when every one is there', () => {
    const sex = grouping('sex', predictions, labels, columnTexts('sex'))
    const race = grouping('race', predictions, labels, columnTexts('race'))
    const both: Grouping = { ...sex, key: 'sex × race', attrs: ['sex', 'race'] }
    const have = new Map([
      ['sex', sex],
      ['race', race],
    ])
    const lookup = (k: string) => have.get(k) ?? null
    expect(fairnessGroupingsReady(lookup, ['sex', 'race'], ['sex', 'race'])).toBeNull()
    have.set('sex × race', both)
    expect(fairnessGroupingsReady(lookup, ['sex', 'race'], ['sex', 'race'])).toEqual({
      singles: [sex, race],
      selected: both,
      all: [sex, race, both],
    })
    expect(fairnessGroupingsReady(lookup, ['sex', 'race'], ['race'])).toEqual({
      singles: [sex, race],
      selected: race,
      all: [sex, race],
    })
    expect(fairnessGroupingsReady(lookup, [], [])).toBeNull()
  })
})

describe('fairnessBootstrapTasks', () => {
  it('adds the chosen grouping under its own thresholds when it has some, and keys the lot', () => {
    const sex = grouping('sex', predictions, labels, columnTexts('sex'))
    const ready = { singles: [sex], selected: sex, all: [sex] }
    const plain = fairnessBootstrapTasks(ready, {})
    expect(plain).toEqual([{ key: 'sex', columns: sex.columns }])
    const own = fairnessBootstrapTasks(ready, { Female: 0.3 })
    expect(own[1]).toEqual({
      key: 'sex (per-group thresholds)',
      columns: sex.columns,
      thresholds: { Female: 0.3 },
    })
    expect(fairnessBootstrapKey(4, 0.5, plain)).toBe('4@0.5#sex:{}')
    expect(fairnessBootstrapKey(4, 0.5, own)).toBe(
      '4@0.5#sex:{}|sex (per-group thresholds):{"Female":0.3}',
    )
    expect(fairnessBootstrapKey(5, 0.5, plain)).not.toBe(fairnessBootstrapKey(4, 0.5, plain))
  })
})
