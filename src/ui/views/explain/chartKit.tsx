/**
 * Shared pieces of the Explain view's charts: colours, a legend drawn inside the chart's SVG (so
 * PNG/SVG exports carry it), a low→high colour scale, and the settings captions printed under
 * each chart. Presentation only: every number shown comes from the worker (src/core).
 */
import type { ReactNode } from 'react'
import { usePlotArea } from 'recharts'
import type { ExplainSettings } from '../../../core/explain.ts'
import type { Feature } from '../../../core/schema.ts'
import type { BackgroundSpec } from '../../../core/shap/background.ts'
import type { GlobalUsed } from '../../../state/explainStore.ts'

/** Raises the prediction (φ > 0). */
export const UP = '#dc2626'
/** Lowers the prediction (φ < 0). */
export const DOWN = '#2563eb'
export const SHAP_COLOR = '#0f766e'
export const IG_COLOR = '#d97706'
export const GRID = '#e5e7eb'
export const AXIS_TEXT = '#4b5563'
/** Dots whose value is unknown (empty or unseen category). */
export const MISSING = '#9ca3af'

const LOW: [number, number, number] = [0x1e, 0x88, 0xe5]
const MID: [number, number, number] = [0x7c, 0x3a, 0xed]
const HIGH: [number, number, number] = [0xff, 0x0d, 0x57]

const hex = (c: number[]) =>
  `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`

/** Colour of a position t in [0, 1] on the low (blue) → high (red) scale; null/NaN = grey. */
export function scaleColor(t: number | null): string {
  if (t === null || !Number.isFinite(t)) return MISSING
  const u = Math.min(1, Math.max(0, t))
  const [a, b, s] = u < 0.5 ? [LOW, MID, u * 2] : [MID, HIGH, (u - 0.5) * 2]
  return hex(a.map((v, i) => v + (b[i]! - v) * s))
}

/**
 * Maps a feature's values to [0, 1] for colouring: numeric values by their 5th–95th percentile range
 * (min–max when that range is empty) so one outlier does not wash the rest out; categorical values
 * by category index over the category count. Unknown categories (−1) map to null.
 */
export function colorPosition(
  feature: Feature,
  values: ArrayLike<number>,
): (v: number) => number | null {
  if (feature.type === 'categorical') {
    const k = feature.categories.length
    return (v) => (v < 0 ? null : k <= 1 ? 0.5 : v / (k - 1))
  }
  const sorted = Float64Array.from(values).sort()
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))] ?? 0
  let lo = q(0.05)
  let hi = q(0.95)
  if (!(hi > lo)) {
    lo = sorted[0] ?? 0
    hi = sorted[sorted.length - 1] ?? 0
  }
  return (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5)
}

/** A feature value as text: the number, or the category name ("(unknown)" for −1). */
export function featureValueText(feature: Feature, v: number): string {
  if (feature.type === 'categorical') return feature.categories[v] ?? '(unknown)'
  return String(+v.toPrecision(6))
}

export type LegendItem = { label: string; color: string; shape?: 'square' | 'circle' | 'line' }

/**
 * A legend drawn inside the chart's SVG, `top` px (default 14) above the plot area (leave ≥ top + 12
 * px of top margin). Being part of the SVG, it is in the exported PNG/SVG.
 */
export function SvgLegend({ items, top }: { items: LegendItem[]; top?: number }) {
  const area = usePlotArea()
  if (!area) return null
  let x = area.x
  const y = Math.max(10, area.y - (top ?? 14))
  const out: ReactNode[] = []
  items.forEach((it, i) => {
    const w = 16 + it.label.length * 6.2 + 14
    out.push(
      <g key={i} transform={`translate(${x},${y})`}>
        {it.shape === 'circle' ? (
          <circle cx={5} cy={0} r={4.5} fill={it.color} />
        ) : it.shape === 'line' ? (
          <line
            x1={0}
            x2={11}
            y1={0}
            y2={0}
            stroke={it.color}
            strokeWidth={2}
            strokeDasharray="4 2"
          />
        ) : (
          <rect x={0} y={-5} width={10} height={10} fill={it.color} rx={1.5} />
        )}
        <text x={15} y={4} fontSize={11} fill={AXIS_TEXT}>
          {it.label}
        </text>
      </g>,
    )
    x += w
  })
  return <g className="svgLegend">{out}</g>
}

/** Signed fixed-decimal text of a φ ("+0.01234"). */
export function fmtPhi(v: number | null | undefined, digits = 5): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`
}

/** "first 50 rows", "seeded sample of 50 rows", "50 K-medoids". */
export function backgroundText(b: BackgroundSpec): string {
  return b.kind === 'first'
    ? `first ${b.k} rows`
    : b.kind === 'sample'
      ? `seeded sample of ${b.k} rows`
      : `${b.k} K-medoids`
}

/** Settings line of a SHAP computation. */
export function shapSettingsText(s: ExplainSettings, exact: boolean | undefined): string {
  return `SHAP ${exact ? '(exact Shapley values)' : '(Kernel SHAP estimate)'} · background ${backgroundText(s.background)} · budget ${s.budget} coalitions · seed ${s.seed}`
}

/** Settings line of an integrated-gradients computation (`steps` = steps used). */
export function igSettingsText(
  s: ExplainSettings,
  steps: number | undefined,
  gap: number | undefined,
): string {
  const mode = s.igSteps === 'auto' ? 'auto' : 'fixed'
  return `IG · baseline ${s.igBaseline} · ${steps ?? '—'} steps (${mode}) · ${s.igMethod} rule · completeness gap ${gap === undefined ? '—' : gap.toExponential(2)}`
}

/** Settings line of a global SHAP run. */
export function globalSettingsText(u: GlobalUsed, rows: number, exact: boolean): string {
  return `SHAP ${exact ? '(exact Shapley values)' : '(Kernel SHAP estimates)'} for ${rows} rows sampled with seed ${u.seed} from ${u.cohort ? `the cohort “${u.cohort}”` : 'all rows'} · background ${backgroundText(u.background)} · budget ${u.budget} coalitions`
}

/**
 * A vertical low→high colour bar drawn inside the SVG to the right of the plot area (leave ≥ 60 px
 * of right margin), labelled "high" at the top and "low" at the bottom.
 */
export function SvgColorBar({ title }: { title: string }) {
  const area = usePlotArea()
  if (!area) return null
  const id = `bar-${title.replace(/\W+/g, '')}`
  const h = Math.min(160, Math.max(60, area.height - 40))
  const x = area.x + area.width + 18
  const y = area.y + (area.height - h) / 2
  return (
    <g className="svgColorBar">
      <defs>
        <linearGradient id={id} x1="0" x2="0" y1="1" y2="0">
          {[0, 0.25, 0.5, 0.75, 1].map((t) => (
            <stop key={t} offset={t} stopColor={scaleColor(t)} />
          ))}
        </linearGradient>
      </defs>
      <rect x={x} y={y} width={9} height={h} fill={`url(#${id})`} rx={2} />
      <text x={x + 4.5} y={y - 5} fontSize={10} textAnchor="middle" fill={AXIS_TEXT}>
        high
      </text>
      <text x={x + 4.5} y={y + h + 13} fontSize={10} textAnchor="middle" fill={AXIS_TEXT}>
        low
      </text>
      <text
        transform={`translate(${x + 24},${y + h / 2}) rotate(90)`}
        fontSize={11}
        textAnchor="middle"
        fill={AXIS_TEXT}
      >
        {title}
      </text>
    </g>
  )
}

/** Ten distinguishable colours (Tableau 10) for categories; the tenth is kept for "other". */
export const CATEGORY_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]

/** A vertical list of legend items drawn inside the SVG to the right of the plot area. */
export function SvgKey({ title, items }: { title: string; items: LegendItem[] }) {
  const area = usePlotArea()
  if (!area) return null
  const x = area.x + area.width + 14
  return (
    <g className="svgKey" transform={`translate(${x},${area.y + 4})`}>
      <text x={0} y={0} fontSize={11} fontWeight={600} fill={AXIS_TEXT}>
        {title}
      </text>
      {items.map((it, i) => (
        <g key={it.label} transform={`translate(0,${16 + i * 15})`}>
          <circle cx={4} cy={-4} r={4} fill={it.color} />
          <text x={12} y={0} fontSize={10.5} fill={AXIS_TEXT}>
            {it.label.length > 22 ? `${it.label.slice(0, 21)}…` : it.label}
          </text>
        </g>
      ))}
    </g>
  )
}

/**
 * Axis ticks at a "nice" step (1, 2, 2.5 or 5 × 10^k) covering [lo, hi] widened by `pad` × span on
 * each side (room for labels beside the bars), about `count` intervals. The padding stops at
 * `clamp` (e.g. [0, 1] for probabilities) when the data are inside it.
 * @returns the domain [first tick, last tick] and the ticks; a degenerate range is widened to ±0.5.
 */
export function niceAxis(
  lo: number,
  hi: number,
  pad = 0,
  count = 5,
  clamp: [number, number] = [-Infinity, Infinity],
): { domain: [number, number]; ticks: number[] } {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)))
    return { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] }
  if (hi - lo < 1e-12) {
    lo -= 0.5
    hi += 0.5
  }
  const span = hi - lo
  const a = lo >= clamp[0] ? Math.max(clamp[0], lo - pad * span) : lo - pad * span
  const b = hi <= clamp[1] ? Math.min(clamp[1], hi + pad * span) : hi + pad * span
  const raw = (b - a) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  const first = Math.floor(a / step + 1e-9) * step
  const last = Math.ceil(b / step - 1e-9) * step
  const ticks: number[] = []
  for (let t = first; t <= last + step / 2; t += step) ticks.push(+t.toPrecision(12))
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks }
}

/** Tick text with just enough decimals for the step between ticks. */
export function tickText(ticks: number[]): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1
  const e = Math.floor(Math.log10(step) + 1e-9)
  const mantissa = step / 10 ** e
  const digits = Math.max(0, Math.min(6, -e + (Math.abs(mantissa - 2.5) < 1e-6 ? 1 : 0)))
  return (v) => (Math.abs(v) < step * 1e-6 ? 0 : v).toFixed(digits)
}

/** [min, max] of numbers (a loop: no argument-count limit); [NaN, NaN] when empty. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN]
}
