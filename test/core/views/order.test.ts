import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DATA_ORDER_SYNC_MAX_ROWS,
  dataOrderIsAsync,
  dataOrderKey,
  dataViewOrder,
  rowsByScore,
  rowsReversed,
} from '../../../src/core/views/order.ts'

/** The comparator sort the radix sort replaces: by score, ties by row. */
function reference(p: Float32Array, rows: Int32Array | null, dir: 'asc' | 'desc'): number[] {
  const s = dir === 'asc' ? 1 : -1
  const idx = rows ? Array.from(rows) : Array.from({ length: p.length }, (_, i) => i)
  return idx.sort((a, b) => s * (p[a]! - p[b]!) || a - b)
}

describe('rowsByScore', () => {
  it('orders by score with ties by row, both directions', () => {
    const p = Float32Array.of(0.9, 0.1, 0.5, 0.1, 0.9, 0)
    expect(Array.from(rowsByScore(p, null, 'desc'))).toEqual([0, 4, 2, 1, 3, 5])
    expect(Array.from(rowsByScore(p, null, 'asc'))).toEqual([5, 1, 3, 2, 0, 4])
    expect(Array.from(rowsByScore(p, Int32Array.of(1, 2, 4), 'desc'))).toEqual([4, 2, 1])
    expect(rowsByScore(p, Int32Array.of(), 'asc')).toHaveLength(0)
  })

  it('equals a comparator sort on any float32 scores (negatives, ±0, ±Infinity, ties)', () => {
    const score = fc.oneof(
      fc.float({ noNaN: true }),
      fc.constantFrom(0, -0, 1, 0.5, Infinity, -Infinity),
    )
    fc.assert(
      fc.property(
        fc.array(score, { maxLength: 60 }),
        fc.boolean(),
        fc.constantFrom('asc' as const, 'desc' as const),
        (xs, subset, dir) => {
          const p = Float32Array.from(xs)
          const rows = subset ? Int32Array.from(p.keys()).filter((i) => i % 3 !== 1) : null
          expect(Array.from(rowsByScore(p, rows, dir))).toEqual(reference(p, rows, dir))
        },
      ),
      { numRuns: 300 },
    )
  })

  // Its time is a bench figure (bench/responsiveness.ts, core.rowsByScore.1M).
  it('orders a million rows', () => {
    const p = Float32Array.from({ length: 1_000_000 }, (_, i) => ((i * 7919) % 2000) / 2000)
    const o = rowsByScore(p, null, 'desc')
    let bad = 0
    for (let k = 1; k < o.length; k++) {
      const a = p[o[k - 1]!]!
      const b = p[o[k]!]!
      if (!(a > b || (a === b && o[k - 1]! < o[k]!))) bad++
    }
    expect(bad).toBe(0)
  })

  it('rejects a row outside the scores', () => {
    expect(() => rowsByScore(Float32Array.of(1), Int32Array.of(3), 'asc')).toThrow(RangeError)
  })
})

describe('rowsReversed', () => {
  it('reverses all rows or a subset', () => {
    expect(Array.from(rowsReversed(null, 3))).toEqual([2, 1, 0])
    expect(Array.from(rowsReversed(Int32Array.of(1, 5, 7), 9))).toEqual([7, 5, 1])
  })
})

describe('dataViewOrder', () => {
  const p = Float32Array.of(0.9, 0.1, 0.5, 0.5)
  it('is null (no allocation) for all rows by row number, and the rows themselves for a cohort', () => {
    expect(dataViewOrder(null, 4, p, { key: 'row', dir: 'asc' })).toBeNull()
    const rows = Int32Array.of(1, 3)
    expect(dataViewOrder(rows, 4, p, { key: 'row', dir: 'asc' })).toBe(rows)
  })
  it('reverses rows, or orders them by prediction with ties by row number', () => {
    expect(Array.from(dataViewOrder(null, 4, p, { key: 'row', dir: 'desc' })!)).toEqual([
      3, 2, 1, 0,
    ])
    expect(Array.from(dataViewOrder(null, 4, p, { key: 'prediction', dir: 'desc' })!)).toEqual([
      0, 2, 3, 1,
    ])
    expect(
      Array.from(dataViewOrder(Int32Array.of(1, 2, 3), 4, p, { key: 'prediction', dir: 'asc' })!),
    ).toEqual([1, 2, 3])
    expect(dataViewOrder(null, 4, null, { key: 'prediction', dir: 'asc' })).toBeNull()
  })
})

describe('dataOrderIsAsync', () => {
  it('leaves orders by prediction of more than the limit to the worker', () => {
    const n = DATA_ORDER_SYNC_MAX_ROWS + 1
    const p = new Float32Array(n)
    const desc = { key: 'prediction', dir: 'desc' } as const
    expect(dataOrderIsAsync(null, n, p, desc)).toBe(true)
    expect(dataOrderIsAsync(null, n - 1, p, desc)).toBe(false)
    expect(dataOrderIsAsync(Int32Array.of(1, 2), n, p, desc)).toBe(false)
    expect(dataOrderIsAsync(null, n, p, { key: 'row', dir: 'desc' })).toBe(false)
    expect(dataOrderIsAsync(null, n, null, desc)).toBe(false)
    expect(dataOrderKey(2, 5, desc)).toBe('2:5:prediction:desc')
  })
})
