/**
 * CSV → Table. Parsing itself is papaparse's (quoted fields, CRLF, delimiter detection among
 * `,` `;` tab `|`); this module adds the column rules: a header row, a BOM stripped, unique
 * column names, every data row as wide as the header, and errors that name file, row and problem.
 * The same sink serves the worker (streamed file chunks) and Node (a whole string).
 */
import Papa from 'papaparse'
import { DataError } from './encode.ts'
import { type Table, TableBuilder } from './table.ts'

/** Consumes parsed rows (header first) and builds a Table, enforcing the column rules. */
export class CsvTableSink {
  private builder: TableBuilder | null = null
  private dataRows = 0
  readonly source: string

  constructor(source: string) {
    this.source = source
  }

  get rows(): number {
    return this.dataRows
  }

  /** Feeds parsed rows; the first row ever fed is the header. Lines of spaces or tabs are skipped like blank lines. */
  add(rows: readonly string[][]): void {
    for (const row of rows) {
      // papaparse skips empty lines only; a line of whitespace is one blank field.
      if (row.length === 1 && row[0]!.trim() === '') continue
      if (!this.builder) {
        this.builder = new TableBuilder(csvHeaderNames(row, this.source))
        continue
      }
      const width = this.builder.names.length
      if (row.length !== width) {
        throw new DataError(
          `${this.source}: row ${this.dataRows} has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${width}`,
        )
      }
      this.builder.push(row)
      this.dataRows++
    }
  }

  /** The table; throws DataError for an empty file or a header without data rows. */
  finish(): Table {
    if (!this.builder) throw new DataError(`${this.source}: the file is empty (no header row)`)
    if (this.dataRows === 0)
      throw new DataError(`${this.source}: the file has a header but no data rows`)
    return this.builder.build()
  }
}

/** Header cells → column names: BOM and whitespace stripped, blanks named, duplicates rejected. */
export function csvHeaderNames(row: readonly string[], source: string): string[] {
  const names = row.map((cell, j) => {
    const name = (j === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim()
    return name === '' ? `Unnamed: ${j}` : name
  })
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n)) throw new DataError(`${source}: duplicate column name "${n}" in the header`)
    seen.add(n)
  }
  return names
}

/** The first structural parse error papaparse reported, as a DataError naming the row. */
export function csvParseError(
  errors: readonly Papa.ParseError[],
  source: string,
  rowBase: number,
): DataError | null {
  const e = errors.find((x) => x.type === 'Quotes')
  if (!e) return null
  // papaparse counts rows from 0 including the header; our rows are data rows.
  const row = (e.row ?? 0) + rowBase - 1
  return new DataError(`${source}: malformed quoting near row ${Math.max(0, row)} (${e.message})`)
}

/**
 * A CSV file's bytes → text. UTF-16 with a byte order mark (Excel's "Unicode text") is decoded
 * as such; everything else as UTF-8 (a UTF-8 BOM is dropped; invalid bytes become U+FFFD). A NUL
 * byte in the first 4 KiB of a file without a UTF-16 BOM means a binary file.
 * @throws DataError naming `source` for a binary file.
 * @example csvDecode(new TextEncoder().encode('a\n1\n'), 'x.csv') // 'a\n1\n'
 */
export function csvDecode(bytes: Uint8Array, source: string): string {
  const b0 = bytes[0]
  const b1 = bytes[1]
  const utf16 =
    b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : null
  if (!utf16 && bytes.subarray(0, Math.min(bytes.length, 4096)).includes(0)) {
    throw new DataError(`${source}: this is a binary file, not a CSV text file`)
  }
  return new TextDecoder(utf16 ?? 'utf-8').decode(bytes)
}

/** Shared papaparse options: auto delimiter, no type conversion, skip blank lines. */
export const csvPapaConfig: {
  header: false
  dynamicTyping: false
  skipEmptyLines: true
  delimitersToGuess: string[]
} = {
  header: false,
  dynamicTyping: false,
  skipEmptyLines: true,
  delimitersToGuess: [',', ';', '\t', '|'],
}

/**
 * Parses CSV text (Node, tests, CLI). Throws DataError naming `source` on any rule violation.
 * @example parseCsvText('a,b\n1,x\n', 'demo.csv').nRows === 1
 */
export function parseCsvText(text: string, source = 'the CSV'): Table {
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new DataError(`${source}: the file is empty`)
  const res = Papa.parse<string[]>(text, csvPapaConfig)
  const err = csvParseError(res.errors, source, 0)
  if (err) throw err
  const sink = new CsvTableSink(source)
  sink.add(res.data)
  return sink.finish()
}
