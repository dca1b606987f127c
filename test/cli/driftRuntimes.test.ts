/**
 * `glassbox drift` on ONNX and XGBoost JSON models (test/fixtures/models): reference = the last
 * 200 rows of data.csv, current = all 400. The report's current-data metrics are the Python
 * reference's (sklearn.metrics on the library's probabilities) and the prediction KS statistic is
 * the one of the reference probabilities, computed here by brute force.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { MODELS_DIR, MODEL_FIXTURES } from '../session/fixtureSession.ts'
import { glassbox } from './run.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-drift-runtimes-'))
const DATA = join(MODELS_DIR, 'data.csv')
const FIRST_REFERENCE_ROW = 200
const referenceCsv = join(tmp, 'reference.csv')
{
  const lines = readFileSync(DATA, 'utf8').trimEnd().split('\n')
  writeFileSync(
    referenceCsv,
    `${[lines[0]!, ...lines.slice(1 + FIRST_REFERENCE_ROW)].join('\n')}\n`,
  )
}

/** Two-sample KS statistic: max over x of |F_a(x) − F_b(x)|, by brute force over every value. */
function ks(a: readonly number[], b: readonly number[]): number {
  const cdf = (s: readonly number[], x: number) => s.filter((v) => v <= x).length / s.length
  return Math.max(...[...a, ...b].map((x) => Math.abs(cdf(a, x) - cdf(b, x))))
}

describe.each(
  ['xgboost-binary.onnx', 'xgboost-multiclass.json', 'rf-pipeline.onnx'].map(
    (file) => [file, MODEL_FIXTURES.find((f) => f.file === file)!] as const,
  ),
)('glassbox drift %s', (file, f) => {
  it("runs and reports the reference's current-data metrics", async () => {
    const out = join(tmp, `${file}.json`)
    const r = await glassbox(
      'drift',
      '--model',
      join(MODELS_DIR, file),
      '--schema',
      join(MODELS_DIR, f.ref.schema),
      ...(f.ref.classIndex === 1 ? [] : ['--class', String(f.ref.classIndex)]),
      '--reference',
      referenceCsv,
      '--current',
      DATA,
      '--out',
      out,
      '--quiet',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(report.data.rows).toBe(f.ref.rows)
    expect(report.model.format).toBe(file.endsWith('.json') ? 'xgboost-json' : 'onnx')
    const m = report.metrics!
    const want = f.ref.metrics
    expect(Math.abs(m.accuracy! - want.accuracy!)).toBeLessThan(1e-9)
    expect(Math.abs(m.rocAuc! - want.rocAuc!)).toBeLessThan(1e-6)
    expect(Math.abs(m.logLoss! - want.logLoss!)).toBeLessThan(1e-6)
    expect(Math.abs(m.brier! - want.brier!)).toBeLessThan(1e-6)
    const d = report.drift!
    expect(Object.keys(d.features).sort()).toEqual(
      (
        JSON.parse(readFileSync(join(MODELS_DIR, f.ref.schema), 'utf8')) as {
          features: { name: string }[]
        }
      ).features
        .map((x) => x.name)
        .sort(),
    )
    expect(d.prediction.ks).toBeCloseTo(ks(f.ref.proba.slice(FIRST_REFERENCE_ROW), f.ref.proba), 9)
  })
})
