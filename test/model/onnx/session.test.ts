import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { outputCheck } from '../../../src/core/output.ts'
import type { Matrix } from '../../../src/core/types.ts'
import { onnxOpen, onnxOpenedPredict } from '../../../src/model/onnx/open.ts'
import { onnxModelRead } from '../../../src/model/onnx/read.ts'
import { onnxMissingOperator, type OnnxSession } from '../../../src/model/onnx/session.ts'
import {
  FIXTURES,
  MODELS_DIR,
  fixture,
  fixtureBytes,
  fixtureInput,
  readJson,
  type FixtureSchema,
} from './fixtures.ts'

type BadCase = {
  file: string
  schema: string
  stage: string
  messageIncludes: string[]
  firstRow?: number
}
const BAD = readJson<BadCase[]>(join(MODELS_DIR, 'bad/expected.json'))
const sessions: OnnxSession[] = []
afterAll(async () => {
  for (const s of sessions) await s.dispose()
})

/** The whole chain (read → card → plan → trees → session), then predict. */
async function open(
  bytes: Uint8Array,
  schema: FixtureSchema,
  source: string,
  classIndex: number,
  x?: Matrix,
  chunkRows?: number,
) {
  const m = await onnxOpen(bytes, source, schema)
  sessions.push(m.session)
  const p = await onnxOpenedPredict(
    m,
    x ?? fixtureInput(schema),
    classIndex,
    chunkRows ? { chunkRows } : {},
  )
  return { p, card: m.card, plan: m.plan, s: m.session, trees: m.trees }
}

describe('onnxPredict on the fixtures (onnxruntime-web, wasm, Node)', () => {
  it.each(FIXTURES)('%s: matches the reference probabilities within 1e-6', async (name) => {
    const { ref, schema, onnx } = fixture(name)
    const { p, card, trees } = await open(fixtureBytes(onnx), schema, onnx, ref.classIndex)
    expect(card.output.name).toBe(ref.card.outputUsed)
    expect(trees.available).toBe(ref.trees !== undefined)
    let worst = 0
    for (let i = 0; i < ref.rows; i++) worst = Math.max(worst, Math.abs(p[i]! - ref.proba[i]!))
    expect(p.length).toBe(ref.rows)
    expect(worst).toBeLessThan(1e-6)
  })

  it('gives the same numbers in chunks of 7 rows as in one run', async () => {
    const { schema, onnx } = fixture('rf-pipeline')
    const whole = await open(fixtureBytes(onnx), schema, onnx, 1)
    const chunked = await open(fixtureBytes(onnx), schema, onnx, 1, undefined, 7)
    expect(chunked.p).toEqual(whole.p)
  })

  it('passes an empty string for an empty or unknown category (one-hot all zeros in the pipeline)', async () => {
    const { schema, onnx } = fixture('logreg-pipeline')
    const x = fixtureInput(schema)
    const row = 101 // its workclass and occupation cells are empty
    expect(x.data[row * x.cols + 1]).toBe(-1)
    const one: Matrix = {
      data: x.data.slice(row * x.cols, (row + 1) * x.cols),
      rows: 1,
      cols: x.cols,
    }
    const { p } = await open(fixtureBytes(onnx), schema, onnx, 1, one)
    expect(Math.abs(p[0]! - fixture('logreg-pipeline').ref.proba[row]!)).toBeLessThan(1e-6)
  })

  it('refuses a column the output does not have, and a non-integer value for an int64 input', async () => {
    const { schema, onnx } = fixture('rf-pipeline')
    await expect(open(fixtureBytes(onnx), schema, onnx, 2)).rejects.toThrow(
      'rf-pipeline.onnx: output "probabilities" has 2 columns; column 2 does not exist',
    )
    const x = fixtureInput(schema)
    const bad: Matrix = { data: Float64Array.from(x.data), rows: x.rows, cols: x.cols }
    bad.data[3 * x.cols + 8] = 2.5 // capital_gain of row 3
    await expect(open(fixtureBytes(onnx), schema, onnx, 1, bad)).rejects.toThrow(
      'rf-pipeline.onnx: column "capital_gain", row 3: value 2.5 is not an integer, and the model\'s input "capital_gain" is int64',
    )
  })
})

describe('bad inputs through the whole chain', () => {
  const run = async (c: BadCase): Promise<string> => {
    const bytes = fixtureBytes(`bad/${c.file}`)
    const schema = readJson<FixtureSchema>(join(MODELS_DIR, 'bad', c.schema))
    try {
      const { p } = await open(bytes, schema, c.file, 1)
      // The runtime returns what the model gives; the range is the every-row check's (issue 16).
      return outputCheck(p, 'probability', { model: c.file, data: 'data.csv' }) ?? ''
    } catch (e) {
      return (e as Error).message
    }
  }

  // The XGBoost JSON case belongs to the XGBoost reader (src/model/xgboost), not this chain.
  const onnxCases = BAD.filter((c) => c.file.endsWith('.onnx'))
  it.each(onnxCases.map((c) => [`${c.file} (${c.stage})`, c] as const))('%s', async (_, c) => {
    const message = await run(c)
    if (c.stage === 'none') return expect(message).toBe('')
    expect(message.startsWith(c.stage === 'predict' ? `${c.file} outputs ` : `${c.file}: `)).toBe(
      true,
    )
    for (const part of c.messageIncludes) expect(message).toContain(part)
  })
})

describe('onnxMissingOperator', () => {
  const model = onnxModelRead(fixtureBytes('bad/unsupported-op.onnx'), 'u')
  it('reads the operator and its domain from each of onnxruntime’s messages', () => {
    expect(
      onnxMissingOperator(
        'Fatal error: ai.onnx.contrib:StringRegexReplace(-1) is not a registered function/op',
        model,
      ),
    ).toEqual({
      opType: 'StringRegexReplace',
      domain: 'ai.onnx.contrib',
    })
    expect(
      onnxMissingOperator(
        "Could not find an implementation for StringRegexReplace(1) node with name 'n'",
        model,
      ),
    ).toEqual({
      opType: 'StringRegexReplace',
      domain: 'ai.onnx.contrib',
    })
    expect(
      onnxMissingOperator('No Op registered for OneHotEncoder with domain_version of 1', model),
    ).toEqual({
      opType: 'OneHotEncoder',
      domain: 'ai.onnx.ml',
    })
    expect(onnxMissingOperator('something else went wrong', model)).toBeNull()
  })
})
