/**
 * The demo pack (public/demo: model.json + shard, schema.json, data.csv) loaded in Node, and the
 * seeded choices of rows every figure uses, so Node and browser figures explain the same rows.
 */
import type { Table } from '../src/core/table.ts'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as tf from '@tensorflow/tfjs'
import { parseCsvText } from '../src/core/csv.ts'
import { type EncodeResult, encodeTable } from '../src/core/encode.ts'
import { rngFromSeed } from '../src/core/random.ts'
import type { Schema } from '../src/core/schema.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { modelArtifacts, modelJsonParse, modelShardPaths } from '../src/model/artifacts.ts'

/** The repository's root directory. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const demoDir = join(root, 'public', 'demo')

/** Everything about the demo that does not depend on a tfjs backend. */
export type Demo = {
  artifacts: tf.io.ModelArtifacts
  schema: Schema
  table: Table
  enc: EncodeResult
}

/** Reads and encodes the demo pack. */
export function demoLoad(): Demo {
  const json = readFileSync(join(demoDir, 'model.json'), 'utf8')
  const shards = new Map<string, ArrayBuffer>()
  for (const p of modelShardPaths(modelJsonParse({ name: 'model.json', json }))) {
    const b = readFileSync(join(demoDir, p))
    shards.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
  }
  const schema = schemaParse(readFileSync(join(demoDir, 'schema.json'), 'utf8'), 'schema.json')
  const table = parseCsvText(readFileSync(join(demoDir, 'data.csv'), 'utf8'), 'data.csv')
  return {
    artifacts: modelArtifacts({ name: 'model.json', json }, shards),
    schema,
    table,
    enc: encodeTable(schema, table, 'data.csv'),
  }
}

/** Seed of every row choice in the bench. */
export const BENCH_SEED = 20240601

/** `k` distinct data rows (seeded), sorted; never row 0, which the warm-ups use. */
export function benchRows(nRows: number, k: number, seed = BENCH_SEED): number[] {
  const picked = rngFromSeed(seed).sampleWithoutReplacement(nRows - 1, Math.min(k, nRows - 1))
  return Array.from(picked, (r) => r + 1).sort((a, b) => a - b)
}

/** Up to `k` rows predicted negative (p < threshold), seeded, in drawing order. */
export function negativeRows(
  predictions: ArrayLike<number>,
  k: number,
  threshold = 0.5,
  seed = BENCH_SEED + 1,
): number[] {
  const neg: number[] = []
  for (let r = 0; r < predictions.length; r++) if (predictions[r]! < threshold) neg.push(r)
  const picked = rngFromSeed(seed).sampleWithoutReplacement(neg.length, Math.min(k, neg.length))
  return Array.from(picked, (i) => neg[i]!)
}
