/**
 * `glassbox audit` on every ONNX and XGBoost JSON fixture (test/fixtures/models): exit 0, a report
 * that validates against report.v1.json with contracts §7's fields — `model.format`,
 * `model.runtime`, `model.trees`/`model.maxDepth` from the Python reference's card, no `ig` (and
 * why), TreeSHAP of the margin within 1e-5 of the reference (interventional for every tree model,
 * path-dependent for the XGBoost JSON files), probability SHAP 1e-4 and the metrics (§5). Then
 * `--tree-shap` and the compression refusal.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { MODELS_DIR, MODEL_FIXTURES, type ModelFixture } from '../session/fixtureSession.ts'
import { expectOneLine, glassbox } from './run.ts'

const BAD = join(MODELS_DIR, 'bad')
type BadCase = { file: string; schema: string; stage: string; messageIncludes: string[] }
const BAD_CASES = JSON.parse(readFileSync(join(BAD, 'expected.json'), 'utf8')) as BadCase[]

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-runtimes-'))

const recordDiff = (a: Record<string, number>, b: Record<string, number>): number => {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  return Math.max(...Object.keys(b).map((k) => Math.abs(a[k]! - b[k]!)))
}

/** The audit command line of a fixture (two of its reference rows, no counterfactuals). */
function auditArgs(f: ModelFixture, ...extra: string[]): string[] {
  return [
    'audit',
    '--model',
    join(MODELS_DIR, f.file),
    '--data',
    join(MODELS_DIR, 'data.csv'),
    '--schema',
    join(MODELS_DIR, f.ref.schema),
    ...(f.ref.classIndex === 1 ? [] : ['--class', String(f.ref.classIndex)]),
    '--rows',
    f.ref.explainedRows.slice(0, 2).join(','),
    '--counterfactuals',
    '0',
    '--quiet',
    ...extra,
  ]
}

async function audited(f: ModelFixture, ...extra: string[]): Promise<Report> {
  const out = join(tmp, `${f.file}.${extra.join('_').replace(/\W/g, '')}.json`)
  const r = await glassbox(...auditArgs(f, '--out', out, ...extra))
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const report = JSON.parse(readFileSync(out, 'utf8')) as Report
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  return report
}

const isJson = (f: ModelFixture) => f.file.endsWith('.json')

describe.each(MODEL_FIXTURES.map((f) => [f.file, f] as const))('glassbox audit %s', (_, f) => {
  it("writes contracts §7's fields and the reference numbers", async () => {
    const report = await audited(f)
    const m = report.model
    expect(m.format).toBe(isJson(f) ? 'xgboost-json' : 'onnx')
    expect(m.runtime).toBe(isJson(f) ? 'glassbox-trees' : 'onnxruntime-web')
    expect(m.trees).toBe(f.ref.trees?.count)
    expect(m.maxDepth).toBe(f.ref.trees?.maxDepth)
    expect(m.igUnavailable).toMatch(/integrated gradients/)
    expect(m.treeShapUnavailable).toBeUndefined()
    expect(report.settings.quantize).toEqual([])
    expect(report.quantization).toBeUndefined()
    const want = f.ref.metrics
    expect(Math.abs(report.metrics!.accuracy! - want.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(report.metrics!.rocAuc! - want.rocAuc!)).toBeLessThan(1e-5)
    const kinds = f.ref.trees ? ['interventional', ...(isJson(f) ? ['pathDependent'] : [])] : null
    expect(report.settings.treeShap).toEqual(kinds ?? undefined)
    for (const row of f.ref.explainedRows.slice(0, 2)) {
      const got = report.explanations![String(row)]!
      const ref = f.ref.explanations[String(row)]!
      expect(got.ig).toBeUndefined()
      expect(Math.abs(got.prediction - ref.prediction)).toBeLessThan(1e-6)
      expect(recordDiff(got.shap!, ref.shap)).toBeLessThan(1e-4)
      if (!f.ref.trees) {
        expect(got.treeShap).toBeUndefined()
        continue
      }
      const t = got.treeShap!
      expect(t.output).toBe('margin')
      expect(
        Math.abs(t.interventional!.baseValue - ref.treeShap!.interventional.baseValue),
      ).toBeLessThan(1e-5)
      expect(recordDiff(t.interventional!.shap, ref.treeShap!.interventional.shap)).toBeLessThan(
        1e-5,
      )
      if (isJson(f)) {
        const pd = ref.treeShap!.pathDependent!
        expect(Math.abs(t.pathDependent!.baseValue - pd.baseValue)).toBeLessThan(1e-5)
        expect(recordDiff(t.pathDependent!.shap, pd.shap)).toBeLessThan(1e-5)
      } else expect(t.pathDependent).toBeUndefined()
    }
  })
})

describe('glassbox audit --tree-shap and --quantize on other runtimes', () => {
  const xgb = MODEL_FIXTURES.find((f) => f.file === 'xgboost-binary.json')!
  const onnx = MODEL_FIXTURES.find((f) => f.file === 'xgboost-binary.onnx')!

  it('computes only the kinds asked for, or none', async () => {
    const pd = await audited(xgb, '--no-shap', '--tree-shap', 'pathDependent')
    expect(pd.settings.treeShap).toEqual(['pathDependent'])
    for (const e of Object.values(pd.explanations!)) {
      expect(e.shap).toBeUndefined()
      expect(e.treeShap!.interventional).toBeUndefined()
      expect(e.treeShap!.pathDependent).toBeDefined()
    }
    const none = await audited(xgb, '--tree-shap', 'none')
    expect(none.settings.treeShap).toEqual([])
    for (const e of Object.values(none.explanations!)) expect(e.treeShap).toBeUndefined()
    // An ONNX model has no covers: path-dependent is not among its kinds.
    const onnxPd = await audited(onnx, '--no-shap', '--tree-shap', 'pathDependent')
    expect(onnxPd.settings.treeShap).toEqual([])
  })

  it('shows TreeSHAP and the runtime in the HTML report', async () => {
    const html = join(tmp, 'xgb.html')
    const r = await glassbox(...auditArgs(xgb, '--html', html))
    expect(r.code).toBe(0)
    const text = readFileSync(html, 'utf8')
    expect(text).toContain('Model runtime')
    expect(text).toContain('glassbox-trees')
    expect(text).toContain('TreeSHAP of the margin')
    expect(text).toContain('Encoded input (path-dependent)')
    // The row's margin from the reference, as base + Σφ prints it (numberFormat: 4 decimals).
    const row = xgb.ref.explainedRows[0]!
    const margin = xgb.ref.explanations[String(row)]!.treeShap!.margin
    expect(text).toContain(`${margin.toFixed(4)}`)
    expect(text).not.toContain('IG completeness gap')
  })

  it('refuses an unknown kind and compression of a model without variants (exit 2)', async () => {
    expectOneLine(
      await glassbox(...auditArgs(xgb, '--tree-shap', 'exact')),
      /--tree-shap: unknown kind "exact"/,
    )
    expectOneLine(
      await glassbox(...auditArgs(onnx, '--quantize', 'float16')),
      /xgboost-binary\.onnx: Compression variants exist for TensorFlow\.js LayersModels; this is an ONNX model/,
    )
  })
})

describe('glassbox audit of a tree model TreeSHAP cannot explain (gbdt-mixed.onnx)', () => {
  const ref = JSON.parse(
    readFileSync(join(MODELS_DIR, 'gbdt-mixed.reference.json'), 'utf8'),
  ) as ModelFixture['ref']
  const f: ModelFixture = { file: 'gbdt-mixed.onnx', name: 'gbdt-mixed', ref }

  it('says why in model.treeShapUnavailable and explains the probability as the reference', async () => {
    const report = await audited(f)
    const m = report.model
    expect(m.format).toBe('onnx')
    expect(m.trees).toBe(ref.card.trees)
    expect(m.treeShapUnavailable).toMatch(
      /^the trees' input cannot be traced to the schema features: MatMul.* mixes the columns of a row$/,
    )
    expect(report.settings.treeShap).toBeUndefined()
    expect(Math.abs(report.metrics!.accuracy! - ref.metrics.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(report.metrics!.rocAuc! - ref.metrics.rocAuc!)).toBeLessThan(1e-5)
    for (const row of ref.explainedRows.slice(0, 2)) {
      const got = report.explanations![String(row)]!
      const want = ref.explanations[String(row)]!
      expect(got.treeShap).toBeUndefined()
      expect(Math.abs(got.prediction - want.prediction)).toBeLessThan(1e-6)
      expect(recordDiff(got.shap!, want.shap)).toBeLessThan(1e-4)
    }
  })
})

describe('glassbox audit on the bad models of test/fixtures/models/bad', () => {
  it.each(BAD_CASES.map((c) => [`${c.file} with ${c.schema}`, c] as const))(
    '%s: one line naming the file and the problem (exit 2), or a report for the valid one',
    async (_, c) => {
      const r = await glassbox(
        'audit',
        '--model',
        join(BAD, c.file),
        '--data',
        join(MODELS_DIR, 'data.csv'),
        '--schema',
        join(BAD, c.schema),
        '--rows',
        '0',
        '--no-shap',
        '--counterfactuals',
        '0',
        '--quiet',
      )
      if (c.stage === 'none') {
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        return
      }
      // A model file's own problems are "<file>: …"; the every-row output check's "<file> outputs …".
      expectOneLine(r, new RegExp(`^glassbox: \\S*${c.file.replace(/\./g, '\\.')}(: | outputs )`))
      for (const part of c.messageIncludes) expect(r.stderr).toContain(part)
    },
  )
})
