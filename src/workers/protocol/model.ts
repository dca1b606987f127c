/**
 * The model worker's messages (src/workers/modelHost.ts and its jobs in src/workers/model/): load
 * a model, data and schema as one session, choose backends, explain, audit, compare compression
 * variants, check drift, and the worker pool's pieces. `ModelResults[C]` is command C's result.
 */
import type { ExplainSettings, RowExplanation } from '../../core/explain.ts'
import type { RowTreeShap } from '../../core/tree/explain.ts'
import type { TreeShapStatus } from '../../session/treeShap.ts'
import type { DriftAnalysis } from '../../core/drift/analyze.ts'
import type { ModelInputMode } from '../../core/modelInput.ts'
import type { QuantSchemeId } from '../../core/quantize/schemes.ts'
import type { Schema } from '../../core/schema.ts'
import type { Background, BackgroundSpec } from '../../core/shap/background.ts'
import type { Table } from '../../core/table.ts'
import type { Matrix } from '../../core/types.ts'
import type {
  BackendName,
  ClassLabel,
  ClassRequest,
  ModelCard,
  ModelInfo,
  OutputColumn,
} from '../../model/card.ts'
import type {
  CompressionMeasured,
  CompressionOptions,
  CompressionResult,
  CompressionShapPlan,
  CompressionShapVariant,
} from '../../model/compression.ts'
import type { ModelSource } from '../../model/runtime.ts'
import type { AuditSettings } from '../../report/audit.ts'
import type { Report } from '../../report/types.ts'
import type { EncodeSummary } from '../../session/session.ts'
import type { CancelRequest, NoFields, RequestOfMap } from './common.ts'
import type { CompareRequests, CompareResults } from './compare.ts'

export type { EncodeSummary }

/** Where a model comes from: files picked or dropped (main file + weight shards), or a URL. */
/** A model to open: picked files, or a URL (`linked`: named by a shared link — redirects refused). */
export type ModelInput =
  { kind: 'files'; files: File[] } | { kind: 'url'; url: string; linked?: true }

/** One backend of the runtime in use, as the Backend card shows it. */
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
/** Answer to the init handshake: the backends of the default runtime, one of them active. */
export type InitResult = { backends: BackendStatus[]; active: BackendName | null }

/** TreeSHAP on the loaded model (what the Explain tab and the report say): see the session's. */
export type { TreeShapStatus }

/** Result of `load`: the model card, class, encoding summary, labels and clipped predictions. */
export type LoadResult = {
  /** The model card's summary as the page shows it. */
  model: ModelInfo
  /** The whole model card (format, runtime, inputs and outputs, details). */
  card: ModelCard
  /** Where the probability of the class of interest is read, and the class it is. */
  column: OutputColumn
  classLabel: ClassLabel
  encode: EncodeSummary
  labels: Uint8Array | null
  /** f of every row: checked in [0, 1] (output.kind "probability") or linked (`logit`). */
  predictions: Float32Array
  backend: BackendName
  predictMs: number
  /** TreeSHAP on this model (tree ensembles), or why not. */
  treeShap: TreeShapStatus
  /** Why integrated gradients are unavailable (ONNX, XGBoost: no gradients); null when they are. */
  igUnavailable: string | null
  /**
   * Why the compression lab has no variants for this model (a sentence to show: "Compression
   * variants exist for TensorFlow.js LayersModels; this is an ONNX model"); null when it has.
   */
  compressionUnavailable: string | null
}
/** Result of `inspect`: a model opened alone, before any data or schema (nothing is kept). */
export type InspectResult = {
  /** The model card's summary as the page shows it. */
  model: ModelInfo
  card: ModelCard
  /** The input modes it takes (`encoded`, `columns`): what a schema for it may ask for. */
  inputModes: ModelInputMode[]
}
/** Result of `probe`: every backend's status, the one activated and the predictions there. */
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
/** Result of `setBackend`. */
export type SetBackendResult = {
  backend: BackendName
  predictions: Float32Array
  predictMs: number
}

/** A global SHAP job: a seeded sample of n rows (from a cohort when `pool` is given). */
export type GlobalShapRequest = {
  n: number
  seed: number
  background: BackgroundSpec
  budget: number
  /** Rows to sample from (a cohort); all rows when omitted. */
  pool?: number[]
  /** Compute even when cached (tests, benchmarks); the result is still cached. */
  fresh?: boolean
  /**
   * `auto` (default): interventional TreeSHAP of the margin for tree models that offer it, SHAP
   * of the probability otherwise; `shap`: SHAP of the probability for every model.
   */
  method?: 'auto' | 'shap'
}

/** How a global SHAP job explains: SHAP of the probability, or TreeSHAP of the margin. */
export type GlobalShapMethod = 'shap' | 'treeShap'

/** Options of a compression comparison beyond the variants (the column is the session's). */
export type CompressRequestOptions = Partial<Omit<CompressionOptions, 'ids' | 'column'>>

/** The model worker's requests by command (fields besides id and cmd). */
export type ModelRequests = CompareRequests & {
  /**
   * The handshake, sent by the client before anything else: the worker initialises the default
   * runtime's backend and answers with the backends' status.
   */
  init: NoFields
  cancel: CancelRequest
  load: {
    /** Omitted parts keep what the worker already holds. */
    model?: ModelInput
    table?: Table
    schema?: Schema
    /** The class of interest. */
    cls: ClassRequest
    /** Display names for error messages. */
    dataName: string
    /** sha256 of the data file (keys the explanation cache). */
    dataSha256: string
    schemaName: string
    /** Cap on rows per model call, from the page after an out-of-memory failure (kept until the next one). */
    maxChunkRows?: number
  }
  /**
   * Opens a model's files alone and describes it (card, input modes), then frees it: a model
   * loaded without data or schema is checked and its input width known while it waits for them.
   */
  inspect: { model: ModelInput }
  /** Measures backends, or (unless `force`) activates the cached result for this device and model shape. */
  probe: { force?: boolean }
  setBackend: { backend: BackendName }
  /** SHAP / IG / counterfactuals for chosen data rows (settings as the CLI's, contracts §3). */
  explain: { rows: number[]; settings: ExplainSettings }
  /** The CLI's audit of the loaded session → report JSON v1. */
  audit: { settings: AuditSettings }
  /** SHAP for a seeded sample of n rows: ranking and the per-row matrix. */
  globalShap: GlobalShapRequest
  /** Quantized / pruned variants against float32 on the session's rows. */
  compress: { ids: QuantSchemeId[]; options: CompressRequestOptions }
  /** A variant as tfjs files (model.json + one .bin) for download. */
  exportVariant: { variant: QuantSchemeId; baseName: string }
  /**
   * The session's data as reference against a current dataset, with the session's model and
   * schema: feature/prediction/performance/fairness drift and OOD rows.
   */
  drift: { table: Table; dataName: string; threshold: number; seed: number }
  /** Prediction and exact/Kernel SHAP of an edited row (feature values: number or category index). */
  whatIf: { values: number[]; settings: ExplainSettings }
  // Worker pool (src/workers/pool.ts): the primary shares its model and plans split jobs;
  // helpers attach the model and run pieces; any worker runs a piece.
  /** Primary: the model a helper needs; only the key when it equals `ifNot`. */
  shareModel: { ifNot?: string }
  /** Helper: open the shared model on its backend (no data: pieces bring their rows). */
  attach: { model: SharedModel }
  /** Primary: the seeded sample and background of a global SHAP job (or its cached result). */
  shapPlan: GlobalShapRequest
  /** Any worker: SHAP of some of a plan's rows. */
  shapRows: ShapPiece
  /** Primary: remember a pooled global SHAP result under its plan's key. */
  shapCache: { key: string; result: GlobalShapResult }
  /** Primary: the all-rows part of a compression comparison, and the plan of its SHAP part. */
  compressMeasure: { ids: QuantSchemeId[]; options: CompressRequestOptions }
  /** Any worker: φ of some of the plan's rows under each listed variant. */
  compressShap: { variants: CompressionShapVariant[]; plan: CompressionShapPlan }
  /** Primary: compare the measured variants with their φ (rows in plan order). */
  compressFinish: {
    measured: CompressionMeasured
    phis: Record<string, Float64Array>
    threshold: number
    tolerance: number
    ms: number
  }
  // Debug commands: registered only by the e2e build and by tests (src/workers/model/debug.ts).
  /** Destroys the WebGPU device, as a device loss would (strikes whatever is running). */
  loseDevice: NoFields
  /** Live tensors of the runtime (leak checks). */
  memory: NoFields
  /** Model calls above `oomAboveRows` rows fail with an out-of-memory error (null = off). */
  fault: { oomAboveRows: number | null }
  /** Benchmark: one batched predict of `rows` rows (the session's model inputs, tiled). */
  benchPredict: { rows: number }
}

/** The model worker's result by command. */
export type ModelResults = CompareResults & {
  init: InitResult
  cancel: never
  load: LoadResult
  inspect: InspectResult
  probe: ProbeResult
  setBackend: SetBackendResult
  explain: ExplainResult
  audit: Report
  globalShap: GlobalShapResult
  compress: CompressionResult
  exportVariant: { modelJson: string; bin: Uint8Array }
  drift: DriftResult
  whatIf: WhatIfResult
  shareModel: ShareModelResult
  attach: true
  shapPlan: ShapPlanResult
  shapRows: ShapPieceResult
  shapCache: true
  compressMeasure: CompressMeasureResult
  compressShap: Record<string, Float64Array>
  compressFinish: CompressionResult
  loseDevice: true
  memory: number
  fault: true
  benchPredict: BenchPredictResult
}

/** A model-worker command. */
export type ModelCmdName = keyof ModelRequests

/** Every model-worker request as it travels. */
export type ModelReq = RequestOfMap<ModelRequests>

/** What a helper worker needs of the primary's model (never the data). */
export type SharedModel = {
  /** Identifies model, class, backend and chunk cap: helpers attached with it need nothing new. */
  key: string
  /** What the helper's runtime opens, and the schema it is opened for. */
  source: ModelSource
  schema: Schema
  column: OutputColumn
  backend: BackendName
  /** The primary verified the exact Dense fast path on its data. */
  fast: boolean
  /** The primary's measured rate on its backend (sizes model calls the same way). */
  rowsPerSec: number | null
  /** The primary's cap on rows per model call after an out-of-memory failure (null: none). */
  maxChunkRows: number | null
}
/** Result of `shareModel`: the key, and the model unless the caller has it. */
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
  /** SHAP of the probability through the model, or interventional TreeSHAP of the margin. */
  method: GlobalShapMethod
  /** Why a tree model is explained by SHAP of the probability here; null otherwise. */
  treeShapUnavailable: string | null
}
/** Result of `shapPlan`. */
export type ShapPlanResult = { cached: GlobalShapResult } | { plan: ShapPlan }
/** SHAP of `x`'s rows with the plan's background, design and model path. */
export type ShapPiece = Pick<
  ShapPlan,
  'x' | 'bg' | 'offsets' | 'designSeed' | 'budget' | 'fast' | 'method'
>
/** Result of `shapRows`: φ of the piece's rows. */
export type ShapPieceResult = {
  /** rows × features, row-major. */
  phi: Float64Array
  baseValue: number
  exact: boolean
  ms: number
}
/** Result of `compressMeasure`. */
export type CompressMeasureResult = {
  measured: CompressionMeasured
  plan: CompressionShapPlan
  /** Worker wall time so far. */
  ms: number
}

/** Result of `explain`. */
export type ExplainResult = {
  /** Per row; tree models add `treeShap` (margin units, with its base values) beside `shap`. */
  explanations: Record<string, RowExplanation>
  featureNames: string[]
  /** Why a tree model's rows have no TreeSHAP; null otherwise (and for non-tree models). */
  treeShapUnavailable: string | null
  /** Wall time of the job in the worker. */
  ms: number
}

/** Result of `globalShap` (and of a pooled job). */
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
  /** The value φ are measured from (probability, or margin for TreeSHAP). */
  baseValue: number
  exact: boolean
  /**
   * What φ explain: `probability` (SHAP of f) or `margin` (TreeSHAP of a tree model's log-odds
   * or raw score, before the link). */
  output: 'probability' | 'margin'
  method: GlobalShapMethod
  /** Why a tree model's global explanation is SHAP of the probability, not TreeSHAP; else null. */
  treeShapUnavailable: string | null
  /** Served from the cache (same model, data, schema, class and settings). */
  cached: boolean
  ms: number
  /** Workers that computed it and their backend (absent: the primary worker alone). */
  workers?: number
  backend?: BackendName
}

/** Wall time of one `benchPredict` predict in the worker (tiling excluded), ms. */
export type BenchPredictResult = { ms: number }

/** Result of `whatIf`. */
export type WhatIfResult = {
  prediction: number
  /** SHAP of the edited row (null when settings.shap is false). */
  shap: Record<string, number> | null
  shapStdErr: Record<string, number | null> | null
  baseValue: number | null
  exact: boolean | null
  /** TreeSHAP of the edited row's margin (tree models; null otherwise or with settings.shap off). */
  treeShap: RowTreeShap | null
  ms: number
}

/** Result of `drift`. */
export type DriftResult = {
  analysis: DriftAnalysis
  /** Predictions of the current rows. */
  currentPredictions: Float32Array
  currentRows: number
  ms: number
}
