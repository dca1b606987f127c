import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type ParquetChunk,
  parquetChunks,
  parquetShardRowGroups,
  parquetTable,
} from '../../../src/core/parquet/index.ts'
import { ADULT_FILES, csvTwin, expectSameCells, openFixture } from './fixtures.ts'

async function collect(it: AsyncIterable<ParquetChunk>): Promise<ParquetChunk[]> {
  const out: ParquetChunk[] = []
  for await (const c of it) out.push(c)
  return out
}

describe('parquetChunks', () => {
  const adult = csvTwin('adult.csv')

  it.each(ADULT_FILES)('yields %s row group by row group with global row offsets', async (name) => {
    const file = await openFixture(name)
    const chunks = await collect(parquetChunks(file))
    expect(chunks.map((c) => c.rowGroup)).toEqual(file.rowGroups.map((g) => g.index))
    let offset = 0
    for (const c of chunks) {
      expect(c.rowOffset).toBe(offset)
      expect(c.table.nRows).toBe(file.rowGroups[c.rowGroup]!.rows)
      expectSameCells(c.table, adult, c.rowOffset)
      offset += c.table.nRows
    }
    expect(offset).toBe(300)
  })

  it('has the expected row groups in each file', async () => {
    const sizes = async (name: string) => (await openFixture(name)).rowGroups.map((g) => g.rows)
    expect(await sizes('adult-snappy.parquet')).toEqual([64, 64, 64, 64, 44])
    expect(await sizes('adult-zstd.parquet')).toEqual([100, 100, 100])
    expect(await sizes('adult-plain.parquet')).toEqual([128, 128, 44])
    expect(await sizes('adult-codecs.parquet')).toEqual([150, 150])
  })

  it('reads any shard i of n: row groups i, i + n, …, each with the CSV twin’s rows', async () => {
    const file = await openFixture('adult-snappy.parquet')
    const nGroups = file.rowGroups.length
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        fc.subarray(adult.columns.map((c) => c.name)),
        async ([n, i], columns) => {
          const groups = parquetShardRowGroups(nGroups, i, n)
          const chunks = await collect(parquetChunks(file, { rowGroups: groups, columns }))
          expect(chunks.map((c) => c.rowGroup)).toEqual(groups)
          for (const c of chunks) {
            expect(c.rowOffset).toBe(file.rowGroups[c.rowGroup]!.rowOffset)
            const part = {
              nRows: adult.nRows,
              columns: adult.columns.filter((a) => columns.includes(a.name)),
            }
            expectSameCells(c.table, part, c.rowOffset)
          }
        },
      ),
      { numRuns: 25, seed: 7 },
    )
  })

  it('puts the selected row groups, in the order asked, into one Table', async () => {
    const file = await openFixture('adult-zstd.parquet')
    const table = await parquetTable(file, { rowGroups: [2, 0] })
    expect(table.nRows).toBe(200)
    const rows = (from: number, n: number) => ({
      nRows: n,
      columns: adult.columns.map((c) => ({ ...c, codes: c.codes.slice(from, from + n) })),
    })
    expectSameCells(
      { nRows: 100, columns: table.columns.map((c) => ({ ...c, codes: c.codes.slice(0, 100) })) },
      rows(200, 100),
    )
    expectSameCells(
      { nRows: 100, columns: table.columns.map((c) => ({ ...c, codes: c.codes.slice(100) })) },
      rows(0, 100),
    )
  })

  it('refuses a row group the file lacks', async () => {
    const file = await openFixture('adult-zstd.parquet')
    await expect(parquetTable(file, { rowGroups: [3] })).rejects.toThrow(
      'adult-zstd.parquet: no row group 3 (the file has 3)',
    )
  })
})

describe('parquetShardRowGroups', () => {
  it('gives every row group to exactly one of n shards', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.integer({ min: 1, max: 12 }), (groups, n) => {
        const seen = Array.from({ length: n }, (_, i) => parquetShardRowGroups(groups, i, n)).flat()
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: groups }, (_, g) => g))
      }),
    )
  })

  it('strides by n from i', () => {
    expect(parquetShardRowGroups(10, 1, 4)).toEqual([1, 5, 9])
    expect(parquetShardRowGroups(2, 3, 4)).toEqual([])
  })

  it('refuses an index outside [0, n)', () => {
    expect(() => parquetShardRowGroups(5, 4, 4)).toThrow('shard 4/4: the index must be 0 … 3')
    expect(() => parquetShardRowGroups(5, -1, 4)).toThrow(RangeError)
    expect(() => parquetShardRowGroups(5, 0, 0)).toThrow(RangeError)
  })
})
