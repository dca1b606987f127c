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
import { GOLDEN_REPORT_ARGS, expectGoldenReport } from './goldenReport.ts'

const BAD = join(root, 'e2e/fixtures/bad')
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-cli-'))

describe('glassbox audit on the golden fixture', () => {
  it('matches the reference within the contract tolerances and validates', async () => {
    const out = join(tmp, 'golden.json')
    const r = await glassbox(...golden, ...GOLDEN_REPORT_ARGS, '--out', out)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expectGoldenReport(report)
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
