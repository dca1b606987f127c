/**
 * `glassbox audit --output logit` on an ONNX model that outputs raw scores (`mlp-logit.onnx`, the
 * MLP of `mlp.onnx` without its Sigmoid; issue 16): with the probability schema of `mlp.onnx`
 * overridden by `--output logit`, predictions, metrics and SHAP equal the float64 references of
 * scripts/fixtures/make_mlp_logit.py within docs/contracts.md §5; with `--output probability`
 * over its own logit schema it exits 2 with one line naming the model, the row and the value and
 * suggesting logit.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import type { Reference } from '../model/onnx/fixtures.ts'
import { MODELS_DIR } from '../session/fixtureSession.ts'
import { expectOneLine, glassbox } from './run.ts'

const ref = JSON.parse(
  readFileSync(join(MODELS_DIR, 'mlp-logit.reference.json'), 'utf8'),
) as Reference & { logit: number[] }
const MODEL = join(MODELS_DIR, 'mlp-logit.onnx')
const DATA = join(MODELS_DIR, 'data.csv')
const rows = ref.explainedRows.slice(0, 2)
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-onnx-logit-'))

const args = (schema: string, ...extra: string[]) => [
  'audit',
  '--model',
  MODEL,
  '--data',
  DATA,
  '--schema',
  join(MODELS_DIR, schema),
  '--rows',
  rows.join(','),
  '--counterfactuals',
  '0',
  '--quantize',
  'none',
  '--quiet',
  ...extra,
]

describe('glassbox audit on an ONNX raw-score model', () => {
  it('--output logit gives the reference predictions, metrics and SHAP (§5), no IG', async () => {
    const out = join(tmp, 'logit.json')
    // mlp.schema.json says "probability"; --output overrides it.
    const r = await glassbox(...args('mlp.schema.json', '--output', 'logit', '--out', out))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    const m = ref.metrics
    expect(Math.abs(report.metrics!.accuracy! - m.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(report.metrics!.rocAuc! - m.rocAuc!)).toBeLessThan(1e-5)
    expect(Math.abs(report.metrics!.logLoss! - m.logLoss!)).toBeLessThan(1e-6)
    expect(Math.abs(report.metrics!.brier! - m.brier!)).toBeLessThan(1e-6)
    expect(report.calibration).toBeDefined()
    expect(report.model.igUnavailable).toMatch(/integrated gradients/)
    for (const row of rows) {
      const got = report.explanations![String(row)]!
      const want = ref.explanations[String(row)]!
      expect(got.ig).toBeUndefined()
      expect(Math.abs(got.prediction - want.prediction)).toBeLessThan(1e-6)
      expect(Math.abs(got.baseValue! - want.baseValue)).toBeLessThan(1e-4)
      expect(Object.keys(got.shap!).sort()).toEqual(Object.keys(want.shap).sort())
      for (const [k, v] of Object.entries(want.shap))
        expect(Math.abs(got.shap![k]! - v), k).toBeLessThan(1e-4)
    }
  })

  it('--output probability refuses it in one line naming the row and value and suggesting logit', async () => {
    const r = await glassbox(...args('mlp-logit.schema.json', '--output', 'probability'))
    const first = ref.logit.findIndex((z) => !(z >= 0 && z <= 1))
    expectOneLine(
      r,
      new RegExp(
        `^glassbox: \\S*mlp-logit\\.onnx outputs -?[\\d.e+-]+ for row ${first} of \\S*data\\.csv and \\d+ more rows: `,
      ),
    )
    expect(r.stderr).toContain('(CLI: --output logit)')
    const value = Number(/outputs (\S+) for/.exec(r.stderr)![1])
    expect(Math.abs(value - ref.logit[first]!)).toBeLessThan(1e-5)
  })
})
