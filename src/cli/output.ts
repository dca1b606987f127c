/**
 * What every `glassbox` command does with its report: check it against report.v1.json, write the
 * JSON (`--out`) and the HTML (`--html`), then list its gates (exit 1 when one failed).
 */
import { writeFileSync } from 'node:fs'
import { reportHtml } from '../report/html.ts'
import type { Report } from '../report/types.ts'
import { reportValidate } from '../report/validate.ts'
import { type Gate, gatesApply } from './gates.ts'
import type { CliIo } from './io.ts'

/** The output options every command shares. */
export type ReportOutput = {
  out: string | null
  html: string | null
  quiet: boolean
  gates: Gate[]
}

/**
 * Validates and writes the report, prints `summary` (unless quiet) and applies the gates.
 * @returns the exit code (1 when a gate failed).
 * @throws Error when the report does not match its schema (a bug, not the user's input).
 */
export function reportFinish(
  report: Report,
  o: ReportOutput,
  io: CliIo,
  text: { summary: () => string; note?: string | null; htmlTitle?: string },
): 0 | 1 {
  const check = reportValidate(report)
  if (!check.valid) throw new Error(`the report does not match report.v1.json: ${check.errors[0]}`)
  if (o.out) writeFileSync(o.out, `${JSON.stringify(report, null, 1)}\n`)
  if (o.html)
    writeFileSync(o.html, reportHtml(report, text.htmlTitle ? { title: text.htmlTitle } : {}))
  if (!o.quiet && text.note) io.stderr.write(`${text.note}\n`)
  if (!o.quiet) io.stdout.write(`${text.summary()}\n`)
  return gatesApply(o.gates, report, io, o.quiet)
}
