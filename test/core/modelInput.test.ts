import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { modelInputMap, modelInputRows, schemaInputMode } from '../../src/core/modelInput.ts'
import type { Feature, Schema } from '../../src/core/schema.ts'
import { matrix } from '../../src/core/types.ts'
import { goldenAdult } from './explainFixture.ts'

const schemaOf = (features: Feature[]): Schema => ({
  schemaVersion: 1,
  name: 't',
  target: { column: 'y', positive: '1' },
  features,
  sensitive: [],
  output: { kind: 'probability' },
})

/** §1's encoding of one row of feature values, written out independently of the code. */
function encodeByHand(schema: Schema, values: readonly number[]): number[] {
  const out: number[] = []
  schema.features.forEach((f, j) => {
    const v = values[j]!
    if (f.type === 'numeric') out.push(Math.fround((v - f.mean!) / f.std!))
    else f.categories.forEach((_, k) => out.push(k === v ? 1 : 0))
  })
  return out
}

const feature = fc.oneof(
  fc.record({
    name: fc.constant('n'),
    type: fc.constant('numeric' as const),
    mean: fc.double({ min: -100, max: 100, noNaN: true }),
    std: fc.double({ min: 0.5, max: 50, noNaN: true }),
  }),
  fc.integer({ min: 1, max: 5 }).map((k) => ({
    name: 'c',
    type: 'categorical' as const,
    categories: Array.from({ length: k }, (_, i) => `v${i}`),
  })),
)

describe('modelInputMap', () => {
  it('encoded: writes §1’s encoding, and each player owns its one-hot block', () => {
    fc.assert(
      fc.property(
        fc.array(feature, { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 6, maxLength: 6 }),
        (features, nums, cats) => {
          const schema = schemaOf(features)
          const values = features.map((f, j) => (f.type === 'numeric' ? nums[j]! : cats[j]!))
          const map = modelInputMap(schema, 'encoded')
          const want = encodeByHand(schema, values)
          expect(map.mode).toBe('encoded')
          expect(map.width).toBe(want.length)
          const got = modelInputRows(map, matrix(Float64Array.from(values), 1, values.length))
          expect(Array.from(got.data)).toEqual(want)
          // Offsets partition the inputs, one block per feature of the feature's width.
          expect(map.offsets[0]).toBe(0)
          expect(map.offsets[features.length]).toBe(map.width)
          features.forEach((f, j) =>
            expect(map.offsets[j + 1]! - map.offsets[j]!).toBe(
              f.type === 'numeric' ? 1 : f.categories.length,
            ),
          )
        },
      ),
    )
  })

  it('columns: one input per feature holding the value itself (−1 for an unknown category)', () => {
    const schema = schemaOf([
      { name: 'age', type: 'numeric', mean: 40, std: 10 },
      { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
    ])
    const map = modelInputMap(schema, 'columns')
    expect(map.width).toBe(2)
    expect(Array.from(map.offsets)).toEqual([0, 1, 2])
    const rows = modelInputRows(map, matrix(Float64Array.of(37.5, 1, 61, -1), 2, 2))
    expect(Array.from(rows.data)).toEqual([37.5, 1, 61, -1])
  })

  it('reproduces the golden encoded matrix from the golden feature values', () => {
    const g = goldenAdult()
    const x = modelInputRows(modelInputMap(g.schema), g.enc.values)
    expect(x.cols).toBe(88)
    expect(Array.from(x.data)).toEqual(Array.from(g.enc.x.data))
  })

  it('refuses rows whose value count is not the feature count', () => {
    const map = modelInputMap(schemaOf([{ name: 'a', type: 'numeric', mean: 0, std: 1 }]))
    expect(() => modelInputRows(map, matrix(new Float64Array(2), 1, 2))).toThrow(
      'model input: 2 values per row for 1 features',
    )
  })
})

describe('schemaInputMode', () => {
  it('is the schema’s modelInput, encoded when absent', () => {
    const s = schemaOf([])
    expect(schemaInputMode(s)).toBe('encoded')
    expect(schemaInputMode({ ...s, modelInput: 'columns' } as Schema)).toBe('columns')
  })
})
