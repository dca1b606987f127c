/**
 * What a user brought that is not loaded yet: a lone model waiting for its CSV, a lone CSV (or
 * CSV and schema) waiting for its model, and — when model and CSV are both there but no schema
 * fits — the schema editor's draft. The load transaction (src/state/load.ts) fills it and clears
 * it when a load succeeds; a failed apply keeps it, draft included.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { ModelInputMode } from '../core/modelInput.ts'
import type { SchemaDraft } from '../core/schemaDraft.ts'
import type { ModelInfo } from '../model/card.ts'
import type { ModelInput } from '../workers/protocol.ts'
import type { DataState, SchemaSource } from './session.ts'
import type { ColumnInputSpec } from '../core/schemaColumns.ts'

/** A model opened alone (src/workers/model/inspect.ts): its files, card summary and input modes. */
export type PendingModel = {
  input: ModelInput
  info: ModelInfo
  inputModes: ModelInputMode[]
  /** The model's inputs (name, element type): a columns-mode schema is inferred from them. */
  inputs?: ColumnInputSpec[]
}

/** The parts waiting to be loaded together, and the editor's draft when it is open. */
export type PendingState = {
  model: PendingModel | null
  data: DataState | null
  schema: SchemaSource | null
  /** The schema being edited (null: the editor is closed). */
  draft: SchemaDraft | null
}

/** The empty state: nothing waits. */
export const PENDING_NONE: PendingState = { model: null, data: null, schema: null, draft: null }

/** Whether anything waits. */
export const pendingAny = (p: PendingState): boolean =>
  p.model !== null || p.data !== null || p.schema !== null

/**
 * What the page says while parts wait (null when nothing waits or the editor is open):
 * "Model model.json (61 inputs) is loaded and waits for its data: load a CSV (and its schema if
 * you have one)."
 */
export function pendingMessage(p: PendingState): string | null {
  if (p.draft || !pendingAny(p)) return null
  if (p.model && !p.data)
    return `Model ${p.model.info.name} (${p.model.info.inputWidth} inputs) is loaded and waits for its data: load a CSV (and its schema if you have one).`
  if (p.data && !p.model)
    return `${p.data.name} (${p.data.table.nRows} rows, ${p.data.table.columns.length} columns)${p.schema ? ` and ${p.schema.name}` : ''} ${p.schema ? 'are' : 'is'} loaded and wait${p.schema ? '' : 's'} for a model: load its model.json and weight files.`
  return `${p.schema?.name ?? 'The schema'} is loaded and waits for a model and its data.`
}

/** The pending store. */
export type Pending = StoreApi<PendingState>

/** A pending store holding nothing. */
export const createPending = (): Pending => createStore<PendingState>()(() => PENDING_NONE)
