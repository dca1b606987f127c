/**
 * `glassbox audit` (docs/contracts.md §3): the dashboard's audit, headless, for pipelines — a
 * session on the model, schema and data (src/session), the whole audit of it (auditFull), then
 * the page's load notices printed (the warnings also recorded in the report), the report written,
 * summarised and gated.
 */
import { loadNotices } from '../core/loadChecks.ts'
import { classRequest } from '../model/card.ts'
import { compressionUnavailable } from '../model/compression.ts'
import { auditFull } from '../report/auditFull.ts'
import type { Report } from '../report/types.ts'
import { sessionOpen, sessionPredictAll } from '../session/session.ts'
import { auditStreamed, auditStreams } from './auditStream.ts'
import { type CliIo, progressBar } from './io.ts'
import { csvLoadFromDisk, modelOpenFromDisk, schemaLoadFromDisk } from './load.ts'
import { AUDIT_USAGE, auditOptionsParse } from './options.ts'
import { reportFinish } from './output.ts'

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4))

/** The three largest |values| of a feature → value map, signed, as the summary lists them. */
const topOf = (values: Record<string, number>): string =>
  Object.entries(values)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v.toFixed(3)}`)
    .join(', ')

/** The stdout summary of an audit report. */
export function auditSummary(r: Report): string {
  const lines = [
    `model ${r.model.sha256.slice(0, 12)}… (${r.model.format}${r.model.runtime ? ` on ${r.model.runtime}` : ''}${r.model.trees !== undefined ? `, ${r.model.trees} trees of depth ≤ ${r.model.maxDepth}` : ''}, ${r.model.inputs} inputs) · data ${r.data.sha256.slice(0, 12)}… (${r.data.rows} rows) · backend ${r.settings.backend}`,
  ]
  if (r.metrics)
    lines.push(
      `accuracy ${f4(r.metrics.accuracy)}  roc auc ${f4(r.metrics.rocAuc)}  log loss ${f4(r.metrics.logLoss)}  brier ${f4(r.metrics.brier)}  (threshold ${r.settings.threshold})`,
    )
  if (r.calibration)
    lines.push(`calibration: ece ${f4(r.calibration.ece)}  mce ${f4(r.calibration.mce)}`)
  for (const [attr, f] of Object.entries(r.fairness ?? {})) {
    const small = Object.entries(f.groups)
      .filter(([, g]) => g.small)
      .map(([k]) => k)
    lines.push(
      `fairness by ${attr}: demographic parity diff ${f4(f.demographicParityDifference)} ratio ${f4(f.demographicParityRatio)}  equalized odds diff ${f4(f.equalizedOddsDifference)}${small.length ? `  (small groups: ${small.join(', ')})` : ''}`,
    )
  }
  for (const [id, q] of Object.entries(r.quantization ?? {})) {
    lines.push(
      `${id}: ${q.bytes} bytes, agreement ${f4(q.agreement)}, max |Δp| ${f4(q.maxAbsDiff)}, accuracy ${f4(q.accuracy)}, SHAP rank corr ${f4(q.shapRankCorrelation)}`,
    )
  }
  for (const [row, e] of Object.entries(r.explanations ?? {})) {
    const top = e.shap ? topOf(e.shap) : ''
    const cf = e.counterfactuals
      ? `, ${e.counterfactuals.length} counterfactual${e.counterfactuals.length === 1 ? '' : 's'}`
      : ''
    const iv = e.treeShap?.interventional
    const tree = iv ? `; top TreeSHAP (margin) ${topOf(iv.shap)}` : ''
    lines.push(`row ${row}: p ${f4(e.prediction)}${top ? `; top SHAP ${top}` : ''}${tree}${cf}`)
  }
  return lines.join('\n')
}

/**
 * Runs `glassbox audit` (argv after the word); returns the exit code (0 ok, 1 a gate failed).
 * @throws UsageError, DataError, ModelError or GateError for bad input (exit 2).
 */
export async function audit(argv: string[], io: CliIo): Promise<number> {
  const opts = auditOptionsParse(argv)
  if (opts.help) {
    io.stdout.write(`${AUDIT_USAGE}\n`)
    return 0
  }
  const bar = progressBar(!opts.quiet && !!io.stderr.isTTY, io)
  if (auditStreams(opts)) {
    const report = await auditStreamed(opts, io, (d, t) => bar.update('audit', d, t))
    bar.done()
    if (!report) return 0
    const target = schemaLoadFromDisk(opts.schema, opts.output).target.column
    const note = report.metrics
      ? null
      : `note: ${opts.data} has no "${target}" column: no metrics, calibration or fairness`
    return reportFinish(report, opts, io, { summary: () => auditSummary(report), note })
  }
  const schema = schemaLoadFromDisk(opts.schema, opts.output)
  const data = await csvLoadFromDisk(opts.data)
  const { model, backend } = await modelOpenFromDisk(opts.model, opts.settings.backend, schema)
  try {
    const session = await sessionOpen(model, schema, data, classRequest(opts.classIndex), {
      schemaName: opts.schema,
      classOption: '--class',
    })
    // The default variants are for models that have them; an explicit --quantize is refused.
    const quantize =
      opts.quantizeGiven || !compressionUnavailable(model) ? opts.settings.quantize : []
    // The page's load notices, printed before the summary; the warnings go into the report.
    const notices = loadNotices({
      schema,
      table: session.table,
      labels: session.labels,
      encode: session.encode,
    })
    // Every row's output is checked before any number is computed from it.
    const predictions = await sessionPredictAll(session)
    const report = await auditFull(
      session,
      { ...opts.settings, quantize, backend },
      { onProgress: (d, t, phase) => bar.update(phase, d, t) },
      predictions,
    )
    bar.done()
    const warnings = notices.filter((n) => n.level === 'warning').map((n) => n.text)
    if (warnings.length) report.warnings = warnings
    if (!opts.quiet)
      for (const n of notices)
        io.stdout.write(`${n.level === 'info' ? 'note' : 'warning'}: ${n.text}\n`)
    const note = session.encode.missingTarget
      ? `note: ${opts.data} has no "${schema.target.column}" column: no metrics, calibration or fairness`
      : null
    return reportFinish(report, opts, io, { summary: () => auditSummary(report), note })
  } finally {
    model.dispose()
  }
}
