/**
 * `glassbox audit` prints the page's load notices before its summary and records the warnings in
 * the report (src/core/loadChecks.ts loadNotices, the function the page's notices come from):
 * an unseen positive label and one-class labels are warned about in stdout and in `warnings`, and
 * a gate still evaluates next to them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { G, GOLDEN_AUDIT_FAST, glassbox } from './run.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-warn-'))
const schema = JSON.parse(readFileSync(join(G, 'schema.json'), 'utf8')) as {
  target: { positive: string }
}
const csvLines = readFileSync(join(G, 'data.csv'), 'utf8').trimEnd().split('\n')
const ignored = 'note: Columns not in the schema, ignored: fnlwgt, education'

/** The fast golden audit with `--data`/`--schema` replaced, a gate, and the report written. */
async function audit(data: string, schemaPath: string) {
  const out = join(tmp, `${Math.random().toString(36).slice(2)}.json`)
  const args = [...GOLDEN_AUDIT_FAST, '--quantize', 'none']
  args[args.indexOf('--data') + 1] = data
  args[args.indexOf('--schema') + 1] = schemaPath
  const r = await glassbox(...args, '--fail-on', 'metrics.accuracy<0.5', '--out', out)
  const report = JSON.parse(readFileSync(out, 'utf8')) as Report
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  return { ...r, report }
}

describe('glassbox audit load warnings', () => {
  it('an unseen positive label: both warnings in stdout before the summary and in the report; the gate evaluates', async () => {
    const s = join(tmp, 'schema-yes.json')
    writeFileSync(s, JSON.stringify({ ...schema, target: { ...schema.target, positive: 'yes' } }))
    const r = await audit(join(G, 'data.csv'), s)
    const expected = [
      'The target column "income" never has the positive value "yes" (its values: "<=50K", ">50K"); every label is negative.',
      'All 2000 labels are negative (income ≠ "yes"): ROC AUC and the precision–recall curve are undefined, and so is every group\'s TPR.',
    ]
    expect(r.report.warnings).toEqual(expected)
    const lines = r.stdout.split('\n')
    const summary = lines.findIndex((l) => l.startsWith('model '))
    expect(lines.slice(0, summary)).toEqual([
      ignored,
      expect.stringMatching(/^note: Empty or unknown categorical values, encoded as all zeros: /),
      ...expected.map((w) => `warning: ${w}`),
    ])
    // Every label negative: accuracy = the share of negative predictions (> 0.5), so the gate passes.
    expect(r.stdout).toMatch(/^pass metrics\.accuracy<0\.5 /m)
    expect(r.code).toBe(0)
  })

  it('one-class labels (only ">50K" rows): the warning is printed and recorded; a failing gate still exits 1', async () => {
    const data = join(tmp, 'negatives.csv')
    const header = csvLines[0]!
    const target = header.split(',').indexOf('income')
    const rows = csvLines.slice(1).filter((l) => l.split(',')[target] === '>50K')
    writeFileSync(data, [header, ...rows].join('\n') + '\n')
    const r = await audit(data, join(G, 'schema.json'))
    const warning = `All ${rows.length} labels are positive (income = ">50K"): ROC AUC and the precision–recall curve are undefined, and so is every group's FPR.`
    expect(r.report.warnings).toEqual([warning])
    expect(r.stdout).toContain(`\nwarning: ${warning}\nmodel `)
    expect(r.report.metrics!.rocAuc).toBeNull()
    const failing = await glassbox(
      ...GOLDEN_AUDIT_FAST.map((a) => (a === join(G, 'data.csv') ? data : a)),
      '--quantize',
      'none',
      '--fail-on',
      'metrics.accuracy>=0',
    )
    expect(failing.stdout).toContain(`warning: ${warning}`)
    expect(failing.stderr).toMatch(/^FAIL metrics\.accuracy>=0 /m)
    expect(failing.code).toBe(1)
  })

  it('the golden audit records no warnings (its notes are printed, not recorded)', async () => {
    const r = await audit(join(G, 'data.csv'), join(G, 'schema.json'))
    expect(r.report.warnings).toBeUndefined()
    expect(r.stdout.split('\n')[0]).toBe(ignored)
  })
})
