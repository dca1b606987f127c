import { open } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import {
  type ByteSource,
  byteSourceFromBlob,
  byteSourceFromBytes,
  byteSourceFromFileHandle,
  parquetChunks,
  parquetOpen,
  parquetTable,
} from '../../../src/core/parquet/index.ts'
import { columnCell } from '../../../src/core/table.ts'
import { csvTwin, expectSameCells, fixtureBytes, openFixture } from './fixtures.ts'

class Cancelled extends Error {
  override name = 'AbortError'
}

/** A source that records every read. */
function countingSource(bytes: Uint8Array): { src: ByteSource; reads: [number, number][] } {
  const reads: [number, number][] = []
  const inner = byteSourceFromBytes(bytes)
  return {
    reads,
    src: {
      byteLength: inner.byteLength,
      read: (s, e) => {
        reads.push([s, e])
        return inner.read(s, e)
      },
    },
  }
}

describe('parquetTable progress and cancel', () => {
  it('reports compressed bytes after every column chunk, ending at the total', async () => {
    const file = await openFixture('adult-snappy.parquet')
    const calls: [number, number][] = []
    await parquetTable(file, { onProgress: (done, total) => calls.push([done, total]) })
    expect(calls).toHaveLength(5 * 15) // 5 row groups × 15 columns
    const total = file.rowGroups.reduce((s, g) => s + g.bytes, 0)
    expect(calls.every(([, t]) => t === total)).toBe(true)
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0])
    expect(calls.at(-1)![0]).toBe(total)
  })

  it('counts only the selected columns and row groups', async () => {
    const file = await openFixture('adult-snappy.parquet')
    const calls: number[] = []
    await parquetTable(file, {
      columns: ['age'],
      rowGroups: [1, 3],
      onProgress: (d) => calls.push(d),
    })
    expect(calls).toHaveLength(2)
  })

  it('stops with what checkCancel throws, before reading further chunks', async () => {
    const file = await openFixture('adult-zstd.parquet')
    let checks = 0
    let progress = 0
    const run = parquetTable(file, {
      onProgress: () => progress++,
      checkCancel: () => {
        if (++checks === 20) throw new Cancelled('cancelled')
      },
    })
    await expect(run).rejects.toThrow(Cancelled)
    expect(checks).toBe(20)
    expect(progress).toBe(19)
  })

  it('stops a chunk iteration too, and an awaited check works', async () => {
    const file = await openFixture('adult-zstd.parquet')
    let checks = 0
    const seen: number[] = []
    const run = async () => {
      const opts = {
        checkCancel: async () => {
          await new Promise((r) => setTimeout(r, 0))
          if (++checks > 15) throw new Cancelled('cancelled')
        },
      }
      for await (const c of parquetChunks(file, opts)) seen.push(c.rowGroup)
    }
    await expect(run()).rejects.toThrow(Cancelled)
    expect(seen).toEqual([0]) // row group 1 was stopped at its first column
  })
})

describe('parquetTable maxCells', () => {
  it('refuses a selection of more cells than allowed before reading any data', async () => {
    const { src, reads } = countingSource(fixtureBytes('adult-snappy.parquet'))
    const file = await parquetOpen(src, 'a.parquet')
    await expect(parquetTable(file, { maxCells: 300 * 15 - 1 })).rejects.toThrow(
      'a.parquet: 300 rows × 15 columns is more than the 4,499 cells this reader may hold; sample the file first or audit it with the CLI',
    )
    expect(reads).toHaveLength(3)
    expect((await parquetTable(file, { maxCells: 300 * 15 })).nRows).toBe(300)
  })
})

describe('byte sources', () => {
  const adult = csvTwin('adult.csv')

  it('reads the footer in three small reads, then each row group in one', async () => {
    const { src, reads } = countingSource(fixtureBytes('adult-snappy.parquet'))
    const file = await parquetOpen(src, 'a.parquet')
    expect(reads).toHaveLength(3)
    expect(reads[0]).toEqual([0, 4])
    expect(reads[1]).toEqual([src.byteLength - 8, src.byteLength])
    await parquetTable(file)
    expect(reads).toHaveLength(3 + 5)
  })

  it('reads a Blob (a browser File) and a Node file handle like bytes in memory', async () => {
    const bytes = fixtureBytes('adult-codecs.parquet')
    const fromBlob = await parquetTable(
      await parquetOpen(byteSourceFromBlob(new Blob([bytes])), 'b'),
    )
    expectSameCells(fromBlob, adult)
    const path = new URL('../../fixtures/parquet/adult-codecs.parquet', import.meta.url)
    const fh = await open(path)
    try {
      const src = byteSourceFromFileHandle(fh, (await fh.stat()).size)
      expectSameCells(await parquetTable(await parquetOpen(src, 'f')), adult)
      await expect(src.read(src.byteLength - 4, src.byteLength + 10)).rejects.toThrow(
        /the file ended at byte \d+, before byte \d+/,
      )
    } finally {
      await fh.close()
    }
  })

  it('keeps codes in SharedArrayBuffers when asked', async () => {
    const table = await parquetTable(await openFixture('adult-plain.parquet'), { shared: true })
    expect(table.columns.every((c) => c.codes.buffer instanceof SharedArrayBuffer)).toBe(true)
    expect(columnCell(table.columns[0]!, 299)).toBe(columnCell(adult.columns[0]!, 299))
    const plain = await parquetTable(await openFixture('adult-plain.parquet'))
    expect(plain.columns.every((c) => c.codes.buffer instanceof ArrayBuffer)).toBe(true)
  })
})
