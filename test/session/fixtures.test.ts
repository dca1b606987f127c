/**
 * Every model fixture (test/fixtures/models) through the registry and one session, against its
 * Python reference (docs/contracts.md §5, §7): probabilities 1e-6, metrics 1e-6 (ROC AUC 1e-5)
 * through the report's audit, probability-space SHAP 1e-4 through explainRows (first:50),
 * TreeSHAP 1e-5 in margin units (interventional for every tree model, path-dependent for the
 * XGBoost JSON files), and the card's facts; the XGBoost JSON and its ONNX twin agree.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { auditFull } from '../../src/report/auditFull.ts'
import type { Session } from '../../src/session/session.ts'
import { MODEL_FIXTURES, type ModelFixture, fixtureSession } from './fixtureSession.ts'

const sessions = new Map<string, Promise<Session>>()
const open = (f: ModelFixture) => {
  let s = sessions.get(f.file)
  if (!s) sessions.set(f.file, (s = fixtureSession(f)))
  return s
}
afterAll(async () => {
  for (const s of sessions.values()) (await s).model.dispose()
})

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}
const recordDiff = (a: Record<string, number>, b: Record<string, number>): number => {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  return Math.max(...Object.keys(b).map((k) => Math.abs(a[k]! - b[k]!)))
}

const isTrees = (f: ModelFixture) => f.ref.trees !== undefined
const isJson = (f: ModelFixture) => f.file.endsWith('.json')

describe.each(MODEL_FIXTURES.map((f) => [f.file, f] as const))('%s', (_file, f) => {
  it('predicts the reference probabilities within 1e-6', async () => {
    const s = await open(f)
    expect(s.input.mode).toBe(f.ref.modelInput)
    expect(maxDiff(await s.predict(s.x), f.ref.proba)).toBeLessThan(1e-6)
  })

  it('gives the reference metrics through the audit (1e-6, ROC AUC 1e-5), with no IG and no compression', async () => {
    const s = await open(f)
    const r = await auditFull(s, {
      ...AUDIT_DEFAULTS,
      rows: [],
      shap: false,
      igSteps: 0,
      counterfactuals: 0,
      quantize: [],
      treeShap: [],
    })
    const m = f.ref.metrics
    expect(Math.abs(r.metrics!.accuracy! - m.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(r.metrics!.rocAuc! - m.rocAuc!)).toBeLessThan(1e-5)
    expect(Math.abs(r.metrics!.logLoss! - m.logLoss!)).toBeLessThan(1e-6)
    expect(Math.abs(r.metrics!.brier! - m.brier!)).toBeLessThan(1e-6)
    expect(s.grad).toBeNull()
    expect(s.gradUnavailable).toMatch(/integrated gradients/)
  })

  it('explains the reference rows: probability SHAP 1e-4 and TreeSHAP 1e-5 (margin)', async () => {
    const s = await open(f)
    const rows = f.ref.explainedRows
    const ex = await explainRows(
      {
        schema: s.schema,
        x: s.x,
        values: s.values,
        predict: s.predict,
        input: s.input,
        ...(s.treeShap.status === 'available' ? { treeShap: s.treeShap.explain } : {}),
      },
      rows,
      { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 0 },
    )
    for (const r of rows) {
      const got = ex[String(r)]!
      const want = f.ref.explanations[String(r)]!
      expect(Math.abs(got.prediction - want.prediction)).toBeLessThan(1e-6)
      expect(got.exact).toBe(true)
      expect(Math.abs(got.baseValue! - want.baseValue)).toBeLessThan(1e-4)
      expect(recordDiff(got.shap!, want.shap)).toBeLessThan(1e-4)
      if (!isTrees(f)) {
        expect(got.treeShap).toBeUndefined()
        continue
      }
      const t = got.treeShap!
      const w = want.treeShap!
      expect(t.output).toBe('margin')
      expect(Math.abs(t.interventional!.baseValue - w.interventional.baseValue)).toBeLessThan(1e-5)
      expect(recordDiff(t.interventional!.shap, w.interventional.shap)).toBeLessThan(1e-5)
      if (isJson(f)) {
        expect(Math.abs(t.pathDependent!.baseValue - w.pathDependent!.baseValue)).toBeLessThan(1e-5)
        expect(recordDiff(t.pathDependent!.shap, w.pathDependent!.shap)).toBeLessThan(1e-5)
      } else expect(t.pathDependent).toBeUndefined()
    }
  })

  it('reads the card facts Python read', async () => {
    const s = await open(f)
    const c = s.model.card
    const d = c.details
    if (isJson(f)) {
      expect([c.format, c.runtime, d.kind]).toEqual(['xgboost-json', 'glassbox-trees', 'xgboost'])
      if (d.kind !== 'xgboost') return
      expect(d.trees).toEqual({
        count: f.ref.trees!.count,
        leaves: f.ref.trees!.leaves,
        maxDepth: f.ref.trees!.maxDepth,
      })
      return
    }
    expect([c.format, c.runtime, d.kind]).toEqual(['onnx', 'onnxruntime-web', 'onnx'])
    if (d.kind !== 'onnx') return
    const want = f.ref.card
    expect(d.irVersion).toBe(want.irVersion)
    expect([d.producerName, d.producerVersion]).toEqual([want.producerName, want.producerVersion])
    expect(d.opsets).toEqual(want.opsets)
    expect(d.operators).toEqual(want.operators)
    expect(d.output.name).toBe(want.outputUsed)
    const dims = (shape: (number | string | null)[] | null) =>
      (shape ?? []).map((x) => (typeof x === 'number' ? x : null))
    expect(c.inputs).toEqual(want.inputs.map((v) => ({ ...v, shape: dims(v.shape) })))
    expect(c.outputs).toEqual(want.outputs.map((v) => ({ ...v, shape: dims(v.shape) })))
    if (want.trees !== undefined)
      expect(d.trees).toEqual({ count: want.trees, leaves: want.leaves, maxDepth: want.maxDepth })
    else expect(d.trees).toBeUndefined()
  })
})

describe('the XGBoost JSON files and their ONNX twins', () => {
  it.each(['xgboost-binary', 'xgboost-multiclass'])(
    '%s: same probabilities and interventional TreeSHAP',
    async (name) => {
      const [json, onnx] = await Promise.all(
        ['.json', '.onnx'].map((ext) =>
          open(MODEL_FIXTURES.find((f) => f.file === `${name}${ext}`)!),
        ),
      )
      expect(maxDiff(await json!.predict(json!.x), await onnx!.predict(onnx!.x))).toBeLessThan(1e-6)
      if (json!.treeShap.status !== 'available' || onnx!.treeShap.status !== 'available')
        throw new Error('TreeSHAP should be available on both')
      const { backgroundFirst } = await import('../../src/core/shap/background.ts')
      const bg = backgroundFirst(json!.x, 50)
      const cols = json!.x.cols
      const rows = { data: json!.x.data.slice(100 * cols, 120 * cols), rows: 20, cols }
      const a = await json!.treeShap.explain(rows, bg, ['interventional'])
      const b = await onnx!.treeShap.explain(rows, bg, ['interventional'])
      a.forEach((t, i) => {
        expect(
          Math.abs(t.interventional!.baseValue - b[i]!.interventional!.baseValue),
        ).toBeLessThan(1e-6)
        expect(recordDiff(t.interventional!.shap, b[i]!.interventional!.shap)).toBeLessThan(1e-6)
      })
    },
  )
})
