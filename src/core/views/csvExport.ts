/**
 * CSV export of chart data (RFC 4180) that is safe to open in a spreadsheet: a text cell that a
 * spreadsheet would read as a formula (OWASP "CSV injection": it starts with = + - @, tab or
 * carriage return) gets a leading `'`, so a category value such as `=HYPERLINK(…)` or `-1+2`
 * stays text. Numbers are written as numbers, never guarded or quoted.
 */

/** A cell: text (guarded and quoted as needed), a number (written as is) or null (empty). */
export type CsvCell = string | number | null

/** First characters that make a spreadsheet evaluate a text cell. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'])

/**
 * One text cell: a leading `'` when it starts like a formula, then RFC 4180 quoting (wrapped in
 * double quotes, inner quotes doubled) when it holds a comma, a double quote, CR or LF.
 * @example csvTextCell('=1+2') // "'=1+2"
 */
export function csvTextCell(text: string): string {
  const safe = FORMULA_START.has(text[0] ?? '') ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function cell(v: CsvCell): string {
  if (v === null) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  return csvTextCell(v)
}

/**
 * CSV text of a header and rows: fields separated by commas, every record (the header
 * included) ended by CRLF. Text cells go through `csvTextCell` (header names too); finite numbers
 * are written with JavaScript's shortest round-trip form (0.1, 1e-7, -3) without quotes or guard;
 * null, NaN and ±Infinity are written as empty fields (CSV has no number for them).
 * @returns just the header line for no rows.
 * @throws RangeError when a row's width differs from the header's.
 * @example csvFromRows(['group', 'tpr'], [['Female', 0.56], ['-x', null]]) // 'group,tpr\r\nFemale,0.56\r\n\'-x,\r\n'
 */
export function csvFromRows(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
): string {
  const lines = [header.map(csvTextCell).join(',')]
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new RangeError(
        `the export's row ${r} has ${row.length} cells, the header has ${header.length}`,
      )
    }
    lines.push(row.map(cell).join(','))
  })
  return `${lines.join('\r\n')}\r\n`
}
