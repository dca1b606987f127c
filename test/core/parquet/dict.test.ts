import { describe, expect, it } from 'vitest'
import { float64Text } from '../../../src/core/parquet/cells.ts'
import { ColumnDict } from '../../../src/core/parquet/dict.ts'

const where = (row: number): string => `f: column "c", row ${row}`

describe('ColumnDict', () => {
  it('gives one code per distinct text: trimmed strings, 0 and −0, null and undefined and ""', () => {
    const d = new ColumnDict((v) => float64Text(v as number))
    const codes = ['Male', ' Male ', 0, -0, null, undefined, '', 1].map((v, i) =>
      d.code(v, i, where),
    )
    expect(codes).toEqual([0, 0, 1, 1, 2, 2, 2, 3])
    expect(d.values).toEqual(['Male', '0', '', '1'])
  })

  it('keeps codes consistent past the raw-value cache (70,000 distinct numbers, seen twice)', () => {
    const d = new ColumnDict((v) => float64Text(v as number))
    const n = 70_000
    const first = Array.from({ length: n }, (_, i) => d.code(i / 8, i, where))
    const again = Array.from({ length: n }, (_, i) => d.code(i / 8, n + i, where))
    expect(again).toEqual(first)
    expect(first).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(d.values[12_345]).toBe(String(12_345 / 8))
  })

  it('names file, column and row for a value without a text form', () => {
    const d = new ColumnDict(() => null)
    expect(() => d.code(7, 41, where)).toThrow('f: column "c", row 41: value 7 is out of range')
  })
})
