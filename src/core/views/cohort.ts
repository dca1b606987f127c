/**
 * Cohort filter: a small predicate language over table columns that selects the rows every view
 * can be restricted to, e.g. `age > 40 and sex = Female`. The grammar, parser and errors live in
 * cohortSyntax.ts (re-exported here); this module evaluates a parsed cohort on a table.
 *
 * Semantics. `=` is numeric equality when both the value and the cell parse as finite numbers
 * (`parseNumericCell`: 40 matches "40.0"), else exact text equality (`col = ""` matches empty
 * cells; values are compared case-sensitively with the table's trimmed cells); `!=` is its
 * negation. `< <= > >=` hold only for cells that parse as numbers: empty or non-numeric cells
 * match neither `age > 40` nor `age <= 40`. `in (…)` holds when `=` holds for one listed value.
 */
import { parseNumericCell } from '../encode.ts'
import type { Column, Table } from '../table.ts'
import { columnCell, tableColumn } from '../table.ts'
import {
  type Cohort,
  type CohortOp,
  type CohortValue,
  cohortSuggestion,
  cohortText,
} from './cohortSyntax.ts'

export {
  type Cohort,
  type CohortOp,
  type CohortValue,
  CohortSyntaxError,
  cohortAll,
  cohortParse,
  cohortText,
} from './cohortSyntax.ts'

function valueMatches(cell: string, v: CohortValue): boolean {
  if (v.number !== null) {
    const x = parseNumericCell(cell)
    if (x !== null) return x === v.number
  }
  return cell === v.text
}

function compareCell(cell: string, op: CohortOp, v: CohortValue): boolean {
  if (op === '=') return valueMatches(cell, v)
  if (op === '!=') return !valueMatches(cell, v)
  const x = parseNumericCell(cell)
  const b = v.number!
  if (x === null) return false
  return op === '<' ? x < b : op === '<=' ? x <= b : op === '>' ? x > b : x >= b
}

/** Evaluates `test` once per distinct cell text, then maps every row through its code. */
function columnMask(col: Column, nRows: number, test: (cell: string) => boolean): Uint8Array {
  const byCode = Uint8Array.from(col.values, (v) => (test(v) ? 1 : 0))
  const out = new Uint8Array(nRows)
  for (let i = 0; i < nRows; i++) out[i] = byCode[col.codes[i]!]!
  return out
}

function columnOf(table: Table, name: string): Column {
  const col = tableColumn(table, name)
  if (!col) throw new RangeError(`the data has no column "${name}" (named in the cohort)`)
  return col
}

/**
 * The rows of `table` in the cohort: mask[i] = 1 when row i matches. Each comparison is
 * evaluated once per distinct cell text of its column, so the cost is O(rows · nodes).
 * @throws RangeError when the cohort names a column the table lacks (parse against its columns).
 * @example cohortMask(cohortParse('age > 40', names), table).reduce((a, b) => a + b, 0)
 */
export function cohortMask(cohort: Cohort, table: Table): Uint8Array {
  const n = table.nRows
  switch (cohort.kind) {
    case 'all':
      return new Uint8Array(n).fill(1)
    case 'compare':
      return columnMask(columnOf(table, cohort.column), n, (cell) =>
        compareCell(cell, cohort.op, cohort.value),
      )
    case 'in':
      return columnMask(
        columnOf(table, cohort.column),
        n,
        (cell) => cohort.values.some((v) => valueMatches(cell, v)) !== cohort.negated,
      )
    case 'not': {
      const m = cohortMask(cohort.operand, table)
      for (let i = 0; i < n; i++) m[i] = 1 - m[i]!
      return m
    }
    case 'and':
    case 'or': {
      const a = cohortMask(cohort.left, table)
      const b = cohortMask(cohort.right, table)
      for (let i = 0; i < n; i++) a[i] = cohort.kind === 'and' ? a[i]! & b[i]! : a[i]! | b[i]!
      return a
    }
  }
}

/**
 * The indices of the rows a mask selects, ascending (to subset predictions, labels, groups).
 * @example cohortRows(Uint8Array.of(0, 1, 1)) // Int32Array [1, 2]
 */
export function cohortRows(mask: Uint8Array): Int32Array {
  let n = 0
  for (let i = 0; i < mask.length; i++) n += mask[i]!
  const out = new Int32Array(n)
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i
  return out
}

/**
 * The table of `rows` only, in their order: the same columns with the same value dictionaries
 * (values no kept row uses stay listed), each row's codes copied. No rows: an empty table.
 * @example cohortTable(table, cohortRows(mask)).nRows // the cohort's size
 */
export function cohortTable(table: Table, rows: Int32Array): Table {
  return {
    nRows: rows.length,
    columns: table.columns.map((c) => ({
      name: c.name,
      values: c.values,
      codes: Int32Array.from(rows, (r) => c.codes[r]!),
    })),
  }
}

/**
 * An example filter that selects rows of `table`: the first numeric feature above its median
 * (rounded) and the commonest value of a categorical feature (a sensitive one first), e.g.
 * `age > 37 and sex = Male`; one of the two when the schema has only one kind; '' with neither.
 * @example cohortExample(schema, table) // 'age > 37 and sex = Male'
 */
export function cohortExample(
  features: readonly { name: string; type: 'numeric' | 'categorical' }[],
  sensitive: readonly string[],
  table: Table,
): string {
  const parts: Cohort[] = []
  const num = features.find((f) => f.type === 'numeric' && tableColumn(table, f.name))
  if (num) {
    const col = tableColumn(table, num.name)!
    const xs: number[] = []
    for (let i = 0; i < table.nRows; i++) {
      const x = parseNumericCell(columnCell(col, i))
      if (x !== null) xs.push(x)
    }
    xs.sort((a, b) => a - b)
    const median = xs[Math.floor(xs.length / 2)]
    if (median !== undefined) {
      const v = Math.round(median)
      parts.push({
        kind: 'compare',
        column: num.name,
        op: '>',
        value: { text: String(v), number: v },
      })
    }
  }
  const cats = features.filter((f) => f.type === 'categorical' && tableColumn(table, f.name))
  const cat = cats.find((f) => sensitive.includes(f.name)) ?? cats[0]
  if (cat) {
    const col = tableColumn(table, cat.name)!
    const counts = new Int32Array(col.values.length)
    for (let i = 0; i < table.nRows; i++) counts[col.codes[i]!]!++
    let best = -1
    for (let k = 0; k < counts.length; k++)
      if (col.values[k] !== '' && (best < 0 || counts[k]! > counts[best]!)) best = k
    if (best >= 0)
      parts.push({
        kind: 'compare',
        column: cat.name,
        op: '=',
        value: { text: col.values[best]!, number: null },
      })
  }
  if (!parts.length) return ''
  return cohortText(
    parts.length === 2 ? { kind: 'and', left: parts[0]!, right: parts[1]! } : parts[0]!,
  )
}

/**
 * Hints for values a cohort compares with `=`, `!=` or `in` that no row of `table` has (values
 * are matched exactly, case included): `no sex is "female" — did you mean "Female"?`, the nearest
 * value by cohortSuggestion, or without a suggestion when none is close. Numbers are not hinted
 * (`age = 40` matches "40.0"). Empty when every value occurs.
 * @example cohortValueHints(cohortParse('sex = female', cols), table)
 */
export function cohortValueHints(cohort: Cohort, table: Table): string[] {
  const hints: string[] = []
  const check = (column: string, v: CohortValue) => {
    const col = tableColumn(table, column)
    if (!col || v.number !== null || col.values.includes(v.text)) return
    const near = cohortSuggestion(
      v.text,
      col.values.filter((x) => x !== ''),
    )
    hints.push(`no ${column} is "${v.text}"${near === null ? '' : ` — did you mean "${near}"?`}`)
  }
  const walk = (c: Cohort): void => {
    if (c.kind === 'compare' && (c.op === '=' || c.op === '!=')) check(c.column, c.value)
    else if (c.kind === 'in') for (const v of c.values) check(c.column, v)
    else if (c.kind === 'not') walk(c.operand)
    else if (c.kind === 'and' || c.kind === 'or') {
      walk(c.left)
      walk(c.right)
    }
  }
  walk(cohort)
  return hints
}
