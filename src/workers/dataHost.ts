/**
 * The data worker's logic (importable in Node tests): read a CSV file or URL, hash it, and parse
 * it streamed — 1 MiB of bytes at a time decoded (a character split between chunks is joined),
 * parsed with papaparse into a columnar Table — posting progress and checking for a cancel
 * between chunks. Neither the file's bytes nor its text is ever held whole for a file input, so a
 * 1,000,000-row CSV costs its columns (4 bytes per cell, in shared memory where the page is
 * cross-origin isolated) and not three copies of itself. A file whose first bytes are "PAR1" is
 * read by the Parquet reader instead (src/core/parquet), into the same Table.
 */
import { CsvChunkParser, csvDecoder } from '../core/csv.ts'
import { DataError } from '../core/encode.ts'
import { sha256Hex } from '../core/hash.ts'
import { isParquet } from '../core/parquet/sniff.ts'
import { LINKED_FETCH, redirectRefusal } from '../core/origins.ts'
import { columnProfile } from '../core/schemaIo.ts'
import { type Table, tableCanShare } from '../core/table.ts'
import { AbortError, type Post, errorKind } from './protocol/common.ts'
import type { DataReq, DataRequests, ParsedData } from './protocol/data.ts'

/** Largest CSV accepted in the browser: beyond this a tab runs out of memory before parsing ends. */
export const MAX_CSV_BYTES = 1024 * 1024 * 1024
const CHUNK_BYTES = 1 << 20
/** Most cells (rows × columns) read from a Parquet file: 1 GiB of codes, as a 1 GiB CSV gives. */
export const MAX_PARQUET_CELLS = 2 ** 28

export type { Post }

const cancelled = new Set<number>()

const tooLarge = (name: string, bytes: number) =>
  new DataError(
    `${name}: ${(bytes / 2 ** 20).toFixed(0)} MB is larger than the ${MAX_CSV_BYTES / 2 ** 20} MB a browser tab can parse; sample the file first`,
  )

/** The bytes of a CSV, hashed whole and then read chunk by chunk. */
type Source = {
  name: string
  size: number
  sha256: () => Promise<string>
  /** Bytes [start, end). */
  read: (start: number, end: number) => Promise<Uint8Array>
}

async function openInput(req: DataRequests['parse']): Promise<Source> {
  const input = req.input
  if (input.kind === 'file') {
    const file = input.file
    if (file.size > MAX_CSV_BYTES) throw tooLarge(file.name, file.size)
    return {
      name: file.name,
      size: file.size,
      // WebCrypto has no incremental digest: the bytes are read once for the hash and released
      // before the streamed parse reads them again (from the OS cache).
      sha256: async () => {
        const buf = await file.arrayBuffer()
        try {
          return await sha256Hex(new Uint8Array(buf))
        } finally {
          release(buf)
        }
      },
      read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
    }
  }
  let res: Response
  try {
    res = input.linked ? await fetch(input.url, LINKED_FETCH) : await fetch(input.url)
  } catch (e) {
    throw new DataError(`${input.url}: could not be fetched (${(e as Error).message})`)
  }
  const refused = input.linked ? redirectRefusal(input.url, res) : null
  if (refused) throw new DataError(refused)
  const name = input.url.split('/').pop() || input.url
  if (!res.ok) throw new DataError(`${input.url}: HTTP ${res.status} ${res.statusText}`.trim())
  const announced = Number(res.headers.get('content-length') ?? 0)
  if (announced > MAX_CSV_BYTES) throw tooLarge(name, announced)
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes.length > MAX_CSV_BYTES) throw tooLarge(name, bytes.length)
  return {
    name,
    size: bytes.length,
    sha256: () => sha256Hex(bytes),
    read: (start, end) => Promise.resolve(bytes.subarray(start, end)),
  }
}

/**
 * Frees a buffer's memory now rather than at the worker's next garbage collection (which an idle
 * worker may not run for a while): `transfer(0)` detaches it. A no-op where unsupported.
 */
function release(buf: ArrayBuffer): void {
  ;(buf as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer?.(0)
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/**
 * Parses the source chunk by chunk; posts progress (bytes) after each chunk and stops with an
 * AbortError when request `id` was cancelled.
 */
async function parseStreamed(
  src: Source,
  id: number,
  post: Post,
): Promise<{ parser: CsvChunkParser }> {
  const { name, size } = src
  const parser = new CsvChunkParser(name, { shared: tableCanShare() })
  let decoder: TextDecoder | null = null
  let reserved = false
  let lastYield = performance.now()
  for (let start = 0; start < size; start += CHUNK_BYTES) {
    const end = Math.min(size, start + CHUNK_BYTES)
    const bytes = await src.read(start, end)
    decoder ??= csvDecoder(bytes, name)
    const last = end >= size
    parser.push(decoder.decode(bytes, { stream: !last }), last)
    if (!reserved && parser.rows > 0) {
      // Estimate the row count from the bytes per row so far: one allocation instead of growth.
      reserved = true
      parser.sink.reserve(Math.ceil((parser.rows / end) * size * 1.02) + 64)
    }
    post({ id, kind: 'progress', done: end, total: size, label: `Parsing ${name}` })
    // Reading a chunk already yields to the event loop for a file; a fetched body does not.
    if (performance.now() - lastYield > 30) {
      await yieldToEvents()
      lastYield = performance.now()
    }
    if (cancelled.has(id)) throw new AbortError()
  }
  return { parser }
}

/**
 * Reads a Parquet source (first bytes "PAR1") row group by row group; the reader (hyparquet and
 * its decompressors) is imported only now, so CSV users never load it. Progress is compressed
 * bytes; a cancel is checked between column chunks, yielding at most every 30 ms as for a CSV.
 */
async function parseParquet(src: Source, id: number, post: Post): Promise<Table> {
  const { parquetOpen, parquetTable } = await import('../core/parquet/index.ts')
  const file = await parquetOpen({ byteLength: src.size, read: src.read }, src.name)
  let lastYield = performance.now()
  return parquetTable(file, {
    shared: tableCanShare(),
    maxCells: MAX_PARQUET_CELLS,
    onProgress: (done, total) =>
      post({ id, kind: 'progress', done, total, label: `Reading ${src.name}` }),
    checkCancel: async () => {
      if (performance.now() - lastYield > 30) {
        await yieldToEvents()
        lastYield = performance.now()
      }
      if (cancelled.has(id)) throw new AbortError()
    },
  })
}

/** Handles one request; posts exactly one result or error for it. */
export async function dataHandle(req: DataReq, post: Post): Promise<void> {
  if (req.cmd === 'cancel') {
    cancelled.add(req.target)
    return
  }
  if (req.cmd === 'init') {
    post({ id: req.id, kind: 'result', result: true })
    return
  }
  try {
    const src = await openInput(req)
    const { name } = src
    if (src.size === 0) throw new DataError(`${name}: the file is empty`)
    const sha256 = await src.sha256()
    if (cancelled.has(req.id)) throw new AbortError()
    let table: Table
    let delimiter = '' // none for Parquet
    if (isParquet(await src.read(0, Math.min(4, src.size)))) {
      table = await parseParquet(src, req.id, post)
    } else {
      const { parser } = await parseStreamed(src, req.id, post)
      table = parser.finish()
      delimiter = parser.delimiter
    }
    const profiles = table.columns.map((c) => columnProfile(c, table.nRows))
    const result: ParsedData = {
      name,
      bytes: src.size,
      sha256,
      table,
      delimiter,
      profiles,
    }
    // Shared codes cross without a copy; others are transferred.
    const transfer = table.columns
      .map((c) => c.codes.buffer)
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer)
    post({ id: req.id, kind: 'result', result }, transfer)
  } catch (e) {
    post({ id: req.id, kind: 'error', errorKind: errorKind(e), message: (e as Error).message })
  } finally {
    cancelled.delete(req.id)
  }
}
