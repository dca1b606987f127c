/**
 * Generates the derived test fixtures from the golden adult fixture (test/fixtures/golden/adult):
 *
 * - e2e/fixtures/graph-softmax/ (copied to test/fixtures/graph-softmax/): the golden network as a
 *   tfjs GraphModel (a hand-built TensorFlow GraphDef in JSON) whose output is a 2-class softmax
 *   over logits [0, z], z = the golden final pre-sigmoid logit, so softmax[:, 1] = sigmoid(z) =
 *   the golden prediction. Checked here against reference.json within 1e-6.
 * - e2e/fixtures/bad/: inputs that must fail (or warn) with a clear message: a model.json that is
 *   not JSON, a short and a missing weight shard, a schema 89 inputs wide, CSVs with a missing
 *   column, a non-numeric cell, no bytes, an extra column, and `;`/CRLF/BOM/quoted formatting.
 *
 * Deterministic: the same golden files give byte-identical outputs.
 * Usage: `npx tsx scripts/make-fixtures.ts`
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import * as prettier from 'prettier'
import { parseCsvText } from '../src/core/csv.ts'
import { DataError, encodeTable } from '../src/core/encode.ts'
import type { Schema } from '../src/core/schema.ts'
import { schemaWidth } from '../src/core/schema.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const goldenDir = join(root, 'test/fixtures/golden/adult')
const graphDir = join(root, 'e2e/fixtures/graph-softmax')
const graphTestDir = join(root, 'test/fixtures/graph-softmax')
const badDir = join(root, 'e2e/fixtures/bad')
const SHARD = 'group1-shard1of1.bin'

type WeightSpec = { name: string; shape: number[]; dtype: 'float32' }
type LayersModelJson = { weightsManifest: { paths: string[]; weights: WeightSpec[] }[] }

/** The golden LayersModel's float32 weights by name (`dense_1/kernel`, …), read from the .bin. */
function goldenWeights(): Map<string, { shape: number[]; data: Float32Array }> {
  const json = JSON.parse(readFileSync(join(goldenDir, 'model.json'), 'utf8')) as LayersModelJson
  const out = new Map<string, { shape: number[]; data: Float32Array }>()
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(goldenDir, p))))
    let offset = 0
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`golden weight ${w.name}: dtype ${w.dtype}`)
      const n = w.shape.reduce((a, b) => a * b, 1)
      const data = new Float32Array(n)
      for (let i = 0; i < n; i++) data[i] = bytes.readFloatLE(offset + 4 * i)
      offset += 4 * n
      out.set(w.name, { shape: w.shape, data })
    }
  }
  return out
}

const dims = (shape: number[]) => ({ dim: shape.map((s) => ({ size: String(s) })) })
const floatT = { type: 'DT_FLOAT' }

/** A GraphDef Const node holding a float32 weight (its values live in the weights manifest). */
function constNode(name: string, shape: number[]) {
  return {
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(shape) } }, dtype: floatT },
  }
}

/** GraphDef nodes of one dense layer: MatMul → BiasAdd (→ Relu when `relu`). Returns its output. */
function denseNodes(nodes: object[], input: string, scope: string, relu: boolean): string {
  nodes.push({
    name: `${scope}/MatMul`,
    op: 'MatMul',
    input: [input, `${scope}/kernel`],
    attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: floatT },
  })
  nodes.push({
    name: `${scope}/BiasAdd`,
    op: 'BiasAdd',
    input: [`${scope}/MatMul`, `${scope}/bias`],
    // "NHWC", base64-encoded as the converter writes GraphDef strings.
    attr: { T: floatT, data_format: { s: 'TkhXQw==' } },
  })
  if (!relu) return `${scope}/BiasAdd`
  nodes.push({
    name: `${scope}/Relu`,
    op: 'Relu',
    input: [`${scope}/BiasAdd`],
    attr: { T: floatT },
  })
  return `${scope}/Relu`
}

/**
 * The golden network as GraphModel files: model.json text and the weight shard. The last layer
 * becomes 8→2 with kernel columns [0, w] and bias [0, b], so the logits are [0, z].
 */
function buildGraphModel(): { json: string; bin: Uint8Array } {
  const w = goldenWeights()
  const get = (name: string) => {
    const t = w.get(name)
    if (!t) throw new Error(`golden model: no weight ${name}`)
    return t
  }
  const k3 = get('dense_3/kernel')
  const b3 = get('dense_3/bias')
  const hidden = k3.shape[0]!
  const k3two = new Float32Array(hidden * 2)
  for (let i = 0; i < hidden; i++) k3two[i * 2 + 1] = k3.data[i]!
  const weights: { name: string; shape: number[]; data: Float32Array }[] = [
    { name: 'dense_1/kernel', ...get('dense_1/kernel') },
    { name: 'dense_1/bias', ...get('dense_1/bias') },
    { name: 'dense_2/kernel', ...get('dense_2/kernel') },
    { name: 'dense_2/bias', ...get('dense_2/bias') },
    { name: 'logits/kernel', shape: [hidden, 2], data: k3two },
    { name: 'logits/bias', shape: [2], data: new Float32Array([0, b3.data[0]!]) },
  ]
  const inputs = get('dense_1/kernel').shape[0]!
  const nodes: object[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: floatT, shape: { shape: dims([-1, inputs]) } } },
    ...weights.map((t) => constNode(t.name, t.shape)),
  ]
  let h = denseNodes(nodes, 'x', 'dense_1', true)
  h = denseNodes(nodes, h, 'dense_2', true)
  h = denseNodes(nodes, h, 'logits', false)
  nodes.push({ name: 'probabilities', op: 'Softmax', input: [h], attr: { T: floatT } })

  const model = {
    format: 'graph-model',
    generatedBy: 'glassbox scripts/make-fixtures.ts (from the golden adult LayersModel)',
    convertedBy: 'hand-built GraphDef (TensorFlow.js graph-model format)',
    signature: {
      inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, inputs]) } },
      outputs: {
        probabilities: { name: 'probabilities:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 2]) },
      },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1482 } },
    weightsManifest: [
      {
        paths: [SHARD],
        weights: weights.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' })),
      },
    ],
  }
  const bin = new Uint8Array(weights.reduce((a, t) => a + 4 * t.data.length, 0))
  let off = 0
  for (const t of weights) {
    bin.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), off)
    off += t.data.byteLength
  }
  return { json: JSON.stringify(model, null, 1) + '\n', bin }
}

/** Loads a model directory's model.json + shards as in-memory ModelArtifacts. */
async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights)
    const bytes = Buffer.concat(
      manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))),
    )
    return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)]
  })
}

/** Checks the graph model's class-1 output against the golden predictions (max |Δ| ≤ 1e-6). */
async function checkGraphModel(schema: Schema): Promise<number> {
  const model = await tf.loadGraphModel(tf.io.fromMemory(await readArtifacts(graphDir)))
  const enc = encodeTable(
    schema,
    parseCsvText(readFileSync(join(goldenDir, 'data.csv'), 'utf8'), 'data.csv'),
  )
  const data = enc.x.data instanceof Float32Array ? enc.x.data : Float32Array.from(enc.x.data)
  const out = model.predict(tf.tensor2d(data, [enc.x.rows, enc.x.cols], 'float32')) as tf.Tensor
  if (out.shape.join() !== `${enc.x.rows},2`)
    throw new Error(`graph model: output shape ${out.shape.join('x')}`)
  const p = (await out.data()) as Float32Array
  const ref = (
    JSON.parse(readFileSync(join(goldenDir, 'reference.json'), 'utf8')) as { predictions: number[] }
  ).predictions
  let maxDiff = 0
  for (let i = 0; i < ref.length; i++)
    maxDiff = Math.max(maxDiff, Math.abs(p[2 * i + 1]! - ref[i]!))
  if (ref.length !== enc.x.rows || !(maxDiff <= 1e-6)) {
    throw new Error(`graph model: class-1 output differs from reference by ${maxDiff}`)
  }
  return maxDiff
}

/** CSV lines of the golden data (header first), split into cells; the file has no quoting. */
function goldenRows(): string[][] {
  const text = readFileSync(join(goldenDir, 'data.csv'), 'utf8')
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','))
}

const toCsv = (rows: string[][], sep = ',', eol = '\n') =>
  rows.map((r) => r.join(sep)).join(eol) + eol

/** Writes e2e/fixtures/bad/; returns the file names written. */
function writeBad(schema: Schema): string[] {
  rmSync(badDir, { recursive: true, force: true })
  mkdirSync(join(badDir, 'model-short-shard'), { recursive: true })
  mkdirSync(join(badDir, 'model-missing-shard'), { recursive: true })
  const written: string[] = []
  const put = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(badDir, name), data)
    written.push(name)
  }

  put('not-json-model.json', '<!doctype html>\n<html><body><h1>404 Not Found</h1></body></html>\n')
  const modelJson = readFileSync(join(goldenDir, 'model.json'))
  const shard = readFileSync(join(goldenDir, SHARD))
  put('model-short-shard/model.json', modelJson)
  put(`model-short-shard/${SHARD}`, shard.subarray(0, Math.floor(shard.length / 2)))
  put('model-missing-shard/model.json', modelJson)

  // An extra numeric feature that the data has (fnlwgt), so the only fault is the width 89 ≠ 88.
  const rows = goldenRows()
  const header = rows[0]!
  const col = (name: string) => {
    const j = header.indexOf(name)
    if (j < 0) throw new Error(`golden data.csv: no column ${name}`)
    return j
  }
  const fnl = rows.slice(1).map((r) => Number(r[col('fnlwgt')]))
  const mean = fnl.reduce((a, b) => a + b, 0) / fnl.length
  const std = Math.sqrt(fnl.reduce((a, b) => a + (b - mean) ** 2, 0) / fnl.length)
  const wide: Schema = {
    ...schema,
    name: 'adult-wide',
    features: [
      ...schema.features,
      { name: 'fnlwgt', type: 'numeric', mean: Math.round(mean), std: Math.round(std) },
    ],
  }
  put('schema-wide.json', JSON.stringify(wide, null, 1) + '\n')

  const age = col('age')
  put('data-missing-column.csv', toCsv(rows.map((r) => r.filter((_, j) => j !== age))))
  const hours = col('hours_per_week')
  // Data row 7 (0-based, header excluded) = line 9 of the file.
  put(
    'data-bad-number.csv',
    toCsv(rows.map((r, i) => (i === 8 ? r.map((c, j) => (j === hours ? 'abc' : c)) : r))),
  )
  put('data-empty.csv', '')
  const notes = ['', 'checked', 'needs review', 'ok']
  put(
    'data-extra-columns.csv',
    toCsv(rows.map((r, i) => [...r, i === 0 ? 'note' : notes[i % notes.length]!])),
  )
  // Quote the header's first cell, and workclass/occupation every 97th row (values unchanged).
  const wc = col('workclass')
  const occ = col('occupation')
  const quoted = rows.map((r, i) =>
    r.map((c, j) =>
      (i === 0 && j === 0) || (i % 97 === 1 && (j === wc || j === occ)) ? `"${c}"` : c,
    ),
  )
  put('data-semicolon.csv', '\uFEFF' + toCsv(quoted, ';', '\r\n'))
  return written
}

/** Sanity checks: each bad fixture fails (or warns) for the intended reason only. */
function checkBad(schema: Schema): void {
  const read = (name: string) => readFileSync(join(badDir, name), 'utf8')
  const golden = encodeTable(
    schema,
    parseCsvText(readFileSync(join(goldenDir, 'data.csv'), 'utf8')),
  )
  const expectError = (name: string, pattern: RegExp) => {
    try {
      encodeTable(schema, parseCsvText(read(name), name), name)
    } catch (e) {
      if (e instanceof DataError && pattern.test(e.message)) return
      throw new Error(`${name}: unexpected error ${String(e)}`)
    }
    throw new Error(`${name}: no error`)
  }
  expectError('data-missing-column.csv', /"age"/)
  expectError('data-bad-number.csv', /"hours_per_week", row 7: value "abc"/)
  expectError('data-empty.csv', /empty/)
  const extra = encodeTable(schema, parseCsvText(read('data-extra-columns.csv')))
  if (!extra.ignoredColumns.includes('note'))
    throw new Error('data-extra-columns.csv: note not ignored')
  const semi = encodeTable(schema, parseCsvText(read('data-semicolon.csv')))
  const same =
    semi.x.data.length === golden.x.data.length &&
    semi.x.data.every((v, i) => v === golden.x.data[i]) &&
    semi.labels?.every((v, i) => v === golden.labels?.[i])
  if (!same) throw new Error('data-semicolon.csv: does not encode like the golden data.csv')
  const wide = JSON.parse(read('schema-wide.json')) as Schema
  if (schemaWidth(wide) !== 89) throw new Error(`schema-wide.json: width ${schemaWidth(wide)}`)
  encodeTable(wide, parseCsvText(readFileSync(join(goldenDir, 'data.csv'), 'utf8')))
  try {
    JSON.parse(read('not-json-model.json'))
    throw new Error('not-json-model.json parses as JSON')
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e
  }
}

/**
 * Rewrites every valid JSON file under `dir` in the project's Prettier style, so that
 * `prettier --check .` passes on e2e/fixtures (not-json-model.json is skipped: it cannot parse).
 */
async function prettierJson(dir: string): Promise<void> {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry)
    if (!file.endsWith('.json')) continue
    const text = readFileSync(file, 'utf8')
    try {
      JSON.parse(text)
    } catch {
      continue
    }
    const options = (await prettier.resolveConfig(file)) ?? {}
    writeFileSync(file, await prettier.format(text, { ...options, filepath: file }))
  }
}

async function main(): Promise<void> {
  await tf.setBackend('cpu')
  await tf.ready()
  const schema = JSON.parse(readFileSync(join(goldenDir, 'schema.json'), 'utf8')) as Schema

  const { json, bin } = buildGraphModel()
  for (const dir of [graphDir, graphTestDir]) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'model.json'), json)
    writeFileSync(join(dir, SHARD), bin)
  }
  copyFileSync(join(goldenDir, 'schema.json'), join(graphDir, 'schema.json'))
  copyFileSync(join(goldenDir, 'data.csv'), join(graphDir, 'data.csv'))
  const maxDiff = await checkGraphModel(schema)
  console.log(
    `graph-softmax: class-1 output vs reference predictions, max |Δ| = ${maxDiff.toExponential(2)}`,
  )

  const bad = writeBad(schema)
  checkBad(schema)
  await prettierJson(join(root, 'e2e/fixtures'))
  await prettierJson(graphTestDir)
  console.log(`bad/: ${bad.join(', ')}`)
}

await main()
