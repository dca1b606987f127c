import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { encodeTable } from '../../src/core/encode.ts'
import type { Schema } from '../../src/core/schema.ts'
import { type Matrix, matrix } from '../../src/core/types.ts'
import { ModelError, modelArtifacts } from '../../src/model/artifacts.ts'
import { type TfModel, tfGradFn, tfModelLoad, tfPredictFn } from '../../src/model/tfModel.ts'

const url = (path: string) => new URL(`../../${path}`, import.meta.url)
const text = (path: string) => readFileSync(url(path), 'utf8')
const SHARD = 'group1-shard1of1.bin'
const GOLDEN = 'test/fixtures/golden/adult'

type Reference = {
  predictions: number[]
  quantization: Record<'uint8' | 'float16', { predictions: number[] }>
}
const reference = JSON.parse(text(`${GOLDEN}/reference.json`)) as Reference
const schema = JSON.parse(text(`${GOLDEN}/schema.json`)) as Schema
const x = encodeTable(schema, parseCsvText(text(`${GOLDEN}/data.csv`))).x

/** model.json + shard in `dir` → artifacts → a TfModel on the active backend. */
function load(dir: string, name = 'model.json'): Promise<TfModel> {
  const shard = readFileSync(url(`${dir}/${SHARD}`))
  const buf = shard.buffer.slice(
    shard.byteOffset,
    shard.byteOffset + shard.byteLength,
  ) as ArrayBuffer
  return tfModelLoad(
    modelArtifacts({ name, json: text(`${dir}/model.json`) }, new Map([[SHARD, buf]])),
    name,
  )
}

/** The artifacts a built-in-memory model saves to. */
async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return saved!
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

const rows = (m: Matrix, r0: number, r1: number): Matrix =>
  matrix(m.data.subarray(r0 * m.cols, r1 * m.cols), r1 - r0, m.cols)

let golden: TfModel
let graph: TfModel

beforeAll(async () => {
  await tf.setBackend('cpu')
  await tf.ready()
  golden = await load(GOLDEN)
  graph = await load('test/fixtures/graph-softmax', 'softmax.json')
})

describe('tfModelLoad', () => {
  it('describes the golden LayersModel', () => {
    const shard = readFileSync(url(`${GOLDEN}/${SHARD}`))
    const sha = createHash('sha256').update(shard).digest('hex')
    expect(golden.info).toEqual({
      name: 'model.json',
      format: 'layers-model',
      layers: 3,
      parameters: 1569,
      bytes: 6276,
      weightsSha256: '3c4cbb658280f4afd9e66f1f2d499e668ed7ce04a1d007560c78101d5f052ce4',
      inputWidth: 88,
      outputWidth: 1,
      activation: 'sigmoid',
      weightDtypes: ['float32'],
    })
    expect(golden.info.weightsSha256).toBe(sha)
  })

  it('describes the softmax GraphModel', () => {
    expect(graph.info).toMatchObject({
      name: 'softmax.json',
      format: 'graph-model',
      parameters: 1578,
      bytes: 6312,
      inputWidth: 88,
      outputWidth: 2,
      activation: 'softmax',
    })
    expect(graph.model).toBeInstanceOf(tf.GraphModel)
  })

  it('describes the quantized models by their packed bytes and quantized dtype', async () => {
    for (const [q, bytes] of [
      ['uint8', 1569],
      ['float16', 3138],
    ] as const) {
      const lm = await load(`${GOLDEN}/quantized/${q}`)
      expect(lm.info).toMatchObject({ parameters: 1569, bytes, weightDtypes: [q], outputWidth: 1 })
      lm.model.dispose()
    }
  })

  it('rejects a model whose last layer is linear, without leaking its tensors', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] })
    const art = await artifactsOf(m)
    m.dispose()
    const before = tf.memory().numTensors
    const p = tfModelLoad(art, 'linear.json')
    await expect(p).rejects.toBeInstanceOf(ModelError)
    await expect(p).rejects.toThrow(
      'linear.json: the output layer\'s activation is "linear", so its values are not probabilities, but the schema\'s output.kind is "probability". If the model outputs raw scores (logits), set "output": {"kind": "logit"} in the schema (CLI: --output logit) and Glassbox applies the sigmoid or softmax itself.',
    )
    expect(tf.memory().numTensors).toBe(before)
  })

  it('says a model that outputs NaN has NaN weights, rather than a wrong activation', async () => {
    const m = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [3], activation: 'sigmoid' })],
    })
    m.layers[0]!.setWeights([tf.ones([3, 1]), tf.tensor1d([NaN])])
    const art = await artifactsOf(m)
    m.dispose()
    const before = tf.memory().numTensors
    const p = tfModelLoad(art, 'nan.json')
    await expect(p).rejects.toBeInstanceOf(ModelError)
    await expect(p).rejects.toThrow(
      'nan.json: the model outputs NaN for an all-zero input row (check its weights for NaN or Infinity)',
    )
    expect(tf.memory().numTensors).toBe(before)
  })

  it('rejects an input that is not [batch, features]', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [3, 2] }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    })
    const art = await artifactsOf(m)
    m.dispose()
    await expect(tfModelLoad(art, 'image.json')).rejects.toThrow(
      /image\.json: the model's input shape is \[null, 3, 2\]; Glassbox needs \[batch, features\]/,
    )
  })

  it('names the model when TensorFlow.js cannot build it', async () => {
    const art: tf.io.ModelArtifacts = { modelTopology: { class_name: 'Nonsense', config: {} } }
    const p = tfModelLoad(art, 'odd.json')
    await expect(p).rejects.toBeInstanceOf(ModelError)
    await expect(p).rejects.toThrow(/^odd\.json: TensorFlow\.js could not build the model \(/)
  })
})

describe('tfPredictFn', () => {
  it('reproduces the golden predictions within 1e-6', async () => {
    const p = await tfPredictFn(golden, 0)(x)
    expect(p).toBeInstanceOf(Float32Array)
    expect(maxAbsDiff(p, reference.predictions)).toBeLessThanOrEqual(1e-6)
  })

  it('gives class 1 of the softmax graph as the reference and class 0 as its complement', async () => {
    const p1 = await tfPredictFn(graph, 1)(x)
    const p0 = await tfPredictFn(graph, 0)(x)
    expect(maxAbsDiff(p1, reference.predictions)).toBeLessThanOrEqual(1e-6)
    expect(
      maxAbsDiff(
        p0,
        Array.from(p1, (v) => 1 - v),
      ),
    ).toBeLessThanOrEqual(1e-6)
  })

  it('gives identical results whatever the chunk size', async () => {
    const sub = rows(x, 0, 300)
    const one = await tfPredictFn(golden, 0)(sub)
    for (const chunk of [1, 7, 128]) expect(await tfPredictFn(golden, 0, chunk)(sub)).toEqual(one)
    const g = await tfPredictFn(graph, 1, 13)(sub)
    expect(g).toEqual(await tfPredictFn(graph, 1)(sub))
  })

  it('accepts float64 input like float32', async () => {
    const sub = rows(x, 0, 50)
    const f64 = matrix(Float64Array.from(sub.data), sub.rows, sub.cols)
    expect(await tfPredictFn(golden, 0)(f64)).toEqual(await tfPredictFn(golden, 0)(sub))
  })

  it('returns an empty array for no rows', async () => {
    expect(await tfPredictFn(golden, 0)(matrix(new Float32Array(0), 0, 88))).toHaveLength(0)
  })

  it('leaves the tensor count unchanged over 20 calls', async () => {
    const predict = tfPredictFn(golden, 0, 512)
    const predictGraph = tfPredictFn(graph, 1, 512)
    await predict(x)
    await predictGraph(x)
    const before = tf.memory().numTensors
    for (let k = 0; k < 10; k++) {
      await predict(x)
      await predictGraph(x)
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reproduces the uint8 and float16 reference predictions within 1e-6', async () => {
    for (const q of ['uint8', 'float16'] as const) {
      const lm = await load(`${GOLDEN}/quantized/${q}`)
      const p = await tfPredictFn(lm, 0)(x)
      expect(maxAbsDiff(p, reference.quantization[q].predictions)).toBeLessThanOrEqual(1e-6)
      lm.model.dispose()
    }
  })

  it('rejects a class the model lacks and input of the wrong width', async () => {
    expect(() => tfPredictFn(graph, 2)).toThrow(
      new ModelError('class 2 does not exist: the model has 2 outputs'),
    )
    expect(() => tfPredictFn(graph, -1)).toThrow(ModelError)
    await expect(tfPredictFn(golden, 0)(matrix(new Float32Array(87), 1, 87))).rejects.toThrow(
      'input has 87 columns, the model expects 88',
    )
  })

  it('ignores the class index for a sigmoid output', async () => {
    const sub = rows(x, 0, 5)
    expect(await tfPredictFn(golden, 3)(sub)).toEqual(await tfPredictFn(golden, 0)(sub))
  })
})

describe('tfGradFn', () => {
  const w = [0.5, -1, 2]
  const b = 0.1
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
  const points = matrix(
    Float32Array.from([0, 0, 0, 1, 2, 3, -1, 0.5, 0.25, 3, -2, 1, 0.1, 0.2, -0.3]),
    5,
    3,
  )

  async function unit(): Promise<TfModel> {
    const m = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [3], activation: 'sigmoid' })],
    })
    m.setWeights([tf.tensor2d(w, [3, 1]), tf.tensor1d([b])])
    const art = await artifactsOf(m)
    m.dispose()
    return tfModelLoad(art, 'unit.json')
  }

  it('gives σ(1 − σ)·w for a single sigmoid unit', async () => {
    const lm = await unit()
    const g = await tfGradFn(lm, 0)(points)
    expect(g.rows).toBe(5)
    expect(g.cols).toBe(3)
    for (let i = 0; i < points.rows; i++) {
      const z = w.reduce((a, wj, j) => a + wj * points.data[i * 3 + j]!, b)
      const s = sigmoid(z)
      for (let j = 0; j < 3; j++) expect(g.data[i * 3 + j]).toBeCloseTo(s * (1 - s) * w[j]!, 6)
    }
    lm.model.dispose()
  })

  it('gives the same gradients whatever the chunk size, without leaking tensors', async () => {
    const lm = await unit()
    const grad = tfGradFn(lm, 0)
    const whole = await grad(points)
    const before = tf.memory().numTensors
    expect((await tfGradFn(lm, 0, 2)(points)).data).toEqual(whole.data)
    for (let k = 0; k < 5; k++) await grad(points)
    expect(tf.memory().numTensors).toBe(before)
    lm.model.dispose()
  })

  it('gives opposite gradients for the two classes of the softmax graph', async () => {
    const sub = rows(x, 0, 20)
    const g1 = await tfGradFn(graph, 1)(sub)
    const g0 = await tfGradFn(graph, 0)(sub)
    expect(
      maxAbsDiff(
        g0.data,
        Array.from(g1.data, (v) => -v),
      ),
    ).toBeLessThan(1e-6)
    expect(g1.data.some((v) => v !== 0)).toBe(true)
  })

  it('matches the sigmoid-output golden model with its softmax twin', async () => {
    const sub = rows(x, 100, 120)
    const gl = await tfGradFn(golden, 0)(sub)
    const gg = await tfGradFn(graph, 1)(sub)
    expect(maxAbsDiff(gl.data, gg.data)).toBeLessThan(1e-5)
  })
})
