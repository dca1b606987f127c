/**
 * The data worker's logic (importable in Node tests): read a CSV file or URL, hash it, parse it
 * in chunks with papaparse into a columnar Table, posting progress and yielding between chunks
 * so a cancel message can arrive.
 */
import Papa from 'papaparse'
import { CsvTableSink, csvDecode, csvPapaConfig, csvParseError } from '../core/csv.ts'
import { DataError } from '../core/encode.ts'
import { columnProfile } from '../core/schemaIo.ts'
import { sha256Hex } from '../core/hash.ts'
import { AbortError, Cmd, type DataReq, type ParsedData, type Res, errorKind } from './protocol.ts'

/** Largest CSV accepted in the browser: beyond this a tab runs out of memory before parsing ends. */
export const MAX_CSV_BYTES = 1024 * 1024 * 1024
const CHUNK_BYTES = 1 << 20

export type Post = (res: Res, transfer?: Transferable[]) => void

const cancelled = new Set<number>()

async function readInput(
  req: Extract<DataReq, { cmd: 'parse' }>,
): Promise<{ name: string; buf: ArrayBuffer }> {
  const input = req.input
  if (input.kind === 'file') {
    if (input.file.size > MAX_CSV_BYTES) {
      throw new DataError(
        `${input.file.name}: ${(input.file.size / 2 ** 20).toFixed(0)} MB is larger than the ${MAX_CSV_BYTES / 2 ** 20} MB a browser tab can parse; sample the file first`,
      )
    }
    return { name: input.file.name, buf: await input.file.arrayBuffer() }
  }
  let res: Response
  try {
    res = await fetch(input.url)
  } catch (e) {
    throw new DataError(`${input.url}: could not be fetched (${(e as Error).message})`)
  }
  if (!res.ok) throw new DataError(`${input.url}: HTTP ${res.status} ${res.statusText}`.trim())
  return { name: input.url.split('/').pop() || input.url, buf: await res.arrayBuffer() }
}

/** Parses CSV text in chunks; resolves with the table and the detected delimiter. */
function parseChunked(
  text: string,
  name: string,
  id: number,
  post: Post,
): Promise<{ sink: CsvTableSink; delimiter: string }> {
  return new Promise((resolve, reject) => {
    const sink = new CsvTableSink(name)
    let delimiter = ','
    let failed = false
    let headerSeen = false
    Papa.parse<string[]>(text, {
      ...csvPapaConfig,
      chunkSize: CHUNK_BYTES,
      chunk: (res: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        try {
          // papaparse counts error rows per chunk; only the first chunk starts with the header.
          const err = csvParseError(res.errors, name, headerSeen ? sink.rows + 1 : 0)
          if (err) throw err
          headerSeen = true
          delimiter = res.meta.delimiter
          sink.add(res.data)
        } catch (e) {
          failed = true
          parser.abort()
          reject(e)
          return
        }
        post({
          id,
          kind: 'progress',
          done: Math.min(res.meta.cursor, text.length),
          total: text.length,
          label: `Parsing ${name}`,
        })
        parser.pause()
        setTimeout(() => {
          if (cancelled.has(id)) {
            failed = true
            parser.abort()
            reject(new AbortError())
          } else parser.resume()
        }, 0)
      },
      complete: () => {
        if (!failed) resolve({ sink, delimiter })
      },
    })
  })
}

/** Handles one request; posts exactly one result or error for it. */
export async function dataHandle(req: DataReq, post: Post): Promise<void> {
  if (req.cmd === Cmd.Cancel) {
    cancelled.add(req.target)
    return
  }
  try {
    const { name, buf } = await readInput(req)
    if (buf.byteLength === 0) throw new DataError(`${name}: the file is empty`)
    const bytes = new Uint8Array(buf)
    const text = csvDecode(bytes, name)
    const sha256 = await sha256Hex(bytes)
    if (text.replace(/^\uFEFF/, '').trim() === '') throw new DataError(`${name}: the file is empty`)
    const { sink, delimiter } = await parseChunked(text, name, req.id, post)
    const table = sink.finish()
    const profiles = table.columns.map((c) => columnProfile(c, table.nRows))
    const result: ParsedData = { name, bytes: buf.byteLength, sha256, table, delimiter, profiles }
    post(
      { id: req.id, kind: 'result', result },
      table.columns.map((c) => c.codes.buffer),
    )
  } catch (e) {
    post({ id: req.id, kind: 'error', errorKind: errorKind(e), message: (e as Error).message })
  } finally {
    cancelled.delete(req.id)
  }
}
