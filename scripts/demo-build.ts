/**
 * Re-trains the built-in demo model and writes the demo pack into public/demo/:
 * model.json + group1-shard1of1.bin (tfjs LayersModel), schema.json (the golden schema renamed
 * "adult-demo"), data.csv (the golden fixture's 2,000 held-out rows) and manifest.json.
 *
 * Training data: rows 0–32,560 of scripts/data/adult.csv (UCI's adult.data), encoded under the
 * golden schema. The run is as deterministic as tfjs allows: the cpu backend, seeded
 * initialisers, a seeded per-epoch permutation done here (fit runs with `shuffle: false`), and
 * explicit layer names, so two runs write byte-identical weights (the sha256 is printed).
 *
 * tfjs-node is not a dependency, so the model is written through a custom save handler.
 * Usage: `npm run demo:build`
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import type { Schema } from '../src/core/schema.ts'
import { schemaWidth } from '../src/core/schema.ts'
import type { Matrix } from '../src/core/types.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const goldenDir = join(root, 'test/fixtures/golden/adult')
const adultCsv = join(root, 'scripts/data/adult.csv')
const outDir = join(root, 'public/demo')

/** Rows 0..TRAIN_ROWS-1 of adult.csv are UCI's training file adult.data. */
const TRAIN_ROWS = 32_561
const WEIGHTS_FILE = 'group1-shard1of1.bin'

/** Training settings; recorded verbatim in manifest.json. */
const DemoTraining = {
  rows: TRAIN_ROWS,
  seed: 20_240_601,
  epochs: 20,
  batchSize: 256,
  learningRate: 0.003,
  optimizer: 'adam',
  loss: 'binaryCrossentropy',
  architecture: 'Dense 16 relu → Dense 8 relu → Dense 1 sigmoid',
  backend: 'cpu',
  tfjsVersion: tf.version.tfjs,
} as const

/**
 * Seeded PRNG (mulberry32): uniform floats in [0, 1), fully determined by `seed`.
 * @example const r = demoRng(1); r() // 0.627…
 */
function demoRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates) drawn from `rng`. */
function demoPermutation(n: number, rng: () => number): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/** Rows `order` of `x` (and labels) gathered into new float32 arrays. */
function gatherRows(
  x: Matrix,
  y: Uint8Array,
  order: Int32Array,
): { xs: Float32Array; ys: Float32Array } {
  const xs = new Float32Array(order.length * x.cols)
  const ys = new Float32Array(order.length)
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!
    xs.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols)
    ys[i] = y[r]!
  }
  return { xs, ys }
}

/** Fraction of rows where (p >= 0.5) equals the label. */
function accuracy(p: Float32Array, y: Uint8Array): number {
  let ok = 0
  for (let i = 0; i < y.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) ok++
  return ok / y.length
}

function predict(model: tf.LayersModel, x: Matrix): Float32Array {
  return tf.tidy(() => {
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data)
    const out = model.predict(tf.tensor2d(data, [x.rows, x.cols], 'float32')) as tf.Tensor
    return out.dataSync() as Float32Array
  })
}

/** The demo architecture with seeded initialisers and fixed names (stable model.json). */
function buildModel(inputs: number, seed: number): tf.Sequential {
  const dense = (name: string, units: number, activation: 'relu' | 'sigmoid', k: number) =>
    tf.layers.dense({
      name,
      units,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k }),
      biasInitializer: tf.initializers.zeros(),
      ...(k === 1 ? { inputShape: [inputs] } : {}),
    })
  const model = tf.sequential({
    name: 'glassbox_demo',
    layers: [
      dense('dense_1', 16, 'relu', 1),
      dense('dense_2', 8, 'relu', 2),
      dense('dense_3', 1, 'sigmoid', 3),
    ],
  })
  model.compile({
    optimizer: tf.train.adam(DemoTraining.learningRate),
    loss: DemoTraining.loss,
    metrics: ['accuracy'],
  })
  return model
}

/** Serialises the model through a save handler; returns model.json text and the weight bytes. */
async function serialise(model: tf.LayersModel): Promise<{ json: string; weights: Uint8Array }> {
  let json = ''
  let weights = new Uint8Array(0)
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      if (!a.weightSpecs || a.weightData === undefined)
        throw new Error('save: no weights in the artifacts')
      const data = Array.isArray(a.weightData)
        ? tf.io.concatenateArrayBuffers(a.weightData)
        : a.weightData
      weights = new Uint8Array(data.slice(0))
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
      }
      json = JSON.stringify(modelJson, null, 1) + '\n'
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }
    }),
  )
  return { json, weights }
}

async function main(): Promise<void> {
  const t0 = performance.now()
  await tf.setBackend('cpu')
  await tf.ready()
  const schema = JSON.parse(readFileSync(join(goldenDir, 'schema.json'), 'utf8')) as Schema
  const width = schemaWidth(schema)

  const all = encodeTable(
    schema,
    parseCsvText(readFileSync(adultCsv, 'utf8'), 'adult.csv'),
    'adult.csv',
  )
  if (!all.labels) throw new Error('adult.csv: no income column')
  if (all.x.rows < TRAIN_ROWS)
    throw new Error(`adult.csv: ${all.x.rows} rows, expected ≥ ${TRAIN_ROWS}`)
  const train: Matrix = {
    data: all.x.data.subarray(0, TRAIN_ROWS * width),
    rows: TRAIN_ROWS,
    cols: width,
  }
  const trainY = all.labels.subarray(0, TRAIN_ROWS)

  const test = encodeTable(
    schema,
    parseCsvText(readFileSync(join(goldenDir, 'data.csv'), 'utf8'), 'data.csv'),
    'data.csv',
  )
  if (!test.labels) throw new Error('data.csv: no income column')
  const testY = test.labels

  tf.util.assert(width === 88, () => `schema width ${width}, expected 88`)
  const model = buildModel(width, DemoTraining.seed)
  const rng = demoRng(DemoTraining.seed)
  const tTrain = performance.now()
  for (let epoch = 0; epoch < DemoTraining.epochs; epoch++) {
    const { xs, ys } = gatherRows(train, trainY, demoPermutation(TRAIN_ROWS, rng))
    const xt = tf.tensor2d(xs, [TRAIN_ROWS, width], 'float32')
    const yt = tf.tensor2d(ys, [TRAIN_ROWS, 1], 'float32')
    const h = await model.fit(xt, yt, {
      epochs: epoch + 1,
      initialEpoch: epoch,
      batchSize: DemoTraining.batchSize,
      shuffle: false,
      verbose: 0,
    })
    tf.dispose([xt, yt])
    const loss = Number(h.history['loss']?.[0])
    const acc = Number(h.history['acc']?.[0] ?? h.history['accuracy']?.[0])
    console.log(
      `epoch ${epoch + 1}/${DemoTraining.epochs}  loss ${loss.toFixed(4)}  acc ${acc.toFixed(4)}`,
    )
  }
  const trainSeconds = (performance.now() - tTrain) / 1000

  const trainAccuracy = accuracy(predict(model, train), trainY)
  const testAccuracy = accuracy(predict(model, test.x), testY)
  const { json, weights } = await serialise(model)
  const weightsSha256 = createHash('sha256').update(weights).digest('hex')

  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'model.json'), json)
  writeFileSync(join(outDir, WEIGHTS_FILE), weights)
  writeFileSync(
    join(outDir, 'schema.json'),
    JSON.stringify({ ...schema, name: 'adult-demo' }, null, 1) + '\n',
  )
  copyFileSync(join(goldenDir, 'data.csv'), join(outDir, 'data.csv'))
  const manifest = {
    title: 'UCI Adult income (demo)',
    model: 'model.json',
    schema: 'schema.json',
    data: 'data.csv',
    source: 'UCI Adult (Becker & Kohavi, 1996), CC BY 4.0',
    training: DemoTraining,
    weightsSha256,
    trainAccuracy,
    testAccuracy,
  }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n')

  console.log(`train accuracy ${trainAccuracy.toFixed(4)} (${TRAIN_ROWS} rows)`)
  console.log(`test accuracy  ${testAccuracy.toFixed(4)} (${testY.length} held-out rows)`)
  console.log(`weights sha256 ${weightsSha256}`)
  console.log(
    `training ${trainSeconds.toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  console.log(`wrote ${outDir}`)
}

await main()
