import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectOneLine, glassbox, root } from './run.ts'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'

const DEMO = join(root, 'public/demo')
const FIX = join(root, 'e2e/fixtures/drift')
const BAD = join(root, 'e2e/fixtures/bad')
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-drift-'))

const model = ['--model', join(DEMO, 'model.json'), '--schema', join(DEMO, 'schema.json')]
const halves = [
  'drift',
  ...model,
  '--reference',
  join(FIX, 'reference-a.csv'),
  '--current',
  join(FIX, 'reference-b.csv'),
]
const drifted = [
  'drift',
  ...model,
  '--reference',
  join(DEMO, 'data.csv'),
  '--current',
  join(DEMO, 'drifted.csv'),
]

describe('glassbox drift gates', () => {
  it('passes drift.maxPsi>0.2 on two halves of the demo data', async () => {
    const r = await glassbox(...halves, '--fail-on', 'drift.maxPsi>0.2')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^pass drift\.maxPsi>0\.2 \(drift\.maxPsi = 0\.\d+\)$/m)
    expect(r.stdout).toMatch(/feature drift/)
    expect(r.stdout).not.toMatch(/DRIFTED/)
  })

  it('fails it on the drifted copy, writing a valid report and a self-contained HTML file', async () => {
    const out = join(tmp, 'drift.json')
    const html = join(tmp, 'drift.html')
    const r = await glassbox(
      ...drifted,
      '--fail-on',
      'drift.maxPsi>0.2',
      '--fail-on',
      'drift.oodShare>0.5',
      '--out',
      out,
      '--html',
      html,
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^FAIL drift\.maxPsi>0\.2 \(drift\.maxPsi = 1\.\d+\)$/m)
    expect(r.stdout).toMatch(/^pass drift\.oodShare>0\.5/m)
    expect(r.stdout).toMatch(/^ {2}age .*DRIFTED \(psi, test\)$/m)
    expect(r.stdout).toMatch(/accuracy 0\.\d+ → 0\.\d+ \(-0\.\d+\) !/)

    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    const bytes = readFileSync(join(DEMO, 'drifted.csv'))
    expect(report.data).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rows: 2000,
    })
    expect(report.settings).toMatchObject({
      threshold: 0.5,
      seed: 1,
      rows: [],
      igSteps: 0,
      counterfactuals: 0,
      quantize: [],
    })
    expect(report.explanations).toBeUndefined()
    expect(report.metrics!.accuracy).toBeLessThan(0.8) // 15% of the labels flipped
    const d = report.drift!
    expect(Object.keys(d.features)).toEqual([
      'age',
      'workclass',
      'education_num',
      'marital_status',
      'occupation',
      'relationship',
      'race',
      'sex',
      'capital_gain',
      'capital_loss',
      'hours_per_week',
      'native_country',
    ])
    expect(d.features.age).toMatchObject({ drifted: true, chi2: null })
    expect(d.features.age!.wasserstein).toBeCloseTo(8, 9)
    expect(d.features.marital_status).toMatchObject({ drifted: true, ks: null, wasserstein: null })
    expect(d.features.sex).toMatchObject({ psi: 0, drifted: false })
    expect(d.maxPsi).toBe(d.features.age!.psi)
    expect(d.oodShare).toBeGreaterThan(0)

    const text = readFileSync(html, 'utf8')
    expect(text).toMatch(/^<!doctype html>/i)
    expect(text).toContain('Glassbox drift report')
    expect(text).toContain('Population stability index per feature')
    expect(text).not.toMatch(/<script/i)
    expect(text).not.toMatch(/http/i)
  })

  it('says what cannot be judged when the current data has no labels', async () => {
    const lines = readFileSync(join(FIX, 'reference-b.csv'), 'utf8').trimEnd().split('\n')
    const unlabelled = join(tmp, 'unlabelled.csv')
    writeFileSync(unlabelled, `${lines.map((l) => l.slice(0, l.lastIndexOf(','))).join('\n')}\n`)
    const out = join(tmp, 'unlabelled.json')
    const r = await glassbox(
      'drift',
      ...model,
      '--reference',
      join(FIX, 'reference-a.csv'),
      '--current',
      unlabelled,
      '--out',
      out,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/note: .*unlabelled\.csv has no labels: accuracy, ROC AUC/)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(report.metrics).toBeUndefined()
    expect(report.drift!.prediction.psi).toBeGreaterThanOrEqual(0)
  })
})

describe('glassbox drift bad input', () => {
  it('names missing options, files and columns in one line', async () => {
    expectOneLine(
      await glassbox('drift', ...model, '--reference', join(FIX, 'reference-a.csv')),
      /^glassbox: --current is required/,
    )
    expectOneLine(
      await glassbox(
        'drift',
        ...model,
        '--reference',
        'nope.csv',
        '--current',
        join(FIX, 'reference-b.csv'),
      ),
      /cannot read --reference nope\.csv: no such file/,
    )
    expectOneLine(
      await glassbox(...halves, '--data', 'x.csv'),
      /^glassbox: unknown option --data \(see glassbox drift --help\)/,
    )
    expectOneLine(
      await glassbox(
        'drift',
        ...model,
        '--reference',
        join(FIX, 'reference-a.csv'),
        '--current',
        join(BAD, 'data-missing-column.csv'),
      ),
      /data-missing-column\.csv: missing feature column "age"/,
    )
    expectOneLine(
      await glassbox(...halves, '--fail-on', 'drift.maxPsy>0.2'),
      /^glassbox: bad --fail-on "drift\.maxPsy>0\.2": unknown report path drift\.maxPsy \(drift has: features, maxPsi, prediction, oodShare\)$/,
    )
  })

  it('prints its usage with --help', async () => {
    const r = await glassbox('drift', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^usage: glassbox drift --model M\.json --schema S\.json --reference A\.csv --current B\.csv/,
    )
  })
})
