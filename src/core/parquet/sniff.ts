/**
 * Recognising a Parquet file by its first bytes, without loading the reader: every Parquet file
 * starts (and ends) with the 4-byte magic "PAR1". The data worker sniffs with this and imports
 * the reader (hyparquet and its decompressors, ~100 kB) only for Parquet files.
 */

/** The Parquet magic number, "PAR1" in ASCII. */
export const PARQUET_MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x31)

/**
 * Whether `head` (a file's first bytes, at least 4) starts with the Parquet magic "PAR1".
 * False for fewer than 4 bytes.
 * @example isParquet(new TextEncoder().encode('PAR1…')) // true
 */
export function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && PARQUET_MAGIC.every((b, i) => head[i] === b)
}
