/**
 * An audit restricted to a cohort (`age > 40 and sex = Female`, src/core/views/cohort.ts): every
 * section is computed on the rows the predicate selects — the SHAP background included, drawn from
 * them as from a file of those rows — and the report records the predicate and the row count in
 * `settings.cohort`. Row numbers in the report stay those of the data file: the explained rows
 * (`settings.rows`, the `explanations` keys) are mapped back, and `data.rows` counts the file.
 */
import {
  cohortMask,
  cohortParse,
  cohortRows,
  cohortTable,
  cohortText,
} from '../core/views/cohort.ts'
import { type Session, sessionData, sessionWithData } from '../session/session.ts'
import type { Report } from './types.ts'

/** A cohort of a session: its predicate (normalised) and its rows of the data file, ascending. */
export type AuditCohort = { predicate: string; rows: Int32Array }

/**
 * The rows of `s`'s data that `predicate` selects.
 * @throws CohortSyntaxError (a predicate that does not parse or names a missing column), or an
 *   Error when it selects no row.
 * @example auditCohort(session, 'age > 40').rows.length
 */
export function auditCohort(s: Session, predicate: string): AuditCohort {
  const cohort = cohortParse(
    predicate,
    s.table.columns.map((c) => c.name),
  )
  const rows = cohortRows(cohortMask(cohort, s.table))
  const text = cohortText(cohort)
  if (!rows.length) throw new Error(`the cohort “${text}” selects no row of ${s.dataName}`)
  return { predicate: text, rows }
}

/** The session on the cohort's rows only (same model, schema and class). */
export function cohortSession(s: Session, c: AuditCohort): Session {
  const table = cohortTable(s.table, c.rows)
  return sessionWithData(s, sessionData(s, { table, name: s.dataName, sha256: s.dataSha256 }))
}

/**
 * File rows → positions in the cohort (for the explained rows asked for).
 * @throws RangeError naming a row the cohort does not contain.
 */
export function cohortPositions(c: AuditCohort, fileRows: readonly number[]): number[] {
  const at = new Map<number, number>()
  c.rows.forEach((r, k) => at.set(r, k))
  return fileRows.map((r) => {
    const k = at.get(r)
    if (k === undefined) throw new RangeError(`row ${r} is not in the cohort “${c.predicate}”`)
    return k
  })
}

/**
 * A report made on the cohort's session, told in the data file's rows: explained rows mapped
 * back, `data.rows` the file's, `settings.cohort` recorded.
 */
export function cohortReport(report: Report, c: AuditCohort, fileRows: number): Report {
  const file = (k: number) => c.rows[k]!
  const out: Report = {
    ...report,
    data: { ...report.data, rows: fileRows },
    settings: {
      ...report.settings,
      rows: report.settings.rows.map(file),
      cohort: { predicate: c.predicate, rows: c.rows.length },
    },
  }
  if (report.explanations)
    out.explanations = Object.fromEntries(
      Object.entries(report.explanations).map(([k, e]) => [
        String(file(Number(k))),
        // The background's rows are cohort positions too: told in the file's rows.
        e.background
          ? { ...e, background: { ...e.background, rows: e.background.rows.map(file) } }
          : e,
      ]),
    )
  return out
}
