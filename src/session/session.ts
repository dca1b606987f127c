/**
 * One session: a loaded model, a schema and a dataset checked as one combination and turned into
 * what every job needs (the model worker's jobs, `glassbox audit`, `glassbox drift`): the output
 * column and class label, the model's input rows, the feature values and labels, the batched
 * predict and gradient, the verified exact fast path, the players' input offsets, and the map
 * from edited feature values to model inputs. The worker host and the CLI both open sessions
 * here, so the width check, the class resolution and the fast-path verification exist once.
 *
 * Runtime-agnostic: the model is seen only through src/model/runtime.ts.
 */
import { encodeTable } from '../core/encode.ts'
import {
  type ModelInputMap,
  modelInputMap,
  modelInputRows,
  schemaInputMode,
} from '../core/modelInput.ts'
import { outputCheck } from '../core/output.ts'
import { type Schema, schemaWidth } from '../core/schema.ts'
import { fastModelVerify } from '../core/shap/fast/detect.ts'
import type { FastModel } from '../core/shap/fast/model.ts'
import type { Table } from '../core/table.ts'
import type { GradFn, Matrix, PredictFn } from '../core/types.ts'
import { DataError } from '../core/encode.ts'
import type { ClassLabel, ClassRequest, OutputColumn } from '../model/card.ts'
import type { LoadedModel, PredictOptions } from '../model/runtime.ts'
import { ModelError } from '../model/errors.ts'
import { classResolve } from './classes.ts'
import { type SessionTreeShap, sessionTreeShap } from './treeShap.ts'

/** What the page tells the user about a dataset's encoding (notices). */
export type EncodeSummary = {
  /** Per feature: rows whose categorical value was empty or unknown (0 for numeric). */
  unknownCounts: number[]
  /** Per feature: the unknown values seen. */
  unknownValues: string[][]
  /** CSV columns not in the schema. */
  ignoredColumns: string[]
  missingTarget: boolean
  missingSensitive: string[]
}

/** A dataset as the session's model sees it. */
export type SessionData = {
  table: Table
  /** Display name (file name, URL or path). */
  dataName: string
  /** sha256 of the file (the report's `data.sha256`; keys explanation caches). */
  dataSha256: string
  /** The model's input rows: the §1 encoding (`encoded` mode) or the feature values (`columns`). */
  x: Matrix
  /** The §1 encoded rows whatever the mode (drift's distance; the same array as `x` when encoded). */
  encoded: Matrix
  /** Feature values per row (numeric value or category index; NaN/−1 for empty or unknown). */
  values: Matrix
  labels: Uint8Array | null
  encode: EncodeSummary
}

/** Everything a job needs about the model, the schema and the data. */
export type Session = SessionData & {
  model: LoadedModel
  schema: Schema
  /** Feature values → model inputs, and the inputs each player (schema feature) owns. */
  input: ModelInputMap
  /** The output column the probability of the class of interest is read from. */
  column: OutputColumn
  /** The class of interest as the report names it (`settings.classIndex`). */
  classLabel: ClassLabel
  predict: PredictFn
  /** ∂p/∂x; null when the runtime has none (`gradUnavailable` says why). */
  grad: GradFn | null
  gradUnavailable: string | null
  /** The exact Dense fast path, verified against `predict` on the data; null = black box. */
  fast: FastModel | null
  /** Why there is no fast path (null when there is one). */
  fastReason: string | null
  /** Model inputs of rows of feature values (what-if, counterfactuals). */
  inputFromValues(values: Matrix): Matrix
  /** TreeSHAP of the class of interest's margin: for tree models, or why not (none for others). */
  treeShap: SessionTreeShap
}

/**
 * The dataset a session opens on; `firstRow` = the global index of the table's first row when the
 * table is one chunk of a file read in pieces (messages name global rows) [0].
 */
export type DataRef = { table: Table; name: string; sha256: string; firstRow?: number }

/** How a session names things in errors and sizes its model calls. */
export type SessionOptions = {
  /** Display name of the schema (width-mismatch errors). */
  schemaName: string
  /** The CLI option naming the class (see ClassNaming); absent for the page. */
  classOption?: string
  /** Most rows per model call (an out-of-memory cap); the runtime's own chunks otherwise. */
  maxChunkRows?: number
}

/**
 * The model's input rows, feature values, labels and encoding summary of a table.
 * @throws DataError naming the file, column, row and value of a cell the schema cannot encode.
 */
export function sessionData(s: Pick<Session, 'schema' | 'input'>, data: DataRef): SessionData {
  const enc = encodeTable(s.schema, data.table, data.name, data.firstRow ?? 0)
  return {
    table: data.table,
    dataName: data.name,
    dataSha256: data.sha256,
    x: s.input.mode === 'encoded' ? enc.x : enc.values,
    encoded: enc.x,
    values: enc.values,
    labels: enc.labels,
    encode: {
      unknownCounts: enc.unknownCounts,
      unknownValues: enc.unknownValues,
      ignoredColumns: enc.ignoredColumns,
      missingTarget: enc.missingTarget,
      missingSensitive: enc.missingSensitive,
    },
  }
}

/** Checks that the schema gives the model the inputs it expects. */
function widthCheck(model: LoadedModel, schema: Schema, input: ModelInputMap, schemaName: string) {
  const want = model.card.inputWidth
  if (input.width === want) return
  const name = model.card.name
  if (input.mode === 'encoded')
    throw new DataError(
      `width mismatch: ${name} expects ${want} inputs, but ${schemaName} encodes ${schema.features.length} features into ${schemaWidth(schema)} inputs`,
    )
  throw new DataError(
    `width mismatch: ${name} has ${want} inputs, but ${schemaName} lists ${schema.features.length} features (one input per feature)`,
  )
}

/** The model's predict and gradient for the session's column within the chunk cap. */
function modelCalls(model: LoadedModel, column: OutputColumn, opts: PredictOptions) {
  const call = opts.maxChunkRows === undefined ? {} : { maxChunkRows: opts.maxChunkRows }
  const g = model.gradient
  return {
    predict: model.predictor(column, call),
    grad: g.available ? g.grad(column, call) : null,
    gradUnavailable: g.available ? null : g.reason,
  }
}

/**
 * Opens a session: the width check, the class of interest, the data encoded for the model, and
 * the fast path verified on the data's first rows. Nothing is predicted beyond that check.
 * @throws DataError (width mismatch, cells the schema cannot encode) or ModelError (a class the
 *   model lacks), naming the files.
 * @example const s = await sessionOpen(model, schema, { table, name, sha256 }, { kind: 'auto' },
 *   { schemaName: 'schema.json' })
 */
export async function sessionOpen(
  model: LoadedModel,
  schema: Schema,
  data: DataRef,
  request: ClassRequest,
  opts: SessionOptions,
): Promise<Session> {
  const mode = schemaInputMode(schema)
  if (!model.inputModes.includes(mode))
    throw new ModelError(
      `${model.card.name} (${model.card.format}) takes ${model.inputModes.join(' or ')} input, but ${opts.schemaName} asks for "modelInput": "${mode}"`,
    )
  const input = modelInputMap(schema, mode)
  widthCheck(model, schema, input, opts.schemaName)
  const naming = {
    model: model.card.name,
    ...(opts.classOption ? { option: opts.classOption } : {}),
  }
  const { column, label } = classResolve(model.card.outputWidth, request, naming)
  const d = sessionData({ schema, input }, data)
  const calls = modelCalls(model, column, opts)
  const det = model.fastPath(column)
  let fast = det.model
  let fastReason = det.reason
  if (fast) {
    fastReason = await fastModelVerify(fast, calls.predict, d.x)
    if (fastReason) fast = null
  }
  return {
    ...d,
    model,
    schema,
    input,
    column,
    classLabel: label,
    ...calls,
    fast,
    fastReason,
    inputFromValues: (values) => modelInputRows(input, values),
    treeShap: sessionTreeShap(model, column, input, schema),
  }
}

/**
 * Checks f of data rows against the schema's output kind (src/core/output.ts): NaN, or under
 * `probability` a value outside [0, 1], is one error naming the model, the first bad row and its
 * value — the same words in the CLI and the page.
 * @param firstRow the global 0-based index of `p[0]` (a chunk of a file read in pieces) [0].
 * @throws ModelError when a value is bad.
 */
export function sessionOutputCheck(
  s: Pick<Session, 'schema' | 'model' | 'dataName'>,
  p: ArrayLike<number>,
  firstRow = 0,
): void {
  const bad = outputCheck(p, s.schema.output.kind, {
    model: s.model.card.name,
    data: s.dataName,
    firstRow,
  })
  if (bad) throw new ModelError(bad)
}

/**
 * f of every row of the session's data, checked by {@link sessionOutputCheck}.
 * @throws ModelError naming the first bad row.
 */
export async function sessionPredictAll(
  s: Pick<Session, 'schema' | 'model' | 'dataName' | 'predict' | 'x'>,
  firstRow = 0,
): Promise<Float32Array> {
  const p = await s.predict(s.x)
  sessionOutputCheck(s, p, firstRow)
  return p
}

/** The session on another dataset (same model, schema and class; the fast path stays verified). */
export function sessionWithData(s: Session, data: SessionData): Session {
  return { ...s, ...data }
}

/**
 * The session with the same model reopened (another backend, another chunk cap): new predict and
 * gradient, the same data, class and fast path.
 */
export function sessionWithModel(
  s: Session,
  model: LoadedModel,
  opts: PredictOptions = {},
): Session {
  return {
    ...s,
    model,
    ...modelCalls(model, s.column, opts),
    treeShap: sessionTreeShap(model, s.column, s.input, s.schema),
  }
}
