/**
 * TensorFlow.js as a model runtime (src/model/runtime.ts): LayersModel and GraphModel artifacts
 * opened on tfjs's active backend (webgpu, webgl, wasm, cpu), with gradients, the Dense fast path
 * and compression variants. Loaded by the registry when a tfjs model is opened. The wasm backend
 * is registered when it is first activated (the browser worker has already pointed it at the
 * files its build serves: src/model/tfjs/browser.ts).
 */
import * as tf from '@tensorflow/tfjs'
import { fastModelFromArtifacts } from '../../core/shap/fast/detect.ts'
import type { ModelCard, TensorSpec } from '../card.ts'
import { ModelError } from '../errors.ts'
import { tfjsEntry } from '../registry.ts'
import type { LoadedModel, ModelRuntime, PredictOptions } from '../runtime.ts'
import { modelArtifactsRead } from './artifacts.ts'
import { tfjsCompression } from './compression.ts'
import { type TfModel, tfModelLoad } from './load.ts'
import { GRAD_CHUNK_ROWS, PREDICT_CHUNK_ROWS, tfGradFn, tfPredictFn } from './predict.ts'
import { modelShape } from './shape.ts'

type TensorLike = { name: string; dtype?: string; shape?: readonly (number | null)[] | null }

const spec = (t: TensorLike): TensorSpec => ({
  name: t.name,
  dtype: t.dtype ?? 'float32',
  shape: [...(t.shape ?? [])].map((d) => (d === undefined || d === -1 ? null : d)),
})

/**
 * The model card of a loaded tfjs model: its page summary (name, format, size, sha256 of the
 * weight shards, widths, activation) with the inputs and the output as tfjs declares them.
 */
export function tfjsCard(lm: TfModel): ModelCard {
  const { info, model } = lm
  const outputs = model.outputs.map((t) => ({
    ...spec(t as TensorLike),
    shape: [null, info.outputWidth],
  }))
  return {
    name: info.name,
    format: info.format,
    runtime: 'tfjs',
    inputs: model.inputs.map((t) => spec(t as TensorLike)),
    outputs,
    inputWidth: info.inputWidth,
    outputWidth: info.outputWidth,
    activation: info.activation,
    parameters: info.parameters,
    bytes: info.bytes,
    sha256: info.weightsSha256,
    details: { kind: 'tfjs', layers: info.layers, weightDtypes: [...info.weightDtypes] },
  }
}

/** The chunk size within the caller's cap. */
const capped = (rows: number, opts: PredictOptions | undefined): number =>
  Math.min(rows, opts?.maxChunkRows ?? Infinity)

/**
 * A loaded tfjs model behind the runtime seam.
 * @example const m = tfjsLoadedModel(await tfModelLoad(artifacts, 'model.json'))
 */
export function tfjsLoadedModel(lm: TfModel): LoadedModel {
  return {
    card: tfjsCard(lm),
    source: { runtime: 'tfjs', name: lm.info.name, artifacts: lm.artifacts },
    inputModes: ['encoded'],
    shape: modelShape(lm.artifacts.modelTopology, lm.info),
    predictor: (column, opts) => tfPredictFn(lm, column, capped(PREDICT_CHUNK_ROWS, opts)),
    gradient: {
      available: true,
      grad: (column, opts) => tfGradFn(lm, column, capped(GRAD_CHUNK_ROWS, opts)),
    },
    fastPath: (column) => fastModelFromArtifacts(lm.artifacts, column),
    compression: tfjsCompression(lm),
    dispose: () => lm.model.dispose(),
  }
}

/** The tfjs runtime: one global active backend, models rebuilt on it when it changes. */
export const tfjsRuntime: ModelRuntime = {
  name: tfjsEntry.name,
  backends: tfjsEntry.backends,
  schemaBound: false,
  sourceFromFiles: async (files) => ({
    runtime: 'tfjs',
    name: files.name,
    artifacts: await modelArtifactsRead(files),
  }),
  backendActivate: async (name) => {
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm')
      // The threaded build hangs after minification (docs/architecture.md); SIMD is as fast here.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    }
    if (!(await tf.setBackend(name))) throw new Error('could not be initialised in this browser')
    await tf.ready()
  },
  gpuDevice: () =>
    tf.getBackend() === 'webgpu'
      ? ((tf.backend() as unknown as { device?: GPUDevice }).device ?? null)
      : null,
  open: async (source, schema) => {
    if (source.runtime !== 'tfjs') throw new ModelError(`${source.name}: not a tfjs model source`)
    const output = schema ? schema.output.kind : null
    return tfjsLoadedModel(await tfModelLoad(source.artifacts, source.name, output))
  },
  memory: () => tf.memory().numTensors,
}
