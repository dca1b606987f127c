/**
 * CSV → Table. Parsing itself is papaparse's (quoted fields, CRLF, delimiter detection among
 * `,` `;` tab `|`); this module adds the column rules: a header row, a BOM stripped, unique
 * column names, every data row as wide as the header, and errors that name file, row and problem.
 * The same sink serves the worker (`CsvChunkParser`: the file streamed in byte chunks, decoded
 * with `csvDecoder`, never held whole) and Node (`parseCsvText`: a whole string).
 */
import Papa from 'papaparse'
import { DataError } from './encode.ts'
import { type Table, TableBuilder, type TableBuilderOptions } from './table.ts'

/** Consumes parsed rows (header first) and builds a Table, enforcing the column rules. */
export class CsvTableSink {
  private builder: TableBuilder | null = null
  private dataRows = 0
  private reserved = 0
  readonly source: string
  private readonly options: TableBuilderOptions
  /** Global index of the first data row this sink receives (a byte range of a file; messages). */
  readonly firstRow: number
  private names: string[] | null = null
  private taken = 0

  /**
   * `options` go to the TableBuilder (shared codes, initial capacity); `firstRow` is the global
   * index of the first data row (0 unless the rows come from the middle of a file).
   */
  constructor(source: string, options: TableBuilderOptions & { firstRow?: number } = {}) {
    this.source = source
    this.options = options
    this.firstRow = options.firstRow ?? 0
  }

  get rows(): number {
    return this.dataRows
  }

  /**
   * The rows added since the last `take` as a Table (null when there are none); later rows go to a
   * new Table with the same columns. Lets a reader hand a file on chunk by chunk.
   */
  take(): Table | null {
    if (!this.builder || this.dataRows === this.taken) return null
    const table = this.builder.build()
    this.taken = this.dataRows
    this.builder = new TableBuilder(this.names!, this.options)
    return table
  }

  /** Makes room for about `rows` data rows (an estimate from the file size; see TableBuilder). */
  reserve(rows: number): void {
    if (this.builder) this.builder.reserve(rows)
    else this.reserved = rows
  }

  /** Feeds parsed rows; the first row ever fed is the header. Lines of spaces or tabs are skipped like blank lines. */
  add(rows: readonly string[][]): void {
    for (const row of rows) {
      // papaparse skips empty lines only; a line of whitespace is one blank field.
      if (row.length === 1 && row[0]!.trim() === '') continue
      if (!this.builder) {
        this.names = csvHeaderNames(row, this.source)
        this.builder = new TableBuilder(this.names, this.options)
        if (this.reserved > 0) this.builder.reserve(this.reserved)
        continue
      }
      const width = this.builder.names.length
      if (row.length !== width) {
        throw new DataError(
          `${this.source}: row ${this.firstRow + this.dataRows} has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${width}`,
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
  return csvDecoder(bytes, source).decode(bytes)
}

/**
 * The decoder for a CSV whose first bytes are `head` (at least the first 4 KiB, or the whole
 * file when shorter): the rules of `csvDecode`. Feed it the file's chunks in order with
 * `decode(chunk, { stream: true })` — a character split between chunks is joined — and finish
 * with `decode()`.
 * @throws DataError naming `source` for a binary file.
 */
export function csvDecoder(head: Uint8Array, source: string): TextDecoder {
  const b0 = head[0]
  const b1 = head[1]
  const utf16 =
    b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : null
  if (!utf16 && head.subarray(0, Math.min(head.length, 4096)).includes(0)) {
    throw new DataError(`${source}: this is a binary file, not a CSV text file`)
  }
  return new TextDecoder(utf16 ?? 'utf-8')
}

/** The part of papaparse's ParserHandle that its own chunk streamer uses (not in its types). */
type PapaHandle = {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>
}

/**
 * Longest unfinished last row carried between chunks: beyond it a quoted field is taken to be
 * unterminated (re-parsing an ever longer carry would make the parse quadratic).
 */
export const CSV_MAX_CARRY_CHARS = 64 * 2 ** 20

/**
 * Text gathered before the first parse: papaparse guesses the line ending from the first 1 MiB
 * and the delimiter from the first 10 rows of its first input, so with this much the guesses are
 * the ones it makes on the whole text.
 */
const FIRST_PIECE_CHARS = 2 ** 20

/** Options of `CsvChunkParser` (see its constructor). */
export type CsvChunkParserOptions = TableBuilderOptions & {
  firstPieceChars?: number
  delimiter?: string
  newline?: '\n' | '\r\n' | '\r'
  firstRow?: number
}

/**
 * A CSV parsed from text pieces that arrive in order (a file decoded chunk by chunk), into a
 * CsvTableSink: papaparse's ParserHandle parses each piece with the unfinished last row carried to
 * the next one — what papaparse's own chunk streamer does — so the result equals
 * `parseCsvText(whole text)` (the first 1 MiB of text is gathered before the first parse, so the
 * line ending and delimiter are guessed as on the whole text). Nothing but the current piece and
 * the growing columns is held.
 * @example const p = new CsvChunkParser('x.csv'); p.push('a,b\n1,'); p.push('2\n', true); p.finish()
 */
export class CsvChunkParser {
  readonly sink: CsvTableSink
  private readonly source: string
  private readonly handle: PapaHandle
  private carry = ''
  private base = 0
  private headerSeen = false
  private content = false
  private started = false
  private ended = false
  private readonly firstPieceChars: number
  /** The delimiter papaparse detected (',' until the first piece is parsed). */
  delimiter = ','

  /**
   * `options`: the TableBuilder's; `firstPieceChars`, the text gathered before the first parse
   * [1 MiB] (tests lower it to exercise the carry on small texts); `delimiter` and `newline` when
   * known (a byte range from the middle of a file is parsed with the file's own, not guessed from
   * the range); `firstRow`, the global index of the first data row (messages).
   */
  constructor(source: string, options: CsvChunkParserOptions = {}) {
    this.source = source
    this.firstPieceChars = options.firstPieceChars ?? FIRST_PIECE_CHARS
    this.sink = new CsvTableSink(source, options)
    const Handle = (Papa as unknown as { ParserHandle: new (config: object) => PapaHandle })
      .ParserHandle
    this.handle = new Handle({
      ...csvPapaConfig,
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      ...(options.newline ? { newline: options.newline } : {}),
    })
    if (options.delimiter) this.delimiter = options.delimiter
  }

  /** Data rows parsed so far. */
  get rows(): number {
    return this.sink.rows
  }

  /**
   * Parses the next piece of text; `last` marks the end of the file (the carried row is then
   * parsed too).
   * @throws DataError for malformed quoting or a row of the wrong width (naming file and row).
   */
  push(text: string, last = false): void {
    if (this.ended) throw new Error('the CSV reader was given more text after the end of the file')
    if (!this.content && /\S/.test(text)) this.content = true
    const aggregate = this.carry + text
    if (!this.started && !last && aggregate.length < this.firstPieceChars) {
      this.carry = aggregate
      return
    }
    this.started = true
    this.carry = ''
    if (last) this.ended = true
    const res = this.handle.parse(aggregate, this.base, !last)
    // An error inside the unfinished last row is not one: that row is parsed again, whole, with
    // the next piece (a piece can end between the two quotes of an escaped "").
    const carryAt = last ? Infinity : res.meta.cursor - this.base
    const errors = res.errors.filter((e) => !((e.index ?? -1) >= carryAt))
    // papaparse counts error rows per piece; only the first piece starts with the header.
    const err = csvParseError(
      errors,
      this.source,
      this.headerSeen ? this.sink.firstRow + this.sink.rows + 1 : this.sink.firstRow,
    )
    if (err) throw err
    if (res.meta.delimiter) this.delimiter = res.meta.delimiter
    if (!last) {
      this.carry = aggregate.substring(res.meta.cursor - this.base)
      this.base = res.meta.cursor
      if (this.carry.length > CSV_MAX_CARRY_CHARS) {
        throw new DataError(
          `${this.source}: malformed quoting near row ${this.sink.firstRow + this.sink.rows + 1} (a quoted field runs on for more than ${CSV_MAX_CARRY_CHARS / 2 ** 20} MB without its closing quote)`,
        )
      }
    }
    if (res.data.length > 0) this.headerSeen = true
    this.sink.add(res.data)
  }

  /**
   * The table (call after the last piece).
   * @throws DataError for a file of only blank text, a header without data rows.
   */
  finish(): Table {
    if (!this.ended) this.push('', true)
    if (!this.content) throw new DataError(`${this.source}: the file is empty`)
    return this.sink.finish()
  }
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
