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

async function parse(
  file: File,
  onPost?: (res: Res, id: number) => void,
): Promise<{ posts: Res[]; final: Res }> {
  const id = nextId++
  const posts: Res[] = []
  await dataHandle({ id, cmd: Cmd.Parse, input: { kind: 'file', file } }, (res) => {
    posts.push(res)
    onPost?.(res, id)
  })
  const finals = posts.filter((p) => p.kind === 'result' || p.kind === 'error')
  expect(finals).toHaveLength(1)
  return { posts, final: finals[0]! }
}

function result(res: Res): ParsedData {
  if (res.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(res)}`)
  return res.result as ParsedData
}

describe('dataHandle with Parquet', () => {
  it('gives the ParsedData of the CSV twin (cells, profiles), with the Parquet file’s hash', async () => {
    const bytes = fixture('adult-snappy.parquet')
    const { posts, final } = await parse(new File([bytes], 'adult.parquet'))
    const got = result(final)
    const twin = result((await parse(new File([fixture('adult.csv')], 'adult.csv'))).final)
    expect(got).toMatchObject({ name: 'adult.parquet', bytes: bytes.length, delimiter: '' })
    expect(got.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(got.profiles).toEqual(twin.profiles)
    expect(got.table.columns.map((c) => c.name)).toEqual(twin.table.columns.map((c) => c.name))
    got.table.columns.forEach((c, j) => {
      for (let i = 0; i < got.table.nRows; i++)
        expect(columnCell(c, i)).toBe(columnCell(twin.table.columns[j]!, i))
    })
    const progress = posts.filter((p) => p.kind === 'progress')
    expect(progress).toHaveLength(5 * 15)
    expect(progress.at(-1)).toMatchObject({ label: 'Reading adult.parquet' })
  })

  it('reports a bad Parquet file as a DataError naming file and column', async () => {
    const { final } = await parse(new File([fixture('adult-lzo.parquet')], 'lzo.parquet'))
    expect(final).toMatchObject({ kind: 'error', errorKind: 'DataError' })
    expect(final.kind === 'error' && final.message).toMatch(
      /^lzo\.parquet: column "education" \(row group 0\) is compressed with the LZO codec/,
    )
    const truncated = await parse(new File([fixture('adult-truncated.parquet')], 't.parquet'))
    expect(truncated.final).toMatchObject({
      errorKind: 'DataError',
      message: expect.stringMatching(/^t\.parquet: the Parquet file is truncated/),
    })
  })

  it('stops with an AbortError when cancelled mid-read', async () => {
    let progress = 0
    const { final } = await parse(
      new File([fixture('adult-zstd.parquet')], 'z.parquet'),
      (res, id) => {
        if (res.kind === 'progress' && ++progress === 1)
          void dataHandle({ id: 0, cmd: Cmd.Cancel, target: id }, () => {})
      },
    )
    expect(progress).toBe(1)
    expect(final).toMatchObject({ kind: 'error', errorKind: 'AbortError' })
  })

  it('still parses a CSV that merely contains PAR1 later on', async () => {
    const r = result((await parse(new File(['name\nPAR1\n'], 'p.csv'))).final)
    expect(r.delimiter).toBe(',')
    expect(columnCell(r.table.columns[0]!, 0)).toBe('PAR1')
  })
})
