/**
 * `output.kind: "logit"` through the CLI (docs/contracts.md §1, §3 `--output`): the golden model's
 * logit copy (test/fixtures/golden/adult-logit, made by scripts/make-adult-logit.ts) gives every
 * golden number of reference.json, by its schema or by `--output logit`; the same model under
 * `probability` is refused with the message that suggests `logit`.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { GOLDEN_REPORT_ARGS, expectGoldenReport } from './goldenReport.ts'
import { G, expectOneLine, glassbox, root } from './run.ts'

const L = join(root, 'test/fixtures/golden/adult-logit')
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-logit-'))
const ref = JSON.parse(readFileSync(join(G, 'reference.json'), 'utf8')) as {
  explainedRows: number[]
  metrics: { accuracy: number; rocAuc: number }
}
const logitAudit = (schema: string) => [
  'audit',
  '--model',
  join(L, 'model.json'),
  '--data',
  join(G, 'data.csv'),
  '--schema',
  schema,
]

describe('glassbox audit of the logit copy of the golden model', () => {
  it('with output.kind "logit" in its schema gives every golden number (§5)', async () => {
    const out = join(tmp, 'logit.json')
    const r = await glassbox(
      ...logitAudit(join(L, 'schema.json')),
      ...GOLDEN_REPORT_ARGS,
      '--out',
      out,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expectGoldenReport(JSON.parse(readFileSync(out, 'utf8')) as Report)
  })

  it('--output logit overrides the golden schema; without it the model is refused, suggesting logit; the sigmoid golden model is refused under logit', async () => {
    const fast = ['--no-shap', '--ig-steps', '0', '--counterfactuals', '0', '--quantize', 'none']
    const out = join(tmp, 'override.json')
    const ok = await glassbox(
      ...logitAudit(join(G, 'schema.json')),
      ...fast,
      '--output',
      'logit',
      '--out',
      out,
    )
    expect(ok.code).toBe(0)
    const m = (JSON.parse(readFileSync(out, 'utf8')) as Report).metrics!
    expect(Math.abs(m.accuracy! - ref.metrics.accuracy)).toBeLessThan(1e-6)
    expect(Math.abs(m.rocAuc! - ref.metrics.rocAuc)).toBeLessThan(1e-5)
    for (const args of [[], ['--output', 'probability']]) {
      const bad = await glassbox(...logitAudit(join(L, 'schema.json')), ...fast, ...args)
      if (args.length === 0) {
        expect(bad.code).toBe(0)
        continue
      }
      expectOneLine(
        bad,
        /model\.json: the output layer's activation is "linear", so its values are not probabilities, but the schema's output\.kind is "probability"\. If the model outputs raw scores \(logits\), set "output": \{"kind": "logit"\} in the schema \(CLI: --output logit\) and Glassbox applies the sigmoid or softmax itself\.$/,
      )
    }
    const twice = await glassbox(
      'audit',
      '--model',
      join(G, 'model.json'),
      '--data',
      join(G, 'data.csv'),
      '--schema',
      join(G, 'schema.json'),
      '--output',
      'logit',
    )
    expectOneLine(
      twice,
      /model\.json: the output layer's activation is already "sigmoid", so its values are probabilities, but the schema's output\.kind is "logit" \(Glassbox would apply the sigmoid a second time\)\. Use "output": \{"kind": "probability"\} \(CLI: --output probability\)\.$/,
    )
    const unknown = await glassbox(...logitAudit(join(L, 'schema.json')), '--output', 'margin')
    expectOneLine(unknown, /--output must be probability or logit \(got "margin"\)$/)
  })

  it('drift takes --output too', async () => {
    const driftArgs = [
      'drift',
      '--model',
      join(L, 'model.json'),
      '--schema',
      join(G, 'schema.json'),
      '--reference',
      join(G, 'data.csv'),
      '--current',
      join(G, 'data.csv'),
    ]
    const drift = await glassbox(...driftArgs, '--output', 'logit')
    expect(drift.stderr).toBe('')
    expect(drift.code).toBe(0)
    const acc = ref.metrics.accuracy.toFixed(3)
    expect(drift.stdout).toContain(`accuracy ${acc} → ${acc}`)
    const refused = await glassbox(...driftArgs)
    expectOneLine(refused, /activation is "linear".*--output logit/)
  })
})
