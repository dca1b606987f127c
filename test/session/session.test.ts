import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import { type Schema, schemaOffsets } from '../../src/core/schema.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { matrix } from '../../src/core/types.ts'
import { classLabel } from '../../src/model/card.ts'
import type { LoadedModel } from '../../src/model/runtime.ts'
import { modelArtifacts } from '../../src/model/tfjs/artifacts.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { tfModelLoad } from '../../src/model/tfjs/load.ts'
import {
  sessionData,
  sessionOpen,
  sessionWithData,
  sessionWithModel,
} from '../../src/session/session.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const text = (p: string) => readFileSync(url(p), 'utf8')
const G = 'test/fixtures/golden/adult'
const schema = schemaParse(text(`${G}/schema.json`), 'schema.json')
const table = parseCsvText(text(`${G}/data.csv`), 'data.csv')
const reference = (JSON.parse(text(`${G}/reference.json`)) as { predictions: number[] }).predictions
const data = { table, name: 'data.csv', sha256: 'golden' }
const opts = { schemaName: 'schema.json' }

async function golden(): Promise<LoadedModel> {
  const b = readFileSync(url(`${G}/group1-shard1of1.bin`))
  const shard = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  const art = modelArtifacts(
    { name: 'model.json', json: text(`${G}/model.json`) },
    new Map([['group1-shard1of1.bin', shard]]),
  )
  return tfjsLoadedModel(await tfModelLoad(art, 'model.json'))
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('sessionOpen on the golden tfjs model', () => {
  it('resolves the class, encodes the data, verifies the fast path and predicts the reference', async () => {
    const model = await golden()
    const s = await sessionOpen(model, schema, data, { kind: 'auto' }, opts)
    expect([s.column, s.classLabel]).toEqual([0, 1])
    expect(s.input.mode).toBe('encoded')
    expect(s.x).toBe(s.encoded)
    expect([s.x.rows, s.x.cols, s.values.cols]).toEqual([2000, 88, 12])
    expect(Array.from(s.input.offsets)).toEqual(Array.from(schemaOffsets(schema)))
    expect(s.fast).not.toBeNull()
    expect(s.fastReason).toBeNull()
    expect(s.grad).not.toBeNull()
    expect(s.encode.ignoredColumns).toEqual(['fnlwgt', 'education'])
    const p = await s.predict(s.x)
    for (let i = 0; i < p.length; i++) expect(Math.abs(p[i]! - reference[i]!)).toBeLessThan(1e-6)
    // Edited feature values reach the model as the same rows the data encodes to.
    const rows = matrix(s.values.data.slice(10 * 12, 13 * 12), 3, 12)
    expect(Array.from(s.inputFromValues(rows).data)).toEqual(
      Array.from(s.x.data.subarray(10 * 88, 13 * 88)),
    )
    model.dispose()
  })

  it('names a width mismatch and a class the model lacks, and refuses columns mode for tfjs', async () => {
    const model = await golden()
    const wide = schemaParse(text('e2e/fixtures/bad/schema-wide.json'), 'schema-wide.json')
    await expect(
      sessionOpen(model, wide, data, { kind: 'auto' }, { schemaName: 'schema-wide.json' }),
    ).rejects.toMatchObject({
      name: 'DataError',
      message:
        'width mismatch: model.json expects 88 inputs, but schema-wide.json encodes 13 features into 89 inputs',
    })
    await expect(
      sessionOpen(
        model,
        schema,
        data,
        { kind: 'class', label: classLabel(0) },
        {
          ...opts,
          classOption: '--class',
        },
      ),
    ).rejects.toThrow('--class 0: model.json has a single sigmoid output (class 1 = positive)')
    const columns = { ...schema, modelInput: 'columns' } as Schema
    await expect(sessionOpen(model, columns, data, { kind: 'auto' }, opts)).rejects.toThrow(
      'model.json (layers-model) takes encoded input, but schema.json asks for "modelInput": "columns"',
    )
    model.dispose()
  })

  it('moves to another dataset and another model keeping class, data and fast path', async () => {
    const model = await golden()
    const s = await sessionOpen(model, schema, data, { kind: 'auto' }, opts)
    const half = parseCsvText(text(`${G}/data.csv`).split('\n').slice(0, 501).join('\n'), 'h.csv')
    const h = sessionWithData(s, sessionData(s, { table: half, name: 'h.csv', sha256: 'h' }))
    expect([h.x.rows, h.dataName, h.dataSha256, h.column]).toEqual([500, 'h.csv', 'h', 0])
    expect(h.fast).toBe(s.fast)
    const other = await golden()
    const m = sessionWithModel(s, other, { maxChunkRows: 100 })
    expect(m.model).toBe(other)
    expect(m.x).toBe(s.x)
    expect(Array.from(await m.predict(matrix(s.x.data.subarray(0, 5 * 88), 5, 88)))).toEqual(
      Array.from((await s.predict(s.x)).subarray(0, 5)),
    )
    model.dispose()
    other.dispose()
  })
})

/** A model of raw feature values (columns mode), as an ONNX pipeline is: f = σ(β·x). */
function columnsModel(): LoadedModel {
  const f = (age: number, sex: number) =>
    1 / (1 + Math.exp(-(0.08 * (age - 40) + (sex === 1 ? 1.5 : 0) - 0.4)))
  return {
    card: {
      name: 'pipeline.onnx',
      format: 'onnx',
      runtime: 'test',
      inputs: [
        { name: 'age', dtype: 'float32', shape: [null, 1] },
        { name: 'sex', dtype: 'string', shape: [null, 1] },
      ],
      outputs: [{ name: 'probabilities', dtype: 'float32', shape: [null, 1] }],
      inputWidth: 2,
      outputWidth: 1,
      activation: 'sigmoid',
      parameters: 3,
      bytes: 12,
      sha256: '0'.repeat(64),
      details: { kind: 'tfjs', layers: 1, weightDtypes: ['float32'] },
    },
    source: { runtime: 'tfjs', name: 'pipeline.onnx', artifacts: { modelTopology: {} } },
    inputModes: ['columns'],
    shape: {
      format: 'onnx',
      inputWidth: 2,
      outputWidth: 1,
      parameters: 3,
      layers: [],
      weightDtypes: [],
    },
    predictor: () => (x) =>
      Promise.resolve(
        Float32Array.from({ length: x.rows }, (_, r) => f(x.data[2 * r]!, x.data[2 * r + 1]!)),
      ),
    gradient: { available: false, reason: 'the runtime has no gradients' },
    fastPath: () => ({ model: null, reason: 'not a Dense network' }),
    dispose: () => {},
  }
}

describe('a columns-mode model through the session', () => {
  const cols: Schema = {
    ...schemaParse(
      JSON.stringify({
        schemaVersion: 1,
        name: 'toy',
        target: { column: 'y', positive: '1' },
        features: [
          { name: 'age', type: 'numeric', mean: 0, std: 1 },
          { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
        ],
        sensitive: [],
      }),
      'toy.json',
    ),
    modelInput: 'columns',
  } as Schema
  const csv = ['age,sex,y', '30,F,0', '52,M,1', '41,F,0', '35,M,1', '60,F,1', '25,F,0'].join('\n')
  const toy = { table: parseCsvText(csv, 'toy.csv'), name: 'toy.csv', sha256: 't' }
  const f = (age: number, sex: number) =>
    Math.fround(1 / (1 + Math.exp(-(0.08 * (age - 40) + (sex === 1 ? 1.5 : 0) - 0.4))))
  const open = () =>
    sessionOpen(columnsModel(), cols, toy, { kind: 'auto' }, { schemaName: 'toy.json' })

  it('feeds the model the feature values, one player per input, and says why IG is unavailable', async () => {
    const s = await open()
    expect(s.input.mode).toBe('columns')
    expect(s.x).toBe(s.values)
    expect(s.encoded.cols).toBe(3)
    expect(Array.from(s.input.offsets)).toEqual([0, 1, 2])
    expect([s.grad, s.gradUnavailable]).toEqual([null, 'the runtime has no gradients'])
    expect([s.fast, s.fastReason]).toEqual([null, 'not a Dense network'])
  })

  it('explains a row with exact SHAP over the features and finds counterfactuals in value space', async () => {
    const s = await open()
    const ex = await explainRows(
      { schema: s.schema, x: s.x, values: s.values, predict: s.predict, input: s.input },
      [0],
      { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 2, background: { kind: 'first', k: 6 } },
    )
    const e = ex['0']!
    // Brute-force Shapley values of v(S) = mean over the background of f(x_S, b_notS), float64.
    const bg = [
      [30, 0],
      [52, 1],
      [41, 0],
      [35, 1],
      [60, 0],
      [25, 0],
    ] as const
    const x = [30, 0] as const
    const v = (inS: (j: number) => boolean) =>
      bg.reduce((a, b) => a + f(inS(0) ? x[0] : b[0], inS(1) ? x[1] : b[1]), 0) / bg.length
    const v0 = v(() => false)
    const vAge = v((j) => j === 0)
    const vSex = v((j) => j === 1)
    const vAll = v(() => true)
    expect(e.exact).toBe(true)
    expect(Math.abs(e.baseValue! - v0)).toBeLessThan(1e-6)
    expect(Math.abs(e.shap!.age! - (vAge - v0 + (vAll - vSex)) / 2)).toBeLessThan(1e-6)
    expect(Math.abs(e.shap!.sex! - (vSex - v0 + (vAll - vAge)) / 2)).toBeLessThan(1e-6)
    expect(e.counterfactuals!.length).toBeGreaterThan(0)
    for (const c of e.counterfactuals!) {
      const age = typeof c.changes.age === 'number' ? c.changes.age : 30
      const sex = c.changes.sex === undefined ? 0 : c.changes.sex === 'M' ? 1 : 0
      expect(c.valid).toBe(true)
      expect(Math.abs(c.prediction - f(age, sex))).toBeLessThan(1e-6)
      expect(c.prediction).toBeGreaterThanOrEqual(0.5)
    }
  })
})
