import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import {
  CSV_MAX_CARRY_CHARS,
  CsvChunkParser,
  CsvTableSink,
  csvDecoder,
  csvHeaderNames,
  parseCsvText,
} from '../../src/core/csv.ts'
import { DataError } from '../../src/core/encode.ts'
import { type Table, columnCell } from '../../src/core/table.ts'

const fixture = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The table as plain rows of cell texts, header first. */
function tableRows(t: Table): string[][] {
  const rows = [t.columns.map((c) => c.name)]
  for (let i = 0; i < t.nRows; i++) rows.push(t.columns.map((c) => columnCell(c, i)))
  return rows
}

/** Runs `fn` and returns the DataError it throws (fails the test if it throws anything else). */
function dataError(fn: () => unknown): DataError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DataError)
    return e as DataError
  }
  throw new Error('expected a DataError, nothing was thrown')
}

describe('parseCsvText', () => {
  it('keeps delimiters, newlines and escaped quotes inside quoted fields', () => {
    const t = parseCsvText('a,b\n"1,2","x\ny"\n"he said ""hi""",z\n', 'q.csv')
    expect(tableRows(t)).toEqual([
      ['a', 'b'],
      ['1,2', 'x\ny'],
      ['he said "hi"', 'z'],
    ])
  })

  it('reads CRLF line endings like LF ones', () => {
    expect(tableRows(parseCsvText('a,b\r\n1,2\r\n3,4\r\n'))).toEqual(
      tableRows(parseCsvText('a,b\n1,2\n3,4\n')),
    )
  })

  it('strips a byte order mark from the first header name', () => {
    const t = parseCsvText('\uFEFFage,sex\n30,Male\n')
    expect(t.columns.map((c) => c.name)).toEqual(['age', 'sex'])
  })

  it('detects a semicolon delimiter', () => {
    expect(tableRows(parseCsvText('a;b;c\n1;2;3\n4;5;6\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ])
  })

  it('detects a tab delimiter', () => {
    expect(tableRows(parseCsvText('a\tb\tc\n1\t2\t3\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ])
  })

  it('keeps empty cells as empty strings and trims the others', () => {
    expect(tableRows(parseCsvText('a,b,c\n1,,3\n , x ,\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', 'x', ''],
    ])
  })

  it('skips blank lines', () => {
    expect(parseCsvText('a,b\n1,2\n\n3,4\n\n').nRows).toBe(2)
  })

  it('dictionary-encodes each column in first-seen order', () => {
    const t = parseCsvText('k\nb\na\nb\nb\n')
    expect(t.columns[0]!.values).toEqual(['b', 'a'])
    expect([...t.columns[0]!.codes]).toEqual([0, 1, 0, 0])
  })

  it('rejects a row wider than the header, naming the row and both counts', () => {
    const e = dataError(() => parseCsvText('a,b\n1,2,3\n', 'wide.csv'))
    expect(e.message).toBe('wide.csv: row 0 has 3 fields, the header has 2')
  })

  it('rejects a row narrower than the header, naming the row and both counts', () => {
    const e = dataError(() => parseCsvText('a,b\n1,2\n3\n', 'narrow.csv'))
    expect(e.message).toBe('narrow.csv: row 1 has 1 field, the header has 2')
  })

  it('rejects a duplicate column name', () => {
    const e = dataError(() => parseCsvText('a,b,a\n1,2,3\n', 'dup.csv'))
    expect(e.message).toMatch(/dup\.csv: duplicate column name "a"/)
  })

  it('names a blank header cell "Unnamed: N"', () => {
    const t = parseCsvText('a,,c\n1,2,3\n')
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'Unnamed: 1', 'c'])
  })

  it('rejects an empty file, a whitespace-only file and a lone byte order mark', () => {
    for (const text of ['', '  \n\n', '\uFEFF']) {
      expect(dataError(() => parseCsvText(text, 'e.csv')).message).toBe('e.csv: the file is empty')
    }
  })

  it('rejects a header without data rows', () => {
    const e = dataError(() => parseCsvText('a,b\n', 'h.csv'))
    expect(e.message).toBe('h.csv: the file has a header but no data rows')
  })

  it('rejects malformed quoting, naming the data row', () => {
    expect(dataError(() => parseCsvText('a,b\n"1,2\n', 'm.csv')).message).toMatch(
      /^m\.csv: malformed quoting near row 0 /,
    )
    expect(dataError(() => parseCsvText('a,b\n1,"2"x\n', 'm.csv')).message).toMatch(
      /malformed quoting near row 0/,
    )
    expect(dataError(() => parseCsvText('a,b\n1,2\n"3,4\n5,6\n', 'm.csv')).message).toMatch(
      /malformed quoting near row 1/,
    )
  })

  it('parses the golden data to 2000 rows of its 15 columns', () => {
    const text = fixture('test/fixtures/golden/adult/data.csv')
    const t = parseCsvText(text, 'data.csv')
    const header = text.slice(0, text.indexOf('\n')).trim().split(',')
    expect(t.nRows).toBe(2000)
    expect(t.columns.map((c) => c.name)).toEqual(header)
    expect(header).toHaveLength(15)
    expect(header[0]).toBe('age')
    expect(header[14]).toBe('income')
    for (const c of t.columns) expect(c.codes).toHaveLength(2000)
  })

  it('reads the semicolon variant of the golden data (BOM, quoted cells) as the same table', () => {
    const golden = parseCsvText(fixture('test/fixtures/golden/adult/data.csv'), 'data.csv')
    const semi = parseCsvText(fixture('e2e/fixtures/bad/data-semicolon.csv'), 'semi.csv')
    expect(semi.nRows).toBe(2000)
    expect(tableRows(semi)).toEqual(tableRows(golden))
  })

  it('reads back any table Papa.unparse writes, cells trimmed', () => {
    const cell = fc
      .array(fc.constantFrom('a', 'Z', '0', ' ', ',', ';', '"', '\n', '\r\n', '.', '-', 'é'), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''))
    const table = fc.integer({ min: 2, max: 5 }).chain((cols) =>
      fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), {
        minLength: 1,
        maxLength: 12,
      }),
    )
    fc.assert(
      fc.property(table, (rows) => {
        const header = rows[0]!.map((_, j) => `col ${j}`)
        const text = Papa.unparse([header, ...rows])
        const t = parseCsvText(text, 'prop.csv')
        expect(tableRows(t)).toEqual([header, ...rows.map((r) => r.map((c) => c.trim()))])
      }),
      { numRuns: 300 },
    )
  })
})

describe('CsvTableSink', () => {
  it('builds one table from rows fed in several chunks, the first row being the header', () => {
    const sink = new CsvTableSink('chunks.csv')
    sink.add([
      ['x', 'y'],
      ['1', 'a'],
    ])
    expect(sink.rows).toBe(1)
    sink.add([[' 2 ', 'b']])
    sink.add([['3', 'a']])
    expect(sink.rows).toBe(3)
    const t = sink.finish()
    expect(tableRows(t)).toEqual([
      ['x', 'y'],
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'a'],
    ])
    expect(t.columns[1]!.values).toEqual(['a', 'b'])
  })

  it('counts data rows across chunks when naming a ragged row', () => {
    const sink = new CsvTableSink('s.csv')
    sink.add([
      ['x', 'y'],
      ['1', '2'],
    ])
    expect(() => sink.add([['3', '4'], ['5']])).toThrow(
      's.csv: row 2 has 1 field, the header has 2',
    )
  })

  it('rejects finishing without a header or without data rows', () => {
    expect(() => new CsvTableSink('n.csv').finish()).toThrow(
      'n.csv: the file is empty (no header row)',
    )
    const sink = new CsvTableSink('h.csv')
    sink.add([['x']])
    expect(() => sink.finish()).toThrow('h.csv: the file has a header but no data rows')
  })
})

describe('csvHeaderNames', () => {
  it('trims names, strips a BOM from the first one and names blanks by position', () => {
    expect(csvHeaderNames(['\uFEFF age ', ' ', 'b'], 'h.csv')).toEqual(['age', 'Unnamed: 1', 'b'])
    expect(csvHeaderNames(['\uFEFF', 'x'], 'h.csv')).toEqual(['Unnamed: 0', 'x'])
  })

  it('rejects names that collide after trimming', () => {
    expect(() => csvHeaderNames(['a', ' a'], 'h.csv')).toThrow(
      'h.csv: duplicate column name "a" in the header',
    )
  })
})

/** Parses `bytes` streamed in the given chunk sizes (cycled), as the data worker does. */
function parseChunked(
  bytes: Uint8Array,
  sizes: number[],
  shared = false,
  firstPieceChars?: number,
): CsvChunkParser {
  const p = new CsvChunkParser('chunks.csv', {
    shared,
    ...(firstPieceChars !== undefined ? { firstPieceChars } : {}),
  })
  let decoder: TextDecoder | null = null
  let k = 0
  for (let start = 0; start < bytes.length;) {
    const end = Math.min(bytes.length, start + sizes[k++ % sizes.length]!)
    const chunk = bytes.subarray(start, end)
    decoder ??= csvDecoder(chunk, 'chunks.csv')
    p.push(decoder.decode(chunk, { stream: end < bytes.length }), end >= bytes.length)
    start = end
  }
  return p
}

describe('CsvChunkParser', () => {
  const enc = (s: string) => new TextEncoder().encode(s)

  it('gives parseCsvText’s table for any split of the bytes (quotes, CRLF, multi-byte text)', () => {
    const cell = fc
      .array(fc.constantFrom('a', 'Z', '0', ' ', ',', ';', '"', '\n', '\r\n', 'é', '€', '😀'), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''))
    const rowsArb = fc.integer({ min: 1, max: 4 }).chain((cols) =>
      fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), {
        minLength: 1,
        maxLength: 15,
      }),
    )
    fc.assert(
      fc.property(
        rowsArb,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (rows, sizes, crlf) => {
          const header = rows[0]!.map((_, j) => `col ${j}`)
          const text = Papa.unparse([header, ...rows], { newline: crlf ? '\r\n' : '\n' })
          // The first piece must hold the rows papaparse guesses the delimiter from.
          const outcome = (f: () => Table) => {
            try {
              return tableRows(f())
            } catch (e) {
              return (e as Error).message.replace(/^\w+\.csv: /, '')
            }
          }
          const first = Papa.parse(text, { preview: 11 }).meta.cursor + 1
          expect(outcome(() => parseChunked(enc(text), sizes, false, first).finish())).toEqual(
            outcome(() => parseCsvText(text, 'whole.csv')),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('parses the golden CSV in 1 KiB chunks into the same table, with shared codes', () => {
    const text = fixture('test/fixtures/golden/adult/data.csv')
    const p = parseChunked(enc(text), [1024], true, 4096)
    const t = p.finish()
    expect(p.delimiter).toBe(',')
    expect(tableRows(t)).toEqual(tableRows(parseCsvText(text)))
    expect(t.columns[0]!.codes.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(t.columns[0]!.codes).toHaveLength(2000)
  })

  it('detects the delimiter from the first piece and decodes UTF-16 with a BOM', () => {
    const text = '\uFEFFa;b\n1;é\n2;€\n'
    const le = new Uint8Array(2 + (text.length - 1) * 2)
    le[0] = 0xff
    le[1] = 0xfe
    for (let i = 1; i < text.length; i++) {
      le[2 * i] = text.charCodeAt(i) & 0xff
      le[2 * i + 1] = text.charCodeAt(i) >> 8
    }
    const p = parseChunked(le, [3, 5])
    expect(p.delimiter).toBe(';')
    expect(tableRows(p.finish())).toEqual([
      ['a', 'b'],
      ['1', 'é'],
      ['2', '€'],
    ])
  })

  it('names the row of a ragged line or broken quoting in a later chunk', () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},x`).join('\n')
    const ragged = dataError(() =>
      parseChunked(enc(`a,b\n${body}\n7\n8,y\n`), [64], false, 64).finish(),
    )
    expect(ragged.message).toBe('chunks.csv: row 50 has 1 field, the header has 2')
    const quotes = dataError(() =>
      parseChunked(enc(`a,b\n${body}\n"7,y\n8,z\n`), [64], false, 64).finish(),
    )
    expect(quotes.message).toMatch(/^chunks\.csv: malformed quoting near row 5\d /)
  })

  it('rejects blank text and a header without rows like parseCsvText', () => {
    expect(dataError(() => parseChunked(enc(' \n\t\n'), [2]).finish()).message).toBe(
      'chunks.csv: the file is empty',
    )
    expect(dataError(() => parseChunked(enc('a,b\n'), [2]).finish()).message).toBe(
      'chunks.csv: the file has a header but no data rows',
    )
  })

  it('stops an unterminated quoted field instead of carrying it on forever', () => {
    const p = new CsvChunkParser('q.csv')
    p.push('a,b\n1,"open\n')
    const e = dataError(() => p.push('x'.repeat(CSV_MAX_CARRY_CHARS)))
    expect(e.message).toMatch(/^q\.csv: malformed quoting near row 1 \(a quoted field runs on/)
  })

  it('rejects a binary file from its first bytes', () => {
    expect(dataError(() => csvDecoder(Uint8Array.of(0x50, 0x4b, 0, 1), 'x.xlsx')).message).toBe(
      'x.xlsx: this is a binary file, not a CSV text file',
    )
  })
})
