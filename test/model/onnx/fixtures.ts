/**
 * Loading the model fixtures of test/fixtures/models (made by scripts/fixtures/make_models.py)
 * and their inputs, written here independently of src/core's encoder: the encoding is §1's in
 * float64 rounded once to float32, the feature values are the raw numbers and category indices.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Matrix } from '../../../src/core/types.ts'

export const MODELS_DIR = fileURLToPath(new URL('../../fixtures/models', import.meta.url))

export type FixtureFeature =
  | { name: string; type: 'numeric'; mean?: number; std?: number; input?: string }
  | { name: string; type: 'categorical'; categories: string[]; input?: string }

export type FixtureSchema = {
  name: string
  modelInput?: 'encoded' | 'columns'
  target: { column: string; positive: string }
  features: FixtureFeature[]
}

type Explanation = {
  prediction: number
  baseValue: number
  shap: Record<string, number>
  treeShap?: {
    output: 'margin'
    margin: number
    interventional: { baseValue: number; shap: Record<string, number> }
    pathDependent?: { baseValue: number; shap: Record<string, number> }
  }
}

/** The reference JSON (format: test/fixtures/models/README.md). */
export type Reference = {
  name: string
  models: string[]
  schema: string
  rows: number
  modelInput: 'encoded' | 'columns'
  classIndex: number
  labels: number[]
  proba: number[]
  margin?: number[]
  metrics: Record<string, number>
  explainedRows: number[]
  explanations: Record<string, Explanation>
  card: {
    irVersion: number
    producerName: string
    producerVersion: string
    opsets: Record<string, number>
    inputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[]
    outputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[]
    outputUsed: string
    operators: { domain: string; opType: string; count: number }[]
    trees?: number
    maxDepth?: number
    leaves?: number
  }
  trees?: {
    count: number
    maxDepth: number
    leaves: number
    nOutputs: number
    base: number[]
    postTransform: string
    binary: boolean
  }
  treeInputPlayers?: string[]
}

/** Every fixture with a reference. */
export const FIXTURES = [
  'xgboost-binary',
  'xgboost-multiclass',
  'rf-pipeline',
  'logreg-pipeline',
  'gbdt',
  'mlp',
] as const

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MODELS_DIR, file)))
}

export function fixture(name: string): { ref: Reference; schema: FixtureSchema; onnx: string } {
  const ref = readJson<Reference>(join(MODELS_DIR, `${name}.reference.json`))
  const schema = readJson<FixtureSchema>(join(MODELS_DIR, ref.schema))
  const onnx = ref.models.find((m) => m.endsWith('.onnx'))!
  return { ref, schema, onnx }
}

/** data.csv as columns of cell text (the fixture CSV has no quoted cells). */
export function fixtureColumns(path = join(MODELS_DIR, 'data.csv')): Map<string, string[]> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n')
  const names = head!.split(',')
  const rows = lines.map((l) => l.split(','))
  return new Map(names.map((n, j) => [n, rows.map((r) => r[j]!)]))
}

/** §1's encoding in float64, rounded once to float32 (CONTRACTS §7). */
export function encodeFixture(schema: FixtureSchema, cols = fixtureColumns()): Matrix {
  const n = cols.values().next().value!.length
  const width = schema.features.reduce(
    (a, f) => a + (f.type === 'numeric' ? 1 : f.categories.length),
    0,
  )
  const data = new Float32Array(n * width)
  let off = 0
  for (const f of schema.features) {
    const c = cols.get(f.name)!
    if (f.type === 'numeric') {
      for (let i = 0; i < n; i++) data[i * width + off] = (Number(c[i]) - f.mean!) / f.std!
      off++
    } else {
      for (let i = 0; i < n; i++) {
        const k = f.categories.indexOf(c[i]!)
        if (k >= 0) data[i * width + off + k] = 1
      }
      off += f.categories.length
    }
  }
  return { data, rows: n, cols: width }
}

/** Feature values (columns mode): the number, or the category index (−1 empty/unknown). */
export function featureValues(schema: FixtureSchema, cols = fixtureColumns()): Matrix {
  const n = cols.values().next().value!.length
  const m = schema.features.length
  const data = new Float64Array(n * m)
  schema.features.forEach((f, j) => {
    const c = cols.get(f.name)!
    for (let i = 0; i < n; i++)
      data[i * m + j] = f.type === 'numeric' ? Number(c[i]) : f.categories.indexOf(c[i]!)
  })
  return { data, rows: n, cols: m }
}

/** Encoded offsets of the features (features + 1 entries). */
export function fixtureOffsets(schema: FixtureSchema): Int32Array {
  const out = new Int32Array(schema.features.length + 1)
  schema.features.forEach(
    (f, j) => (out[j + 1] = out[j]! + (f.type === 'numeric' ? 1 : f.categories.length)),
  )
  return out
}

/** The model's input matrix for a fixture: encoded or feature values, per its schema. */
export function fixtureInput(schema: FixtureSchema): Matrix {
  return schema.modelInput === 'columns' ? featureValues(schema) : encodeFixture(schema)
}
