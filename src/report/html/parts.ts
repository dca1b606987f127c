/**
 * The building blocks of the HTML report: its section names, its stylesheet, and the escaped
 * table, key/value, figure and section markup every section is written with.
 */
import { numberFormat as num, xmlEscape as esc } from '../svg.ts'

/** Section headings, in document order (sections absent from the report are skipped). */
export const REPORT_HTML_SECTIONS = {
  identity: 'Model and data',
  settings: 'Settings',
  metrics: 'Performance',
  calibration: 'Calibration',
  fairness: 'Fairness',
  explanations: 'Explanations',
  quantization: 'Quantization',
  drift: 'Drift',
  comparison: 'Comparison with a challenger',
  review: 'Review',
} as const

/** A section of the report (its anchor id). */
export type SectionKey = keyof typeof REPORT_HTML_SECTIONS

// No `url(`, no `//` (not even in comments), nothing external.
/** The document's whole stylesheet (print rules for A4 included). */
export const CSS = `@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 Helvetica, Arial, sans-serif; color: #222; background: #fff; max-width: 186mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { font-size: 18pt; margin: 0 0 1mm; }
h2 { font-size: 14pt; border-bottom: 1px solid #aaa; margin: 8mm 0 3mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0 2mm; }
table { border-collapse: collapse; margin: 1mm 0 4mm; font-size: 9pt; }
thead { display: table-header-group; }
tr, figure, .keep { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 0.8mm 2mm; text-align: left; vertical-align: top; }
thead th { border-bottom: 1.5px solid #888; }
th.n, td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { border-top: 1.5px solid #888; font-weight: bold; }
tr.flag td:first-child { color: #a04800; }
code { font-family: Menlo, Consolas, monospace; font-size: 8.5pt; word-break: break-all; }
figure { margin: 2mm 0 4mm; }
figcaption, .note { font-size: 8.5pt; color: #555; }
svg.gb-chart { display: block; max-width: 100%; height: auto; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
nav ol { margin: 1mm 0; padding-left: 5mm; columns: 2; font-size: 9pt; }
article.row { border-top: 1px dashed #bbb; }
footer { margin-top: 10mm; font-size: 8.5pt; color: #666; }
@media print { body { max-width: none; padding: 0; } nav { display: none; } a { color: inherit; text-decoration: none; } }
`

/** Column alignment: l = left (text), n = right (numbers). */
export type Align = 'l' | 'n'

/** A table; `head` and cells are HTML (escape text with `esc` first); `n` columns right-aligned. */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  rowClass: readonly string[] = [],
): string {
  const cls = (i: number) => (align[i] === 'n' ? ' class="n"' : '')
  const th = head.map((h, i) => `<th${cls(i)}>${h}</th>`).join('')
  const trs = rows.map((r, k) => {
    const rc = rowClass[k] ? ` class="${rowClass[k]}"` : ''
    return `<tr${rc}>${r.map((d, i) => `<td${cls(i)}>${d}</td>`).join('')}</tr>`
  })
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`
}

/** Two-column key/value table of [label, HTML value]. */
export function kv(rows: readonly (readonly [string, string])[]): string {
  return table(
    ['Item', 'Value'],
    rows.map(([k, v]) => [esc(k), v]),
  )
}

/** A number as shown in settings: its exact JavaScript string (spec-defined shortest form). */
export function plain(v: number): string {
  return Number.isFinite(v) ? String(v) : '—'
}

/** A feature value of a counterfactual: strings as they are, integers exactly, else 4 decimals. */
export function featureValue(v: number | string): string {
  if (typeof v === 'string') return esc(v)
  return Number.isSafeInteger(v) ? String(v) : num(v)
}

/** A chart with its caption. */
export function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`
}

/** A section with its heading and anchor. */
export function section(key: SectionKey, body: string): string {
  return `<section id="${key}"><h2>${esc(REPORT_HTML_SECTIONS[key])}</h2>${body}</section>`
}
