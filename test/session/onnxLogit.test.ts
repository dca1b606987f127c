/**
 * An ONNX model that outputs raw scores (`mlp-logit.onnx`: the PyTorch MLP of `mlp.onnx` without
 * its Sigmoid) under `output.kind: "logit"`, through the registry, the output link and
 * sessionOpen (docs/contracts.md §1, §7; issue 16). References: `mlp-logit.reference.json`,
 * computed by scripts/fixtures/make_mlp_logit.py in float64 with numpy from the file's weights
 * (σ(logit), sklearn metrics, exact Shapley enumeration), and checked there against the PyTorch
 * reference of the network with its sigmoid. Under `probability` the same file is refused by the
 * every-row output check, naming the row and suggesting `logit`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import { schemaWithOutput } from '../../src/core/output.ts'
import type { Schema } from '../../src/core/schema.ts'
import { classRequest } from '../../src/model/card.ts'
import type { LoadedModel } from '../../src/model/runtime.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { auditFull } from '../../src/report/auditFull.ts'
import { sessionOpen, sessionPredictAll } from '../../src/session/session.ts'
import type { Reference } from '../model/onnx/fixtures.ts'
import { MODELS_DIR, fixtureData, fixtureModel, fixtureSchema } from './fixtureSession.ts'

type LogitReference = Reference & { outputKind: 'logit'; logit: number[] }
const ref = JSON.parse(
  readFileSync(join(MODELS_DIR, 'mlp-logit.reference.json'), 'utf8'),
) as LogitReference
const FILE = 'mlp-logit.onnx'

const models: LoadedModel[] = []
afterAll(() => {
  for (const m of models) m.dispose()
})

async function open(schema: Schema) {
  const model = await fixtureModel(FILE, schema)
  models.push(model)
  return sessionOpen(model, schema, fixtureData(), classRequest(null), { schemaName: ref.schema })
}

const recordDiff = (a: Record<string, number>, b: Record<string, number>): number => {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  return Math.max(...Object.keys(b).map((k) => Math.abs(a[k]! - b[k]!)))
}

describe('an ONNX raw-score model under output.kind "logit"', () => {
  it('is a raw-score model: its logits leave [0, 1] on most rows', () => {
    expect(ref.outputKind).toBe('logit')
    expect(ref.logit.filter((z) => z < 0 || z > 1).length).toBeGreaterThan(ref.rows / 2)
  })

  it('predicts σ(logit) within 1e-6 and gives the reference metrics (§5)', async () => {
    const schema = fixtureSchema(ref)
    expect(schema.output.kind).toBe('logit')
    const s = await open(schema)
    const p = await sessionPredictAll(s)
    let worst = 0
    for (let i = 0; i < ref.rows; i++) worst = Math.max(worst, Math.abs(p[i]! - ref.proba[i]!))
    expect(worst).toBeLessThan(1e-6)
    const r = await auditFull(s, {
      ...AUDIT_DEFAULTS,
      rows: [],
      shap: false,
      igSteps: 0,
      counterfactuals: 0,
      quantize: [],
      treeShap: [],
    })
    const m = ref.metrics
    expect(Math.abs(r.metrics!.accuracy! - m.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(r.metrics!.rocAuc! - m.rocAuc!)).toBeLessThan(1e-5)
    expect(Math.abs(r.metrics!.logLoss! - m.logLoss!)).toBeLessThan(1e-6)
    expect(Math.abs(r.metrics!.brier! - m.brier!)).toBeLessThan(1e-6)
    // ONNX has no gradient: integrated gradients stay unavailable, as for every ONNX model.
    expect(s.grad).toBeNull()
    expect(s.gradUnavailable).toMatch(/integrated gradients/)
  })

  it('explains the reference rows: exact SHAP of the probability within 1e-4', async () => {
    const s = await open(fixtureSchema(ref))
    const rows = ref.explainedRows.slice(0, 3)
    const ex = await explainRows(
      { schema: s.schema, x: s.x, values: s.values, predict: s.predict, input: s.input },
      rows,
      { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 0 },
    )
    for (const row of rows) {
      const got = ex[String(row)]!
      const want = ref.explanations[String(row)]!
      expect(Math.abs(got.prediction - want.prediction)).toBeLessThan(1e-6)
      expect(got.exact).toBe(true)
      expect(Math.abs(got.baseValue! - want.baseValue)).toBeLessThan(1e-4)
      expect(recordDiff(got.shap!, want.shap)).toBeLessThan(1e-4)
    }
  })

  it('is refused under "probability" by the every-row check, naming the first row outside [0, 1] and suggesting logit', async () => {
    const s = await open(schemaWithOutput(fixtureSchema(ref), 'probability'))
    const first = ref.logit.findIndex((z) => !(z >= 0 && z <= 1))
    const more = ref.logit.filter((z) => !(z >= 0 && z <= 1)).length - 1
    const err = await sessionPredictAll(s).then(
      () => null,
      (e: Error) => e.message,
    )
    expect(err).toMatch(
      new RegExp(
        `^mlp-logit\\.onnx outputs -?[\\d.e+-]+ for row ${first} of data\\.csv and ${more} more rows: `,
      ),
    )
    expect(err).toContain('"output": {"kind": "logit"}')
    expect(err).toContain('--output logit')
    const value = Number(/outputs (\S+) for/.exec(err!)![1])
    expect(Math.abs(value - ref.logit[first]!)).toBeLessThan(1e-5)
  })
})
