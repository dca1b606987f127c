/**
 * Random-access byte sources for the Parquet reader: a Parquet file is read footer first, then
 * column chunk by column chunk, so the reader asks for byte ranges rather than a stream. The same
 * interface covers a browser File or Blob (`slice`), a whole buffer (a fetched URL, a test
 * fixture) and a Node file handle (`fs.promises.open`), without core importing either runtime.
 */

/** Bytes [start, end) of a file of `byteLength` bytes, read on demand. */
export type ByteSource = {
  /** The file's size in bytes. */
  readonly byteLength: number
  /**
   * Bytes [start, end) (0 ≤ start ≤ end ≤ byteLength). May return a view of memory the source
   * keeps; the reader never writes into it.
   */
  read(start: number, end: number): Promise<Uint8Array>
}

/**
 * A source over bytes already in memory (a fetched body, a fixture).
 * @example const src = byteSourceFromBytes(new Uint8Array(await res.arrayBuffer()))
 */
export function byteSourceFromBytes(bytes: Uint8Array): ByteSource {
  return {
    byteLength: bytes.length,
    read: (start, end) => Promise.resolve(bytes.subarray(start, end)),
  }
}

/** The part of a Blob (a browser File; Node's Blob) the reader uses. */
export type BlobLike = {
  readonly size: number
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> }
}

/**
 * A source over a Blob or File: each read is a `slice(start, end).arrayBuffer()`, so a file is
 * never held whole.
 */
export function byteSourceFromBlob(blob: BlobLike): ByteSource {
  return {
    byteLength: blob.size,
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  }
}

/** The part of Node's `fs.promises.FileHandle` the reader uses. */
export type FileHandleLike = {
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>
}

/**
 * A source over an open Node file handle of `byteLength` bytes (`(await handle.stat()).size`).
 * The caller keeps and closes the handle.
 * @throws (from `read`) an Error when the file is shorter than announced (changed while read).
 * @example
 * const fh = await fs.promises.open(path)
 * const src = byteSourceFromFileHandle(fh, (await fh.stat()).size)
 */
export function byteSourceFromFileHandle(handle: FileHandleLike, byteLength: number): ByteSource {
  return {
    byteLength,
    read: async (start, end) => {
      const out = new Uint8Array(end - start)
      let done = 0
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done)
        if (bytesRead === 0) {
          throw new Error(
            `the file ended at byte ${start + done}, before byte ${end} (did it change while being read?)`,
          )
        }
        done += bytesRead
      }
      return out
    },
  }
}
