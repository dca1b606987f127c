import { describe, expect, it } from 'vitest'
import { EXPLAIN_DEFAULTS } from '../../../src/core/explain.ts'
import type { Schema } from '../../../src/core/schema.ts'
import {
  featureValueText,
  rowFeatureValues,
  rowPartSettings,
  rowPartStale,
} from '../../../src/core/views/rowValues.ts'
import type { Table } from '../../../src/core/table.ts'

const schema: Schema = {
  schemaVersion: 1,
  name: 's',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'age', type: 'numeric', mean: 40, std: 10 },
    { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
    { name: 'job', type: 'categorical', categories: ['a', 'b'] },
  ],
  sensitive: ['sex'],
  output: { kind: 'probability' },
}

const table: Table = {
  nRows: 3,
  columns: [
    { name: 'age', values: ['39', ' 52 ', 'x'], codes: Int32Array.of(0, 1, 2) },
    { name: 'sex', values: ['M', 'F', 'other'], codes: Int32Array.of(0, 1, 2) },
  ],
}

describe('rowFeatureValues', () => {
  it('reads numbers and category indices in schema order (−1 unknown or absent, NaN unparsable)', () => {
    expect(rowFeatureValues(schema, table, 0)).toEqual([39, 1, -1])
    expect(rowFeatureValues(schema, table, 1)).toEqual([52, 0, -1])
    expect(rowFeatureValues(schema, table, 2)).toEqual([NaN, -1, -1])
  })
})

describe('featureValueText', () => {
  it('prints numbers as is and categories by name', () => {
    expect(featureValueText(schema, 0, 39.5)).toBe('39.5')
    expect(featureValueText(schema, 1, 1)).toBe('M')
    expect(featureValueText(schema, 1, -1)).toBe('(unknown)')
  })
})

describe('rowPartSettings', () => {
  it('switches on only the part asked for, at the threshold given', () => {
    const s = { ...EXPLAIN_DEFAULTS, counterfactuals: 0, seed: 3 }
    expect(rowPartSettings('shap', s, 0.3)).toEqual({
      ...s,
      threshold: 0.3,
      shap: true,
      igSteps: 0,
      counterfactuals: 0,
    })
    expect(rowPartSettings('counterfactuals', s, 0.3)).toMatchObject({
      shap: false,
      igSteps: 0,
      counterfactuals: 4,
    })
  })
})

describe('rowPartStale', () => {
  it('is true when the settings a part depends on changed', () => {
    const used = rowPartSettings('shap', EXPLAIN_DEFAULTS, 0.5)
    expect(rowPartStale('shap', used, EXPLAIN_DEFAULTS, 0.5)).toBe(false)
    expect(rowPartStale('shap', used, EXPLAIN_DEFAULTS, 0.7)).toBe(false)
    expect(rowPartStale('shap', used, { ...EXPLAIN_DEFAULTS, budget: 100 }, 0.5)).toBe(true)
    const cf = rowPartSettings('counterfactuals', EXPLAIN_DEFAULTS, 0.5)
    expect(rowPartStale('counterfactuals', cf, EXPLAIN_DEFAULTS, 0.7)).toBe(true)
    expect(rowPartStale('counterfactuals', null, EXPLAIN_DEFAULTS, 0.7)).toBe(false)
  })
})
