import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { mlpProbability } from '../../src/core/mlp.ts'
import { mlpWithWeights } from '../../src/core/quantize/activations.ts'
import { ModelError, modelArtifacts } from '../../src/model/artifacts.ts'
import {
  DEQUANTIZED_NOTE,
  artifactsToFiles,
  artifactsWeightTensors,
  artifactsWithVariant,
  quantizedArtifacts,
} from '../../src/model/quantizedArtifacts.ts'
import { goldenAdult } from '../core/explainFixture.ts'

const GOLDEN = '../fixtures/golden/adult'
const url = (p: string) => new URL(`${GOLDEN}/${p}`, import.meta.url)
const bytes = (p: string): ArrayBuffer => {
  const b = readFileSync(url(p))
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}
const SHARD = 'group1-shard1of1.bin'
const load = (dir: string): tf.io.ModelArtifacts =>
  modelArtifacts(
    { name: `${dir}model.json`, json: readFileSync(url(`${dir}model.json`), 'utf8') },
    new Map([[SHARD, bytes(`${dir}${SHARD}`)]]),
  )

const ref = JSON.parse(readFileSync(url('reference.json'), 'utf8')) as {
  quantization: Record<'uint8' | 'float16', { predictions: number[] }>
}
const g = goldenAdult()
const golden = load('')

/** tfjs (cpu) predictions of artifacts on all golden rows. */
async function tfPredict(a: tf.io.ModelArtifacts): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(a))
  const x = tf.tensor2d(g.enc.x.data as Float32Array, [g.enc.x.rows, g.enc.x.cols])
  const y = model.predict(x, { batchSize: 2000 }) as tf.Tensor
  const p = (await y.data()) as Float32Array
  tf.dispose([x, y])
  model.dispose()
  return p
}

const maxErr = (p: ArrayLike<number>, q: ArrayLike<number>): number => {
  let e = 0
  for (let i = 0; i < p.length; i++) e = Math.max(e, Math.abs(p[i]! - q[i]!))
  return e
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('quantizedArtifacts', () => {
  for (const id of ['uint8', 'float16'] as const) {
    it(`writes ${id} exactly as the converter does, and tfjs reads it back`, async () => {
      const { artifacts, variant } = quantizedArtifacts(golden, id)
      const conv = load(`quantized/${id}/`)
      expect(artifacts.weightSpecs).toEqual(conv.weightSpecs)
      expect(new Uint8Array(artifacts.weightData as ArrayBuffer)).toEqual(
        new Uint8Array(conv.weightData as ArrayBuffer),
      )
      expect(artifacts.userDefinedMetadata).toMatchObject({ glassboxVariant: id })
      const p = await tfPredict(artifacts)
      expect(maxErr(p, ref.quantization[id].predictions)).toBeLessThan(1e-6)
      // …and agrees with the float64 network on the variant's dequantized weights.
      const p64 = mlpProbability(mlpWithWeights(g.mlp, variant.tensors), g.enc.x)
      expect(maxErr(p, p64)).toBeLessThan(1e-6)
      // tfjs decodes the native manifest to exactly the variant's dequantized weights.
      artifactsWeightTensors(artifacts).forEach((t, i) =>
        expect(Array.from(t.data)).toEqual(Array.from(variant.tensors[i]!.data)),
      )
    })
  }

  it('stores the other schemes as labelled dequantized float32', async () => {
    for (const id of ['int8', 'int4', 'prune80', 'int8act'] as const) {
      const { artifacts, variant } = quantizedArtifacts(golden, id)
      expect(artifacts.userDefinedMetadata).toEqual({ glassboxVariant: id, note: DEQUANTIZED_NOTE })
      expect(artifacts.weightSpecs!.every((s) => s.dtype === 'float32' && !s.quantization)).toBe(
        true,
      )
      expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(6276)
      if (id === 'int8') {
        const p = await tfPredict(artifacts)
        const p64 = mlpProbability(mlpWithWeights(g.mlp, variant.tensors), g.enc.x)
        expect(maxErr(p, p64)).toBeLessThan(1e-6)
      }
    }
  })

  it('names the weights it cannot quantize and variants that do not fit', () => {
    const withInt: tf.io.ModelArtifacts = {
      ...golden,
      weightSpecs: [{ name: 'steps', shape: [1], dtype: 'int32' }],
      weightData: new ArrayBuffer(4),
    }
    expect(() => artifactsWeightTensors(withInt)).toThrow(ModelError)
    expect(() => artifactsWeightTensors(withInt)).toThrow(/"steps" is int32/)
    const { variant } = quantizedArtifacts(golden, 'int8')
    expect(() =>
      artifactsWithVariant(golden, { ...variant, tensors: variant.tensors.slice(1) }),
    ).toThrow(/do not match/)
  })

  it('reads the converter’s quantized manifests as float32 tensors', () => {
    const conv = artifactsWeightTensors(load('quantized/uint8/'))
    const { variant } = quantizedArtifacts(golden, 'uint8')
    conv.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(variant.tensors[i]!.data)))
  })
})

describe('artifactsToFiles', () => {
  it('writes model.json + one shard that load back into the same artifacts', async () => {
    const { artifacts } = quantizedArtifacts(golden, 'uint8')
    const files = artifactsToFiles(artifacts, 'adult-uint8')
    const json = JSON.parse(files.modelJson) as {
      format: string
      weightsManifest: { paths: string[] }[]
      userDefinedMetadata: unknown
    }
    expect(json.format).toBe('layers-model')
    expect(json.weightsManifest.map((m) => m.paths)).toEqual([['adult-uint8.bin']])
    expect(json.userDefinedMetadata).toMatchObject({ glassboxVariant: 'uint8' })
    expect(files.bin.byteLength).toBe(1569)
    const back = modelArtifacts(
      { name: 'model.json', json: files.modelJson },
      new Map([['adult-uint8.bin', files.bin.slice().buffer]]),
    )
    expect(back.weightSpecs).toEqual(artifacts.weightSpecs)
    expect(new Uint8Array(back.weightData as ArrayBuffer)).toEqual(files.bin)
    expect(maxErr(await tfPredict(back), ref.quantization.uint8.predictions)).toBeLessThan(1e-6)
  })
})
