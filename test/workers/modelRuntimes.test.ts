/**
 * The model worker on ONNX and XGBoost JSON models (real ModelHosts in this thread, as
 * pool.test.ts runs them): the load result's TreeSHAP / IG / compression facts, each bad model of
 * test/fixtures/models/bad refused with its one-line message naming the file while the earlier
 * session stays, compression refused with the sentence the page shows, explanations and global
 * SHAP of tree models as TreeSHAP of the margin (base + Σφ = the Python reference's margin), and
 * pool helpers that rebuild each runtime from its shared source and give bit-identical global SHAP.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { Schema } from '../../src/core/schema.ts'
import { classRequest } from '../../src/model/card.ts'
import { ModelPool } from '../../src/workers/pool.ts'
import { Cmd, type GlobalShapResult, type LoadResult } from '../../src/workers/protocol.ts'
import { HostWorker, type ModelClient, hostClient } from '../fixtures/inputs/hostWorker.ts'
import { MODELS_DIR, MODEL_FIXTURES, type ModelFixture } from '../session/fixtureSession.ts'

const BAD = join(MODELS_DIR, 'bad')
const table = parseCsvText(readFileSync(join(MODELS_DIR, 'data.csv'), 'utf8'), 'data.csv')
const schemaOf = (path: string): Schema =>
  schemaParse(readFileSync(path, 'utf8'), path.split('/').pop()!)
const fileOf = (path: string) => new File([readFileSync(path)], path.split('/').pop()!)

type BadCase = { file: string; schema: string; stage: string; messageIncludes: string[] }
const BAD_CASES = (
  JSON.parse(readFileSync(join(BAD, 'expected.json'), 'utf8')) as BadCase[]
).filter((c) => c.stage !== 'none')

beforeAll(() => {
  HostWorker.backends = ['cpu', 'wasm']
})
afterAll(() => {
  HostWorker.backends = ['cpu']
})

/** Loads a model file with a schema and data.csv on a client; the worker's answer or its error. */
function load(client: ModelClient, model: string, schema: Schema, classIndex: number | null) {
  return client.request({
    cmd: Cmd.Load,
    model: { kind: 'files', files: [fileOf(model)] },
    table,
    schema,
    cls: classRequest(classIndex),
    dataName: 'data.csv',
    dataSha256: 'fixture-data',
    schemaName: 'schema.json',
  })
}

/** Feature values of data row `row` in the first worker's session (what a what-if edits). */
function sessionRowValues(row: number): number[] {
  const sess = HostWorker.made[0]!.host.requireSession()
  const m = sess.values.cols
  return Array.from(sess.values.data.subarray(row * m, (row + 1) * m))
}

const fixture = (file: string) => MODEL_FIXTURES.find((f) => f.file === file)!
const loadFixture = (client: ModelClient, file: string) => {
  const f = fixture(file)
  return load(
    client,
    join(MODELS_DIR, file),
    schemaOf(join(MODELS_DIR, f.ref.schema)),
    f.ref.classIndex === 1 ? null : f.ref.classIndex,
  )
}

describe('the model worker on ONNX and XGBoost JSON', () => {
  it('says what the model offers, refuses each bad model in one line naming it and keeps the session', async () => {
    const client = hostClient()
    const ok: LoadResult = await loadFixture(client, 'xgboost-binary.onnx')
    expect(ok.card.format).toBe('onnx')
    expect(ok.backend).toBe('wasm')
    expect(ok.treeShap).toEqual({
      status: 'available',
      kinds: ['interventional'],
      pathDependentUnavailable: expect.stringMatching(/cover/) as unknown as string,
    })
    expect(ok.igUnavailable).toMatch(/integrated gradients/)
    expect(ok.compressionUnavailable).toBe(
      'Compression variants exist for TensorFlow.js LayersModels; this is an ONNX model',
    )
    await expect(
      client.request({ cmd: Cmd.Compress, ids: ['float16'], options: {} }),
    ).rejects.toThrow(/this is an ONNX model/)
    const before = (await client.request({ cmd: Cmd.Explain, rows: [3], settings: quick }))
      .explanations['3']!.prediction
    for (const c of BAD_CASES) {
      const err = await load(client, join(BAD, c.file), schemaOf(join(BAD, c.schema)), null).then(
        () => null,
        (e: Error) => e.message,
      )
      expect(err, c.file).not.toBeNull()
      expect(err!.split('\n')).toHaveLength(1)
      expect(err).toContain(c.file)
      for (const part of c.messageIncludes) expect(err, c.file).toContain(part)
    }
    // The earlier session answers as before.
    const after = await client.request({ cmd: Cmd.Explain, rows: [3], settings: quick })
    expect(after.explanations['3']!.prediction).toBe(before)
    expect(after.explanations['3']!.treeShap?.interventional).toBeDefined()
  })

  it('explains a tree model with TreeSHAP of the margin, per row, in what-if and in global SHAP', async () => {
    const client = hostClient()
    const f = fixture('xgboost-binary.json')
    const r = await loadFixture(client, f.file)
    expect(r.treeShap).toEqual({
      status: 'available',
      kinds: ['interventional', 'pathDependent'],
      pathDependentUnavailable: null,
    })
    const row = f.ref.explainedRows[0]!
    // The reference's background: the first 50 rows.
    const settings = { ...quick, background: { kind: 'first' as const, k: 50 } }
    const ex = await client.request({ cmd: Cmd.Explain, rows: [row], settings })
    expect(ex.treeShapUnavailable).toBeNull()
    const t = ex.explanations[String(row)]!.treeShap!
    const want = f.ref.explanations[String(row)]!.treeShap!
    expect(Math.abs(t.pathDependent!.baseValue - want.pathDependent!.baseValue)).toBeLessThan(1e-5)
    expect(Math.abs(t.interventional!.baseValue - want.interventional.baseValue)).toBeLessThan(1e-5)

    // What-if of the row's own values: the same TreeSHAP as the row's explanation.
    const values = sessionRowValues(row)
    const w = await client.request({ cmd: Cmd.WhatIf, values, settings })
    expect(w.treeShap!.output).toBe('margin')
    expect(
      Math.abs(w.treeShap!.interventional!.baseValue - want.interventional.baseValue),
    ).toBeLessThan(1e-5)
    for (const [k, v] of Object.entries(want.interventional.shap))
      expect(Math.abs(w.treeShap!.interventional!.shap[k]! - v)).toBeLessThan(1e-5)
    expect(Object.keys(w.treeShap!.pathDependent!.shap).sort()).toEqual(
      Object.keys(want.pathDependent!.shap).sort(),
    )

    const g: GlobalShapResult = await client.request({
      cmd: Cmd.GlobalShap,
      n: 40,
      seed: 3,
      background: { kind: 'first', k: 50 },
      budget: 4096,
      fresh: true,
    })
    expect(g).toMatchObject({ method: 'treeShap', output: 'margin', exact: true })
    expect(g.treeShapUnavailable).toBeNull()
    expect(Math.abs(g.baseValue - want.interventional.baseValue)).toBeLessThan(1e-5)
    const m = g.featureNames.length
    g.rows.forEach((dataRow, i) => {
      let sum = g.baseValue
      for (let j = 0; j < m; j++) sum += g.phi[i * m + j]!
      expect(Math.abs(sum - f.ref.margin![dataRow]!)).toBeLessThan(1e-5)
    })
    const probability = await client.request({
      cmd: Cmd.GlobalShap,
      n: 4,
      seed: 3,
      background: { kind: 'first', k: 10 },
      budget: 64,
      method: 'shap',
    })
    expect(probability).toMatchObject({ method: 'shap', output: 'probability' })
  })
})

describe('the model worker on a tree model TreeSHAP cannot explain (gbdt-mixed.onnx)', () => {
  // MatMul mixes sex and race into one tree input; the reference is sklearn's pipeline.
  const ref = JSON.parse(
    readFileSync(join(MODELS_DIR, 'gbdt-mixed.reference.json'), 'utf8'),
  ) as ModelFixture['ref']
  const reason =
    /^the trees' input cannot be traced to the schema features: MatMul.* mixes the columns of a row$/

  it('loads, predicts within 1e-6 and carries the reason in load, explain, what-if and global SHAP', async () => {
    const client = hostClient()
    const r = await load(
      client,
      join(MODELS_DIR, 'gbdt-mixed.onnx'),
      schemaOf(join(MODELS_DIR, ref.schema)),
      null,
    )
    expect(r.card.format).toBe('onnx')
    expect(r.treeShap.status).toBe('unavailable')
    const why = r.treeShap.status === 'unavailable' ? r.treeShap.reason : ''
    expect(why).toMatch(reason)
    expect(r.predictions).toHaveLength(ref.rows)
    ref.proba.forEach((p, i) =>
      expect(Math.abs(r.predictions[i]! - p), `row ${i}`).toBeLessThan(1e-6),
    )

    const settings = { ...quick, background: { kind: 'first' as const, k: 50 }, budget: 4096 }
    const rows = ref.explainedRows.slice(0, 2)
    const ex = await client.request({ cmd: Cmd.Explain, rows, settings })
    expect(ex.treeShapUnavailable).toBe(why)
    for (const row of rows) {
      const got = ex.explanations[String(row)]!
      const want = ref.explanations[String(row)]!
      expect(got.treeShap).toBeUndefined()
      expect(Math.abs(got.prediction - want.prediction)).toBeLessThan(1e-6)
      for (const [k, v] of Object.entries(want.shap))
        expect(Math.abs(got.shap![k]! - v), k).toBeLessThan(1e-4)
    }
    const values = sessionRowValues(rows[0]!)
    const w = await client.request({ cmd: Cmd.WhatIf, values, settings })
    expect(w.treeShap).toBeNull()
    expect(Math.abs(w.prediction - ref.proba[rows[0]!]!)).toBeLessThan(1e-6)
    const g = await client.request({
      cmd: Cmd.GlobalShap,
      n: 4,
      seed: 3,
      background: { kind: 'first', k: 10 },
      budget: 64,
      fresh: true,
    })
    expect(g).toMatchObject({ method: 'shap', output: 'probability', treeShapUnavailable: why })
  })
})

/** Explanation settings of the tests: SHAP and TreeSHAP, no IG, no counterfactuals. */
const quick = {
  background: { kind: 'first' as const, k: 20 },
  budget: 256,
  seed: 1,
  shap: true,
  igSteps: 0,
  igMethod: 'midpoint' as const,
  igBaseline: 'mean',
  counterfactuals: 0,
  threshold: 0.5,
}

describe('ModelPool on ONNX and XGBoost JSON', () => {
  it.each(['xgboost-binary.json', 'xgboost-multiclass.onnx', 'mlp.onnx'])(
    'helpers rebuild %s from its source and give bit-identical global SHAP',
    async (file) => {
      const primary = hostClient()
      await loadFixture(primary, file)
      const pool = new ModelPool(primary, {
        spawn: () => new HostWorker() as unknown as Worker,
        maxWorkers: () => 3,
      })
      const req = { n: 48, seed: 5, background: { kind: 'first' as const, k: 10 }, budget: 128 }
      const pooled = await pool.globalShap(req)
      expect(pooled.workers).toBe(3)
      const one = await primary.request({ cmd: Cmd.GlobalShap, ...req, fresh: true })
      expect(pooled.result.method).toBe(file.startsWith('mlp') ? 'shap' : 'treeShap')
      expect(one.method).toBe(pooled.result.method)
      expect(Array.from(pooled.result.rows)).toEqual(Array.from(one.rows))
      expect(Array.from(pooled.result.phi)).toEqual(Array.from(one.phi))
      expect(pooled.result.baseValue).toBe(one.baseValue)
      const helpers = HostWorker.made.slice(1)
      expect(helpers.length).toBe(2)
      for (const h of helpers) expect(h.received.map((r) => r.cmd)).toEqual(['attach', 'shapRows'])
      pool.reset()
    },
  )
})
