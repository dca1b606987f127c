/**
 * Integrity of the generated fixtures (scripts/make-fixtures.ts) and the demo pack
 * (scripts/demo-build.ts): the models load from disk with tfjs through tf.io.fromMemory and
 * reproduce the golden reference, and the bad inputs fail for the intended reason only.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../src/core/csv.ts'
import { DataError, type EncodeResult, encodeTable } from '../src/core/encode.ts'
import { type Schema, schemaWidth } from '../src/core/schema.ts'

const root = join(import.meta.dirname, '..')
const golden = join(root, 'test/fixtures/golden/adult')
const bad = join(root, 'e2e/fixtures/bad')

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T
const schema = readJson<Schema>(join(golden, 'schema.json'))
const reference = readJson<{ predictions: number[] }>(join(golden, 'reference.json')).predictions

/** model.json + its weight shards as in-memory ModelArtifacts (what a browser upload yields). */
async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const json = readJson<tf.io.ModelJSON>(join(dir, 'model.json'))
  const manifest = json.weightsManifest
  const bytes = Buffer.concat(
    manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))),
  )
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  }
  if (json.format !== undefined) artifacts.format = json.format
  if (json.signature !== undefined) artifacts.signature = json.signature
  if (json.userDefinedMetadata !== undefined)
    artifacts.userDefinedMetadata = json.userDefinedMetadata
  return artifacts
}

function encodeCsv(path: string, s: Schema = schema): EncodeResult {
  return encodeTable(s, parseCsvText(readFileSync(path, 'utf8'), path), path)
}

/** Model output for every row of `enc`, as a flat float32 array (rows × output width). */
async function run(
  model: tf.LayersModel | tf.GraphModel,
  enc: EncodeResult,
): Promise<{ p: Float32Array; cols: number }> {
  const data = enc.x.data instanceof Float32Array ? enc.x.data : Float32Array.from(enc.x.data)
  const x = tf.tensor2d(data, [enc.x.rows, enc.x.cols], 'float32')
  const out = model.predict(x) as tf.Tensor
  const p = (await out.data()) as Float32Array
  const cols = out.shape[1] ?? 1
  tf.dispose([x, out])
  return { p, cols }
}

function maxAbsDiff(p: Float32Array, cols: number, col: number, ref: readonly number[]): number {
  let m = 0
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(p[i * cols + col]! - ref[i]!))
  return m
}

beforeAll(async () => {
  await tf.setBackend('cpu')
  await tf.ready()
})

describe('golden adult fixture', () => {
  it('loads as a LayersModel from memory and matches the reference predictions within 1e-6', async () => {
    const model = await tf.loadLayersModel(tf.io.fromMemory(await readArtifacts(golden)))
    const enc = encodeCsv(join(golden, 'data.csv'))
    const { p, cols } = await run(model, enc)
    expect(cols).toBe(1)
    expect(p.length).toBe(reference.length)
    expect(maxAbsDiff(p, cols, 0, reference)).toBeLessThanOrEqual(1e-6)
    model.dispose()
  })
})

describe('graph-softmax fixture', () => {
  for (const dir of ['test/fixtures/graph-softmax', 'e2e/fixtures/graph-softmax']) {
    it(`${dir} loads as a GraphModel whose class-1 softmax matches the reference within 1e-6`, async () => {
      const artifacts = await readArtifacts(join(root, dir))
      expect(artifacts.format).toBe('graph-model')
      const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts))
      const enc = encodeCsv(join(golden, 'data.csv'))
      const { p, cols } = await run(model, enc)
      expect(cols).toBe(2)
      expect(p.length).toBe(2 * reference.length)
      expect(maxAbsDiff(p, cols, 1, reference)).toBeLessThanOrEqual(1e-6)
      for (let i = 0; i < reference.length; i++)
        expect(Math.abs(p[2 * i]! + p[2 * i + 1]! - 1)).toBeLessThan(1e-6)
      model.dispose()
    })
  }
})

describe('demo pack', () => {
  const demo = join(root, 'public/demo')

  it('classifies the held-out rows with accuracy above 0.84', async () => {
    const demoSchema = readJson<Schema>(join(demo, 'schema.json'))
    expect(schemaWidth(demoSchema)).toBe(88)
    const model = await tf.loadLayersModel(tf.io.fromMemory(await readArtifacts(demo)))
    const enc = encodeCsv(join(demo, 'data.csv'), demoSchema)
    const { p } = await run(model, enc)
    const y = enc.labels!
    let ok = 0
    for (let i = 0; i < y.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) ok++
    const accuracy = ok / y.length
    expect(y.length).toBe(2000)
    expect(accuracy).toBeGreaterThan(0.84)
    const manifest = readJson<{ testAccuracy: number }>(join(demo, 'manifest.json'))
    expect(accuracy).toBeCloseTo(manifest.testAccuracy, 6)
    model.dispose()
  })
})

describe('bad fixtures', () => {
  const expectDataError = (name: string, pattern: RegExp) => {
    expect(() => encodeCsv(join(bad, name))).toThrow(DataError)
    expect(() => encodeCsv(join(bad, name))).toThrow(pattern)
  }

  it('fail for the intended reason only', () => {
    expectDataError('data-missing-column.csv', /missing feature column "age"/)
    expectDataError('data-bad-number.csv', /column "hours_per_week", row 7: value "abc"/)
    expectDataError('data-empty.csv', /empty/)
    expect(() => JSON.parse(readFileSync(join(bad, 'not-json-model.json'), 'utf8'))).toThrow(
      SyntaxError,
    )
    const wide = readJson<Schema>(join(bad, 'schema-wide.json'))
    expect(schemaWidth(wide)).toBe(89)
    expect(encodeCsv(join(golden, 'data.csv'), wide).x.cols).toBe(89)
  })

  it('has a truncated shard and a missing shard next to the golden model.json', () => {
    const full = readFileSync(join(golden, 'group1-shard1of1.bin')).length
    expect(readFileSync(join(bad, 'model-short-shard/group1-shard1of1.bin')).length).toBeLessThan(
      full,
    )
    expect(() => readFileSync(join(bad, 'model-missing-shard/group1-shard1of1.bin'))).toThrow()
  })

  it('encode like the golden data when only the formatting or extra columns differ', () => {
    const ref = encodeCsv(join(golden, 'data.csv'))
    const extra = encodeCsv(join(bad, 'data-extra-columns.csv'))
    expect(extra.ignoredColumns).toContain('note')
    expect(extra.x.data).toEqual(ref.x.data)
    const semi = encodeCsv(join(bad, 'data-semicolon.csv'))
    expect(semi.x.data).toEqual(ref.x.data)
    expect(semi.labels).toEqual(ref.labels)
  })
})
