/**
 * The Parquet reader's public surface — the module the data worker and the CLI import
 * (dynamically in the browser, so hyparquet loads only for Parquet files). See ./open.ts and ./reader.ts.
 */
export { type ParquetFile, type ParquetRowGroup, parquetOpen } from './open.ts'
export {
  type ParquetChunk,
  type ParquetReadOptions,
  parquetChunks,
  parquetShardRowGroups,
  parquetTable,
} from './reader.ts'
export type { ParquetCellKind, ParquetColumnInfo } from './columns.ts'
export {
  type BlobLike,
  type ByteSource,
  type FileHandleLike,
  byteSourceFromBlob,
  byteSourceFromBytes,
  byteSourceFromFileHandle,
} from './source.ts'
export { PARQUET_MAGIC, isParquet } from './sniff.ts'
