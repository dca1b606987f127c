import { describe, expect, it } from 'vitest'
import {
  cohortExample,
  cohortMask,
  cohortParse,
  cohortRows,
  cohortTable,
  cohortValueHints,
} from '../../../src/core/views/cohort.ts'
import { columnCell, tableColumn } from '../../../src/core/table.ts'
import { table } from './goldenFixture.ts'

const names = table.columns.map((c) => c.name)
const parse = (t: string) => cohortParse(t, names)
const count = (t: string) => cohortRows(cohortMask(parse(t), table)).length

describe('cohortValueHints', () => {
  it('names a value no row has and the nearest one (case or typo)', () => {
    expect(count('sex = female')).toBe(0)
    expect(cohortValueHints(parse('sex = female'), table)).toEqual([
      'no sex is "female" — did you mean "Female"?',
    ])
    expect(cohortValueHints(parse('race in (White, Blak) and sex != Mal'), table)).toEqual([
      'no race is "Blak" — did you mean "Black"?',
      'no sex is "Mal" — did you mean "Male"?',
    ])
    expect(cohortValueHints(parse('sex = Unicorn'), table)).toEqual(['no sex is "Unicorn"'])
  })

  it('says nothing when every value occurs, or for numbers', () => {
    expect(cohortValueHints(parse('sex = Female and age > 40'), table)).toEqual([])
    expect(cohortValueHints(parse('age = 40.0'), table)).toEqual([])
  })
})

describe('cohortExample', () => {
  it('is a filter over the data that selects some rows, not all', () => {
    const ex = cohortExample(
      [
        { name: 'age', type: 'numeric' },
        { name: 'workclass', type: 'categorical' },
        { name: 'sex', type: 'categorical' },
      ],
      ['race', 'sex'],
      table,
    )
    expect(ex).toMatch(/^age > \d+ and sex = (Male|Female)$/)
    const n = count(ex)
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThan(table.nRows)
    expect(cohortExample([], [], table)).toBe('')
  })
})

describe('cohortTable', () => {
  it('keeps the chosen rows’ cells in their order', () => {
    const rows = Int32Array.of(5, 0, 1999)
    const t = cohortTable(table, rows)
    expect(t.nRows).toBe(3)
    for (const c of table.columns) {
      const sub = tableColumn(t, c.name)!
      expect([0, 1, 2].map((k) => columnCell(sub, k))).toEqual(
        [5, 0, 1999].map((r) => columnCell(c, r)),
      )
    }
    expect(cohortTable(table, new Int32Array(0)).nRows).toBe(0)
  })
})
