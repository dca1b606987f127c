import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auditDefaultRows } from '../../../src/report/audit.ts'
import { RowSample, rowHash, rowsDrawn } from '../../../src/core/stream/rows.ts'
import { permute, shardRanges } from './gen.ts'

describe('rowsDrawn', () => {
  it('equals auditDefaultRows (src/report/audit.ts) for any total, seed and count', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 100_000 }),
        fc.integer({ min: -5, max: 1e6 }),
        fc.nat({ max: 20 }),
        (n, seed, count) => {
          expect(rowsDrawn(n, seed, count)).toEqual(auditDefaultRows(n, seed, count))
        },
      ),
      { numRuns: 300 },
    )
    expect(rowsDrawn(10_000_000, 1)).toEqual(auditDefaultRows(10_000_000, 1))
  })
})

describe('RowSample', () => {
  /** Reference, written here: sort all eligible rows by (hash, row) and take the first k. */
  function bottomK(n: number, seed: number, k: number, skip: number): number[] {
    const lo = n > skip ? skip : 0
    const rows = Array.from({ length: n - lo }, (_, i) => i + lo)
    rows.sort((a, b) => rowHash(seed, a) - rowHash(seed, b) || a - b)
    return rows.slice(0, k).sort((a, b) => a - b)
  }

  it('keeps the same rows and payloads for any split, chunking and merge order', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 400 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.nat({ max: 12 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6, size: 'max' }),
        fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 1, max: 50 }),
        (n, seed, count, cuts, order, chunk) => {
          const parts = shardRanges(n, cuts).map(([a, b]) => {
            const s = new RowSample({ seed, count })
            for (let i = a; i < b; i += chunk)
              s.add(i, Math.min(chunk, b - i), (j) => `row ${i + j}`)
            return RowSample.fromJSON(JSON.parse(JSON.stringify(s.toJSON())), 'sample')
          })
          const merged = permute(parts, order).reduce((x, y) => (x.merge(y), x))
          const expected = bottomK(n, seed, count, 50)
          expect(merged.rows()).toEqual(expected)
          expect(merged.chosen().map((c) => c.payload)).toEqual(expected.map((r) => `row ${r}`))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('spreads over the rows: each of 1,000 rows is chosen about equally often across seeds', () => {
    const hits = new Float64Array(10)
    for (let seed = 0; seed < 2000; seed++) {
      const s = new RowSample({ seed, count: 8, skip: 0 })
      s.add(0, 1000)
      for (const r of s.rows()) hits[Math.floor(r / 100)]!++
    }
    // 16,000 picks in 10 blocks of 100 rows: 1,600 each, sd ≈ 38.
    for (const h of hits) expect(Math.abs(h - 1600)).toBeLessThan(200)
  })

  it('refuses a row offered twice and merges of other settings', () => {
    const s = new RowSample({ seed: 1, count: 8 })
    s.add(0, 10)
    expect(() => s.add(5, 1)).toThrow('row sample: row 5 was offered twice')
    expect(() => s.merge(new RowSample({ seed: 2, count: 8 }))).toThrow(/another seed/)
  })
})
