/**
 * Checks run once a model, data and schema have loaded together: facts that do not stop the load
 * but that the user must know, because views would otherwise show numbers (or "—") without saying
 * why. Each check gives one sentence; the page shows them as notices, `glassbox audit` prints them
 * before its summary and records the warnings in the report. Pure: typed arrays and the table.
 */
import type { Schema } from './schema.ts'
import { type Column, type Table, tableColumn } from './table.ts'

/**
 * What the notice sentences read of a schema: the target, the features' names (in order) and the
 * sensitive columns. A Schema is one; a sharded run's partial carries just this.
 */
export type NoticeSchema = {
  target: { column: string; positive: string }
  features: readonly { name: string }[]
  sensitive: readonly string[]
}

export type LoadCheckInput = {
  schema: Schema
  table: Table
  /** Labels of the loaded rows; null when the data has no target column. */
  labels: Uint8Array | null
}

const quoted = (vals: readonly string[], max = 10): string =>
  vals
    .slice(0, max)
    .map((v) => JSON.stringify(v))
    .join(', ') + (vals.length > max ? ` and ${vals.length - max} more` : '')

/**
 * Rows per cell text of the first `n` rows, in order of first appearance: counted on the codes,
 * so a million rows cost one typed-array pass.
 */
function valueCounts(col: Column, n: number): Map<string, number> {
  const byCode = new Float64Array(col.values.length)
  const firstRow = new Float64Array(col.values.length).fill(Infinity)
  for (let i = 0; i < n; i++) {
    const c = col.codes[i]!
    if (byCode[c]!++ === 0) firstRow[c] = i
  }
  const first = Array.from(byCode.keys())
    .filter((k) => byCode[k]! > 0)
    .sort((a, b) => firstRow[a]! - firstRow[b]!)
  const out = new Map<string, number>()
  for (const k of first) out.set(col.values[k]!, (out.get(col.values[k]!) ?? 0) + byCode[k]!)
  return out
}

/**
 * What the label and group warnings need from a dataset, mergeable across chunks read in order
 * (a streamed or sharded audit adds each chunk's; the in-memory one tallies its whole table), so
 * both give the same sentences from the same counts.
 */
export type LoadTally = {
  /** Rows counted. */
  rows: number
  /** Rows whose label is 1; null when the data has no target column (no labels). */
  positives: number | null
  /** Target cell text → rows, in order of first appearance; null without labels. */
  target: Map<string, number> | null
  /** Per sensitive column present in the data: cell text → rows, in order of first appearance. */
  sensitive: Map<string, Map<string, number>>
}

/** The tally of one table (a whole dataset, or one chunk of a file read in pieces). */
export function loadTally({ schema, table, labels }: LoadCheckInput): LoadTally {
  const n = table.nRows
  const target = tableColumn(table, schema.target.column)
  let positives: number | null = null
  if (target && labels) {
    positives = 0
    for (let i = 0; i < labels.length; i++) positives += labels[i]!
  }
  const sensitive = new Map<string, Map<string, number>>()
  for (const s of schema.sensitive) {
    const col = tableColumn(table, s)
    if (col && !sensitive.has(s)) sensitive.set(s, valueCounts(col, n))
  }
  return {
    rows: n,
    positives,
    target: target && labels ? valueCounts(target, n) : null,
    sensitive,
  }
}

const countsMerge = (a: Map<string, number>, b: Map<string, number>): Map<string, number> => {
  const out = new Map(a)
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + v)
  return out
}

/**
 * The tally of `a`'s rows followed by `b`'s (same schema and columns). Labels or a sensitive
 * column that one side lacks count as absent from the whole.
 */
export function loadTallyMerge(a: LoadTally, b: LoadTally): LoadTally {
  const sensitive = new Map<string, Map<string, number>>()
  for (const [k, v] of a.sensitive) {
    const w = b.sensitive.get(k)
    if (w) sensitive.set(k, countsMerge(v, w))
  }
  const both = a.positives !== null && b.positives !== null && a.target && b.target
  return {
    rows: a.rows + b.rows,
    positives: both ? a.positives! + b.positives! : null,
    target: both ? countsMerge(a.target!, b.target!) : null,
    sensitive,
  }
}

/**
 * The warnings of a tally, in a fixed order: a positive value the target column never has; all
 * labels one class; per sensitive column present in the data, a single group, or groups of one
 * row. [] when there is nothing to say.
 */
export function loadTallyWarnings(schema: NoticeSchema, t: LoadTally): string[] {
  const out: string[] = []
  const n = t.rows
  const { column, positive } = schema.target
  if (t.target && t.positives !== null) {
    const used = new Set(t.target.keys())
    if (!used.has(positive)) {
      out.push(
        `The target column "${column}" never has the positive value "${positive}" (its values: ${quoted([...used].sort())}); every label is negative.`,
      )
    }
    const pos = t.positives
    if (n > 0 && (pos === 0 || pos === n)) {
      const cls = pos === 0 ? 'negative' : 'positive'
      out.push(
        `All ${n} labels are ${cls} (${column} ${pos === 0 ? '≠' : '='} "${positive}"): ROC AUC and the precision–recall curve are undefined, and so is every group's ${pos === 0 ? 'TPR' : 'FPR'}.`,
      )
    }
  }
  for (const s of schema.sensitive) {
    const counts = t.sensitive.get(s)
    if (!counts) continue
    if (counts.size === 1) {
      out.push(
        `Sensitive column "${s}" has a single group (${quoted([...counts.keys()])}): there is nothing to compare (every difference is 0, every ratio 1).`,
      )
      continue
    }
    const ones = [...counts]
      .filter(([, c]) => c === 1)
      .map(([v]) => v)
      .sort()
    if (ones.length) {
      out.push(
        `Sensitive column "${s}" has groups of one row: ${quoted(ones)}; their rates are 0, 1 or undefined by construction.`,
      )
    }
  }
  return out
}

/**
 * Warnings about a loaded session ({@link loadTallyWarnings} of its whole table).
 * @returns [] when there is nothing to say.
 */
export function loadWarnings(input: LoadCheckInput): string[] {
  return loadTallyWarnings(input.schema, loadTally(input))
}

/** What the encoding of a dataset found (the session's EncodeSummary, as the checks read it). */
export type EncodeFacts = {
  /** Per feature: rows whose categorical value was empty or unknown (0 for numeric). */
  unknownCounts: readonly number[]
  /** CSV columns not in the schema. */
  ignoredColumns: readonly string[]
  missingTarget: boolean
  missingSensitive: readonly string[]
}

/** One load notice: `info` (worth knowing) or `warning` (some numbers are missing or meaningless). */
export type LoadNotice = { level: 'info' | 'warning'; text: string }

/**
 * The notices of a dataset's encoding, in a fixed order: columns ignored, empty or unknown
 * categorical values per feature (info); a missing target, missing sensitive columns (warning).
 * @returns [] when there is nothing to say.
 */
export function encodeNotices(enc: EncodeFacts, schema: NoticeSchema): LoadNotice[] {
  const out: LoadNotice[] = []
  if (enc.ignoredColumns.length)
    out.push({
      level: 'info',
      text: `Columns not in the schema, ignored: ${enc.ignoredColumns.join(', ')}`,
    })
  const unknown = schema.features
    .map((f, i) => [f.name, enc.unknownCounts[i] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n} row${n === 1 ? '' : 's'}`)
  if (unknown.length)
    out.push({
      level: 'info',
      text: `Empty or unknown categorical values, encoded as all zeros: ${unknown.join(', ')}.`,
    })
  if (enc.missingTarget)
    out.push({
      level: 'warning',
      text: `The data has no target column "${schema.target.column}": performance, calibration and fairness need it.`,
    })
  const missing = enc.missingSensitive
  if (missing.length)
    out.push({
      level: 'warning',
      text: `Sensitive column${missing.length > 1 ? 's' : ''} missing from the data: ${missing.join(', ')} — fairness by ${missing.length > 1 ? 'these' : 'it'} is unavailable.`,
    })
  return out
}

/**
 * The encoding facts of `a`'s rows followed by `b`'s: the unknown counts add up; the columns
 * (ignored, missing) are `a`'s, since every chunk of one file has the same header.
 */
export function encodeFactsMerge(a: EncodeFacts, b: EncodeFacts): EncodeFacts {
  return { ...a, unknownCounts: a.unknownCounts.map((v, i) => v + (b.unknownCounts[i] ?? 0)) }
}

/**
 * Every notice of a dataset from its encoding facts and its tally: the encoding's
 * ({@link encodeNotices}), then the warnings about labels and groups ({@link loadTallyWarnings}).
 * What {@link loadNotices} gives for data read in chunks.
 */
export function loadTallyNotices(
  schema: NoticeSchema,
  enc: EncodeFacts,
  t: LoadTally,
): LoadNotice[] {
  return [
    ...encodeNotices(enc, schema),
    ...loadTallyWarnings(schema, t).map((text): LoadNotice => ({ level: 'warning', text })),
  ]
}

/**
 * Every notice of a load, as the page shows them and `glassbox audit` prints them: the encoding's
 * ({@link encodeNotices}), then the warnings about labels and groups ({@link loadWarnings}).
 */
export function loadNotices(input: LoadCheckInput & { encode: EncodeFacts }): LoadNotice[] {
  return loadTallyNotices(input.schema, input.encode, loadTally(input))
}
