/**
 * What goes wrong in a Parquet file, in the user's words. hyparquet throws plain Errors such as
 * "parquet unsupported compression codec: LZO" or a thrift or snappy detail; the reader checks
 * what it can before decoding (magic numbers, footer length, codecs, chunk offsets) and
 * translates the rest here, so every message names the file, and the column and row group
 * where one is involved — never a library stack.
 */
import { DataError } from '../encode.ts'

/** Codecs the reader decompresses (hyparquet + hyparquet-compressors). */
export const PARQUET_CODECS: ReadonlySet<string> = new Set([
  'UNCOMPRESSED',
  'SNAPPY',
  'GZIP',
  'BROTLI',
  'LZ4',
  'LZ4_RAW',
  'ZSTD',
])

const CODECS_TEXT = 'uncompressed, Snappy, gzip, Brotli, LZ4, LZ4_RAW and Zstandard'
const ENCODINGS_TEXT =
  'PLAIN, dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY), RLE, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and ALP'
const REWRITE = 'rewrite the file with default settings (e.g. pandas `df.to_parquet(path)`)'

/** Where in a file a problem is: the column (Table name) and row group. */
export type ParquetPlace = { column: string; rowGroup: number }

const at = (file: string, p: ParquetPlace): string =>
  `${file}: column "${p.column}" (row group ${p.rowGroup})`

/** The message for a column chunk compressed with a codec the reader lacks. */
export function parquetCodecError(
  file: string,
  p: ParquetPlace,
  codec: string | undefined,
): DataError {
  const what = codec ? `the ${codec} codec` : 'an unknown compression codec'
  return new DataError(
    `${at(file, p)} is compressed with ${what}, which Glassbox cannot decompress (it reads ${CODECS_TEXT}); ${REWRITE}`,
  )
}

/**
 * A hyparquet error raised while decoding one column chunk → a DataError naming file, column and
 * row group: an encoding the reader lacks, a codec it lacks, or damaged data (with hyparquet's
 * one-line detail, never its stack).
 */
export function parquetDecodeError(file: string, p: ParquetPlace, e: unknown): DataError {
  if (e instanceof DataError) return e
  const msg = e instanceof Error ? e.message : String(e)
  const enc = /unsupported encoding: (\w+)/.exec(msg)
  if (enc) {
    const name = enc[1] === 'undefined' ? 'an unknown encoding' : `the ${enc[1]} encoding`
    return new DataError(
      `${at(file, p)} uses ${name}, which Glassbox cannot decode (it reads ${ENCODINGS_TEXT}); ${REWRITE}`,
    )
  }
  const codec = /unsupported compression codec: (\w+)/.exec(msg)
  if (codec) return parquetCodecError(file, p, codec[1] === 'undefined' ? undefined : codec[1])
  const typeErr = /^parquet ((bson|interval) not supported|unsupported type|unhandled type)/.exec(
    msg,
  )
  if (typeErr) {
    return new DataError(
      `${at(file, p)} has a value type Glassbox cannot read (${msg.replace(/^parquet /, '')})`,
    )
  }
  return new DataError(
    `${at(file, p)} could not be decoded — the file is damaged or truncated (${msg.replace(/^parquet /, '')})`,
  )
}

/**
 * Checks a file's size, leading magic and trailer (the last 8 bytes: footer length + "PAR1").
 * @returns the footer (file metadata) length in bytes.
 * @throws DataError for a file too short, one that does not start with "PAR1" (not Parquet), an
 *   encrypted file ("PARE"), a missing trailing "PAR1" (truncated) or a footer longer than the file.
 */
export function parquetCheckEnds(
  file: string,
  byteLength: number,
  head: Uint8Array,
  tail: Uint8Array,
): number {
  const ascii = (b: Uint8Array): string => String.fromCharCode(...b)
  if (byteLength < 12 || head.length < 4 || tail.length < 8) {
    throw new DataError(
      `${file}: ${byteLength} bytes is too short to be a Parquet file (the file is truncated or empty)`,
    )
  }
  if (ascii(head.subarray(0, 4)) !== 'PAR1')
    throw new DataError(`${file}: this is not a Parquet file (it does not start with "PAR1")`)
  const magic = ascii(tail.subarray(4, 8))
  if (magic === 'PARE') {
    throw new DataError(
      `${file}: this Parquet file is encrypted (footer "PARE"); Glassbox reads unencrypted files only`,
    )
  }
  if (magic !== 'PAR1') {
    throw new DataError(
      `${file}: the Parquet file is truncated or damaged: it does not end with the "PAR1" footer marker (was the download or copy cut short?)`,
    )
  }
  const length = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true)
  if (length > byteLength - 12) {
    throw new DataError(
      `${file}: the Parquet footer is damaged: it gives ${length} bytes of metadata in a file of ${byteLength} bytes`,
    )
  }
  return length
}

/** The message for a footer (file metadata) hyparquet could not parse. */
export function parquetFooterError(file: string, e: unknown): DataError {
  const msg = e instanceof Error ? e.message : String(e)
  return new DataError(
    `${file}: the Parquet footer (file metadata) is damaged and cannot be read (${msg.replace(/^parquet /, '')})`,
  )
}
