/** The data worker's messages: parse a CSV file or URL into a columnar table. */
import type { ColumnProfile } from '../../core/schemaIo.ts'
import type { Table } from '../../core/table.ts'
import type { CancelRequest, NoFields, RequestOfMap } from './common.ts'

/** The data worker's command names. */
export const DataCmd = { Init: 'init', Cancel: 'cancel', Parse: 'parse' } as const

/** Where a CSV comes from. */
/** Data to parse: a picked file, or a URL (`linked`: named by a shared link — redirects refused). */
export type DataInput = { kind: 'file'; file: File } | { kind: 'url'; url: string; linked?: true }

/** A parsed CSV: identity, table, delimiter and column profiles. */
export type ParsedData = {
  name: string
  bytes: number
  sha256: string
  table: Table
  delimiter: string
  /** Per-column profile (type, missing cells, distinct values) for the dataset card. */
  profiles: ColumnProfile[]
}

/** The data worker's requests by command. */
export type DataRequests = {
  /** The handshake: the worker answers once it can take requests. */
  init: NoFields
  cancel: CancelRequest
  /** Reads, hashes and parses a CSV (progress: bytes). */
  parse: { input: DataInput }
}

/** The data worker's result by command. */
export type DataResults = { init: true; cancel: never; parse: ParsedData }

/** Every data-worker request as it travels. */
export type DataReq = RequestOfMap<DataRequests>
