import type { ReactNode } from 'react'
import { fmt } from '../../format.ts'

/** Colours of group series: distinguishable, and ≥ 3:1 against white (WCAG non-text contrast). */
export const GROUP_COLORS = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#4b5563',
  '#9333ea',
] as const

/** The colour of the k-th group series (cycling). */
export const groupColor = (k: number): string => GROUP_COLORS[k % GROUP_COLORS.length]!

/** A value with 4 decimals for tooltips (exact enough to compare with exported CSV). */
export const fmt4 = (v: unknown): string => (typeof v === 'number' ? fmt(v) : String(v ?? '—'))

/** An interval as "[low, high]", or an em dash when undefined. */
export function fmtInterval(
  low: number | null | undefined,
  high: number | null | undefined,
): string {
  return low === null || low === undefined || high === null || high === undefined
    ? '—'
    : `[${fmt(low)}, ${fmt(high)}]`
}

/** Props of {@link Stat}. */
export type StatProps = {
  /** data-testid of the value; `data-value` holds it at full precision. */
  id: string
  label: string
  value: number | null
  /** Tooltip explaining the number. */
  hint: string
  /** Extra line under the value (an interval, a flag). */
  sub?: ReactNode
  digits?: number
}

/** A labelled number tile (the Overview's metric style) exposing its exact value for tests. */
export function Stat({ id, label, value, hint, sub, digits = 4 }: StatProps) {
  return (
    <div className="metric" title={hint}>
      <div className="metricLabel">{label}</div>
      <div className="metricValue" data-testid={id} data-value={value ?? ''}>
        {fmt(value, digits)}
      </div>
      {sub && <div className="metricSub small">{sub}</div>}
    </div>
  )
}

/** A horizontally scrollable table holder, focusable so keyboard users can scroll it. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="tableScroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}

/** One legend entry: a filled box, a solid or dashed line, or a line through a dot. */
export type LegendItem = {
  label: string
  color: string
  kind: 'box' | 'line' | 'dashed' | 'dot' | 'whisker'
}

/**
 * A chart legend in HTML (no SVG, so the chart's own surface stays the only SVG that the export
 * finds; and no measuring, unlike recharts' Legend).
 */
export function ChartLegend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul className="chartLegend">
      {items.map((it) => (
        <li key={it.label}>
          <span className={`swatch ${it.kind}`} style={{ color: it.color }} aria-hidden="true" />
          {it.label}
        </li>
      ))}
    </ul>
  )
}
