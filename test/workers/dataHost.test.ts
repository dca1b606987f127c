import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { columnCell } from '../../src/core/table.ts'
import { dataHandle } from '../../src/workers/dataHost.ts'
import { Cmd, type ParsedData, type Res } from '../../src/workers/protocol.ts'

const url = (path: string) => new URL(`../../${path}`, import.meta.url)
const goldenBytes = readFileSync(url('test/fixtures/golden/adult/data.csv'))

let nextId = 1

/** Parses `file` through the data host; returns everything posted for the request. */
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
  for (const p of posts) expect(p.id).toBe(id)
  const finals = posts.filter((p) => p.kind === 'result' || p.kind === 'error')
  expect(finals).toHaveLength(1)
  return { posts, final: finals[0]! }
}

function result(res: Res): ParsedData {
  if (res.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(res)}`)
  return res.result as ParsedData
}

/** A CSV of `n` rows, about 20 bytes each. */
function bigCsv(n: number): string {
  const lines = ['id,group,score,label']
  for (let i = 0; i < n; i++)
    lines.push(`${i},g${i % 7},${(i * 0.37) % 100},${i % 3 === 0 ? 'yes' : 'no'}`)
  return lines.join('\n') + '\n'
}

describe('dataHandle', () => {
  it('parses the golden CSV file with its hash, delimiter and column profiles', async () => {
    const { final } = await parse(new File([goldenBytes], 'data.csv'))
    const r = result(final)
    expect(r.name).toBe('data.csv')
    expect(r.bytes).toBe(goldenBytes.length)
    expect(r.sha256).toBe(createHash('sha256').update(goldenBytes).digest('hex'))
    expect(r.delimiter).toBe(',')
    expect(r.table.nRows).toBe(2000)
    expect(r.table.columns).toHaveLength(15)
    expect(r.profiles.map((p) => p.name)).toEqual(r.table.columns.map((c) => c.name))
    const byName = Object.fromEntries(r.profiles.map((p) => [p.name, p]))
    expect(byName.age).toMatchObject({ kind: 'numeric', missing: 0 })
    expect(byName.workclass).toMatchObject({ kind: 'categorical', missing: 108 })
    expect(byName.income!.categories).toEqual(['<=50K', '>50K'])
  })

  it('detects the semicolon delimiter of a BOM-prefixed file', async () => {
    const bytes = readFileSync(url('e2e/fixtures/bad/data-semicolon.csv'))
    const r = result((await parse(new File([bytes], 'semi.csv'))).final)
    expect(r.delimiter).toBe(';')
    expect(r.table.nRows).toBe(2000)
    expect(r.table.columns[0]!.name).toBe('age')
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('rejects an empty file', async () => {
    const { final } = await parse(new File([], 'empty.csv'))
    expect(final).toMatchObject({
      kind: 'error',
      errorKind: 'DataError',
      message: 'empty.csv: the file is empty',
    })
    const blank = await parse(new File(['\uFEFF \n\n'], 'blank.csv'))
    expect(blank.final).toMatchObject({
      errorKind: 'DataError',
      message: 'blank.csv: the file is empty',
    })
  })

  it('rejects a binary file', async () => {
    const bin = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x61, 0x2c, 0x62])
    const { final } = await parse(new File([bin], 'data.xlsx'))
    expect(final).toMatchObject({ kind: 'error', errorKind: 'DataError' })
    expect(final.kind === 'error' && final.message).toBe(
      'data.xlsx: this is a binary file, not a CSV text file',
    )
  })

  it('reports the column rules of the CSV parser as DataErrors', async () => {
    const ragged = await parse(new File(['a,b\n1,2\n3\n'], 'ragged.csv'))
    expect(ragged.final).toMatchObject({
      errorKind: 'DataError',
      message: 'ragged.csv: row 1 has 1 field, the header has 2',
    })
    const header = await parse(new File(['a,b\n'], 'h.csv'))
    expect(header.final).toMatchObject({ message: 'h.csv: the file has a header but no data rows' })
    const quotes = await parse(new File(['a,b\n1,2\n"3,4\n5,6\n'], 'q.csv'))
    expect(quotes.final).toMatchObject({ errorKind: 'DataError' })
    expect(quotes.final.kind === 'error' && quotes.final.message).toMatch(
      /^q\.csv: malformed quoting near row 1 /,
    )
  })

  it('posts progress while parsing a file larger than one chunk', async () => {
    const csv = bigCsv(60_000)
    expect(csv.length).toBeGreaterThan(1 << 20)
    const { posts, final } = await parse(new File([csv], 'big.csv'))
    const progress = posts.filter((p) => p.kind === 'progress')
    expect(progress.length).toBeGreaterThanOrEqual(2)
    for (const p of progress) {
      expect(p).toMatchObject({ total: csv.length, label: 'Parsing big.csv' })
    }
    const done = progress.map((p) => (p.kind === 'progress' ? p.done : -1))
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(done.at(-1)).toBe(csv.length)
    const r = result(final)
    expect(r.table.nRows).toBe(60_000)
    const id = r.table.columns[0]!
    expect(columnCell(id, 0)).toBe('0')
    expect(columnCell(id, 59_999)).toBe('59999')
  })

  it('keeps rows that straddle a chunk boundary intact', async () => {
    const csv = bigCsv(60_000)
    const r = result((await parse(new File([csv], 'big.csv'))).final)
    const [ids, groups] = r.table.columns
    for (let i = 0; i < r.table.nRows; i += 1111) {
      expect(columnCell(ids!, i)).toBe(String(i))
      expect(columnCell(groups!, i)).toBe(`g${i % 7}`)
    }
  })

  it('stops with an AbortError when cancelled mid-parse', async () => {
    const csv = bigCsv(60_000)
    let progress = 0
    const { final } = await parse(new File([csv], 'big.csv'), (res, id) => {
      if (res.kind === 'progress' && ++progress === 1)
        void dataHandle({ id: 0, cmd: Cmd.Cancel, target: id }, () => {})
    })
    expect(progress).toBe(1)
    expect(final).toMatchObject({ kind: 'error', errorKind: 'AbortError', message: 'cancelled' })
    // A later request with a fresh id is unaffected.
    expect(result((await parse(new File(['a\n1\n'], 'ok.csv'))).final).table.nRows).toBe(1)
  })
})
