import { describe, expect, it } from 'vitest'
import { EXPLAIN_DEFAULTS } from '../../../src/core/explain.ts'
import type { Schema } from '../../../src/core/schema.ts'
import {
  locksForSchema,
  lockedFeatures,
  withLockedFeatures,
} from '../../../src/core/views/cfLocks.ts'

const schema: Schema = {
  schemaVersion: 1,
  name: 's',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'age', type: 'numeric', mean: 40, std: 10 },
    { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
    { name: 'hours', type: 'numeric', mean: 40, std: 10 },
  ],
  // 'race' is sensitive but not a feature: nothing to lock.
  sensitive: ['sex', 'race'],
  output: { kind: 'probability' },
}

describe('lockedFeatures', () => {
  it('defaults to the sensitive attributes that are features', () => {
    expect(lockedFeatures(schema, EXPLAIN_DEFAULTS)).toEqual(['sex'])
  })
  it('follows an explicit list, in schema order, empty included', () => {
    const s = withLockedFeatures(EXPLAIN_DEFAULTS, ['hours', 'age'])
    expect(s.counterfactualConstraints?.immutable).toEqual(['hours', 'age'])
    expect(lockedFeatures(schema, s)).toEqual(['age', 'hours'])
    expect(lockedFeatures(schema, withLockedFeatures(EXPLAIN_DEFAULTS, []))).toEqual([])
  })
  it('keeps the other constraints when the locks change', () => {
    const s = withLockedFeatures(
      { ...EXPLAIN_DEFAULTS, counterfactualConstraints: { gridSize: 8 } },
      ['age'],
    )
    expect(s.counterfactualConstraints).toEqual({ gridSize: 8, immutable: ['age'] })
  })
})

describe('locksForSchema', () => {
  it('keeps locks that name features of the schema (same object)', () => {
    const s = withLockedFeatures(EXPLAIN_DEFAULTS, ['age'])
    expect(locksForSchema(schema, s)).toBe(s)
    expect(locksForSchema(schema, EXPLAIN_DEFAULTS)).toBe(EXPLAIN_DEFAULTS)
  })
  it('drops a list naming a feature the schema lacks, back to the default', () => {
    const s = withLockedFeatures(EXPLAIN_DEFAULTS, ['age', 'capital_gain'])
    const fitted = locksForSchema(schema, s)
    expect(fitted.counterfactualConstraints).toBeUndefined()
    expect(lockedFeatures(schema, fitted)).toEqual(['sex'])
    const other = locksForSchema(schema, {
      ...s,
      counterfactualConstraints: { immutable: ['nope'], gridSize: 8 },
    })
    expect(other.counterfactualConstraints).toEqual({ gridSize: 8 })
  })
})
