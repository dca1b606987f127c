/**
 * A dataset on disk read in chunks for the streamed audit: a CSV in byte ranges (./dataCsv.ts) or a
 * Parquet file by row groups (src/core/parquet), told apart by content (`PAR1`), not by extension.
 * Opening one for shard i of n reads the whole file once (its sha256; for a CSV also the record scan
 * that finds the shard's byte range and its first global row), then hands on the shard's rows as
 * Tables of at most one chunk (CSV: ~`chunkRows` rows; Parquet: one row group) with their global
 * first row, and can fetch any given global rows (the explained rows, the background) afterwards.
 * `dataLoadFromDisk` reads a whole file (CSV or Parquet) into one Table for the in-memory commands.
 */
import { createHash } from 'node:crypto'
import { type FileHandle, open } from 'node:fs/promises'
import { DataError } from '../core/encode.ts'
import {
  type ParquetFile,
  byteSourceFromFileHandle,
  isParquet,
  parquetChunks,
  parquetOpen,
  parquetShardRowGroups,
  parquetTable,
} from '../core/parquet/index.ts'
import type { DataRef } from '../session/session.ts'
import type { ShardCoverage } from '../core/stream/index.ts'
import { type Table, TableBuilder, columnCell } from '../core/table.ts'
import { csvColumns, csvLayout, csvRangeChunks, csvRowsOfSpans, csvScanFile } from './dataCsv.ts'
import { regularFileSize } from './files.ts'
import { UsageError, csvLoadFromDisk } from './load.ts'

/** Shard `index` of `count` (0-based). */
export type ShardSpec = { index: number; count: number }

/** One chunk of consecutive rows: global row `firstRow` is the table's row 0. */
export type DataChunk = { firstRow: number; table: Table }

/** An opened dataset, positioned on one shard (see the module doc). */
export type DataSource = {
  readonly name: string
  readonly format: 'csv' | 'parquet'
  readonly sha256: string
  /** Data rows in the whole file. */
  readonly rows: number
  /** The rows this shard reads, as global row ranges [start, end). */
  readonly coverage: ShardCoverage
  /** The shard's rows, chunk by chunk, in ascending global order. */
  chunks(chunkRows: number): AsyncGenerator<DataChunk>
  /** Global rows `rows` (ascending, distinct, < `rows`) as one Table, in that order. */
  rowsTable(rows: readonly number[]): Promise<Table>
  close(): Promise<void>
}

/** Rows `idx` of a table (cells as text) appended to a builder. */
export function tableRowsInto(out: TableBuilder, t: Table, idx: Iterable<number>): void {
  for (const i of idx) out.push(t.columns.map((c) => columnCell(c, i)))
}

async function sha256OfFile(fh: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256')
  const buf = new Uint8Array(4 * 2 ** 20)
  for (let at = 0; at < size;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - at), at)
    if (bytesRead === 0) break
    hash.update(buf.subarray(0, bytesRead))
    at += bytesRead
  }
  return hash.digest('hex')
}

const rangesOf = (first: number, rows: number): [number, number][] =>
  rows > 0 ? [[first, first + rows]] : []

async function csvSource(
  fh: FileHandle,
  size: number,
  name: string,
  shard: ShardSpec,
): Promise<DataSource> {
  const layout = await csvLayout(fh, size, name)
  const cuts = [shard.index, shard.index + 1].map((k) => Math.floor((size * k) / shard.count))
  const scan = await csvScanFile(fh, size, name, layout, { cuts, hash: true })
  const [a, b] = scan.cuts as [{ at: number; firstRow: number }, { at: number; firstRow: number }]
  const range = { start: a.at, end: b.at, firstRow: a.firstRow, rows: b.firstRow - a.firstRow }
  const columns = await csvColumns(fh, layout, scan.headerEnd, name)
  return {
    name,
    format: 'csv',
    sha256: scan.sha256!,
    rows: scan.rows,
    coverage: { unit: 'rows', ranges: rangesOf(range.firstRow, range.rows), total: scan.rows },
    chunks: (chunkRows) => csvRangeChunks(fh, name, layout, scan.headerEnd, range, chunkRows),
    async rowsTable(rows) {
      const wanted = new Set(rows)
      const found = await csvScanFile(fh, size, name, layout, { wanted })
      return csvRowsOfSpans(fh, name, layout, columns, found.spans)
    },
    close: () => fh.close(),
  }
}

async function parquetSource(
  fh: FileHandle,
  size: number,
  name: string,
  shard: ShardSpec,
): Promise<DataSource> {
  const file: ParquetFile = await parquetOpen(byteSourceFromFileHandle(fh, size), name)
  const sha256 = await sha256OfFile(fh, size)
  const groups = parquetShardRowGroups(file.rowGroups.length, shard.index, shard.count)
  const ranges: [number, number][] = []
  for (const g of groups) {
    const rg = file.rowGroups[g]!
    if (rg.rows === 0) continue
    const last = ranges[ranges.length - 1]
    if (last && last[1] === rg.rowOffset) last[1] += rg.rows
    else ranges.push([rg.rowOffset, rg.rowOffset + rg.rows])
  }
  return {
    name,
    format: 'parquet',
    sha256,
    rows: file.nRows,
    coverage: { unit: 'rows', ranges, total: file.nRows },
    async *chunks() {
      for await (const c of parquetChunks(file, { rowGroups: groups }))
        yield { firstRow: c.rowOffset, table: c.table }
    },
    async rowsTable(rows) {
      const want = [...rows]
      const inGroup = file.rowGroups.filter((g) =>
        want.some((r) => r >= g.rowOffset && r < g.rowOffset + g.rows),
      )
      let out: TableBuilder | null = null
      for await (const c of parquetChunks(file, { rowGroups: inGroup.map((g) => g.index) })) {
        out ??= new TableBuilder(c.table.columns.map((col) => col.name))
        const here = want.filter((r) => r >= c.rowOffset && r < c.rowOffset + c.table.nRows)
        tableRowsInto(
          out,
          c.table,
          here.map((r) => r - c.rowOffset),
        )
      }
      if (!out) throw new DataError(`${name}: rows ${want.join(', ')} are not in the file`)
      return out.build()
    },
    close: () => fh.close(),
  }
}

/** `path` opened for reading after the checks every data option gets, with its size and format. */
async function openChecked(
  path: string,
  option: string,
): Promise<{ fh: FileHandle; size: number; parquet: boolean }> {
  try {
    // Checked before opening: a FIFO or device would block or never end.
    regularFileSize(path, `${option} ${path}`, Number.MAX_SAFE_INTEGER)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(
      `cannot read ${option} ${path}${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`,
    )
  }
  try {
    const st = await fh.stat()
    if (st.isDirectory()) throw new UsageError(`${option} ${path} is a directory, not a file`)
    if (st.size === 0) throw new UsageError(`${path}: the file is empty`)
    const head = new Uint8Array(4)
    await fh.read(head, 0, 4, 0)
    return { fh, size: st.size, parquet: isParquet(head) }
  } catch (e) {
    await fh.close()
    throw e
  }
}

/**
 * Opens `path` (given as `option`) for shard `shard`: Parquet when the file starts with `PAR1`,
 * else CSV.
 * @throws UsageError for an unreadable, empty or directory path; DataError naming the file for
 *   content it cannot read (binary, malformed quoting, a damaged Parquet footer, no data rows).
 */
export async function dataOpen(
  path: string,
  option: string,
  shard: ShardSpec,
): Promise<DataSource> {
  const { fh, size, parquet } = await openChecked(path, option)
  try {
    return await (parquet ? parquetSource : csvSource)(fh, size, path, shard)
  } catch (e) {
    await fh.close()
    throw e
  }
}

/** Most cells (rows × columns) a Parquet file read whole may give: 2^31 bytes of Int32 codes. */
export const MAX_WHOLE_PARQUET_CELLS = 2 ** 29

/**
 * A whole dataset in memory, for the commands that hold their data (`drift`, `compare`, the
 * in-memory audit): Parquet (first bytes `PAR1`, whatever the name) as one Table of all its row
 * groups, read by the same reader as the streamed audit, with the file's sha256; anything else as
 * a CSV (`csvLoadFromDisk`, unchanged). The Table equals the one its CSV twin gives.
 * @throws UsageError for an unreadable, empty or directory path; DataError naming the file (and
 *   column) for a damaged or unsupported Parquet, one without rows, or one above
 *   MAX_WHOLE_PARQUET_CELLS cells.
 */
export async function dataLoadFromDisk(path: string, option = '--data'): Promise<DataRef> {
  const { fh, size, parquet } = await openChecked(path, option)
  try {
    if (!parquet) {
      await fh.close()
      return await csvLoadFromDisk(path, option)
    }
    const file = await parquetOpen(byteSourceFromFileHandle(fh, size), path)
    const table = await parquetTable(file, { maxCells: MAX_WHOLE_PARQUET_CELLS })
    return { table, name: path, sha256: await sha256OfFile(fh, size) }
  } finally {
    if (parquet) await fh.close()
  }
}
