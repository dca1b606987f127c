/**
 * Opening a Parquet file: the footer is read (three small reads: the first 4 bytes, the last 8,
 * then the metadata) and checked — magic numbers, footer length, schema, column names, where
 * every column chunk lies — before any data is read. See ./reader.ts for the reading.
 */
import { type FileMetaData, parquetMetadata, parquetSchema } from 'hyparquet'
import type { ColumnMetaData, ParquetParsers } from 'hyparquet'
import { DataError } from '../encode.ts'
import {
  type ParquetColumnInfo,
  type ParquetColumnPlan,
  parquetColumnPlans,
  schemaWithoutDecimals,
} from './columns.ts'
import { parquetCheckEnds, parquetFooterError } from './errors.ts'
import type { ByteSource } from './source.ts'

/** One row group: its index, the global index of its first row, its rows and compressed bytes. */
export type ParquetRowGroup = {
  readonly index: number
  readonly rowOffset: number
  readonly rows: number
  readonly bytes: number
}

/** An opened Parquet file: footer read and checked, no data read yet. */
export type ParquetFile = {
  /** The file name used in messages. */
  readonly name: string
  readonly source: ByteSource
  /** Total rows (the row groups' sum). */
  readonly nRows: number
  readonly rowGroups: readonly ParquetRowGroup[]
  /** Top-level columns in file order, with their cell kind or the reason they cannot be read. */
  readonly columns: readonly ParquetColumnInfo[]
  /** The writer recorded in the footer ("parquet-cpp-arrow version 15.0.0"), if any. */
  readonly createdBy: string | null
  /** hyparquet's parsed footer, with readable DECIMALs' annotations removed (see columns.ts). */
  readonly metadata: FileMetaData
  /** `columns` with their cell conversions (for ./reader.ts). */
  readonly plans: readonly ParquetColumnPlan[]
}

/**
 * Parsers handed to hyparquet (for the footer's statistics and for the data): dates and
 * timestamps stay raw counts and JSON stays text, so ./columns.ts formats them (with the column's
 * unit and time zone flag, which parsers never see).
 */
export const RAW_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (v) => v,
  timestampFromMicroseconds: (v) => v,
  timestampFromNanoseconds: (v) => v,
  dateFromDays: (v) => v,
  jsonFromBytes: (b) => (b ? new TextDecoder().decode(b) : b),
}

/** Byte offset where a column chunk starts: its dictionary page if any, else its first data page. */
export const chunkStart = (m: ColumnMetaData): number =>
  Number(m.dictionary_page_offset || m.data_page_offset)

/**
 * Reads and checks a Parquet file's footer.
 * @param name the file name for messages.
 * @throws DataError for a file that is not Parquet, truncated, encrypted or whose footer is
 *   damaged; for duplicate column names; for a column chunk outside the file or in another file.
 * @example const file = await parquetOpen(byteSourceFromBytes(bytes), 'decisions.parquet')
 */
export async function parquetOpen(source: ByteSource, name: string): Promise<ParquetFile> {
  const size = source.byteLength
  const ends = size >= 12
  const head = ends ? await source.read(0, 4) : new Uint8Array(0)
  const tail = ends ? await source.read(size - 8, size) : new Uint8Array(0)
  const footerLength = parquetCheckEnds(name, size, head, tail)
  const footerStart = size - 8 - footerLength
  const footer = await source.read(footerStart, size)
  let raw: FileMetaData
  let root: ReturnType<typeof parquetSchema>
  try {
    raw = parquetMetadata(footer, { parsers: RAW_PARSERS })
    root = parquetSchema(raw)
  } catch (e) {
    throw parquetFooterError(name, e)
  }
  const { columns: plans, duplicate } = parquetColumnPlans(root)
  if (duplicate !== null)
    throw new DataError(`${name}: two columns are named "${duplicate}" in the Parquet schema`)
  const decimals = new Set(plans.filter((p) => p.rawDecimal).map((p) => p.path))
  const metadata = { ...raw, schema: schemaWithoutDecimals(raw.schema, decimals, root.children) }

  const byPath = new Map(plans.map((p) => [p.path, p]))
  const rowGroups: ParquetRowGroup[] = []
  let rowOffset = 0
  raw.row_groups.forEach((rg, index) => {
    let bytes = 0
    for (const chunk of rg.columns) {
      const m = chunk.meta_data
      const column = byPath.get(m?.path_in_schema[0] ?? '')?.name ?? m?.path_in_schema.join('.')
      const where = `${name}: column "${column ?? '?'}" (row group ${index})`
      if (chunk.file_path)
        throw new DataError(
          `${where} is stored in another file (${chunk.file_path}); Glassbox reads self-contained files only`,
        )
      if (!m) throw new DataError(`${where} has no metadata: the file is damaged`)
      const start = chunkStart(m)
      const end = start + Number(m.total_compressed_size)
      if (!(start >= 4 && end <= footerStart && end >= start)) {
        throw new DataError(
          `${where} lies outside the file's data (bytes ${start}–${end} of ${size}): the file is truncated or damaged`,
        )
      }
      bytes += end - start
    }
    const rows = Number(rg.num_rows)
    rowGroups.push({ index, rowOffset, rows, bytes })
    rowOffset += rows
  })
  const columns = plans.map(({ name: n, path, type, kind, problem }) => ({
    name: n,
    path,
    type,
    kind,
    problem,
  }))
  return {
    name,
    source,
    nRows: rowOffset,
    rowGroups,
    columns,
    createdBy: raw.created_by ?? null,
    metadata,
    plans,
  }
}
