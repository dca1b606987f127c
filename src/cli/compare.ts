/**
 * `glassbox compare --model A --challenger B --data D --schema S [--challenger-schema S2]
 * [audit options]` (docs/contracts.md §8): A's whole audit, plus the `comparison` section of B
 * against A on the same rows — differences with McNemar / DeLong p-values and paired bootstrap
 * intervals — so that gates like `comparison.metrics.rocAuc.pValue<0.05` or
 * `comparison.fairness.sex.demographicParityDifference.delta>0.02` run in CI. The data's load
 * notices are printed before the summary and its warnings recorded, as in `glassbox audit`.
 */
import { classRequest } from '../model/card.ts'
import type { LoadedModel } from '../model/runtime.ts'
import { auditFull } from '../report/auditFull.ts'
import { reportComparison } from '../report/compare.ts'
import type { Report } from '../report/types.ts'
import { sessionOpen, sessionPredictAll } from '../session/session.ts'
import { auditSummary } from './audit.ts'
import { type CliIo, progressBar } from './io.ts'
import { noticesReport, sessionNotices } from './notices.ts'
import { dataLoadFromDisk } from './dataSource.ts'
import { UsageError, modelOpenFromDisk, schemaLoadFromDisk } from './load.ts'
import { AUDIT_USAGE, auditOptionsParse } from './options.ts'
import { reportFinish } from './output.ts'

/** `glassbox compare --help`. */
export const COMPARE_USAGE = `usage: glassbox compare --model A --challenger B --data D.csv|D.parquet --schema S.json [options]

  --challenger FILE        the challenger model (any format the audit loads); --model is the champion
  --challenger-schema S2   the challenger's schema when its inputs differ (same target and rows)
  every audit option (--out, --html, --threshold, --seed, --fail-on, …) applies; the report is
  the champion's audit plus "comparison": each metric of both models, challenger − champion,
  its interval and p-value (McNemar for accuracy, DeLong for ROC AUC, paired bootstrap B = 1000
  otherwise), every fairness disparity per sensitive attribute, agreement of decisions and of
  SHAP explanations, e.g. --fail-on "comparison.metrics.rocAuc.delta<-0.01"`

/** The value of `--name V` or `--name=V` in argv, and argv without it. */
function take(argv: string[], name: string): { value: string | null; rest: string[] } {
  const rest: string[] = []
  let value: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === name) {
      const v = argv[i + 1]
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`)
      if (value !== null) throw new UsageError(`${name} is given twice`)
      value = v
      i++
    } else if (a.startsWith(`${name}=`)) {
      if (value !== null) throw new UsageError(`${name} is given twice`)
      value = a.slice(name.length + 1)
    } else rest.push(a)
  }
  return { value, rest }
}

/** The stdout summary: the champion's audit, then the comparison's headline numbers. */
function compareSummary(report: Report): string {
  const c = report.comparison
  if (!c) return auditSummary(report)
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(4))
  const p = (v: number | null) => (v === null ? '—' : v < 1e-4 ? v.toExponential(1) : v.toFixed(4))
  const lines = [
    auditSummary(report),
    `challenger ${c.challenger.sha256.slice(0, 12)}… (${c.challenger.format}) on ${c.rows} rows: agreement ${f(c.agreement)}, ${c.disagreements} decisions differ`,
    `  accuracy ${f(c.metrics.accuracy.champion)} → ${f(c.metrics.accuracy.challenger)} (Δ ${f(c.metrics.accuracy.delta)}, McNemar p ${p(c.metrics.accuracy.pValue)})`,
    `  roc auc  ${f(c.metrics.rocAuc.champion)} → ${f(c.metrics.rocAuc.challenger)} (Δ ${f(c.metrics.rocAuc.delta)}, DeLong p ${p(c.metrics.rocAuc.pValue)})`,
  ]
  for (const [attr, d] of Object.entries(c.fairness)) {
    const dp = d.demographicParityDifference
    const ci = dp.ci ? ` [${f(dp.ci[0])}, ${f(dp.ci[1])}]` : ''
    lines.push(
      `  ${attr}: demographic parity diff ${f(dp.champion)} → ${f(dp.challenger)} (Δ ${f(dp.delta)}${ci})`,
    )
  }
  return lines.join('\n')
}

/**
 * Runs `glassbox compare` (argv after the word); returns the exit code (0 ok, 1 a gate failed).
 * @throws UsageError, DataError, ModelError or GateError for bad input (exit 2).
 */
export async function compare(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${COMPARE_USAGE}\n\n${AUDIT_USAGE}\n`)
    return 0
  }
  const challenger = take(argv, '--challenger')
  const challengerSchema = take(challenger.rest, '--challenger-schema')
  if (challenger.value === null)
    throw new UsageError('compare needs --challenger B (see glassbox compare --help)')
  const opts = auditOptionsParse(challengerSchema.rest)
  const bar = progressBar(!opts.quiet && !!io.stderr.isTTY, io)
  const schema = schemaLoadFromDisk(opts.schema, opts.output)
  const schemaB =
    challengerSchema.value === null
      ? schema
      : schemaLoadFromDisk(challengerSchema.value, opts.output)
  const data = await dataLoadFromDisk(opts.data)
  const models: LoadedModel[] = []
  try {
    const a = await modelOpenFromDisk(opts.model, opts.settings.backend, schema)
    models.push(a.model)
    const b = await modelOpenFromDisk(challenger.value, opts.settings.backend, schemaB)
    models.push(b.model)
    const cls = classRequest(opts.classIndex)
    const sA = await sessionOpen(a.model, schema, data, cls, {
      schemaName: opts.schema,
      classOption: '--class',
    })
    const sB = await sessionOpen(b.model, schemaB, data, cls, {
      schemaName: challengerSchema.value ?? opts.schema,
      classOption: '--class',
    })
    const pA = await sessionPredictAll(sA)
    const pB = await sessionPredictAll(sB)
    const settings = { ...opts.settings, backend: a.backend }
    const audit = await auditFull(
      sA,
      settings,
      { onProgress: (d, t, phase) => bar.update(phase, d, t) },
      pA,
    )
    bar.update('comparison', 0, 1)
    const comparison = await reportComparison(sA, sB, pA, pB, settings)
    bar.done()
    const report: Report = { ...audit, comparison }
    // The data's load notices, once (both models read the same rows).
    noticesReport(sessionNotices(sA), report, io, opts.quiet)
    return reportFinish(report, opts, io, {
      summary: () => compareSummary(report),
      htmlTitle: 'Glassbox model comparison',
    })
  } finally {
    for (const m of models) m.dispose()
  }
}
