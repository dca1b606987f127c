import { parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { describe, expect, it } from 'vitest'
import { DataError } from '../../../src/core/encode.ts'
import { parquetDecodeError } from '../../../src/core/parquet/errors.ts'
import { byteSourceFromBytes, parquetOpen, parquetTable } from '../../../src/core/parquet/index.ts'
import { fixtureBytes, openFixture } from './fixtures.ts'

/** The DataError message reading `bytes` as file `name` gives (open and read). */
async function readError(bytes: Uint8Array, name: string, columns?: string[]): Promise<string> {
  try {
    const file = await parquetOpen(byteSourceFromBytes(bytes), name)
    await parquetTable(file, columns ? { columns } : {})
  } catch (e) {
    expect(e).toBeInstanceOf(DataError)
    expect((e as Error).message).not.toMatch(/\n\s+at /) // no stack in the message
    return (e as Error).message
  }
  return 'no error'
}
const fixtureError = (name: string, columns?: string[]) =>
  readError(fixtureBytes(name), name, columns)

describe('bad Parquet', () => {
  it('a truncated file: the footer marker is missing', async () => {
    expect(await fixtureError('adult-truncated.parquet')).toBe(
      'adult-truncated.parquet: the Parquet file is truncated or damaged: it does not end with the "PAR1" footer marker (was the download or copy cut short?)',
    )
  })

  it('a compression codec the reader lacks (LZO), naming the column', async () => {
    expect(await fixtureError('adult-lzo.parquet')).toBe(
      'adult-lzo.parquet: column "education" (row group 0) is compressed with the LZO codec, which Glassbox cannot decompress (it reads uncompressed, Snappy, gzip, Brotli, LZ4, LZ4_RAW and Zstandard); rewrite the file with default settings (e.g. pandas `df.to_parquet(path)`)',
    )
    // The other columns are fine: a reader that leaves education out loads.
    const ok = await parquetTable(await openFixture('adult-lzo.parquet'), {
      columns: ['age', 'sex'],
    })
    expect(ok.nRows).toBe(300)
  })

  it('an encoding the reader lacks (BIT_PACKED data pages), naming the column', async () => {
    expect(await fixtureError('adult-bitpacked.parquet')).toMatch(
      /^adult-bitpacked\.parquet: column "hours_per_week" \(row group 0\) uses the BIT_PACKED encoding, which Glassbox cannot decode \(it reads PLAIN, dictionary/,
    )
  })

  it('translates what hyparquet itself throws for these files', async () => {
    const raw = async (name: string): Promise<unknown> => {
      const bytes = fixtureBytes(name)
      const file = {
        byteLength: bytes.length,
        slice: (s: number, e?: number) => bytes.slice(s, e).buffer,
      }
      try {
        await parquetReadObjects({ file, compressors })
      } catch (e) {
        return e
      }
      throw new Error(`hyparquet read ${name} without an error`)
    }
    const place = { column: 'c', rowGroup: 0 }
    expect(parquetDecodeError('f', place, await raw('adult-lzo.parquet')).message).toMatch(
      /^f: column "c" \(row group 0\) is compressed with the LZO codec/,
    )
    expect(parquetDecodeError('f', place, await raw('adult-bitpacked.parquet')).message).toMatch(
      /^f: column "c" \(row group 0\) uses the BIT_PACKED encoding/,
    )
    expect(
      parquetDecodeError('f', place, new Error('parquet unsupported encoding: undefined')).message,
    ).toMatch(/uses an unknown encoding/)
  })

  it.each([
    ['nested-list.parquet', 'tags', 'is a list (a nested column)'],
    ['nested-struct.parquet', 'address', 'is a struct (a nested column)'],
    [
      'binary-fixed.parquet',
      'digest',
      'holds fixed-length binary values (16 bytes), which a dataset column cannot take',
    ],
  ])('%s: a column type the schema cannot take, by name', async (name, column, problem) => {
    const message = await fixtureError(name)
    expect(message).toContain(`${name}: column "${column}"`)
    expect(message).toContain(problem)
    // Leaving the column out reads the rest.
    const file = await openFixture(name)
    expect(file.columns.find((c) => c.name === column)).toMatchObject({ kind: null })
    const table = await parquetTable(file, { columns: ['id'] })
    expect(table.columns[0]!.values).toEqual(['1', '2', '3'])
  })

  it('a value its text form cannot show, naming column and row', async () => {
    expect(await fixtureError('date-range.parquet')).toBe(
      'date-range.parquet: column "day" (a date), row 1: value 2147483647 is out of range',
    )
  })

  it('a file with no rows', async () => {
    expect(await fixtureError('empty.parquet')).toBe(
      'empty.parquet: the Parquet file has no data rows',
    )
  })

  it('a file that is not Parquet, too short, or encrypted', async () => {
    const text = new TextEncoder().encode('age,sex\n30,Male\n')
    expect(await readError(text, 'a.csv')).toBe(
      'a.csv: this is not a Parquet file (it does not start with "PAR1")',
    )
    expect(await readError(new TextEncoder().encode('PAR1PAR1'), 'short.parquet')).toBe(
      'short.parquet: 8 bytes is too short to be a Parquet file (the file is truncated or empty)',
    )
    const encrypted = fixtureBytes('adult-snappy.parquet')
    encrypted.set(new TextEncoder().encode('PARE'), encrypted.length - 4)
    expect(await readError(encrypted, 'e.parquet')).toBe(
      'e.parquet: this Parquet file is encrypted (footer "PARE"); Glassbox reads unencrypted files only',
    )
  })

  it('a damaged footer: a length beyond the file, or metadata that does not parse', async () => {
    const long = fixtureBytes('adult-snappy.parquet')
    new DataView(long.buffer).setUint32(long.length - 8, long.length, true)
    expect(await readError(long, 'l.parquet')).toBe(
      `l.parquet: the Parquet footer is damaged: it gives ${long.length} bytes of metadata in a file of ${long.length} bytes`,
    )
    const garbled = fixtureBytes('adult-snappy.parquet')
    const len = new DataView(garbled.buffer).getUint32(garbled.length - 8, true)
    garbled.fill(0xff, garbled.length - 8 - len, garbled.length - 8 - len + 64)
    expect(await readError(garbled, 'g.parquet')).toMatch(
      /^g\.parquet: the Parquet footer \(file metadata\) is damaged and cannot be read \(.+\)$/,
    )
  })

  it('damaged column data, naming the column and row group', async () => {
    const bytes = fixtureBytes('adult-snappy.parquet')
    const file = await parquetOpen(byteSourceFromBytes(bytes), 'd.parquet')
    const chunk = file.metadata.row_groups[1]!.columns[3]!.meta_data!
    const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset)
    bytes.fill(0xff, start, start + Number(chunk.total_compressed_size))
    expect(await readError(bytes, 'd.parquet')).toMatch(
      /^d\.parquet: column "education" \(row group 1\) could not be decoded — the file is damaged or truncated \(.+\)$/,
    )
  })

  it('a column chunk outside the file', async () => {
    // The footer of adult-plain says where each chunk lies; cutting 20,000 bytes of data out
    // moves the footer forward so that the last row group's chunks point past it.
    const bytes = fixtureBytes('adult-plain.parquet')
    const len = new DataView(bytes.buffer).getUint32(bytes.length - 8, true)
    const cut = new Uint8Array(bytes.length - 20000)
    cut.set(bytes.subarray(0, bytes.length - 8 - len - 20000))
    cut.set(bytes.subarray(bytes.length - 8 - len), cut.length - 8 - len)
    expect(await readError(cut, 'c.parquet')).toMatch(
      /^c\.parquet: column "\w+" \(row group 1\) lies outside the file's data \(bytes \d+–\d+ of \d+\): the file is truncated or damaged$/,
    )
  })
})
