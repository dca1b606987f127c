/**
 * Typed messages between the page and the workers. Both sides import this module; it has no
 * runtime dependencies beyond constants. Every request carries an id; responses echo it.
 * Typed arrays travel as transferables (codes of a Table, predictions, encoded rows).
 */
import type { Schema } from '../core/schema.ts'
import type { ColumnProfile } from '../core/schemaIo.ts'
import type { Table } from '../core/table.ts'
import type { io } from '@tensorflow/tfjs'
import type { ModelInfo } from '../model/tfModel.ts'
import type { ExplainSettings, RowExplanation } from '../core/explain.ts'
import type { BackgroundSpec } from '../core/shap/background.ts'
import type { AuditSettings } from '../report/audit.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import type { CompressionOptions } from '../model/compression.ts'
import type { DriftAnalysis } from '../core/drift/analyze.ts'
import type { PredictionRange } from '../core/loadChecks.ts'
import type { Matrix } from '../core/types.ts'
import type { Background } from '../core/shap/background.ts'
import type {
  CompressionMeasured,
  CompressionShapPlan,
  CompressionShapVariant,
} from '../model/compression.ts'

export const Cmd = {
  Init: 'init',
  Parse: 'parse',
  Load: 'load',
  Probe: 'probe',
  SetBackend: 'setBackend',
  Cancel: 'cancel',
  LoseDevice: 'loseDevice',
  Memory: 'memory',
  Explain: 'explain',
  GlobalShap: 'globalShap',
  Audit: 'audit',
  WhatIf: 'whatIf',
  Compress: 'compress',
  ExportVariant: 'exportVariant',
  Drift: 'drift',
  BenchPredict: 'benchPredict',
  Fault: 'fault',
  // Worker pool (src/workers/pool.ts): the primary shares its model and plans split jobs;
  // helpers attach the model and run pieces; any worker runs a piece.
  ShareModel: 'shareModel',
  Attach: 'attach',
  ShapPlan: 'shapPlan',
  ShapRows: 'shapRows',
  ShapCache: 'shapCache',
  CompressMeasure: 'compressMeasure',
  CompressShap: 'compressShap',
  CompressFinish: 'compressFinish',
} as const

export const BackendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const
export type BackendName = (typeof BackendNames)[number]

/** Where a model comes from: files picked or dropped (model.json + shards), or a URL. */
export type ModelInput = { kind: 'files'; files: File[] } | { kind: 'url'; url: string }
/** Where a CSV comes from. */
export type DataInput = { kind: 'file'; file: File } | { kind: 'url'; url: string }

// ---- data worker ----
export type DataReq =
  | { id: number; cmd: typeof Cmd.Parse; input: DataInput }
  | { id: number; cmd: typeof Cmd.Cancel; target: number }
export type ParsedData = {
  name: string
  bytes: number
  sha256: string
  table: Table
  delimiter: string
  /** Per-column profile (type, missing cells, distinct values) for the dataset card. */
  profiles: ColumnProfile[]
}

// ---- model worker ----
export type EncodeSummary = {
  unknownCounts: number[]
  unknownValues: string[][]
  ignoredColumns: string[]
  missingTarget: boolean
  missingSensitive: string[]
}
export type BackendStatus = {
  name: BackendName
  /** Could be initialised in this browser. */
  available: boolean
  /** Measured prediction throughput on the loaded model; null until probed. */
  rowsPerSec: number | null
  /** Why it is unavailable or failed. */
  error: string | null
  /** Adapter description where the backend exposes one (WebGPU). */
  detail: string | null
}
export type LoadResult = {
  model: ModelInfo
  encode: EncodeSummary
  labels: Uint8Array | null
  /** Clipped into [0, 1]; `outOfRange` says how many were outside (null: none). */
  predictions: Float32Array
  outOfRange: PredictionRange | null
  backend: BackendName
  predictMs: number
}
export type ProbeResult = {
  backends: BackendStatus[]
  active: BackendName
  predictions: Float32Array
  /** False when the rates came from the probe cache (same device and model shape). */
  measured: boolean
  /** When the rates were measured (ms since the epoch). */
  measuredAt: number
  /** Why a cached result was not used (its backend failed to initialise); null otherwise. */
  cacheNote: string | null
}
export type SetBackendResult = {
  backend: BackendName
  predictions: Float32Array
  predictMs: number
}

export type ModelReq =
  | { id: number; cmd: typeof Cmd.Init }
  | {
      id: number
      cmd: typeof Cmd.Load
      /** Omitted parts keep what the worker already holds. */
      model?: ModelInput
      table?: Table
      schema?: Schema
      classIndex: number
      /** Display names for error messages. */
      dataName: string
      /** sha256 of the data file (keys the explanation cache). */
      dataSha256: string
      schemaName: string
      /** Cap on rows per model call, from the page after an out-of-memory failure (kept until the next one). */
      maxChunkRows?: number
    }
  /** Measures backends, or (unless `force`) activates the cached result for this device and model shape. */
  | { id: number; cmd: typeof Cmd.Probe; force?: boolean }
  | { id: number; cmd: typeof Cmd.SetBackend; backend: BackendName }
  | { id: number; cmd: typeof Cmd.Cancel; target: number }
  | { id: number; cmd: typeof Cmd.LoseDevice }
  | { id: number; cmd: typeof Cmd.Memory }
  /** SHAP / IG / counterfactuals for chosen data rows (settings as the CLI's, contracts §3). */
  | { id: number; cmd: typeof Cmd.Explain; rows: number[]; settings: ExplainSettings }
  /** The CLI's audit of the loaded session → report JSON v1. */
  | { id: number; cmd: typeof Cmd.Audit; settings: AuditSettings }
  /** SHAP for a seeded sample of n rows: ranking and the per-row matrix. */
  | {
      id: number
      cmd: typeof Cmd.GlobalShap
      n: number
      seed: number
      background: BackgroundSpec
      budget: number
      /** Rows to sample from (a cohort); all rows when omitted. */
      pool?: number[]
      /** Compute even when cached (tests, benchmarks); the result is still cached. */
      fresh?: boolean
    }
  /** Quantized / pruned variants against float32 on the session's rows. */
  | {
      id: number
      cmd: typeof Cmd.Compress
      ids: QuantSchemeId[]
      options: Partial<Omit<CompressionOptions, 'ids' | 'column'>>
    }
  /** A variant as tfjs files (model.json + one .bin) for download. */
  | { id: number; cmd: typeof Cmd.ExportVariant; variant: QuantSchemeId; baseName: string }
  /**
   * The session's data as reference against a current dataset, with the session's model and
   * schema: feature/prediction/performance/fairness drift and OOD rows. The worker keeps the
   * current data's predictions.
   */
  | {
      id: number
      cmd: typeof Cmd.Drift
      table: Table
      dataName: string
      threshold: number
      seed: number
    }
  /** Prediction and exact/Kernel SHAP of an edited row (feature values: number or category index). */
  | { id: number; cmd: typeof Cmd.WhatIf; values: number[]; settings: ExplainSettings }
  /** Benchmark: one batched predict of `rows` rows (the session's encoded rows, tiled). */
  | { id: number; cmd: typeof Cmd.BenchPredict; rows: number }
  /** Tests only: inject an out-of-memory failure for model calls above `oomAboveRows` rows (null = off). */
  | { id: number; cmd: typeof Cmd.Fault; oomAboveRows: number | null }
  /** Primary: the model a helper needs; only the key when it equals `ifNot`. */
  | { id: number; cmd: typeof Cmd.ShareModel; ifNot?: string }
  /** Helper: load the shared model on its backend (no data: pieces bring their rows). */
  | { id: number; cmd: typeof Cmd.Attach; model: SharedModel }
  /** Primary: the seeded sample and background of a global SHAP job (or its cached result). */
  | {
      id: number
      cmd: typeof Cmd.ShapPlan
      n: number
      seed: number
      background: BackgroundSpec
      budget: number
      pool?: number[]
      fresh?: boolean
    }
  /** Any worker: SHAP of some of a plan's rows. */
  | ({ id: number; cmd: typeof Cmd.ShapRows } & ShapPiece)
  /** Primary: remember a pooled global SHAP result under its plan's key. */
  | { id: number; cmd: typeof Cmd.ShapCache; key: string; result: GlobalShapResult }
  /** Primary: the all-rows part of a compression comparison, and the plan of its SHAP part. */
  | {
      id: number
      cmd: typeof Cmd.CompressMeasure
      ids: QuantSchemeId[]
      options: Partial<Omit<CompressionOptions, 'ids' | 'column'>>
    }
  /** Any worker: φ of some of the plan's rows under each listed variant. */
  | {
      id: number
      cmd: typeof Cmd.CompressShap
      variants: CompressionShapVariant[]
      plan: CompressionShapPlan
    }
  /** Primary: compare the measured variants with their φ (rows in plan order). */
  | {
      id: number
      cmd: typeof Cmd.CompressFinish
      measured: CompressionMeasured
      phis: Record<string, Float64Array>
      threshold: number
      tolerance: number
      ms: number
    }

/** What a helper worker needs of the primary's model (never the data). */
export type SharedModel = {
  /** Identifies model, class, backend and chunk cap: helpers attached with it need nothing new. */
  key: string
  artifacts: io.ModelArtifacts
  name: string
  classIndex: number
  backend: BackendName
  /** The primary verified the exact Dense fast path on its data. */
  fast: boolean
  /** The primary's measured rate on its backend (sizes model calls the same way). */
  rowsPerSec: number | null
  /** The primary's cap on rows per model call after an out-of-memory failure (null: none). */
  maxChunkRows: number | null
}
export type ShareModelResult = { key: string; model: SharedModel | null }

/** A split global SHAP job: everything a worker needs besides the model. */
export type ShapPlan = {
  /** Cache key in the primary (model, data, schema, class, settings). */
  key: string
  featureNames: string[]
  /** The sampled data rows (sorted). */
  rows: Int32Array
  /** Their encoded rows (model inputs). */
  x: Matrix
  /** Their feature values (numeric value or category index), rows × features. */
  values: Float64Array
  bg: Background
  offsets: Int32Array
  /** Seed of the Kernel SHAP design stream (rngSplit of the job's stream; unused when exact). */
  designSeed: number
  budget: number
  /** Use the primary-verified exact Dense fast path. */
  fast: boolean
}
export type ShapPlanResult = { cached: GlobalShapResult } | { plan: ShapPlan }
/** SHAP of `x`'s rows with the plan's background, design and model path. */
export type ShapPiece = Pick<ShapPlan, 'x' | 'bg' | 'offsets' | 'designSeed' | 'budget' | 'fast'>
export type ShapPieceResult = {
  /** rows × features, row-major. */
  phi: Float64Array
  baseValue: number
  exact: boolean
  ms: number
}
export type CompressMeasureResult = {
  measured: CompressionMeasured
  plan: CompressionShapPlan
  /** Worker wall time so far. */
  ms: number
}

export type ExplainResult = {
  explanations: Record<string, RowExplanation>
  featureNames: string[]
  /** Wall time of the job in the worker. */
  ms: number
}

export type GlobalShapResult = {
  featureNames: string[]
  /** The sampled data rows (sorted). */
  rows: Int32Array
  /** SHAP values, rows × features, row-major. */
  phi: Float64Array
  /** Feature values of the sampled rows (numeric value or category index), rows × features. */
  values: Float64Array
  /** Mean |φ| per feature. */
  meanAbs: Float64Array
  /** Feature indices by decreasing mean |φ|. */
  order: number[]
  baseValue: number
  exact: boolean
  /** Served from the cache (same model, data, schema, class and settings). */
  cached: boolean
  ms: number
  /** Workers that computed it and their backend (absent: the primary worker alone). */
  workers?: number
  backend?: BackendName
}

/** Wall time of one {@link Cmd.BenchPredict} predict in the worker (tiling excluded), ms. */
export type BenchPredictResult = { ms: number }

export type WhatIfResult = {
  prediction: number
  /** SHAP of the edited row (null when settings.shap is false). */
  shap: Record<string, number> | null
  shapStdErr: Record<string, number | null> | null
  baseValue: number | null
  exact: boolean | null
  ms: number
}

export type DriftResult = {
  analysis: DriftAnalysis
  /** Predictions of the current rows. */
  currentPredictions: Float32Array
  currentRows: number
  ms: number
}

export type ErrorKind = 'DataError' | 'ModelError' | 'AbortError' | 'OutOfMemoryError' | 'Error'

export type Res =
  | { id: number; kind: 'progress'; done: number; total: number; label: string }
  | { id: number; kind: 'result'; result: unknown }
  /** `chunkRows`: with an OutOfMemoryError, the rows per model call the failed job used. */
  | { id: number; kind: 'error'; errorKind: ErrorKind; message: string; chunkRows?: number }
  /** Unsolicited: e.g. the GPU device was lost and the worker fell back to another backend. */
  | { id: 0; kind: 'event'; event: WorkerEvent }

export type WorkerEvent =
  | {
      type: 'backendLost'
      from: BackendName
      to: BackendName
      message: string
      predictions: Float32Array
    }
  | { type: 'backendLostFailed'; from: BackendName; message: string }

/** Thrown inside a host when a job was cancelled. */
export class AbortError extends Error {
  override name = 'AbortError'
  constructor() {
    super('cancelled')
  }
}

export function errorKind(e: unknown): ErrorKind {
  const n = (e as Error | undefined)?.name
  return n === 'DataError' || n === 'ModelError' || n === 'AbortError' || n === 'OutOfMemoryError'
    ? n
    : 'Error'
}
