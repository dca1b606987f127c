/**
 * A CSV on disk read the way the dashboard reads it (src/core/csv.ts: UTF-8 with or without a BOM,
 * UTF-16 LE/BE by BOM, a binary file refused, papaparse's delimiter and newline guesses), but in
 * byte ranges and chunks of rows, so a file of any size streams: one quote-aware scan (./csvScan.ts)
 * hashes the file and finds where each shard's range starts and its first global row, then each
 * range is decoded and parsed on its own with the header from the file's start.
 */
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import Papa from 'papaparse'
import { CsvChunkParser, csvDecoder, csvHeaderNames, csvPapaConfig } from '../core/csv.ts'
import { DataError } from '../core/encode.ts'
import { type Table, TableBuilder } from '../core/table.ts'
import { type CsvScanResult, CsvScanner } from './csvScan.ts'

/** Bytes read at a time. */
const READ_BYTES = 4 * 2 ** 20

/** How a CSV's text is laid out: its encoding, BOM, delimiter, newline and header. */
export type CsvLayout = {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be'
  /** Bytes of the byte order mark (0, 2 or 3). */
  bom: number
  delimiter: string
  newline: '\n' | '\r\n' | '\r'
}

/** Reads up to `length` bytes at `position` into `buf` (fewer only at the end of the file). */
async function readInto(
  fh: FileHandle,
  buf: Uint8Array,
  position: number,
  length: number,
): Promise<Uint8Array> {
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return buf.subarray(0, done)
}

const readAt = (fh: FileHandle, start: number, end: number): Promise<Uint8Array> =>
  readInto(fh, new Uint8Array(end - start), start, end - start)

/**
 * The encoding (BOM), delimiter and newline of a CSV, guessed by papaparse on the text's start as
 * the dashboard's parser guesses them.
 * @throws DataError naming the file for a binary file or one with no text.
 */
export async function csvLayout(fh: FileHandle, size: number, name: string): Promise<CsvLayout> {
  const head = await readAt(fh, 0, Math.min(size, READ_BYTES))
  const decoder = csvDecoder(head, name)
  const encoding = decoder.encoding as CsvLayout['encoding']
  const bom =
    encoding !== 'utf-8' ? 2 : head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
  const text = decoder.decode(head.subarray(0, head.length - (head.length % 2)), { stream: true })
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new DataError(`${name}: the file is empty`)
  const res = Papa.parse<string[]>(text, { ...csvPapaConfig, preview: 20 })
  const nl = res.meta.linebreak
  return {
    encoding,
    bom,
    delimiter: res.meta.delimiter || ',',
    newline: nl === '\r\n' || nl === '\r' ? nl : '\n',
  }
}

/** Code units of `bytes` (bytes themselves for UTF-8). */
function unitsOf(bytes: Uint8Array, layout: CsvLayout): ArrayLike<number> {
  if (layout.encoding === 'utf-8') return bytes
  const n = bytes.length >> 1
  const out = new Uint16Array(n)
  const le = layout.encoding === 'utf-16le'
  for (let i = 0; i < n; i++)
    out[i] = le
      ? bytes[2 * i]! | (bytes[2 * i + 1]! << 8)
      : (bytes[2 * i]! << 8) | bytes[2 * i + 1]!
  return out
}

/**
 * One sequential read of the whole file: its sha256 (when `hash`) and the scan (./csvScan.ts) with
 * the cuts and wanted rows asked for.
 * @throws DataError naming the file when it ends inside a quoted field, or has no data rows.
 */
export async function csvScanFile(
  fh: FileHandle,
  size: number,
  name: string,
  layout: CsvLayout,
  opts: { cuts?: readonly number[]; wanted?: ReadonlySet<number>; hash?: boolean } = {},
): Promise<CsvScanResult & { sha256: string | null }> {
  const unitBytes = layout.encoding === 'utf-8' ? 1 : 2
  const scanner = new CsvScanner({
    delimiter: layout.delimiter,
    newline: layout.newline,
    unitBytes,
    start: layout.bom,
    ...(opts.cuts ? { cuts: opts.cuts } : {}),
    ...(opts.wanted ? { wanted: opts.wanted } : {}),
  })
  const hash = opts.hash ? createHash('sha256') : null
  const buf = new Uint8Array(READ_BYTES)
  for (let at = 0; at < size;) {
    const bytes = await readInto(fh, buf, at, Math.min(READ_BYTES, size - at))
    if (bytes.length === 0)
      throw new DataError(`${name}: the file ended at byte ${at} of ${size} while being read`)
    hash?.update(bytes)
    // Reads start at even offsets and are even in length but the last: UTF-16 units never split.
    const from = at === 0 ? layout.bom : 0
    const usable = bytes.length - ((bytes.length - from) % unitBytes)
    scanner.push(unitsOf(bytes.subarray(from, usable), layout), at + from)
    at += bytes.length
  }
  const res = scanner.finish(size - ((size - layout.bom) % unitBytes))
  if (res.openQuote)
    throw new DataError(
      `${name}: malformed quoting near row ${res.openQuote.row} (a quoted field is never closed)`,
    )
  if (res.rows === 0) throw new DataError(`${name}: the file has a header but no data rows`)
  return { ...res, sha256: hash ? hash.digest('hex') : null }
}

/** The header's text (the file's start up to `headerEnd`, BOM dropped). */
async function headerText(fh: FileHandle, layout: CsvLayout, headerEnd: number): Promise<string> {
  return new TextDecoder(layout.encoding).decode(await readAt(fh, 0, headerEnd))
}

/** The column names of the header. */
export async function csvColumns(
  fh: FileHandle,
  layout: CsvLayout,
  headerEnd: number,
  name: string,
): Promise<string[]> {
  const text = await headerText(fh, layout, headerEnd)
  const res = Papa.parse<string[]>(text, {
    ...csvPapaConfig,
    delimiter: layout.delimiter,
    newline: layout.newline,
  })
  const row = res.data.find((r) => !(r.length === 1 && r[0]!.trim() === ''))
  if (!row) throw new DataError(`${name}: the file is empty (no header row)`)
  return csvHeaderNames(row, name)
}

/**
 * The data rows of bytes [start, end) (a range that starts on a record) as Tables of about
 * `chunkRows` rows, the first being global row `firstRow`; checks that it parses `rows` rows.
 * @throws DataError naming the file and the global row (malformed quoting, a ragged row).
 */
export async function* csvRangeChunks(
  fh: FileHandle,
  name: string,
  layout: CsvLayout,
  headerEnd: number,
  range: { start: number; end: number; firstRow: number; rows: number },
  chunkRows: number,
): AsyncGenerator<{ firstRow: number; table: Table }> {
  if (range.rows === 0) return
  const parser = new CsvChunkParser(name, {
    delimiter: layout.delimiter,
    newline: layout.newline,
    firstRow: range.firstRow,
  })
  parser.push(await headerText(fh, layout, headerEnd))
  const decoder = new TextDecoder(layout.encoding, { ignoreBOM: true })
  let next = range.firstRow
  const take = function* () {
    const table = parser.sink.take()
    if (table) {
      yield { firstRow: next, table }
      next += table.nRows
    }
  }
  for (let at = range.start; at < range.end;) {
    const bytes = await readAt(fh, at, Math.min(range.end, at + READ_BYTES))
    at += bytes.length
    const last = at >= range.end || bytes.length === 0
    parser.push(decoder.decode(bytes, { stream: !last }), last)
    if (parser.rows - (next - range.firstRow) >= chunkRows || last) yield* take()
    if (bytes.length === 0) break
  }
  yield* take()
  if (parser.rows !== range.rows)
    throw new DataError(
      `${name}: bytes ${range.start}–${range.end - 1} hold ${parser.rows} data rows by the parser but ${range.rows} by the record scan (rows ${range.firstRow}…); is the file's quoting consistent?`,
    )
}

/**
 * The given rows' records (spans from a scan) as one Table, rows in ascending global order.
 * @throws DataError naming the file and row when a record does not parse to one row.
 */
export async function csvRowsOfSpans(
  fh: FileHandle,
  name: string,
  layout: CsvLayout,
  columns: string[],
  spans: ReadonlyMap<number, [number, number]>,
): Promise<Table> {
  const rows = [...spans.keys()].sort((a, b) => a - b)
  const out = new TableBuilder(columns)
  const decoder = new TextDecoder(layout.encoding, { ignoreBOM: true })
  for (const r of rows) {
    const [a, b] = spans.get(r)!
    const text = decoder.decode(await readAt(fh, a, b))
    const res = Papa.parse<string[]>(text, {
      ...csvPapaConfig,
      delimiter: layout.delimiter,
      newline: layout.newline,
    })
    const cells = res.data[0]
    if (res.data.length !== 1 || !cells || cells.length !== columns.length)
      throw new DataError(`${name}: row ${r} does not parse as one row of ${columns.length} fields`)
    out.push(cells)
  }
  return out.build()
}
