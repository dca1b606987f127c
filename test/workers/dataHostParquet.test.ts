/**
 * The data worker's Parquet path (src/workers/dataHost.ts → src/core/parquet): a file whose first
 * bytes are "PAR1" gives the same ParsedData as its CSV twin, with the same hash, progress and
 * cancel behaviour and errors as a CSV.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { columnCell } from '../../src/core/table.ts'
import { dataHandle } from '../../src/workers/dataHost.ts'
import { Cmd, type ParsedData, type Res } from '../../src/workers/protocol.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/parquet/${name}`, import.meta.url))

let nextId = 1000

type Outcome = { progress: Extract<Res, { kind: 'progress' }>[]; final: Res }

/**
 * Sends `file` to the data host and gathers its posts; with `cancelAt`, sends a cancel for the
 * request when that many progress posts have arrived.
 */
async function read(file: File, cancelAt = Infinity): Promise<Outcome> {
  const id = nextId++
  const out: Outcome = {
    progress: [],
    final: { id, kind: 'error', errorKind: 'Error', message: 'none' },
  }
  let finals = 0
  await dataHandle({ id, cmd: Cmd.Parse, input: { kind: 'file', file } }, (res) => {
    if (res.kind !== 'progress') {
      out.final = res
      finals++
    } else if (out.progress.push(res) === cancelAt) {
      void dataHandle({ id: 0, cmd: Cmd.Cancel, target: id }, () => {})
    }
  })
  expect(finals).toBe(1)
  return out
}

const parsed = (o: Outcome): ParsedData => {
  if (o.final.kind !== 'result')
    throw new Error(`expected a result, got ${JSON.stringify(o.final)}`)
  return o.final.result as ParsedData
}

describe('dataHandle with Parquet', () => {
  it('gives the ParsedData of the CSV twin (cells, profiles), with the Parquet file’s hash', async () => {
    const bytes = fixture('adult-snappy.parquet')
    const outcome = await read(new File([bytes], 'adult.parquet'))
    const got = parsed(outcome)
    const twin = parsed(await read(new File([fixture('adult.csv')], 'adult.csv')))
    expect(got).toMatchObject({ name: 'adult.parquet', bytes: bytes.length, delimiter: '' })
    expect(got.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(got.profiles).toEqual(twin.profiles)
    expect(got.table.columns.map((c) => c.name)).toEqual(twin.table.columns.map((c) => c.name))
    got.table.columns.forEach((c, j) => {
      for (let i = 0; i < got.table.nRows; i++)
        expect(columnCell(c, i)).toBe(columnCell(twin.table.columns[j]!, i))
    })
    expect(outcome.progress).toHaveLength(5 * 15)
    expect(outcome.progress.at(-1)).toMatchObject({ label: 'Reading adult.parquet' })
  })

  it('reports a bad Parquet file as a DataError naming file and column', async () => {
    const { final } = await read(new File([fixture('adult-lzo.parquet')], 'lzo.parquet'))
    expect(final).toMatchObject({ kind: 'error', errorKind: 'DataError' })
    expect(final.kind === 'error' && final.message).toMatch(
      /^lzo\.parquet: column "education" \(row group 0\) is compressed with the LZO codec/,
    )
    const truncated = await read(new File([fixture('adult-truncated.parquet')], 't.parquet'))
    expect(truncated.final).toMatchObject({
      errorKind: 'DataError',
      message: expect.stringMatching(/^t\.parquet: the Parquet file is truncated/),
    })
  })

  it('stops with an AbortError when cancelled mid-read', async () => {
    const { progress, final } = await read(
      new File([fixture('adult-zstd.parquet')], 'z.parquet'),
      1,
    )
    expect(progress).toHaveLength(1)
    expect(final).toMatchObject({ kind: 'error', errorKind: 'AbortError' })
  })

  it('still parses a CSV that merely contains PAR1 later on', async () => {
    const r = parsed(await read(new File(['name\nPAR1\n'], 'p.csv')))
    expect(r.delimiter).toBe(',')
    expect(columnCell(r.table.columns[0]!, 0)).toBe('PAR1')
  })
})
