/**
 * The load notices survive a sharded run (issue 16): each partial carries its rows' load facts
 * (body key `load`), `glassbox merge` merges them and prints the `note:` / `warning:` lines the
 * single-process streamed run prints before its summary, and records the same `warnings` — so a
 * gate that passes on one-class labels still says so. A partial with ill-typed load facts is
 * refused as corrupt by name; partials without facts (an older Glassbox) merge without notices,
 * and a mix of both is refused by name. The reference is the single-process streamed run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AUDIT_PARTIAL_FORMAT, AUDIT_PARTIAL_VERSION } from '../../src/cli/partial.ts'
import { envelopeRead, envelopeWrite } from '../../src/core/stream/index.ts'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { G, GOLDEN_AUDIT_FAST, expectOneLine, glassbox, root } from './run.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-shardnote-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** The golden rows whose income is ">50K" (one-class labels), written to a CSV. */
const lines = readFileSync(join(G, 'data.csv'), 'utf8').trimEnd().split('\n')
const header = lines[0]!
const income = header.split(',').indexOf('income')
const positives = lines.slice(1).filter((l) => l.split(',')[income] === '>50K')
const oneClass = join(tmp, 'positives.csv')
writeFileSync(oneClass, [header, ...positives].join('\n') + '\n')
const warning = `All ${positives.length} labels are positive (income = ">50K"): ROC AUC and the precision–recall curve are undefined, and so is every group's FPR.`

/** The `note:` / `warning:` lines of a stdout, in order. */
const noticeLines = (stdout: string) =>
  stdout.split('\n').filter((l) => l.startsWith('note: ') || l.startsWith('warning: '))

/** The `note:` / `warning:` lines before the summary (`model …`), and the summary's index. */
function beforeSummary(stdout: string) {
  const all = stdout.split('\n')
  const summary = all.findIndex((l) => l.startsWith('model '))
  expect(summary).toBeGreaterThan(0)
  return all.slice(0, summary).filter((l) => l.startsWith('note: ') || l.startsWith('warning: '))
}

const AUDIT = [...GOLDEN_AUDIT_FAST, '--quantize', 'none', '--rows', '5'].map((a) =>
  a === join(G, 'data.csv') ? oneClass : a,
)
const GATE = ['--fail-on', 'metrics.accuracy<0']

/** Runs and expects exit 0. */
async function ok(...args: string[]) {
  const r = await glassbox(...args)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r
}

const readReport = (path: string) => {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  return report
}

/** Shards 2, 0, 1 of 3 of the one-class audit: their partial files. */
async function auditPartials(tag: string): Promise<string[]> {
  for (const i of [2, 0, 1])
    await ok(
      ...AUDIT,
      '--shard',
      `${i}/3`,
      '--partial',
      join(tmp, `${tag}-{index}.json`),
      '--quiet',
    )
  return [0, 1, 2].map((i) => join(tmp, `${tag}-${i}.json`))
}

/** A partial's text with its body changed by `edit`, re-enveloped (a valid checksum). */
function rewrite(path: string, edit: (body: Record<string, unknown>) => void): string {
  const body = envelopeRead(
    readFileSync(path, 'utf8').trimEnd(),
    AUDIT_PARTIAL_FORMAT,
    AUDIT_PARTIAL_VERSION,
  )
  edit(body)
  const out = `${path}.edited.json`
  writeFileSync(
    out,
    `${envelopeWrite(AUDIT_PARTIAL_FORMAT, AUDIT_PARTIAL_VERSION, JSON.stringify(body))}\n`,
  )
  return out
}

describe('sharded audit: load notices through the merge', () => {
  let partials: string[] = []

  it('3 shards merged print the single-process notices before the summary and record its warnings; a passing gate still warns', async () => {
    const one = await ok(...AUDIT, '--stream', ...GATE, '--out', join(tmp, 'single.json'))
    const single = readReport(join(tmp, 'single.json'))
    expect(single.warnings).toEqual([warning])
    partials = await auditPartials('part')
    const merged = await ok('merge', ...partials, ...GATE, '--out', join(tmp, 'merged.json'))
    const report = readReport(join(tmp, 'merged.json'))
    expect(report.warnings).toEqual(single.warnings)
    expect(readFileSync(join(tmp, 'merged.json'), 'utf8')).toBe(
      readFileSync(join(tmp, 'single.json'), 'utf8'),
    )
    expect(beforeSummary(merged.stdout)).toEqual(beforeSummary(one.stdout))
    expect(beforeSummary(merged.stdout)).toContain(`warning: ${warning}`)
    expect(merged.stdout).toMatch(/^pass metrics\.accuracy<0 /m)
    // --quiet: nothing printed, the warning still recorded.
    const quiet = await ok('merge', ...partials, '--quiet', '--out', join(tmp, 'quiet.json'))
    expect(noticeLines(quiet.stdout)).toEqual([])
    expect(readReport(join(tmp, 'quiet.json')).warnings).toEqual([warning])
  }, 120_000)

  it('refuses ill-typed load facts as corrupt by name; merges older partials (no facts) without notices; refuses a mix', async () => {
    expect(partials).toHaveLength(3)
    const [p0, p1, p2] = partials as [string, string, string]
    const edits: ((load: Record<string, unknown>) => void)[] = [
      (l) => ((l.facts as { tally: { rows: unknown } }).tally.rows = -1),
      (l) => ((l.facts as { tally: { positives: unknown } }).tally.positives = 1e9),
      (l) => ((l.facts as { encode: { unknownCounts: unknown } }).encode.unknownCounts = ['x']),
      (l) => ((l.schema as { sensitive: unknown }).sensitive = 'sex'),
      (l) => (l.current = 7),
    ]
    for (const edit of edits) {
      const bad = rewrite(p1, (b) => edit(b.load as Record<string, unknown>))
      const r = await glassbox('merge', p0, bad, p2, '--out', join(tmp, 'bad.json'))
      expect(r.code).toBe(2)
      expectOneLine(r, new RegExp(`${bad.replaceAll('.', '\\.')} is corrupt: load facts: `))
    }
    const old = partials.map((p) => rewrite(p, (b) => delete b.load))
    const r = await ok('merge', ...old, '--out', join(tmp, 'old.json'))
    expect(noticeLines(r.stdout)).toEqual([])
    expect(readReport(join(tmp, 'old.json')).warnings).toBeUndefined()
    const mixed = await glassbox('merge', p0, old[1]!, p2, '--out', join(tmp, 'mixed.json'))
    expect(mixed.code).toBe(2)
    expectOneLine(mixed, /is foreign: it carries no load facts/)
  }, 120_000)
})

describe('sharded drift: load notices through its passes and merges', () => {
  it('3 shards of every pass merged print and record what the single-process streamed drift does', async () => {
    const demo = join(root, 'public/demo')
    const args = [
      ...['drift', '--model', join(demo, 'model.json'), '--schema', join(demo, 'schema.json')],
      ...['--reference', join(G, 'data.csv'), '--current', oneClass, '--backend', 'cpu'],
    ]
    const one = await ok(...args, '--stream', ...GATE, '--out', join(tmp, 'd-single.json'))
    const single = readReport(join(tmp, 'd-single.json'))
    expect(single.warnings).toEqual([`${oneClass}: ${warning}`])
    const t = (s: string) => join(tmp, `d-${s}`)
    const files = (p: number) => [0, 1, 2].map((i) => t(`p${p}-${i}.json`))
    const shard = (i: number) => ['--shard', `${i}/3`, '--quiet']
    for (const i of [1, 2, 0]) await ok(...args, ...shard(i), '--partial', t('p1-{index}.json'))
    await ok('merge', ...files(1), '--state', t('s1.json'), '--quiet')
    const oodPass = async (pass: 2 | 3, order: number[], state: string) => {
      for (const i of order) {
        const more = ['--ood-pass', String(pass), '--state', t(state)]
        await ok(...args, ...shard(i), ...more, '--partial', t(`p${pass}-{index}.json`))
      }
    }
    await oodPass(2, [0, 1, 2], 's1.json')
    await ok('merge', t('s1.json'), ...files(2), '--state', t('s2.json'), '--quiet')
    await oodPass(3, [2, 1, 0], 's2.json')
    const merged = await ok('merge', ...files(3), t('s2.json'), ...GATE, '--out', t('report.json'))
    expect(readReport(t('report.json')).warnings).toEqual(single.warnings)
    expect(noticeLines(merged.stdout)).toEqual(noticeLines(one.stdout))
    expect(noticeLines(merged.stdout)).toContain(`warning: ${oneClass}: ${warning}`)
    expect(merged.stdout).toMatch(/^pass metrics\.accuracy<0 /m)
  }, 240_000)
})
