import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  G,
  GOLDEN_AUDIT as golden,
  GOLDEN_AUDIT_FAST as fast,
  expectOneLine,
  glassbox,
  root,
} from './run.ts'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'

const BAD = join(root, 'e2e/fixtures/bad')
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-cli-'))
const ref = JSON.parse(readFileSync(join(G, 'reference.json'), 'utf8'))

describe('glassbox audit on the golden fixture', () => {
  it('matches the reference within the contract tolerances and validates', async () => {
    const out = join(tmp, 'golden.json')
    const r = await glassbox(
      ...golden,
      '--rows',
      ref.explainedRows.join(','),
      '--ig-steps',
      '2048',
      '--out',
      out,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(report.settings).toMatchObject({
      threshold: 0.5,
      budget: 4096,
      seed: 1,
      igSteps: 2048,
      igMethod: 'midpoint',
      igBaseline: 'mean',
      counterfactuals: 4,
      quantize: ['float16', 'uint8'],
      background: { kind: 'first', k: 50 },
    })
    expect(report.model.sha256).toBe(
      '3c4cbb658280f4afd9e66f1f2d499e668ed7ce04a1d007560c78101d5f052ce4',
    )
    const m = report.metrics!
    expect(Math.abs(m.accuracy! - ref.metrics.accuracy)).toBeLessThan(1e-6)
    expect(Math.abs(m.rocAuc! - ref.metrics.rocAuc)).toBeLessThan(1e-5)
    expect(Math.abs(m.logLoss! - ref.metrics.logLoss)).toBeLessThan(1e-6)
    expect(Math.abs(m.brier! - ref.metrics.brier)).toBeLessThan(1e-6)
    expect(Math.abs(report.calibration!.ece! - ref.calibration.ece)).toBeLessThan(1e-6)
    expect(Math.abs(report.calibration!.mce! - ref.calibration.mce)).toBeLessThan(1e-6)
    report.calibration!.bins.forEach((b, k) => {
      const rb = ref.calibration.bins[k]
      expect(b.count).toBe(rb.count)
      if (rb.meanPredicted === null) expect(b.meanPredicted).toBeNull()
      else expect(Math.abs(b.meanPredicted! - rb.meanPredicted)).toBeLessThan(1e-6)
    })
    for (const attr of ['sex', 'race']) {
      const f = report.fairness![attr]!
      const rf = ref.fairness[attr]
      expect(Object.keys(f.groups)).toEqual(Object.keys(rf.groups))
      for (const key of [
        'demographicParityDifference',
        'demographicParityRatio',
        'equalizedOddsDifference',
        'equalOpportunityDifference',
        'equalizedOddsRatio',
      ] as const) {
        expect(Math.abs(f[key]! - rf[key])).toBeLessThan(1e-6)
      }
      for (const [g, rg] of Object.entries(rf.groups as Record<string, Record<string, number>>)) {
        for (const k of ['selectionRate', 'tpr', 'fpr', 'precision', 'accuracy'] as const)
          expect(Math.abs(f.groups[g]![k]! - rg[k]!)).toBeLessThan(1e-6)
        expect(f.groups[g]!.small).toBe(rg.count! < 30)
      }
    }
    // Quantization section (default --quantize float16,uint8) against the reference.
    for (const id of ['uint8', 'float16'] as const) {
      const q = report.quantization![id]!
      const rq = ref.quantization[id]
      expect(q.agreement).toBe(rq.agreement)
      expect(Math.abs(q.maxAbsDiff - rq.maxAbsDiff)).toBeLessThan(1e-6)
      expect(Math.abs(q.accuracy! - rq.accuracy)).toBeLessThan(1e-6)
      expect(Math.abs(q.ece! - rq.ece)).toBeLessThan(1e-6)
    }
    expect(report.quantization!.uint8!.agreement).toBe(0.9955)
    expect(report.quantization!.uint8!.bytes).toBe(1617)
    expect(report.quantization!.float16!.bytes).toBe(3138)
    for (const row of ref.explainedRows as number[]) {
      const e = report.explanations![String(row)]!
      expect(e.exact).toBe(true)
      expect(Math.abs(e.baseValue! - ref.baseValue[row])).toBeLessThan(1e-4)
      for (const [f, v] of Object.entries(ref.shap[row] as Record<string, number>))
        expect(Math.abs(e.shap![f]! - v)).toBeLessThan(1e-4)
      for (const [f, v] of Object.entries(ref.ig[row] as Record<string, number>))
        expect(Math.abs(e.ig![f]! - v)).toBeLessThan(1e-3)
      expect(e.igSteps).toBe(2048)
      expect(Math.abs(e.igCompletenessGap!)).toBeLessThan(1e-3)
      for (const c of e.counterfactuals!) {
        expect(c.valid).toBe(true)
        expect(c.nChanged).toBe(Object.keys(c.changes).length)
      }
    }
  })

  it('writes a self-contained HTML report', async () => {
    const html = join(tmp, 'golden.html')
    const r = await glassbox(...golden, '--rows', '489,1175', '--html', html, '--quiet')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    const text = readFileSync(html, 'utf8')
    expect(text).toMatch(/^<!doctype html>/i)
    expect(text).not.toMatch(/<script/i)
    expect(text).not.toMatch(/http/i)
    expect(text).not.toContain('//')
    expect(text).toContain('<svg')
  })
})

describe('glassbox audit gates', () => {
  it('passes and fails gates with exit 0 and 1, listing every gate', async () => {
    const ok = await glassbox(
      ...fast,
      '--fail-on',
      'metrics.accuracy < 0.8',
      '--fail-on',
      'fairness.race.groups["Amer-Indian-Eskimo"].tpr<0.4',
    )
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/pass metrics\.accuracy < 0\.8 \(metrics\.accuracy = 0\.852\)/)
    expect(ok.stdout).toMatch(/pass fairness\.race\.groups\["Amer-Indian-Eskimo"\]\.tpr<0\.4/)
    const bad = await glassbox(
      ...fast,
      '--fail-on',
      'calibration.ece>0.03',
      '--fail-on',
      'metrics.accuracy<0.8',
    )
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/FAIL calibration\.ece>0\.03 \(calibration\.ece = 0\.0339/)
    expect(bad.stdout).toMatch(/pass metrics\.accuracy<0\.8/)
  })

  it('treats a null value as a violation and an unknown path as a usage error', async () => {
    const nul = await glassbox(
      ...fast,
      '--threshold',
      '0.9999',
      '--fail-on',
      'fairness.race.groups.Other.precision>0.5',
    )
    expect(nul.code).toBe(1)
    expect(nul.stderr).toMatch(/fairness\.race\.groups\.Other\.precision is null/)
    expectOneLine(
      await glassbox(...fast, '--fail-on', 'metrics.accuracyy<0.5'),
      /^glassbox: bad --fail-on "metrics\.accuracyy<0\.5": unknown report path metrics\.accuracyy \(metrics has: accuracy, .*\)$/,
    )
    expectOneLine(
      await glassbox(...fast, '--fail-on', 'metrics.accuracy ~ 0.5'),
      /bad --fail-on "metrics\.accuracy ~ 0\.5"/,
    )
  })
})

describe('glassbox audit bad input', () => {
  it('names a missing file', async () => {
    expectOneLine(
      await glassbox(
        'audit',
        '--model',
        'nope/model.json',
        '--data',
        join(G, 'data.csv'),
        '--schema',
        join(G, 'schema.json'),
      ),
      /cannot read --model nope\/model\.json: no such file/,
    )
  })
  it('names a width mismatch', async () => {
    expectOneLine(
      await glassbox(...golden.slice(0, 5), '--schema', join(BAD, 'schema-wide.json')),
      /width mismatch: .*expects 88 inputs, but .*schema-wide\.json encodes 13 features into 89 inputs/,
    )
  })
  it('names a missing column', async () => {
    expectOneLine(
      await glassbox(
        'audit',
        '--model',
        join(G, 'model.json'),
        '--data',
        join(BAD, 'data-missing-column.csv'),
        '--schema',
        join(G, 'schema.json'),
      ),
      /data-missing-column\.csv: missing feature column "age"/,
    )
  })
  it('names a malformed CSV and a malformed JSON', async () => {
    const csv = join(tmp, 'broken.csv')
    writeFileSync(csv, 'age,workclass\n"39,State-gov\n')
    expectOneLine(
      await glassbox(
        'audit',
        '--model',
        join(G, 'model.json'),
        '--data',
        csv,
        '--schema',
        join(G, 'schema.json'),
      ),
      /broken\.csv: malformed quoting/,
    )
    expectOneLine(
      await glassbox(
        'audit',
        '--model',
        join(BAD, 'not-json-model.json'),
        '--data',
        join(G, 'data.csv'),
        '--schema',
        join(G, 'schema.json'),
      ),
      /not-json-model\.json: not a valid model\.json — the file is not JSON/,
    )
    const schema = join(tmp, 'schema.json')
    writeFileSync(schema, '{"schemaVersion": 1, ')
    expectOneLine(
      await glassbox(...golden.slice(0, 5), '--schema', schema),
      /schema\.json: not valid JSON/,
    )
  })
  it('rejects an unknown option, a bad value and an unknown command', async () => {
    expectOneLine(
      await glassbox(...golden, '--frobnicate'),
      /^glassbox: unknown option --frobnicate/,
    )
    expectOneLine(
      await glassbox(...golden, '--background', 'median:5'),
      /--background must be first:K, sample:K or kmeans:K/,
    )
    expectOneLine(
      await glassbox(...golden, '--quantize', 'int3'),
      /--quantize: unknown scheme "int3"/,
    )
    expectOneLine(await glassbox('explode'), /unknown command "explode"/)
  })
})
