/**
 * Golden adult fixture loaded for the explainer tests (shap, ig, counterfactual): schema, the
 * encoded data (through the project's CSV parser and encoder), the float64 network built from
 * model.json + weights, and the reference numbers.
 */
import { readFileSync } from 'node:fs'
import { parseCsvText } from '../../src/core/csv.ts'
import { type EncodeResult, encodeTable } from '../../src/core/encode.ts'
import type { Schema } from '../../src/core/schema.ts'
import { type Mlp, mlpFromLayersModel } from '../../src/core/mlp.ts'

const golden = (name: string): URL => new URL(`../fixtures/golden/adult/${name}`, import.meta.url)

export type GoldenReference = {
  explainedRows: number[]
  features: string[]
  inputNames: string[]
  prediction: Record<string, number>
  baseValue: Record<string, number>
  shap: Record<string, Record<string, number>>
  ig: Record<string, Record<string, number>>
  igEncoded: Record<string, Record<string, number>>
  igBaseline: { encoded: number[]; prediction: number }
  igCompletenessGap: Record<string, number>
  predictions: number[]
}

export type GoldenAdult = {
  schema: Schema
  enc: EncodeResult
  mlp: Mlp
  modelJson: unknown
  weights: ArrayBuffer
  ref: GoldenReference
}

let cached: GoldenAdult | null = null

/** Loads (once per test file) the golden adult fixture. */
export function goldenAdult(): GoldenAdult {
  if (cached) return cached
  const schema = JSON.parse(readFileSync(golden('schema.json'), 'utf8')) as Schema
  const table = parseCsvText(readFileSync(golden('data.csv'), 'utf8'), 'data.csv')
  const enc = encodeTable(schema, table, 'data.csv')
  const modelJson = JSON.parse(readFileSync(golden('model.json'), 'utf8')) as unknown
  const bin = readFileSync(golden('group1-shard1of1.bin'))
  const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
  const mlp = mlpFromLayersModel(modelJson, weights)
  const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as GoldenReference
  cached = { schema, enc, mlp, modelJson, weights, ref }
  return cached
}

/** Encoded rows `rows` of the golden data as a float32 matrix. */
export function goldenRows(
  g: GoldenAdult,
  rows: readonly number[],
): { data: Float32Array; rows: number; cols: number } {
  const w = g.enc.x.cols
  const data = new Float32Array(rows.length * w)
  rows.forEach((r, i) => data.set(g.enc.x.data.subarray(r * w, (r + 1) * w), i * w))
  return { data, rows: rows.length, cols: w }
}
