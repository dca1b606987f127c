/**
 * The model-runtime seam: what "a loaded model" is to everything above src/model (the workers, the
 * session, the CLI, the benchmarks), and what a runtime must provide to plug a format in. The
 * tfjs implementation lives in src/model/tfjs/; a second runtime is a second folder plus one
 * registry entry (src/model/registry.ts).
 *
 * Nothing here loads a runtime: the types are structural, and `ModelSource` is plain data that
 * crosses postMessage (a pool helper rebuilds the primary's model from it).
 */
import type { io } from '@tensorflow/tfjs'
import type { ModelInputMode } from '../core/modelInput.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import type { Schema } from '../core/schema.ts'
import type { FastModel } from '../core/shap/fast/model.ts'
import type { TreeEnsemble } from '../core/tree/types.ts'
import type { GradFn, Matrix, PredictFn } from '../core/types.ts'
import type { BackendName, ModelCard, ModelShape, OutputColumn, RuntimeName } from './card.ts'

/**
 * A model as plain data (structured-cloneable): what a runtime opens, what the primary worker
 * shares with its pool helpers. One variant per runtime: tfjs artifacts, an ONNX file's bytes,
 * an XGBoost JSON model's text.
 */
export type ModelSource =
  | { runtime: 'tfjs'; name: string; artifacts: io.ModelArtifacts }
  | { runtime: 'onnxruntime-web'; name: string; bytes: Uint8Array }
  | { runtime: 'glassbox-trees'; name: string; text: string }

/** The files of a model as found: its main file, and its siblings read on demand (tfjs shards). */
export type ModelFiles = {
  /** Display name of the main file: file name, URL or path. */
  name: string
  main: Uint8Array
  /**
   * A file next to the main one by its relative path; null when it is not there (the runtime
   * names it). A fetch failure throws, naming the URL.
   */
  sibling(path: string): Promise<ArrayBuffer | null>
}

/** Most rows per model call (an out-of-memory cap); the runtime's own chunk size otherwise. */
export type PredictOptions = { maxChunkRows?: number }

/** ∂p/∂x of a model, or why it has none (integrated gradients then say so). */
export type Gradient =
  | { available: true; grad(column: OutputColumn, opts?: PredictOptions): GradFn }
  | { available: false; reason: string }

/**
 * The exact SHAP fast path of a model whose first layer is Dense (src/core/shap/fast), or why it
 * has none. The session verifies it against the model before use.
 */
export type FastPath = { model: FastModel | null; reason: string | null }

/** One compressed variant ready to predict (dispose when done). */
export type VariantModel = {
  predict: PredictFn
  /** Packed bytes including scales. */
  bytes: number
  /** How the variant is stored when exported. */
  storage: string
  dispose(): void
}

/**
 * Quantized and pruned variants of a model (contracts §2 scheme ids): present only where the
 * runtime can build them (tfjs today), so the compression lab can say which formats it supports.
 */
export interface ModelCompression {
  /** Packed bytes of the model's float32 parameters (the comparison's baseline size). */
  baseBytes(): number
  /**
   * Variant `id` predicting output `column`; `calib` = int8act's calibration rows (null when
   * int8act is not asked for).
   * @returns the variant, or a sentence saying why it cannot be built (e.g. int8act on a graph).
   */
  variant(
    id: QuantSchemeId,
    column: OutputColumn,
    calib: Matrix | null,
  ): Promise<VariantModel | string>
  /** The files to download for a variant (model.json and one weight shard). */
  exportFiles(id: QuantSchemeId, baseName: string): { modelJson: string; bin: Uint8Array }
}

/**
 * The tree ensemble behind a model, as TreeSHAP needs it (docs/contracts.md §7): the ensemble,
 * how its inputs map to the schema's features, and how the margin of an output column is read.
 */
export interface ModelTrees {
  readonly ensemble: TreeEnsemble
  /**
   * Player (schema feature index) of each tree input, −1 for a constant column; null when the
   * trees read the model's input row itself (XGBoost JSON: tree input i = encoded input i), whose
   * players the session knows.
   */
  readonly inputPlayers: Int32Array | null
  /**
   * The margin of output `column` as an affine function of one ensemble output:
   * margin = offset + sign · margin(output). A binary ensemble scores class 1 only, so class 0's
   * margin is −m (LOGISTIC) or 1 − s (NONE).
   * @throws ModelError for a column the ensemble has no margin for.
   */
  margin(column: OutputColumn): { output: number; sign: 1 | -1; offset: number }
  /**
   * The rows the trees read, for rows of model inputs: `x` itself when the trees read the model
   * input, else the preprocessed vector (an ONNX pipeline's, computed by its runtime).
   */
  inputs(x: Matrix): Promise<Matrix>
  /** Why path-dependent TreeSHAP is unavailable (no node covers: every ONNX model); null when it is. */
  readonly pathDependentUnavailable: string | null
}

/** TreeSHAP for a tree model, or why it is unavailable (an op that mixes columns, …). */
export type TreeAccess =
  { available: true; trees: ModelTrees } | { available: false; reason: string }

/** A model loaded on the active backend of its runtime. */
export interface LoadedModel {
  readonly card: ModelCard
  /** What a helper worker needs to open the same model. */
  readonly source: ModelSource
  /**
   * The input modes it takes: `encoded` (one input row = the §1 encoding) and/or `columns` (one
   * input per feature: ONNX pipelines). The schema's `modelInput` picks one.
   */
  readonly inputModes: readonly ModelInputMode[]
  /** The model's architecture for the backend probe cache. */
  readonly shape: ModelShape
  /**
   * Probability of the class of interest (output `column`) per row of model inputs, in calls of
   * at most `chunkRows` rows.
   * @throws ModelError for a column the model lacks.
   */
  predictor(column: OutputColumn, opts?: PredictOptions): PredictFn
  readonly gradient: Gradient
  fastPath(column: OutputColumn): FastPath
  readonly compression?: ModelCompression
  /**
   * Present for tree-ensemble models (XGBoost JSON, ONNX TreeEnsemble): TreeSHAP's access to the
   * trees, or why it is unavailable. Absent for every other model.
   */
  readonly trees?: TreeAccess
  /** Frees what the model holds (tensors, sessions); the model is unusable afterwards. */
  dispose(): void
}

/** A runtime: opens the models of its formats on its backends. */
export interface ModelRuntime {
  readonly name: RuntimeName
  /** Backends it can run on, in the order tried before any measurement. */
  readonly backends: readonly BackendName[]
  /**
   * True when a model is opened for one schema (ONNX: which inputs the features fill) and must be
   * reopened for another; false when the schema does not enter the model (tfjs).
   */
  readonly schemaBound: boolean
  /**
   * Reads a model's files into its source.
   * @throws ModelError naming the file and the problem.
   */
  sourceFromFiles(files: ModelFiles): Promise<ModelSource>
  /**
   * Makes `name` the backend models open on, initialising it the first time.
   * @throws Error saying why the backend cannot be used here.
   */
  backendActivate(name: BackendName): Promise<void>
  /** The WebGPU device models run on now (the host watches it for loss); null on other backends. */
  gpuDevice(): GPUDevice | null
  /**
   * Opens a model on the active backend for the schema that will feed it (its input mode and
   * features; absent when none is known yet) and checks it is a usable classifier.
   * @throws ModelError naming the model and the problem (nothing is left allocated).
   */
  open(source: ModelSource, schema?: Schema): Promise<LoadedModel>
  /** Live tensors / buffers held by the runtime (leak checks in tests); null when unknown. */
  memory(): number | null
}
