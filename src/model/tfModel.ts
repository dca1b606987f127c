/**
 * The only place that turns a tfjs model into the core's PredictFn / GradFn. Loads LayersModel
 * and GraphModel artifacts, describes them (model card), and predicts in large batches.
 */
import * as tf from '@tensorflow/tfjs'
import { type Matrix, matrix, type PredictFn, type GradFn } from '../core/types.ts'
import { artifactsIsGraph, ModelError } from './artifacts.ts'
import { sha256Hex } from '../core/hash.ts'

export type ModelInfo = {
  /** File name or URL of model.json. */
  name: string
  format: 'layers-model' | 'graph-model'
  /** Layers (LayersModel) or compute ops (GraphModel: nodes other than Const/Placeholder/Identity). */
  layers: number
  parameters: number
  /** Bytes of weight data as stored (quantized weights count their packed size). */
  bytes: number
  /** sha256 of the concatenated weight shards, hex. */
  weightsSha256: string
  inputWidth: number
  /** 1 = a sigmoid probability; k ≥ 2 = a softmax over k classes. */
  outputWidth: number
  /** The output activation when the model states it ('unknown' for graphs that do not). */
  activation: string
  /** Weight tensors' dtypes after dequantization, with any quantization dtype, e.g. ['float32', 'uint8']. */
  weightDtypes: string[]
}

export type LoadedModel = {
  model: tf.LayersModel | tf.GraphModel
  info: ModelInfo
  artifacts: tf.io.ModelArtifacts
}

const weightBytes = (a: tf.io.ModelArtifacts): ArrayBuffer => {
  const d = a.weightData
  if (!d) return new ArrayBuffer(0)
  return Array.isArray(d) ? tf.io.concatenateArrayBuffers(d) : d
}

/**
 * Loads artifacts on the active backend and checks the model is usable here: one input of
 * shape [batch, width], one output of width 1 (sigmoid) or ≥ 2 (softmax).
 * @throws ModelError naming `name` and the problem.
 */
export async function tfModelLoad(
  artifacts: tf.io.ModelArtifacts,
  name: string,
): Promise<LoadedModel> {
  const graph = artifactsIsGraph(artifacts)
  let model: tf.LayersModel | tf.GraphModel
  // A build that fails half-way leaves its tensors and variables behind; a scope catches the
  // tensors, and the variables registered meanwhile are disposed by name.
  const engine = tf.engine()
  const variables = new Set(Object.keys(engine.state.registeredVariables))
  engine.startScope()
  try {
    model = graph
      ? await tf.loadGraphModel(tf.io.fromMemory(artifacts))
      : await tf.loadLayersModel(tf.io.fromMemory(artifacts))
  } catch (e) {
    engine.endScope()
    for (const [k, v] of Object.entries(engine.state.registeredVariables))
      if (!variables.has(k)) v.dispose()
    throw new ModelError(
      `${name}: TensorFlow.js could not build the model (${(e as Error).message})`,
    )
  }
  engine.endScope(graph ? Object.values((model as tf.GraphModel).weights).flat() : undefined)
  try {
    const info = await modelDescribe(model, artifacts, name, graph)
    return { model, info, artifacts }
  } catch (e) {
    model.dispose()
    throw e
  }
}

async function modelDescribe(
  model: tf.LayersModel | tf.GraphModel,
  artifacts: tf.io.ModelArtifacts,
  name: string,
  graph: boolean,
): Promise<ModelInfo> {
  const inputs = model.inputs
  if (inputs.length !== 1)
    throw new ModelError(
      `${name}: the model has ${inputs.length} inputs; Glassbox needs exactly one (a row of encoded features)`,
    )
  const inShape = inputs[0]!.shape ?? []
  const inputWidth = inShape[inShape.length - 1] ?? -1
  if (inShape.length !== 2 || !(inputWidth > 0)) {
    throw new ModelError(
      `${name}: the model's input shape is [${inShape.map((d) => d ?? 'null').join(', ')}]; Glassbox needs [batch, features]`,
    )
  }
  if (model.outputs.length !== 1)
    throw new ModelError(
      `${name}: the model has ${model.outputs.length} outputs; Glassbox needs one`,
    )
  // Run one zero row to learn the output width (graph signatures often leave it unknown).
  const probe = tf.zeros([1, inputWidth]) as tf.Tensor2D
  const out = runModel(model, probe)
  const outShape = out.shape
  const sample = await out.data()
  probe.dispose()
  out.dispose()
  if (outShape.length !== 2)
    throw new ModelError(
      `${name}: the model's output has shape [${outShape.join(', ')}]; Glassbox needs [batch, classes]`,
    )
  const outputWidth = outShape[1]!
  let activation = 'unknown'
  if (!graph) {
    const lm = model as tf.LayersModel
    const last = lm.layers[lm.layers.length - 1]
    const cfg = last?.getConfig() as { activation?: string } | undefined
    activation = cfg?.activation ?? (last?.getClassName() === 'Activation' ? 'unknown' : 'linear')
    if (last?.getClassName() === 'Softmax') activation = 'softmax'
  } else {
    const nodes = (artifacts.modelTopology as { node?: { op: string; name: string }[] }).node ?? []
    const outName = (model as tf.GraphModel).outputNodes[0]?.split(':')[0]
    const op = nodes.find((n) => n.name === outName)?.op
    if (op === 'Sigmoid') activation = 'sigmoid'
    else if (op === 'Softmax') activation = 'softmax'
  }
  if ([...sample].some((v) => Number.isNaN(v))) {
    throw new ModelError(
      `${name}: the model outputs NaN for an all-zero input row (check its weights for NaN or Infinity)`,
    )
  }
  const bad = [...sample].some((v) => !(v >= 0 && v <= 1))
  const sum = [...sample].reduce((a, b) => a + b, 0)
  if (
    bad ||
    (outputWidth > 1 && Math.abs(sum - 1) > 1e-3) ||
    ['linear', 'relu', 'tanh'].includes(activation)
  ) {
    throw new ModelError(
      `${name}: the output is not a probability (activation "${activation}"); Glassbox needs a sigmoid unit or a softmax`,
    )
  }
  if (outputWidth === 1 && activation === 'softmax') {
    throw new ModelError(
      `${name}: the output is a softmax over one unit, which is 1 for every row; Glassbox needs a sigmoid unit or a softmax over at least 2 classes`,
    )
  }
  if (outputWidth > 1 && activation === 'sigmoid') {
    throw new ModelError(
      `${name}: ${outputWidth} sigmoid outputs (multi-label) are not supported; Glassbox needs one sigmoid unit or a softmax`,
    )
  }
  const specs = artifacts.weightSpecs ?? []
  const parameters = specs.reduce((a, w) => a + w.shape.reduce((p, q) => p * q, 1), 0)
  const data = weightBytes(artifacts)
  const nodes = graph ? ((artifacts.modelTopology as { node?: { op: string }[] }).node ?? []) : []
  return {
    name,
    format: graph ? 'graph-model' : 'layers-model',
    layers: graph
      ? nodes.filter((n) => !['Const', 'Placeholder', 'Identity', 'NoOp'].includes(n.op)).length
      : (model as tf.LayersModel).layers.length,
    parameters,
    bytes: data.byteLength,
    weightsSha256: await sha256Hex(data),
    inputWidth,
    outputWidth,
    activation,
    weightDtypes: [...new Set(specs.map((w) => w.quantization?.dtype ?? w.dtype))],
  }
}

/** A model call ran out of memory: an allocation failure of tfjs (wasm, WebGL, WebGPU) or injected by {@link tfFaults}. */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError'
}

/**
 * Fault injection for tests. A real wasm out-of-memory aborts the module, so the recovery path
 * (worker restart, smaller chunks) is tested with this instead: while `oomAboveRows` is set,
 * every model call (predict or gradient) on more rows throws OutOfMemoryError. null = off.
 */
export const tfFaults: { oomAboveRows: number | null } = { oomAboveRows: null }

const OOM_MESSAGE =
  /out of memory|allocation failed|cannot enlarge memory|failed to allocate|\bOOM\b/i

/** runModel behind the fault hook, with allocation failures turned into OutOfMemoryError. */
function runGuarded(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor2D): tf.Tensor {
  const rows = x.shape[0]
  if (tfFaults.oomAboveRows !== null && rows > tfFaults.oomAboveRows) {
    throw new OutOfMemoryError(`out of memory running the model on ${rows} rows (injected)`)
  }
  try {
    return runModel(model, x)
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e)
    if (OOM_MESSAGE.test(msg))
      throw new OutOfMemoryError(`out of memory running the model on ${rows} rows (${msg})`)
    throw e
  }
}

/** One forward pass of a [n, width] tensor; the caller disposes the result. */
function runModel(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor2D): tf.Tensor {
  if (model instanceof tf.GraphModel) {
    const out = model.execute(x)
    if (Array.isArray(out)) throw new ModelError('graph model returned several outputs')
    return out
  }
  return model.apply(x) as tf.Tensor
}

/** Rows per forward pass: big enough to amortise dispatch, small enough for GPU memory. */
export const PREDICT_CHUNK_ROWS = 32768

/**
 * A PredictFn over a loaded model: probability of class `classIndex` (ignored for a sigmoid
 * output). Predicts in chunks of `chunkRows` and disposes every tensor it makes.
 */
export function tfPredictFn(
  lm: LoadedModel,
  classIndex: number,
  chunkRows = PREDICT_CHUNK_ROWS,
): PredictFn {
  const { model, info } = lm
  const col = info.outputWidth === 1 ? 0 : classIndex
  if (col < 0 || col >= info.outputWidth)
    throw new ModelError(
      `class ${classIndex} does not exist: the model has ${info.outputWidth} outputs`,
    )
  return async (x: Matrix) => {
    if (x.cols !== info.inputWidth)
      throw new ModelError(`input has ${x.cols} columns, the model expects ${info.inputWidth}`)
    const out = new Float32Array(x.rows)
    for (let r0 = 0; r0 < x.rows; r0 += chunkRows) {
      const r1 = Math.min(x.rows, r0 + chunkRows)
      const src = x.data.subarray(r0 * x.cols, r1 * x.cols)
      const y = tf.tidy(() => {
        const t = tf.tensor2d(src instanceof Float32Array ? src : Float32Array.from(src), [
          r1 - r0,
          x.cols,
        ])
        const o = runGuarded(model, t)
        return info.outputWidth === 1
          ? o.reshape([r1 - r0])
          : o.slice([0, col], [r1 - r0, 1]).reshape([r1 - r0])
      })
      const d = (await y.data()) as Float32Array
      y.dispose()
      out.set(d, r0)
    }
    return out
  }
}

/** A GradFn: ∂p_class/∂x for each row, batched like tfPredictFn. */
export function tfGradFn(lm: LoadedModel, classIndex: number, chunkRows = 8192): GradFn {
  const { model, info } = lm
  const col = info.outputWidth === 1 ? 0 : classIndex
  const f = (t: tf.Tensor): tf.Tensor => {
    const o = runGuarded(model, t as tf.Tensor2D)
    return info.outputWidth === 1 ? o.sum() : o.slice([0, col], [-1, 1]).sum()
  }
  const g = tf.grad(f)
  return async (x: Matrix) => {
    const out = new Float32Array(x.rows * x.cols)
    for (let r0 = 0; r0 < x.rows; r0 += chunkRows) {
      const r1 = Math.min(x.rows, r0 + chunkRows)
      const src = x.data.subarray(r0 * x.cols, r1 * x.cols)
      const gr = tf.tidy(() =>
        g(
          tf.tensor2d(src instanceof Float32Array ? src : Float32Array.from(src), [
            r1 - r0,
            x.cols,
          ]),
        ),
      )
      out.set((await gr.data()) as Float32Array, r0 * x.cols)
      gr.dispose()
    }
    return matrix(out, x.rows, x.cols)
  }
}
