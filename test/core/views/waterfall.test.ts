import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { waterfallSteps } from '../../../src/core/views/waterfall.ts'

describe('waterfallSteps', () => {
  const phi = { age: 0.2, sex: -0.05, hours: 0.1, race: 0.01, education: -0.3 }
  const values = { age: '52', sex: 'Female', hours: '40', race: 'White', education: 'HS-grad' }

  it('sorts by |φ| and chains from the base value to the prediction', () => {
    const w = waterfallSteps(0.25, phi, values, { prediction: 0.21 })
    expect(w.steps.map((s) => s.label)).toEqual([
      'education = HS-grad',
      'age = 52',
      'hours = 40',
      'sex = Female',
      'race = White',
    ])
    expect(w.steps[0]!.start).toBe(0.25)
    for (let k = 1; k < w.steps.length; k++) expect(w.steps[k]!.start).toBe(w.steps[k - 1]!.end)
    expect(w.total).toBeCloseTo(0.21, 15)
    expect(w.steps.at(-1)!.end).toBe(w.total)
    expect(w.gap).toBeCloseTo(0, 15)
    expect(w.prediction).toBe(0.21)
  })

  it('folds the smallest features into "other N features"', () => {
    const w = waterfallSteps(0.25, phi, values, { maxFeatures: 2 })
    expect(w.steps.map((s) => s.label)).toEqual([
      'education = HS-grad',
      'age = 52',
      'other 3 features',
    ])
    const other = w.steps[2]!
    expect(other.kind).toBe('other')
    expect(other.features).toEqual(['hours', 'sex', 'race'])
    expect(other.contribution).toBeCloseTo(0.06, 15)
    expect(w.gap).toBeNull()
  })

  it('shows a lone leftover feature instead of folding it', () => {
    const w = waterfallSteps(0, phi, values, { maxFeatures: 4 })
    expect(w.steps).toHaveLength(5)
    expect(w.steps.every((s) => s.kind === 'feature')).toBe(true)
  })

  it('labels a feature without a value by its name, and handles no features', () => {
    expect(waterfallSteps(0.5, { age: 0.1 }).steps[0]!.label).toBe('age')
    expect(waterfallSteps(0.5, {})).toMatchObject({ steps: [], total: 0.5 })
  })

  it('always ends at baseValue + Σφ (the efficiency sum)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 4 }),
          fc.double({ min: -1, max: 1, noNaN: true }),
        ),
        fc.integer({ min: 1, max: 6 }),
        (base, p, maxFeatures) => {
          const w = waterfallSteps(base, p, {}, { maxFeatures })
          const sum = Object.values(p).reduce((s, v) => s + v, base)
          expect(w.total).toBeCloseTo(sum, 12)
          expect(w.steps.length).toBeLessThanOrEqual(maxFeatures + 1)
          expect(w.steps.flatMap((s) => s.features).sort()).toEqual(Object.keys(p).sort())
        },
      ),
    )
  })

  it('rejects bad input', () => {
    expect(() => waterfallSteps(0, { a: NaN })).toThrow(RangeError)
    expect(() => waterfallSteps(0, { a: 1 }, {}, { maxFeatures: 0 })).toThrow(RangeError)
    expect(() => waterfallSteps(Infinity, {})).toThrow(RangeError)
  })
})
