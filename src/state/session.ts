/**
 * The loaded session: model, data, schema, class of interest, labels and predictions — what a
 * load transaction (src/state/load.ts) replaces at once. Predictions carry a version number that
 * the stores depending on them key on: a load always bumps it; predictions delivered again later
 * (a backend probe, a backend switch, a device loss, a worker restart) bump it only when they
 * differ, bit for bit, from the ones held — so a cached probe that re-predicts the same numbers
 * starts no second round of cohort, grouping or calibration work.
 */
import type { ClassLabel, ClassRequest, OutputColumn } from '../model/card.ts'
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { Schema } from '../core/schema.ts'
import type { ColumnProfile, InferChoices } from '../core/schemaIo.ts'
import type { Table } from '../core/table.ts'
import type { ModelInfo } from '../model/tfModel.ts'
import type { DataInput, EncodeSummary, LoadResult, ModelInput } from '../workers/protocol.ts'

/** The loaded CSV. */
export type DataState = {
  name: string
  bytes: number
  sha256: string
  table: Table
  profiles: ColumnProfile[]
  delimiter: string
  /** Where the CSV came from (a link can carry a URL; a session bundle re-reads a file). */
  input: DataInput
}

/** The schema in use; `url` when it came from one (a link can carry it). */
export type SchemaSource = { schema: Schema; name: string; inferred: boolean; url?: string }

/** What is loaded. */
export type SessionState = {
  /** A model, data and schema are loaded together and validated. */
  ready: boolean
  model: { info: ModelInfo; input: ModelInput } | null
  data: DataState | null
  schema: SchemaSource | null
  /** Choices behind an inferred schema (target, positive, sensitive, features). */
  inferChoices: InferChoices | null
  /** The class of interest the user asked for (`auto`: the model's default class). */
  cls: ClassRequest
  /** The class of interest the loaded model answers for (null before the first load). */
  classLabel: ClassLabel | null
  /** The model output column read for it (null before the first load). */
  column: OutputColumn | null
  encode: EncodeSummary | null
  /** 0/1 label of every row; null when the data has no target column. */
  labels: Uint8Array | null
  /** Probability of the class of interest for every row. */
  predictions: Float32Array | null
  /** Bumped by every load and by every delivery of different predictions (0 = none yet). */
  predictionsVersion: number
  /** What the loaded model offers beyond its summary (card, TreeSHAP, IG, compression); null before a load. */
  modelFacts: ModelFacts | null
}

/**
 * The load result's model facts for the page (src/workers/protocol/model.ts LoadResult): the whole
 * card (format, runtime, ONNX/XGBoost details), TreeSHAP's status with its kinds or the reason it
 * is unavailable, and why IG and compression variants are unavailable (null when they are).
 */
export type ModelFacts = Pick<
  LoadResult,
  'card' | 'treeShap' | 'igUnavailable' | 'compressionUnavailable'
>

/** A load's new session (everything but the version, which the store assigns). */
export type SessionCommit = Omit<SessionState, 'predictionsVersion' | 'ready' | 'modelFacts'> & {
  modelFacts?: ModelFacts | null
}

/** The session store and its two ways of changing the predictions. */
export type Session = {
  readonly store: StoreApi<SessionState>
  /** Replaces the whole session (a successful load); bumps the predictions version. */
  commit(next: SessionCommit): void
  /**
   * Predictions of the loaded session delivered again (another backend, a probe, a restart):
   * stored, with a new version, only when they differ bit for bit from the ones held.
   * @returns true when they differed (and were stored).
   */
  deliver(predictions: Float32Array): boolean
}

/** Whether two float32 arrays hold the same bits (NaN equals NaN, −0 differs from +0). */
export function float32Identical(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

/**
 * The session store.
 * @example const session = createSession(); session.deliver(samePredictions) // false
 */
export function createSession(): Session {
  const store = createStore<SessionState>()(() => ({
    ready: false,
    model: null,
    data: null,
    schema: null,
    inferChoices: null,
    cls: { kind: 'auto' },
    classLabel: null,
    column: null,
    encode: null,
    labels: null,
    predictions: null,
    predictionsVersion: 0,
    modelFacts: null,
  }))
  return {
    store,
    commit(next) {
      store.setState((s) => ({
        ...next,
        modelFacts: next.modelFacts ?? null,
        ready: true,
        predictionsVersion: s.predictionsVersion + 1,
      }))
    },
    deliver(predictions) {
      const held = store.getState().predictions
      if (held && float32Identical(held, predictions)) return false
      store.setState((s) => ({ predictions, predictionsVersion: s.predictionsVersion + 1 }))
      return true
    },
  }
}
