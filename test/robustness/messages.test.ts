/**
 * "Messages name the cause" (issue 16): must-reject models whose problem TensorFlow.js reports in
 * its own terms — a Keras layer it cannot build, an Embedding index out of range (the GatherV2
 * kernel) — give the same message, in words, naming the model file, the row and the value, with
 * what to do, in the CLI and in the model worker's transactional load (which keeps the previous
 * session). The fixtures are test/fixtures/messages (generate.ts there).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, it } from 'vitest'
import { corpusRunner } from '../fixtures/inputs/corpusRun.ts'
import { G, expectOneLine, glassbox, root } from '../cli/run.ts'

const M = 'test/fixtures/messages'
const SHARD = 'group1-shard1of1.bin'

/** The tfjs deserializer's text for an unknown layer, joined into one line. */
const unknownLayer = (cls: string) =>
  `TensorFlow.js could not build the model (Unknown layer: ${cls}. This may be due to one of the following reasons: 1. The layer is defined in Python, in which case it needs to be ported to TensorFlow.js or your JavaScript code. 2. The custom layer is defined in JavaScript, but is not registered properly with tf.serialization.registerClass().) — what to do: `

/**
 * The first golden data row (0-based) whose encoding an Embedding(2) reads out of range, and that
 * value: tfjs casts each encoded input to int32 (truncation), so a row fails where a standardized
 * numeric value truncates below 0 or above 1 (one-hot values are 0 or 1). Computed here in float64
 * from the CSV and the schema, independently of the encoder.
 */
function firstEmbeddingFailure(): { row: number; value: number } {
  const schema = JSON.parse(readFileSync(join(G, 'schema.json'), 'utf8')) as {
    features: { name: string; type: string; mean?: number; std?: number }[]
  }
  const [head, ...lines] = readFileSync(join(G, 'data.csv'), 'utf8').trim().split('\n')
  const cols = head!.split(',')
  for (const [i, line] of lines.entries()) {
    const cells = line.split(',')
    for (const f of schema.features) {
      if (f.type !== 'numeric') continue
      const v = Math.trunc((Number(cells[cols.indexOf(f.name)]) - f.mean!) / f.std!)
      if (v < 0 || v > 1) return { row: i, value: v }
    }
  }
  throw new Error('no golden row fails')
}
const fail = firstEmbeddingFailure()

/** Each must-reject model: its directory under M and the message after "<file>: ". */
const CASES: { id: string; message: string }[] = [
  {
    id: 'keras-normalization',
    message: `${unknownLayer('Normalization')}a Keras Normalization layer is not loadable in TensorFlow.js: drop it from the model and put its mean and standard deviation (√variance) in the schema as each numeric feature's "mean" and "std" — Glassbox standardizes the inputs before the model`,
  },
  {
    id: 'keras-lambda',
    message: `${unknownLayer('Lambda')}a Keras Lambda layer holds Python code and is not loadable in TensorFlow.js: re-export the model without it (built-in layers only; move input preprocessing into the schema)`,
  },
  {
    id: 'custom-layer',
    message: `${unknownLayer('MyScaler')}layer "MyScaler" is not one of TensorFlow.js's built-in layers (a custom, Python-only or newer Keras layer): re-export the model with built-in layers only`,
  },
  {
    id: 'embedding-index',
    message: `the index that an Embedding (lookup) layer of the model reads from the input on data row ${fail.row} is ${fail.value}: outside the layer's 2 entries [0, 1] — the input this row encodes to is not a valid category index for that layer; Glassbox feeds the schema's encoding (standardized numbers, one-hot categories), so a model that embeds integer codes needs them as its own input (re-export it to take the schema's encoding, or take the codes out of the network)`,
  },
]

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('must-reject models: the CLI names the file and the cause on one line', () => {
  for (const c of CASES) {
    it(`${c.id}`, async () => {
      const model = join(root, M, c.id, 'model.json')
      const r = await glassbox(
        'audit',
        '--model',
        model,
        '--data',
        join(G, 'data.csv'),
        '--schema',
        join(G, 'schema.json'),
        '--no-shap',
        '--ig-steps',
        '0',
        '--counterfactuals',
        '0',
        '--quantize',
        'none',
      )
      expectOneLine(r, new RegExp(`^glassbox: ${escape(`${model}: ${c.message}`)}$`))
    })
  }
})

describe('must-reject models: the model worker gives the same message and keeps the session', () => {
  const runner = corpusRunner()
  beforeAll(() => runner.loadGolden(), 60_000)
  for (const c of CASES) {
    it(`${c.id}`, async () => {
      await runner.runSessionCase({
        id: c.id,
        kind: 'reject',
        loader: 'session',
        files: [`${M}/${c.id}/model.json`, `${M}/${c.id}/${SHARD}`],
        description: c.id,
        expected: { message: `model.json: ${c.message}` },
      })
    })
  }
})
