/**
 * The compression capability of a tfjs model (src/model/runtime.ts ModelCompression): quantized
 * and pruned variants rebuilt as tfjs models from rounded weights, int8act through the core's
 * float64 MLP with fake-quantized activations (no tfjs model can store activation quantization),
 * and the downloadable files of a variant. tfjs dequantizes weights at load, so variant latencies
 * measure float32 arithmetic on rounded weights, not integer kernels.
 */
import * as tf from '@tensorflow/tfjs'
import { mlpFromLayersModel } from '../../core/mlp.ts'
import { valueErrorWithSource } from '../../core/errors.ts'
import { int8ActModel } from '../../core/quantize/activations.ts'
import { type QuantSchemeId, packedBytes } from '../../core/quantize/schemes.ts'
import type { Matrix } from '../../core/types.ts'
import type { OutputColumn } from '../card.ts'
import type { ModelCompression, VariantModel } from '../runtime.ts'
import { type TfModel, tfModelLoad } from './load.ts'
import { tfPredictFn } from './predict.ts'
import {
  artifactsToFiles,
  artifactsWeightTensors,
  quantizedArtifacts,
} from './quantizedArtifacts.ts'

/** A float64 MLP of a Dense LayersModel, for int8act; throws for other models. */
function mlpOf(lm: TfModel, column: OutputColumn) {
  const a = lm.artifacts
  const data = a.weightData
  const buf =
    data === undefined
      ? new ArrayBuffer(0)
      : Array.isArray(data)
        ? tf.io.concatenateArrayBuffers(data)
        : data
  const json = {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [], weights: a.weightSpecs ?? [] }],
  }
  return mlpFromLayersModel(json, buf, lm.info.outputWidth === 1 ? undefined : column)
}

/** Variant `id` of `lm` (int8act needs the calibration rows); a string = why it cannot be. */
async function variantModel(
  lm: TfModel,
  id: QuantSchemeId,
  column: OutputColumn,
  calib: Matrix | null,
): Promise<VariantModel | string> {
  if (id === 'int8act') {
    let mlp
    try {
      mlp = mlpOf(lm, column)
    } catch (e) {
      return `int8act needs a Dense LayersModel (${(e as Error).message})`
    }
    if (!calib) throw new Error('the int8act variant needs calibration rows; none were given')
    const q = int8ActModel(mlp, calib)
    return {
      predict: q.predict,
      bytes: q.variant.bytes,
      storage:
        'int8 weights + int8 activations (computed by the core; the export holds the int8 weights only, dequantized float32)',
      dispose: () => {},
    }
  }
  const { variant, artifacts } = quantizedArtifacts(lm.artifacts, id)
  // The base model's output was checked when it opened; a variant keeps its last layer.
  const vlm = await tfModelLoad(artifacts, `${lm.info.name} (${id})`, null)
  return {
    predict: tfPredictFn(vlm, column),
    bytes: variant.bytes,
    storage: variant.native
      ? `native tfjs ${variant.native.dtype} weights`
      : 'dequantized float32 (weights rounded, stored as float32)',
    dispose: () => vlm.model.dispose(),
  }
}

/**
 * The compression capability of a loaded tfjs model (LayersModel or GraphModel; int8act needs a
 * Dense LayersModel and says so otherwise).
 * @example await tfjsCompression(lm).variant('uint8', outputColumn(0), null)
 */
export function tfjsCompression(lm: TfModel): ModelCompression {
  return {
    baseBytes: () => packedBytes('float32', artifactsWeightTensors(lm.artifacts)),
    variant: (id, column, calib) =>
      variantModel(lm, id, column, calib).catch((e: unknown) => {
        throw valueErrorWithSource(e, lm.info.name)
      }),
    exportFiles: (id, baseName) => {
      try {
        return artifactsToFiles(quantizedArtifacts(lm.artifacts, id).artifacts, baseName)
      } catch (e) {
        throw valueErrorWithSource(e, lm.info.name)
      }
    },
  }
}
