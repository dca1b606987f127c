/**
 * The page's load notices in the CLI (src/core/loadChecks.ts): printed before the summary as
 * `note: …` (info) and `warning: …` lines, the warnings recorded in the report's `warnings`, so a
 * gate never passes on meaningless labels without saying so. Shared by compare, drift, the
 * streamed audit and drift, and `glassbox merge` of their partials.
 */
import { type LoadNotice, loadNotices, loadTallyNotices } from '../core/loadChecks.ts'
import type { Report } from '../report/types.ts'
import type { Session } from '../session/session.ts'
import type { CliIo } from './io.ts'
import type { PartLoad, StreamLoadFacts } from './partLoad.ts'

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
 * The notices of a streamed run's part (one process's, or merged across shards): a drift's
 * reference file's, then the data's (a drift's current file), each prefixed with its name when it
 * has one. [] when the part carries no facts (a partial of an older Glassbox).
 */
export function partNotices(part: Partial<PartLoad>): LoadNotice[] {
  const c = part.loadContext
  if (!c) return []
  const side = (f: StreamLoadFacts | undefined, name: string | null) =>
    f ? noticesNamed(loadTallyNotices(c.schema, f.encode, f.tally), name) : []
  return [...side(part.loadReference, c.reference), ...side(part.load, c.current)]
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
