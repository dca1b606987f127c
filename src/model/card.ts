/**
 * What Glassbox knows about a loaded model, whatever runs it: the model card (format, runtime,
 * inputs and outputs, size, sha256, format-specific details), the output column and class label
 * types, and the model's shape for the backend probe cache. Types and small pure helpers only,
 * so the page, the report and the CLI can use them without loading any runtime.
 */

/** Model file formats (report `model.format`, contracts §7). */
export const ModelFormats = ['layers-model', 'graph-model', 'onnx', 'xgboost-json'] as const
/** One of {@link ModelFormats}. */
export type ModelFormat = (typeof ModelFormats)[number]

/**
 * Where predictions are computed: `tfjs`, `onnxruntime-web`, or the project's tree evaluator
 * (report `model.runtime`).
 */
export type RuntimeName = string

/** Compute backends a runtime may run on (each runtime declares the ones it supports). */
export const BackendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const
/** One of {@link BackendNames}. */
export type BackendName = (typeof BackendNames)[number]

/**
 * A column of the model's output (0-based): the only column of a sigmoid output, or one of the
 * k columns of a softmax. Not a class label: a sigmoid's single column 0 is class 1's probability.
 */
export type OutputColumn = number & { readonly __brand: 'OutputColumn' }

/**
 * A class of the model (report `settings.classIndex`, CLI `--class`): the softmax index, or 1
 * (the positive class) for a sigmoid output.
 */
export type ClassLabel = number & { readonly __brand: 'ClassLabel' }

/**
 * The class of interest a user asks for: the default (the sigmoid's positive class, class 1 of a
 * 2-class softmax; required above), or a given class label.
 */
export type ClassRequest = { kind: 'auto' } | { kind: 'class'; label: ClassLabel }

const index = (v: number, what: string): number => {
  if (!(Number.isInteger(v) && v >= 0))
    throw new RangeError(`${what} must be an integer ≥ 0, got ${v}`)
  return v
}

/**
 * An output column.
 * @throws RangeError for a negative or non-integer value.
 * @example outputColumn(0)
 */
export const outputColumn = (v: number): OutputColumn =>
  index(v, 'an output column') as OutputColumn

/**
 * A class label.
 * @throws RangeError for a negative or non-integer value.
 * @example classLabel(1)
 */
export const classLabel = (v: number): ClassLabel => index(v, 'a class label') as ClassLabel

/** The default class, or class `label` when given (a CLI `--class`, a link's class). */
export const classRequest = (label: number | null | undefined): ClassRequest =>
  label === null || label === undefined
    ? { kind: 'auto' }
    : { kind: 'class', label: classLabel(label) }

/** One model input or output: its name, element type and shape (null = any size, e.g. batch). */
export type TensorSpec = { name: string; dtype: string; shape: (number | null)[] }

/** Details only a TensorFlow.js model has. */
export type TfjsDetails = {
  kind: 'tfjs'
  /** Layers (LayersModel) or compute ops (GraphModel: nodes other than Const/Placeholder/Identity). */
  layers: number
  /** Weight dtypes after dequantization, with any quantization dtype, e.g. ['float32', 'uint8']. */
  weightDtypes: string[]
}

/** How many nodes of one operator (in one domain) an ONNX graph has. */
export type OperatorCount = { domain: string; opType: string; count: number }

/** Size of a tree ensemble: trees, leaves, and the depth of the deepest leaf (root at depth 0). */
export type TreeFacts = { count: number; leaves: number; maxDepth: number }

/** Details only an ONNX model has (what onnxCard reads from the file). */
export type OnnxDetails = {
  kind: 'onnx'
  irVersion: number
  producerName: string
  producerVersion: string
  /** Operator set version per domain ('ai.onnx' for the default domain). */
  opsets: Record<string, number>
  /** Nodes per (domain, op type), sorted by domain then op type. */
  operators: OperatorCount[]
  /** The output read as the probability, and what the graph says its values are. */
  output: {
    name: string
    dtype: string
    evidence: 'probability' | 'unknown'
    origin: string | null
  }
  /** Present when the graph holds a tree ensemble (summed over its TreeEnsemble nodes). */
  trees?: TreeFacts
}

/** Details only an XGBoost JSON model has. */
export type XgboostDetails = {
  kind: 'xgboost'
  objective: 'binary:logistic' | 'multi:softprob'
  /** 2 for binary:logistic, num_class for multi:softprob. */
  classes: number
  booster: 'gbtree' | 'dart'
  /** The XGBoost version that saved the file, e.g. "1.7.4"; null when the file does not say. */
  version: string | null
  /** `base_score` as written (a probability; one per class from XGBoost 3 on). */
  baseScore: number[]
  /** `feature_names` when the file has them, else null. */
  featureNames: string[] | null
  trees: TreeFacts
}

/** Format-specific details, one variant per runtime family. */
export type ModelDetails = TfjsDetails | OnnxDetails | XgboostDetails

/** The model card: everything the page, the report and the probe cache show or key on. */
export type ModelCard = {
  /** File name, URL or path of the model's main file. */
  name: string
  format: ModelFormat
  runtime: RuntimeName
  inputs: TensorSpec[]
  outputs: TensorSpec[]
  /** Model inputs per row: the encoded width (`encoded` mode) or one per feature (`columns`). */
  inputWidth: number
  /** 1 = a probability of the positive class (sigmoid); k ≥ 2 = one column per class (softmax). */
  outputWidth: number
  /**
   * The output activation when the model states it: 'sigmoid', 'softmax', else 'unknown'
   * (ONNX and XGBoost: their post-transform, e.g. 'LOGISTIC', 'SOFTMAX').
   */
  activation: string
  /** Trainable values (weights, biases; tree leaves and thresholds). */
  parameters: number
  /** Bytes of the parameters as stored (quantized weights count their packed size). */
  bytes: number
  /** sha256 of the parameters as stored (tfjs: the weight shards concatenated), hex. */
  sha256: string
  details: ModelDetails
}

/**
 * The model card as the page shows it today (src/ui/Cards.tsx): name, format, size, widths and
 * the tfjs details under their first names. Built from a card by {@link modelInfo}.
 */
export type ModelInfo = {
  name: string
  format: ModelFormat
  layers: number
  parameters: number
  bytes: number
  weightsSha256: string
  inputWidth: number
  outputWidth: number
  activation: string
  weightDtypes: string[]
}

/**
 * What the page's "layers" line counts: tfjs layers or compute ops, ONNX graph nodes, XGBoost
 * trees.
 */
export function modelLayers(d: ModelDetails): number {
  if (d.kind === 'tfjs') return d.layers
  if (d.kind === 'xgboost') return d.trees.count
  return d.operators.reduce((a, o) => a + o.count, 0)
}

/** Parameter dtypes as the page lists them (tfjs: the weights'; ONNX and XGBoost: float32). */
export function modelWeightDtypes(d: ModelDetails): string[] {
  return d.kind === 'tfjs' ? [...d.weightDtypes] : ['float32']
}

/** The tree facts of a card (trees, leaves, depth), or null for a model without trees. */
export function modelTreeFacts(card: ModelCard): TreeFacts | null {
  const d = card.details
  return d.kind === 'xgboost' ? d.trees : d.kind === 'onnx' ? (d.trees ?? null) : null
}

/**
 * The page's summary of a card (see {@link ModelInfo}).
 * @example modelInfo(loaded.card).weightsSha256 === loaded.card.sha256
 */
export function modelInfo(card: ModelCard): ModelInfo {
  return {
    name: card.name,
    format: card.format,
    layers: modelLayers(card.details),
    parameters: card.parameters,
    bytes: card.bytes,
    weightsSha256: card.sha256,
    inputWidth: card.inputWidth,
    outputWidth: card.outputWidth,
    activation: card.activation,
    weightDtypes: modelWeightDtypes(card.details),
  }
}

/**
 * The architecture of a model: what its speed depends on besides the device (the backend probe
 * cache's key, src/workers/probeCache.ts). Weights never enter it.
 */
export type ModelShape = {
  format: string
  inputWidth: number
  outputWidth: number
  parameters: number
  /** Per layer / op / tree: its kind with its size and activation. */
  layers: string[]
  /** Parameter dtypes (a float16 model computes like float32 but loads differently). */
  weightDtypes: string[]
}
