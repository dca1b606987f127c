/**
 * `glassbox audit` prints the page's load notices before its summary and records the warnings in
 * the report (src/core/loadChecks.ts loadNotices, the function the page's notices come from):
 * an unseen positive label and one-class labels are warned about in stdout and in `warnings`, and
 * a gate still evaluates next to them. So do `glassbox compare` (the data's notices once),
 * `glassbox drift` (the reference's and the current file's, each prefixed by its path) and the
 * streamed audit and drift (the same lines and warnings as the in-memory runs, from facts
 * accumulated over the chunks; test/core/loadChecks.test.ts checks the accumulation on any split).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { G, GOLDEN_AUDIT_FAST, glassbox, root } from './run.ts'

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

/** The `note:` / `warning:` lines of a stdout, in order. */
const noticeLines = (stdout: string) =>
  stdout.split('\n').filter((l) => l.startsWith('note: ') || l.startsWith('warning: '))

/** The golden rows whose income is ">50K" (one-class labels), written to a CSV. */
function positivesOnly(): { path: string; rows: number } {
  const path = join(tmp, 'positives.csv')
  const header = csvLines[0]!
  const target = header.split(',').indexOf('income')
  const rows = csvLines.slice(1).filter((l) => l.split(',')[target] === '>50K')
  writeFileSync(path, [header, ...rows].join('\n') + '\n')
  return { path, rows: rows.length }
}

describe('load warnings in compare, drift and the streamed runs', () => {
  const schemaYes = join(tmp, 'schema-yes-2.json')
  writeFileSync(
    schemaYes,
    JSON.stringify({ ...schema, target: { ...schema.target, positive: 'yes' } }),
  )
  const unseen = [
    'The target column "income" never has the positive value "yes" (its values: "<=50K", ">50K"); every label is negative.',
    'All 2000 labels are negative (income ≠ "yes"): ROC AUC and the precision–recall curve are undefined, and so is every group\'s TPR.',
  ]

  it("glassbox compare prints the data's notices once before the summary and records its warnings", async () => {
    const out = join(tmp, 'compare.json')
    const r = await glassbox(
      'compare',
      '--model',
      join(G, 'model.json'),
      '--challenger',
      join(G, 'quantized/uint8/model.json'),
      '--data',
      join(G, 'data.csv'),
      '--schema',
      schemaYes,
      '--rows',
      '5',
      '--no-shap',
      '--ig-steps',
      '0',
      '--counterfactuals',
      '0',
      '--quantize',
      'none',
      '--out',
      out,
    )
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(report.warnings).toEqual(unseen)
    const lines = r.stdout.split('\n')
    const summary = lines.findIndex((l) => l.startsWith('model '))
    expect(lines.slice(0, summary)).toEqual([
      ignored,
      expect.stringMatching(/^note: Empty or unknown categorical values, encoded as all zeros: /),
      ...unseen.map((w) => `warning: ${w}`),
    ])
  })

  it("glassbox drift names each file's notices by its path; only the current file's labels are one-class", async () => {
    const cur = positivesOnly()
    const ref = join(G, 'data.csv')
    const out = join(tmp, 'drift.json')
    const args = ['drift', '--model', join(G, 'model.json'), '--schema', join(G, 'schema.json')]
    const r = await glassbox(...args, '--reference', ref, '--current', cur.path, '--out', out)
    expect(r.code).toBe(0)
    const oneClass = `${cur.path}: All ${cur.rows} labels are positive (income = ">50K"): ROC AUC and the precision–recall curve are undefined, and so is every group's FPR.`
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(report.warnings).toEqual([oneClass])
    const notices = noticeLines(r.stdout)
    expect(notices[0]).toBe(`note: ${ref}: Columns not in the schema, ignored: fnlwgt, education`)
    expect(notices).toContain(
      `note: ${cur.path}: Columns not in the schema, ignored: fnlwgt, education`,
    )
    expect(notices.at(-1)).toBe(`warning: ${oneClass}`)
    // Before the summary.
    expect(r.stdout.indexOf(`warning: ${oneClass}`)).toBeLessThan(r.stdout.indexOf('\nmodel '))
  })

  it('the streamed audit prints and records what the in-memory audit does', async () => {
    const run = async (...extra: string[]) => {
      const out = join(tmp, `stream-${extra.length}.json`)
      const args = [...GOLDEN_AUDIT_FAST, '--quantize', 'none', '--rows', '5', ...extra]
      args[args.indexOf('--schema') + 1] = schemaYes
      const r = await glassbox(...args, '--out', out)
      expect(r.code).toBe(0)
      return { stdout: r.stdout, report: JSON.parse(readFileSync(out, 'utf8')) as Report }
    }
    const mem = await run()
    const str = await run('--stream')
    expect(str.report.warnings).toEqual(unseen)
    expect(str.report.warnings).toEqual(mem.report.warnings)
    expect(noticeLines(str.stdout)).toEqual(noticeLines(mem.stdout))
    expect(noticeLines(str.stdout)).toHaveLength(4)
  })

  it('the streamed drift prints and records what the in-memory drift does', async () => {
    const demo = join(root, 'public/demo')
    const cur = positivesOnly()
    const run = async (...extra: string[]) => {
      const out = join(tmp, `drift-stream-${extra.length}.json`)
      const r = await glassbox(
        'drift',
        '--model',
        join(demo, 'model.json'),
        '--schema',
        join(demo, 'schema.json'),
        '--reference',
        join(G, 'data.csv'),
        '--current',
        cur.path,
        '--backend',
        'cpu',
        '--out',
        out,
        ...extra,
      )
      expect(r.code).toBe(0)
      return { stdout: r.stdout, report: JSON.parse(readFileSync(out, 'utf8')) as Report }
    }
    const mem = await run()
    const str = await run('--stream')
    expect(mem.report.warnings).toHaveLength(1)
    expect(str.report.warnings).toEqual(mem.report.warnings)
    expect(noticeLines(str.stdout)).toEqual(noticeLines(mem.stdout))
  })
})
