/**
 * Parquet → Table, over hyparquet and its decompressors. After `parquetOpen` (./open.ts),
 * `parquetChunks` reads row group by row group — one byte range per row group, decoded column by
 * column — into one Table per row group with its global row offset (a shard reads row groups
 * i, i + n, …), and `parquetTable` appends them into one Table. Cells are the texts the CSV twin
 * would carry (see ./columns.ts), so the Table is indistinguishable from the CSV parser's.
 * Progress (compressed bytes) and a cancel check come between column chunks.
 */
import { parquetRead } from 'hyparquet'
import type { AsyncBuffer, ColumnData } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { DataError } from '../encode.ts'
import type { Table } from '../table.ts'
import type { CheckCancel, ProgressFn } from '../types.ts'
import type { ParquetColumnPlan } from './columns.ts'
import { ColumnDict, allocCodes } from './dict.ts'
import { PARQUET_CODECS, parquetCodecError, parquetDecodeError } from './errors.ts'
import { type ParquetFile, type ParquetRowGroup, RAW_PARSERS, chunkStart } from './open.ts'
import type { ByteSource } from './source.ts'

/** Options of `parquetChunks` and `parquetTable`. */
export type ParquetReadOptions = {
  /**
   * Read only these columns (Table names), where present [all]. A name the file lacks is skipped:
   * the encoder then reports a missing feature column as for a CSV.
   */
  columns?: readonly string[]
  /** Row groups to read, in this order [all] (see `parquetShardRowGroups`). */
  rowGroups?: readonly number[]
  /** Keep codes in SharedArrayBuffers where possible (see TableBuilder) [false]. */
  shared?: boolean
  /** Called after each column chunk with compressed bytes done and total (selected chunks). */
  onProgress?: ProgressFn
  /** Called before each column chunk; throws to stop (an AbortError). */
  checkCancel?: CheckCancel
  /**
   * `parquetTable` only: refuse, before reading, a selection of more cells (rows × columns) than
   * this [no limit] — a browser tab holds 4 bytes per cell.
   */
  maxCells?: number
}

/** One row group read into a Table: rows `rowOffset` … `rowOffset + table.nRows − 1` of the file. */
export type ParquetChunk = {
  readonly table: Table
  readonly rowGroup: number
  readonly rowOffset: number
}

/**
 * The row groups of shard `index` of `count`: index, index + count, … (0 ≤ index < count). The
 * shards of 0 … count − 1 together read every row group once.
 * @throws RangeError for an index outside [0, count) or a count below 1.
 * @example parquetShardRowGroups(10, 1, 4) // [1, 5, 9]
 */
export function parquetShardRowGroups(nRowGroups: number, index: number, count: number): number[] {
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= count
  )
    throw new RangeError(`shard ${index}/${count}: the index must be 0 … ${count - 1}`)
  const out: number[] = []
  for (let g = index; g < nRowGroups; g += count) out.push(g)
  return out
}

type Prepared = {
  plans: ParquetColumnPlan[]
  groups: ParquetRowGroup[]
  totalBytes: number
}

/** Checks the selection: readable columns, valid row groups, codecs the reader has. */
function prepare(file: ParquetFile, opts: ParquetReadOptions): Prepared {
  const wanted = opts.columns ? new Set(opts.columns) : null
  const plans = file.plans.filter((p) => !wanted || wanted.has(p.name))
  const bad = plans.filter((p) => p.problem !== null)
  if (bad.length > 0) {
    const list = bad.map((p) => `column "${p.name}" (${p.type}) ${p.problem!}`).join('; ')
    throw new DataError(`${file.name}: ${list}`)
  }
  const indices = opts.rowGroups ?? file.rowGroups.map((g) => g.index)
  const groups = indices.map((i) => {
    const g = file.rowGroups[i]
    if (!Number.isInteger(i) || !g)
      throw new RangeError(
        `${file.name}: no row group ${i} (the file has ${file.rowGroups.length})`,
      )
    return g
  })
  const byPath = new Map(plans.map((p) => [p.path, p]))
  let totalBytes = 0
  for (const g of groups) {
    for (const chunk of file.metadata.row_groups[g.index]!.columns) {
      const m = chunk.meta_data!
      const plan = byPath.get(m.path_in_schema[0] ?? '')
      if (!plan) continue
      if (!PARQUET_CODECS.has(m.codec))
        throw parquetCodecError(file.name, { column: plan.name, rowGroup: g.index }, m.codec)
      totalBytes += Number(m.total_compressed_size)
    }
  }
  if (file.nRows === 0) throw new DataError(`${file.name}: the Parquet file has no data rows`)
  return { plans, groups, totalBytes }
}

/** An AsyncBuffer over `source` that serves reads inside [start, start + bytes.length) from `bytes`. */
function rangeBuffer(source: ByteSource, start: number, bytes: Uint8Array | null): AsyncBuffer {
  const copy = (u: Uint8Array): ArrayBuffer => u.slice().buffer
  return {
    byteLength: source.byteLength,
    slice: async (s, e = source.byteLength) => {
      if (bytes && s >= start && e <= start + bytes.length)
        return copy(bytes.subarray(s - start, e - start))
      return copy(await source.read(s, e))
    },
  }
}

/** Row groups up to this many compressed bytes are fetched in one read (one range request). */
const ONE_READ_BYTES = 64 * 2 ** 20

/** Reads one row group's selected columns, writing each row's code at `codes[j][at + row]`. */
async function readGroup(
  file: ParquetFile,
  prep: Prepared,
  g: ParquetRowGroup,
  dicts: ColumnDict[],
  codes: Int32Array[],
  at: number,
  progress: { done: number; opts: ParquetReadOptions },
): Promise<void> {
  if (g.rows === 0 || prep.plans.length === 0) return
  const metas = new Map(
    file.metadata.row_groups[g.index]!.columns.map((c) => [
      c.meta_data!.path_in_schema[0],
      c.meta_data!,
    ]),
  )
  const mine = prep.plans.map((p) => {
    const m = metas.get(p.path)
    if (!m)
      throw new DataError(
        `${file.name}: column "${p.name}" is missing from row group ${g.index}: the file is damaged`,
      )
    return m
  })
  const lo = Math.min(...mine.map(chunkStart))
  const hi = Math.max(...mine.map((m) => chunkStart(m) + Number(m.total_compressed_size)))
  const bytes = hi - lo <= ONE_READ_BYTES ? await file.source.read(lo, hi) : null
  const buffer = rangeBuffer(file.source, lo, bytes)
  for (let j = 0; j < prep.plans.length; j++) {
    await progress.opts.checkCancel?.()
    const plan = prep.plans[j]!
    const place = { column: plan.name, rowGroup: g.index }
    const chunks: ColumnData[] = []
    try {
      await parquetRead({
        file: buffer,
        metadata: file.metadata,
        columns: [plan.path],
        rowStart: g.rowOffset,
        rowEnd: g.rowOffset + g.rows,
        compressors,
        parsers: RAW_PARSERS,
        onChunk: (c) => chunks.push(c),
      })
    } catch (e) {
      throw parquetDecodeError(file.name, place, e)
    }
    const dict = dicts[j]!
    const out = codes[j]!
    const where = (row: number): string =>
      `${file.name}: column "${plan.name}" (a ${plan.kind}), row ${g.rowOffset + row}`
    let filled = 0
    for (const c of chunks) {
      const data = c.columnData
      for (let i = 0; i < data.length; i++) {
        const row = c.rowStart - g.rowOffset + i
        if (row < 0 || row >= g.rows) continue
        out[at + row] = dict.code(data[i], row, where)
        filled++
      }
    }
    if (filled !== g.rows) {
      throw new DataError(
        `${file.name}: column "${plan.name}" (row group ${g.index}) holds ${filled} values for ${g.rows} rows: the file is damaged`,
      )
    }
    progress.done += Number(mine[j]!.total_compressed_size)
    progress.opts.onProgress?.(progress.done, prep.totalBytes)
  }
}

/**
 * The selected row groups, each read into its own Table (own dictionaries), in the order asked.
 * Nothing but the current row group is held.
 * @throws DataError (naming file, column, row group) for unreadable column types, codecs or
 *   encodings the reader lacks, damaged data; whatever `checkCancel` throws.
 * @example for await (const { table, rowOffset } of parquetChunks(file, { rowGroups: parquetShardRowGroups(file.rowGroups.length, i, n) })) …
 */
export async function* parquetChunks(
  file: ParquetFile,
  opts: ParquetReadOptions = {},
): AsyncGenerator<ParquetChunk> {
  const prep = prepare(file, opts)
  const progress = { done: 0, opts }
  for (const g of prep.groups) {
    const dicts = prep.plans.map((p) => new ColumnDict(p.toText!))
    const codes = prep.plans.map(() => allocCodes(g.rows, opts.shared === true))
    await readGroup(file, prep, g, dicts, codes, 0, progress)
    const columns = prep.plans.map((p, j) => ({
      name: p.name,
      codes: codes[j]!,
      values: dicts[j]!.values,
    }))
    yield { table: { nRows: g.rows, columns }, rowGroup: g.index, rowOffset: g.rowOffset }
  }
}

/**
 * The selected row groups (all by default) as one Table, rows in the order of `rowGroups`.
 * @throws DataError as `parquetChunks`; also when no row is selected (the file has no data rows).
 * @example const table = await parquetTable(await parquetOpen(src, 'd.parquet'))
 */
export async function parquetTable(
  file: ParquetFile,
  opts: ParquetReadOptions = {},
): Promise<Table> {
  const prep = prepare(file, opts)
  const nRows = prep.groups.reduce((s, g) => s + g.rows, 0)
  if (nRows === 0) throw new DataError(`${file.name}: the selected row groups hold no rows`)
  const cells = nRows * prep.plans.length
  if (opts.maxCells !== undefined && cells > opts.maxCells) {
    throw new DataError(
      `${file.name}: ${nRows.toLocaleString('en-US')} rows × ${prep.plans.length} columns is more than the ${opts.maxCells.toLocaleString('en-US')} cells this reader may hold; sample the file first or audit it with the CLI`,
    )
  }
  const dicts = prep.plans.map((p) => new ColumnDict(p.toText!))
  const codes = prep.plans.map(() => allocCodes(nRows, opts.shared === true))
  const progress = { done: 0, opts }
  let at = 0
  for (const g of prep.groups) {
    await readGroup(file, prep, g, dicts, codes, at, progress)
    at += g.rows
  }
  return {
    nRows,
    columns: prep.plans.map((p, j) => ({
      name: p.name,
      codes: codes[j]!,
      values: dicts[j]!.values,
    })),
  }
}
