/**
 * Benchmark bookkeeping: the figure record written to bench/results.json, comparisons with the
 * issue's targets and with peer tools, and the readable tables (console and bench/results.md).
 */
import { FIGURE_BUDGET_S, type Summary, mean, median } from './stats.ts'

export { mean, median }

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
  /** Which direction is better for our value ('atMost': ours ≤ value). */
  better: 'lower' | 'atMost' | 'higher' | 'equal'
  pass: boolean
}

/** One figure of results.json. */
export type Figure = {
  name: string
  backend: string
  where: Where
  /** The median (of repeats, rows or queries: see `n`); null when skipped or not measured. */
  value: number | null
  /** min / median / max of the measurements, in `unit` (null for counts and shares). */
  min: number | null
  median: number | null
  max: number | null
  unit: string
  /** Measurements after the warm-up (repeats, rows, queries or answers: see the note). */
  n: number
  /** Seconds one run of this figure may take on this backend (the 60 s rule). */
  budgetS: number
  /** True when one run's estimate exceeded the budget, so the figure was not run. */
  skipped: boolean
  /** One run's seconds estimated before running (null: no estimate could be made). */
  estimateS: number | null
  /** Supporting numbers (mean, rows per call, model rows, …). */
  stats: Record<string, number | null>
  compare: Comparison[]
  /** All targets met; null when the figure has no target or was not measured. */
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
    (better === 'lower'
      ? ours < value
      : better === 'atMost'
        ? ours <= value
        : better === 'higher'
          ? ours > value
          : ours === value)
  return { kind, label, value, unit, better, pass: ok }
}

/** What identifies a figure and where it ran. */
export type FigureMeta = { name: string; backend: string; where: Where; unit: string }

/** What a figure builder takes besides its meta. */
export type FigureInput = FigureMeta & {
  /** Measurements summarised; absent for a single value (count, share, …). */
  summary?: Summary | null
  /** A single value when there is no summary. */
  value?: number | null
  /** Items behind a single value (answers, queries, …). */
  n?: number
  budgetS?: number
  estimateS?: number | null
  stats?: Figure['stats']
  /** Comparisons of the median (built from it). */
  compare?: (median: number | null) => Comparison[]
  note?: string
}

const finite = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null

/** Builds a measured figure; `pass` is derived from its target comparisons. */
export function figure(f: FigureInput): Figure {
  const s = f.summary ?? null
  const value = finite(s ? s.median : f.value)
  const compare = f.compare ? f.compare(value) : []
  const targets = compare.filter((c) => c.kind === 'target')
  return {
    name: f.name,
    backend: f.backend,
    where: f.where,
    value,
    min: s ? finite(s.min) : null,
    median: s ? value : null,
    max: s ? finite(s.max) : null,
    unit: f.unit,
    n: s ? s.n : (f.n ?? (value === null ? 0 : 1)),
    budgetS: f.budgetS ?? FIGURE_BUDGET_S,
    skipped: false,
    estimateS: finite(f.estimateS),
    stats: f.stats ?? {},
    compare,
    pass: targets.length && value !== null ? targets.every((t) => t.pass) : null,
    ...(f.note ? { note: f.note } : {}),
  }
}

/** A figure not run because one run's estimate exceeded the budget. */
export function skippedFigure(
  meta: FigureMeta,
  estimateS: number,
  opts: { budgetS?: number; note?: string; reason?: string } = {},
): Figure {
  const budgetS = opts.budgetS ?? FIGURE_BUDGET_S
  return {
    ...meta,
    value: null,
    min: null,
    median: null,
    max: null,
    n: 0,
    budgetS,
    skipped: true,
    estimateS,
    stats: {},
    compare: [],
    pass: null,
    note:
      (opts.reason
        ? `skipped: ${opts.reason}, over the ${budgetS} s budget`
        : `skipped: one run estimated at ${estimateS.toPrecision(3)} s > ${budgetS} s budget`) +
      (opts.note ? `; ${opts.note}` : ''),
  }
}

/** A figure that could not be measured (a failure on that backend). */
export function failedFigure(meta: FigureMeta, message: string): Figure {
  return {
    ...figure({ ...meta, value: null, n: 0 }),
    note: `failed: ${message}`,
  }
}

/** A value formatted for the tables. */
export function fmt(v: number | null, unit: string): string {
  if (v === null) return '—'
  if (unit === 's' || unit.startsWith('s/')) {
    const suffix = unit.slice(1)
    if (v < 1e-3) return `${(v * 1e6).toPrecision(3)} µs${suffix}`
    return v < 1 ? `${(v * 1000).toPrecision(3)} ms${suffix}` : `${v.toPrecision(3)} s${suffix}`
  }
  if (unit === 'rows/s') return `${Math.round(v).toLocaleString('en-US')} rows/s`
  if (unit === '×') return `${v.toPrecision(3)}×`
  if (unit === 'MiB') return `${Math.round(v)} MiB`
  return `${Number(v.toPrecision(4))} ${unit}`.trim()
}

function comparisonText(c: Comparison): string {
  const op = { lower: '<', atMost: '≤', higher: '>', equal: '=' }[c.better]
  const mark = c.kind === 'target' ? (c.pass ? 'PASS' : 'FAIL') : c.pass ? 'better' : 'worse'
  return `${c.kind === 'target' ? `target (${c.label})` : `vs ${c.label}`} ${op} ${fmt(c.value, c.unit)}: ${mark}`
}

/** The cells of one figure's table row. */
function cells(f: Figure): string[] {
  const value = f.skipped
    ? `skipped (est. ${fmt(f.estimateS, 's')})`
    : f.note?.startsWith('failed:')
      ? 'failed'
      : fmt(f.value, f.unit)
  const range =
    f.min !== null && f.max !== null && f.n > 1
      ? `${fmt(f.min, f.unit)} … ${fmt(f.max, f.unit)}`
      : ''
  return [
    f.where,
    f.backend,
    f.name,
    value,
    range,
    String(f.n),
    f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL',
  ]
}

const HEAD = ['where', 'backend', 'figure', 'median', 'min … max', 'n', 'target']

/** The readable summary: one line per figure, then comparisons and notes indented below it. */
export function summaryTable(figures: readonly Figure[]): string {
  const rows = figures.map(cells)
  const widths = HEAD.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)))
  const line = (r: string[]): string =>
    r
      .map((c, j) => c.padEnd(widths[j]!))
      .join('  ')
      .trimEnd()
  const out = [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  ')]
  figures.forEach((f, i) => {
    out.push(line(rows[i]!))
    const pad = ' '.repeat(widths[0]! + widths[1]! + 4)
    for (const c of f.compare) out.push(`${pad}  ${comparisonText(c)}`)
    if (f.note) out.push(`${pad}  note: ${f.note}`)
  })
  return out.join('\n')
}

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|')

/** Markdown formatted with the project's Prettier config (so that `npm run lint` accepts it). */
export async function prettierMarkdown(md: string, path: string): Promise<string> {
  const prettier = await import('prettier')
  const config = (await prettier.resolveConfig(path)) ?? {}
  return prettier.format(md, { ...config, parser: 'markdown' })
}

/** bench/results.md: the machine, then every figure as a markdown table. */
export function markdownReport(r: Results): string {
  const out = [
    '# Glassbox benchmark results',
    '',
    `Written by \`npm run bench\` (${r.totalSeconds} s in all). Each figure: the median over ` +
      'repeats after a warm-up run, with min … max and n; a figure whose one-run estimate ' +
      `exceeds its ${FIGURE_BUDGET_S} s budget is skipped. See bench/README.md.`,
    '',
    '## Machine',
    '',
    '| key | value |',
    '| --- | --- |',
    ...Object.entries(r.machine).map(([k, v]) => `| ${k} | ${mdEscape(String(v ?? '—'))} |`),
    '',
    ...(r.browser.note ? [`Browser: ${mdEscape(r.browser.note)}`, ''] : []),
    '## Figures',
    '',
    `| ${HEAD.join(' | ')} | notes |`,
    `| ${HEAD.map(() => '---').join(' | ')} | --- |`,
    ...r.figures.map((f) => {
      const notes = [...f.compare.map(comparisonText), ...(f.note ? [f.note] : [])]
      return `| ${[...cells(f), notes.join('; ')].map(mdEscape).join(' | ')} |`
    }),
    '',
  ]
  return out.join('\n')
}
