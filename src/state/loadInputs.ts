/**
 * The load transaction's reading and reporting helpers (src/state/load.ts): a schema from a file,
 * a URL or an object, a schema inferred when it can be, and the notices an encoding summary gives.
 */
import { encodeNotices as encodeNoticesOf } from '../core/loadChecks.ts'
import { LINKED_FETCH, redirectRefusal } from '../core/origins.ts'
import type { Schema } from '../core/schema.ts'
import { type InferChoices, schemaInfer, schemaParse } from '../core/schemaIo.ts'
import type { Table } from '../core/table.ts'
import { WorkerError } from '../workers/client.ts'
import type { EncodeSummary } from '../workers/protocol.ts'
import type { Notice } from './jobs.ts'
import { errorMessage } from './ports.ts'
import type { SchemaSource } from './session.ts'

/** A schema as a load bundle hands it over. */
export type SchemaInput =
  | { kind: 'file'; file: File }
  | { kind: 'url'; url: string; linked?: true }
  | { kind: 'object'; schema: Schema; name: string }

/**
 * Reads and validates a schema.
 * @throws DataError naming the file or URL and the problem (a fetch failure, an HTTP status).
 */
export async function readSchema(
  src: SchemaInput,
  fetch: (url: string, init?: RequestInit) => Promise<Response>,
): Promise<SchemaSource> {
  if (src.kind === 'object') return { schema: src.schema, name: src.name, inferred: false }
  if (src.kind === 'file')
    return {
      schema: schemaParse(await src.file.text(), src.file.name),
      name: src.file.name,
      inferred: false,
    }
  let res: Response
  try {
    res = src.linked ? await fetch(src.url, LINKED_FETCH) : await fetch(src.url)
  } catch (e) {
    throw new WorkerError('DataError', `${src.url}: could not be fetched (${errorMessage(e)})`)
  }
  const refused = src.linked ? redirectRefusal(src.url, res) : null
  if (refused) throw new WorkerError('DataError', refused)
  if (!res.ok) throw new WorkerError('DataError', `${src.url}: HTTP ${res.status}`)
  return {
    schema: schemaParse(await res.text(), src.url),
    name: src.url,
    inferred: false,
    url: src.url,
  }
}

/** The schema inferred from `table` with `choices`, or null when it cannot be. */
export function schemaInferOrNull(table: Table, choices: InferChoices): Schema | null {
  try {
    return schemaInfer(table, choices)
  } catch {
    return null
  }
}

/**
 * The notices a load's encoding summary gives (src/core/loadChecks.ts encodeNotices: the same
 * words `glassbox audit` prints): ignored columns, empty or unknown categorical values, a missing
 * target or sensitive column.
 */
export function encodeNotices(enc: EncodeSummary, schema: Schema): [Notice['level'], string][] {
  return encodeNoticesOf(enc, schema).map((n) => [n.level, n.text])
}
