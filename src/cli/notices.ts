/**
 * The page's load notices in the CLI (src/core/loadChecks.ts): printed before the summary as
 * `note: …` (info) and `warning: …` lines, the warnings recorded in the report's `warnings`, so a
 * gate never passes on meaningless labels without saying so. Shared by compare, drift and the
 * streamed audit.
 */
import type { Schema } from '../core/schema.ts'
import { type LoadNotice, loadNotices, loadTallyNotices } from '../core/loadChecks.ts'
import type { Report } from '../report/types.ts'
import type { Session } from '../session/session.ts'
import type { CliIo } from './io.ts'
import type { StreamLoadFacts } from './streamAudit.ts'

/**
 * The notices of a session's data, each text prefixed with `name: ` when a command reads several
 * datasets (drift: the reference and the current file); as is when `name` is null.
 */
export function sessionNotices(
  s: Pick<Session, 'schema' | 'table' | 'labels' | 'encode'>,
  name: string | null = null,
): LoadNotice[] {
  return noticesNamed(
    loadNotices({ schema: s.schema, table: s.table, labels: s.labels, encode: s.encode }),
    name,
  )
}

/**
 * The notices of data read in chunks, from the facts accumulated over them (the same sentences
 * {@link sessionNotices} gives for the whole table), prefixed with `name: ` unless null.
 */
export function streamNotices(
  schema: Schema,
  facts: StreamLoadFacts,
  name: string | null = null,
): LoadNotice[] {
  return noticesNamed(loadTallyNotices(schema, facts.encode, facts.tally), name)
}

/** `notices` with each text prefixed by `name: ` (as they are when `name` is null). */
export function noticesNamed(notices: readonly LoadNotice[], name: string | null): LoadNotice[] {
  return name === null ? [...notices] : notices.map((n) => ({ ...n, text: `${name}: ${n.text}` }))
}

/**
 * Prints the notices (unless `quiet`) and records the warning-level ones in `report.warnings`
 * (after any already there; the field stays absent when there are none).
 */
export function noticesReport(
  notices: readonly LoadNotice[],
  report: Report,
  io: CliIo,
  quiet: boolean,
): void {
  const warnings = notices.filter((n) => n.level === 'warning').map((n) => n.text)
  if (warnings.length) report.warnings = [...(report.warnings ?? []), ...warnings]
  if (quiet) return
  for (const n of notices)
    io.stdout.write(`${n.level === 'info' ? 'note' : 'warning'}: ${n.text}\n`)
}
