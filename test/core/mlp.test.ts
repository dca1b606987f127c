import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { goldenAdult } from './explainFixture.ts'
import {
  mlpCreate,
  mlpForward,
  mlpFromLayersModel,
  mlpGradFn,
  mlpGradient,
  mlpPredictFn,
  mlpProbability,
  mlpRandom,
} from '../../src/core/mlp.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import { matrix } from '../../src/core/types.ts'

const g = goldenAdult()
const fixture = (p: string): URL => new URL(`../fixtures/golden/adult/${p}`, import.meta.url)
const loadBin = (p: string): ArrayBuffer => {
  const b = readFileSync(fixture(p))
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
}

describe('mlpFromLayersModel', () => {
  it('reproduces the golden float64 predictions of all 2,000 rows', () => {
    expect(g.mlp.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([
      [88, 16, 'relu'],
      [16, 8, 'relu'],
      [8, 1, 'sigmoid'],
    ])
    const p = mlpProbability(g.mlp, g.enc.x)
    let err = 0
    p.forEach((v, i) => (err = Math.max(err, Math.abs(v - g.ref.predictions[i]!))))
    // The reference encodes in float64; our encoded rows are float32.
    expect(err).toBeLessThan(1e-6)
  })

  it('agrees with tfjs (cpu backend) within float32 rounding', async () => {
    await tf.setBackend('cpu')
    const json = g.modelJson as {
      modelTopology: object
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]
    }
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
        weightData: g.weights,
      }),
    )
    const x = tf.tensor2d(g.enc.x.data as Float32Array, [g.enc.x.rows, g.enc.x.cols])
    const y = model.predict(x, { batchSize: 2000 }) as tf.Tensor
    const ref = await y.data()
    const p = await mlpPredictFn(g.mlp)(g.enc.x)
    let err = 0
    p.forEach((v, i) => (err = Math.max(err, Math.abs(v - ref[i]!))))
    expect(err).toBeLessThan(2e-7)
    tf.dispose([x, y])
    model.dispose()
  })

  it('dequantizes the converter’s uint8 and float16 weights like tfjs', () => {
    const ref = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as {
      quantization: Record<'uint8' | 'float16', { predictions: number[] }>
    }
    for (const id of ['uint8', 'float16'] as const) {
      const json = JSON.parse(
        readFileSync(fixture(`quantized/${id}/model.json`), 'utf8'),
      ) as unknown
      const q = mlpFromLayersModel(json, loadBin(`quantized/${id}/group1-shard1of1.bin`))
      const p = mlpProbability(q, g.enc.x)
      let err = 0
      p.forEach((v, i) => (err = Math.max(err, Math.abs(v - ref.quantization[id].predictions[i]!))))
      expect(err).toBeLessThan(1e-6)
    }
  })

  it('names what it cannot load', () => {
    const json = JSON.parse(JSON.stringify(g.modelJson)) as {
      modelTopology: { config: { layers: { class_name: string }[] } }
    }
    json.modelTopology.config.layers[1]!.class_name = 'Conv2D'
    expect(() => mlpFromLayersModel(json, g.weights)).toThrow(/unsupported layer Conv2D/)
    expect(() => mlpFromLayersModel(g.modelJson, g.weights.slice(0, 100))).toThrow(/too short/)
  })

  it('says in words what is wrong with the weights, naming the weight or layer', () => {
    type Manifest = { weightsManifest: { weights: { name: string; dtype: string }[] }[] }
    const edited = (edit: (m: Manifest) => void): unknown => {
      const json = JSON.parse(JSON.stringify(g.modelJson)) as Manifest
      edit(json)
      return json
    }
    const first = (g.modelJson as Manifest).weightsManifest[0]!.weights[0]!.name
    expect(() => mlpFromLayersModel(g.modelJson, g.weights.slice(0, 100))).toThrow(
      /^the weight files are too short: they end before weight "[^"]+" \(100 bytes in all\)$/,
    )
    const int32 = edited((m) => (m.weightsManifest[0]!.weights[0]!.dtype = 'int32'))
    expect(() => mlpFromLayersModel(int32, g.weights)).toThrow(
      `weight "${first}" has unsupported dtype "int32" (float32, or quantized uint8, uint16 or float16)`,
    )
    const noKernel = edited((m) =>
      m.weightsManifest[0]!.weights.forEach((w) => (w.name = w.name.replace('kernel', 'k'))),
    )
    expect(() => mlpFromLayersModel(noKernel, g.weights)).toThrow(
      /^model\.json: layer "[^"]+" has no kernel in the weights manifest$/,
    )
    const noBias = edited((m) =>
      m.weightsManifest[0]!.weights.forEach((w) => (w.name = w.name.replace('bias', 'b'))),
    )
    expect(() => mlpFromLayersModel(noBias, g.weights)).toThrow(
      /^model\.json: layer "[^"]+" uses a bias but the weights manifest has none for it$/,
    )
  })
})

describe('mlpCreate messages', () => {
  const dense = (inputs: number, units: number, over: object = {}) => ({
    inputs,
    units,
    kernel: new Array<number>(inputs * units).fill(0),
    bias: new Array<number>(units).fill(0),
    activation: 'sigmoid' as const,
    ...over,
  })
  it('names the layer and the shapes, never a function', () => {
    expect(() => mlpCreate([])).toThrow(/^the model has no layers$/)
    expect(() => mlpCreate([dense(2, 1, { kernel: [1] })])).toThrow(
      /^the model's layer 0 has a kernel of 1 values, its shape needs 2x1$/,
    )
    expect(() => mlpCreate([dense(2, 3, { bias: [0] })])).toThrow(
      /^the model's layer 0 has a bias of 1 values for 3 units$/,
    )
    expect(() => mlpCreate([dense(2, 3), dense(4, 1)])).toThrow(
      /^the model's layer 1 expects 4 inputs, but layer 0 has 3 units$/,
    )
    expect(() => mlpCreate([dense(2, 1)], 1)).toThrow(
      /^class 1 does not exist: the model has 1 outputs$/,
    )
    expect(() => mlpForward(mlpCreate([dense(2, 1)]), matrix(new Float64Array(3), 1, 3))).toThrow(
      /^input has 3 columns, the model expects 2$/,
    )
  })
})

describe('mlpCreate / mlpForward / mlpGradient', () => {
  it('computes a hand-checked two-layer network', () => {
    const m = mlpCreate([
      { inputs: 2, units: 2, kernel: [1, -1, 2, 1], bias: [0, 0.5], activation: 'relu' },
      { inputs: 2, units: 1, kernel: [1, 2], bias: [-1], activation: 'linear' },
    ])
    // x = (1, 1): z1 = (1 + 2, −1 + 1 + 0.5) = (3, 0.5) → relu same → 3 + 1 − 1 = 3
    expect(mlpForward(m, matrix(Float64Array.of(1, 1), 1, 2)).data[0]).toBe(3)
    // ∂f/∂x = W1 · diag(relu') · W2 = [[1, −1], [2, 1]] · [1, 2] = [−1, 4]
    expect(Array.from(mlpGradient(m, matrix(Float64Array.of(1, 1), 1, 2)).data)).toEqual([-1, 4])
  })

  it('picks the class of interest: sigmoid output, 2-class softmax index 1, otherwise required', () => {
    const soft = mlpRandom([3, 2], ['softmax'], rngFromSeed(1).normal)
    expect(soft.classIndex).toBe(1)
    const out = mlpForward(soft, matrix(Float64Array.of(1, 2, 3), 1, 3))
    expect(out.data[0]! + out.data[1]!).toBeCloseTo(1, 14)
    expect(mlpProbability(soft, matrix(Float64Array.of(1, 2, 3), 1, 3))[0]).toBe(out.data[1])
    expect(() => mlpRandom([3, 3], ['softmax'], rngFromSeed(1).normal)).toThrow(
      /class index is required/,
    )
    expect(() => mlpRandom([3, 4, 1], ['softmax', 'sigmoid'], rngFromSeed(1).normal)).toThrow(
      /softmax only/,
    )
  })

  it('matches finite differences on the golden model and agrees with tf.grad', async () => {
    const rows = matrix(g.enc.x.data.slice(0, 5 * 88), 5, 88)
    const gr = await mlpGradFn(g.mlp)(rows)
    const h = 1e-6
    for (const j of [0, 9, 44, 45]) {
      const xp = Float64Array.from(rows.data.subarray(0, 88))
      const xm = Float64Array.from(xp)
      xp[j] = xp[j]! + h
      xm[j] = xm[j]! - h
      const fd =
        (mlpProbability(g.mlp, matrix(xp, 1, 88))[0]! -
          mlpProbability(g.mlp, matrix(xm, 1, 88))[0]!) /
        (2 * h)
      expect(Math.abs(gr.data[j]! - fd)).toBeLessThan(1e-7)
    }
    await tf.setBackend('cpu')
    const json = g.modelJson as {
      modelTopology: object
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]
    }
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
        weightData: g.weights,
      }),
    )
    const grad = tf.grad((x: tf.Tensor) => (model.apply(x) as tf.Tensor).sum())
    const t = tf.tensor2d(rows.data as Float32Array, [5, 88])
    const gt = await grad(t).data()
    let err = 0
    gt.forEach((v, i) => (err = Math.max(err, Math.abs(v - gr.data[i]!))))
    expect(err).toBeLessThan(1e-6)
    model.dispose()
  })
})
