/**
 * Quantized variants of a loaded tfjs model as downloadable tfjs models (docs/contracts.md §2):
 * `float16` and `uint8` as native quantized weight manifests, byte for byte what
 * `tfjs-converter --quantize_float16 / --quantize_uint8` writes, which `tf.loadLayersModel`
 * decodes itself; every other scheme as plain float32 weights holding the dequantized values,
 * labelled in `userDefinedMetadata` (tfjs has no int8/int4/sparse weight format).
 */
import * as tf from '@tensorflow/tfjs'
import {
  type QuantSchemeId,
  type QuantizeVariantOptions,
  type QuantizedVariant,
  type WeightTensor,
  quantizeVariant,
} from '../../core/quantize/schemes.ts'
import { ModelError } from './artifacts.ts'

/** What `userDefinedMetadata` says about a variant. */
export type VariantMetadata = { glassboxVariant: QuantSchemeId; note: string }

/** The note on variants stored as float32. */
export const DEQUANTIZED_NOTE = 'dequantized float32'

const weightBuffer = (a: tf.io.ModelArtifacts): ArrayBuffer => {
  const d = a.weightData
  if (!d) return new ArrayBuffer(0)
  return Array.isArray(d) ? tf.io.concatenateArrayBuffers(d) : d
}

/**
 * The model's weights as float32 tensors, in manifest order (quantized manifests are decoded as
 * tfjs decodes them).
 * @throws ModelError for weights that are not float32 (int32, string…), which no scheme handles.
 */
export function artifactsWeightTensors(artifacts: tf.io.ModelArtifacts): WeightTensor[] {
  const specs = artifacts.weightSpecs ?? []
  for (const s of specs)
    if (s.dtype !== 'float32')
      throw new ModelError(
        `weight "${s.name}" is ${s.dtype}; only float32 weights can be quantized`,
      )
  const named = tf.io.decodeWeights(weightBuffer(artifacts), specs)
  return specs.map((s) => {
    const t = named[s.name]!
    const data = t.dataSync() as Float32Array
    t.dispose()
    return { name: s.name, shape: [...s.shape], data: Float32Array.from(data) }
  })
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.byteLength
  }
  return out.buffer
}

function float32Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(4 * data.length)
  const v = new DataView(out.buffer)
  data.forEach((x, i) => v.setFloat32(4 * i, x, true))
  return out
}

function uint16Bytes(data: Uint16Array): Uint8Array {
  const out = new Uint8Array(2 * data.length)
  const v = new DataView(out.buffer)
  data.forEach((x, i) => v.setUint16(2 * i, x, true))
  return out
}

/**
 * New artifacts holding `variant`'s weights (same topology, names and order as `artifacts`).
 * float16/uint8: entries keep dtype float32 with `quantization: {dtype: 'float16'}` or
 * `{dtype: 'uint8', scale, min}` and the shard holds the 2-byte halves (little-endian) or the
 * 1-byte codes, tensors back to back as the converter writes them. Others: float32 weights and
 * `userDefinedMetadata.note = 'dequantized float32'`. Either way `userDefinedMetadata` names
 * the variant (`glassboxVariant`), merged over the model's own metadata.
 * @throws ModelError when the variant's tensors do not match the manifest.
 */
export function artifactsWithVariant(
  artifacts: tf.io.ModelArtifacts,
  variant: QuantizedVariant,
): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? []
  if (
    variant.tensors.length !== specs.length ||
    variant.tensors.some((t, i) => t.name !== specs[i]!.name)
  )
    throw new ModelError(`variant ${variant.id}: its weights do not match the model's manifest`)
  const parts: Uint8Array[] = []
  const weightSpecs: tf.io.WeightsManifestEntry[] = []
  let note = DEQUANTIZED_NOTE
  const native = variant.native
  if (native?.dtype === 'float16') {
    note = 'native tfjs float16 weights'
    native.tensors.forEach((t, i) => {
      parts.push(uint16Bytes(t.bits))
      weightSpecs.push({
        name: t.name,
        shape: [...specs[i]!.shape],
        dtype: 'float32',
        quantization: { dtype: 'float16' },
      })
    })
  } else if (native?.dtype === 'uint8') {
    note = 'native tfjs uint8 weights (tfjs-converter --quantize_uint8)'
    native.tensors.forEach((t, i) => {
      parts.push(t.q)
      weightSpecs.push({
        name: t.name,
        shape: [...specs[i]!.shape],
        dtype: 'float32',
        quantization: { dtype: 'uint8', scale: t.scale, min: t.min },
      })
    })
  } else {
    variant.tensors.forEach((t, i) => {
      parts.push(float32Bytes(t.data))
      weightSpecs.push({ name: t.name, shape: [...specs[i]!.shape], dtype: 'float32' })
    })
  }
  const metadata: VariantMetadata = { glassboxVariant: variant.id, note }
  return {
    ...artifacts,
    weightSpecs,
    weightData: concat(parts),
    userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...metadata },
  }
}

/**
 * Quantizes a float32 model with scheme `id` and returns the variant (dequantized weights,
 * packed bytes) with its downloadable artifacts.
 * @example const { artifacts } = quantizedArtifacts(loaded.artifacts, 'uint8')
 */
export function quantizedArtifacts(
  artifacts: tf.io.ModelArtifacts,
  id: QuantSchemeId,
  options: QuantizeVariantOptions = {},
): { variant: QuantizedVariant; artifacts: tf.io.ModelArtifacts } {
  const variant = quantizeVariant(id, artifactsWeightTensors(artifacts), options)
  return { variant, artifacts: artifactsWithVariant(artifacts, variant) }
}

/**
 * The two files of a download: model.json (one weight group whose path is `baseName.bin`) and
 * the shard. Optional fields (format, generatedBy, convertedBy, signature, userDefinedMetadata,
 * modelInitializer, trainingConfig) are written when present.
 * @example artifactsToFiles(a, 'adult-uint8') // model.json → "paths": ["adult-uint8.bin"]
 */
export function artifactsToFiles(
  artifacts: tf.io.ModelArtifacts,
  baseName: string,
): { modelJson: string; bin: Uint8Array } {
  const bin = new Uint8Array(weightBuffer(artifacts).slice(0))
  const json: Record<string, unknown> = {}
  if (artifacts.format !== undefined) json.format = artifacts.format
  json.generatedBy = artifacts.generatedBy ?? 'glassbox'
  if (artifacts.convertedBy !== undefined) json.convertedBy = artifacts.convertedBy
  json.modelTopology = artifacts.modelTopology
  json.weightsManifest = [{ paths: [`${baseName}.bin`], weights: artifacts.weightSpecs ?? [] }]
  if (artifacts.signature !== undefined) json.signature = artifacts.signature
  if (artifacts.userDefinedMetadata !== undefined)
    json.userDefinedMetadata = artifacts.userDefinedMetadata
  if (artifacts.modelInitializer !== undefined) json.modelInitializer = artifacts.modelInitializer
  if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig
  return { modelJson: JSON.stringify(json), bin }
}
