/**
 * Benchmark bookkeeping: the figure record written to bench/results.json, comparisons with the
 * issue's targets and with peer tools, a time-budgeted measuring loop, and the summary table.
 */

/** Where a figure was measured. */
export type Where = 'node' | 'browser'

/**
 * A target from the issue (pass decides the figure's `pass`) or a peer tool's number measured on
 * the same kind of machine (pass = ours is better; informational).
 */
export type Comparison = {
  kind: 'target' | 'peer'
  /** Who or what: e.g. "issue", "shap KernelExplainer exact". */
  label: string
  value: number
  unit: string
  /** Which direction is better for our value. */
  better: 'lower' | 'higher' | 'equal'
  pass: boolean
}

/** One measured number. */
export type Figure = {
  name: string
  backend: string
  where: Where
  /** null when nothing could be measured within the budget (see `note`). */
  value: number | null
  unit: string
  /** Items measured (rows, queries, answers or repetitions: see the name). */
  n: number
  /** Seconds this figure was allowed to spend. */
  budgetS: number
  /** Supporting numbers (mean, min, max, rows per call, …). */
  stats: Record<string, number | null>
  compare: Comparison[]
  /** All targets met; null when the figure has no target. */
  pass: boolean | null
  note?: string
}

/** The whole results.json. */
export type Results = {
  machine: Record<string, string | number | null>
  totalSeconds: number
  browser: { skipped: boolean; note: string | null }
  figures: Figure[]
}

/** Median of a non-empty list (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Arithmetic mean (NaN when empty). */
export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN
}

/** A comparison of `ours` with `value` in the direction `better`. */
export function compareWith(
  ours: number | null,
  kind: Comparison['kind'],
  label: string,
  value: number,
  unit: string,
  better: Comparison['better'] = 'lower',
): Comparison {
  const ok =
    ours !== null &&
    Number.isFinite(ours) &&
    (better === 'lower' ? ours < value : better === 'higher' ? ours > value : ours === value)
  return { kind, label, value, unit, better, pass: ok }
}

/** Builds a figure; `pass` is derived from its target comparisons. */
export function figure(
  f: Omit<Figure, 'pass' | 'stats' | 'compare'> & {
    stats?: Figure['stats']
    compare?: Comparison[]
  },
): Figure {
  const compare = f.compare ?? []
  const targets = compare.filter((c) => c.kind === 'target')
  const value = f.value !== null && Number.isFinite(f.value) ? f.value : null
  return {
    ...f,
    value,
    stats: f.stats ?? {},
    compare,
    pass: targets.length ? targets.every((t) => t.pass) : null,
  }
}

/**
 * Runs `item(i)` for i = 0 … n − 1 while the budget lasts and returns each item's seconds: the
 * number `item` returns (when it times itself, e.g. inside a page), else its wall time. The
 * first item always runs; a later one only when the time spent plus the median item so far
 * still fits in `budgetS`.
 */
export async function timeItems(
  n: number,
  budgetS: number,
  item: (i: number) => Promise<number | void>,
): Promise<number[]> {
  const out: number[] = []
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const spent = (performance.now() - t0) / 1000
    if (i > 0 && spent + median(out) > budgetS) break
    const t = performance.now()
    const own = await item(i)
    out.push(typeof own === 'number' ? own : (performance.now() - t) / 1000)
  }
  return out
}

/** Seconds or milliseconds formatted for the table. */
function fmt(v: number | null, unit: string): string {
  if (v === null) return '—'
  if (unit === 's' || unit.startsWith('s/')) {
    return v < 1 ? `${(v * 1000).toPrecision(3)} m${unit}` : `${v.toPrecision(3)} ${unit}`
  }
  if (unit === 'rows/s') return `${Math.round(v).toLocaleString('en-US')} ${unit}`
  return `${Number(v.toPrecision(4))} ${unit}`.trim()
}

function comparisonText(c: Comparison): string {
  const op = c.better === 'lower' ? '<' : c.better === 'higher' ? '>' : '='
  const mark = c.kind === 'target' ? (c.pass ? 'PASS' : 'FAIL') : c.pass ? 'better' : 'worse'
  return `${c.kind === 'target' ? `target (${c.label})` : `vs ${c.label}`} ${op} ${fmt(c.value, c.unit)}: ${mark}`
}

/** The readable summary: one line per figure, then comparisons indented below it. */
export function summaryTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.where,
    f.backend,
    f.name,
    fmt(f.value, f.unit),
    String(f.n),
    `${f.budgetS}`,
    f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL',
  ])
  const head = ['where', 'backend', 'figure', 'value', 'n', 'budget s', 'target']
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)))
  const line = (r: string[]): string => r.map((c, j) => c.padEnd(widths[j]!)).join('  ')
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')]
  figures.forEach((f, i) => {
    out.push(line(rows[i]!))
    const pad = ' '.repeat(widths[0]! + widths[1]! + 4)
    for (const c of f.compare) out.push(`${pad}  ${comparisonText(c)}`)
    if (f.note) out.push(`${pad}  note: ${f.note}`)
  })
  return out.join('\n')
}
