/**
 * The horizontal feature-bar chart shared by the Explain view's waterfall, SHAP-vs-IG and mean |φ|
 * charts: one band per feature (a category axis down the left), a numeric axis along the bottom,
 * vertical grid lines, a tooltip in the app's style and a legend inside the SVG. Each chart adds
 * its own bars and reference lines as children, and may draw its bars with {@link labelledBar}.
 */
import type { ReactNode } from 'react'
import {
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type BarShapeProps,
  type Margin,
} from 'recharts'
import { Color } from './palette.ts'
import { SvgLegend, type SvgLegendItem } from './SvgLegend.tsx'
import { TooltipBox } from './TooltipBox.tsx'

/** Props of {@link FeatureBars}; `D` is one band's datum. */
export type FeatureBarsProps<D extends object> = {
  /** One datum per band, top to bottom. */
  data: readonly D[]
  /** The datum's field that labels its band (default "label"). */
  bandKey?: keyof D & string
  /** Width of the band labels, px (default 210). */
  bandWidth?: number
  /** Chart height, px. */
  height: number
  margin: Margin
  /** Gap between the bars of one band, px (several series). */
  barGap?: number
  /** Accessible title and description of the SVG. */
  title: string
  desc?: string
  /** Label of the numeric axis, with its unit. */
  xLabel: string
  /** Fixed domain and ticks of the numeric axis; absent, recharts picks them. */
  axis?: { domain: [number, number]; ticks: number[] }
  tickFormat: (v: number) => string
  /** The tooltip of a band: its title and name → value rows. */
  tip: (d: D) => { title: string; rows: [string, string][] }
  legend: SvgLegendItem[]
  /** Distance of the legend above the plot, px (see SvgLegend). */
  legendTop?: number
  /** The bars and reference lines. */
  children: ReactNode
}

/** A horizontal bar chart of features: the frame around the bars that `children` draws. */
export function FeatureBars<D extends object>({
  data,
  bandKey,
  bandWidth = 210,
  height,
  margin,
  barGap,
  title,
  desc,
  xLabel,
  axis,
  tickFormat,
  tip,
  legend,
  legendTop,
  children,
}: FeatureBarsProps<D>) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart
        data={data as D[]}
        layout="vertical"
        margin={margin}
        barCategoryGap={5}
        {...(barGap !== undefined ? { barGap } : {})}
        title={title}
        {...(desc !== undefined ? { desc } : {})}
      >
        <CartesianGrid stroke={Color.Grid} horizontal={false} />
        <XAxis
          type="number"
          {...(axis ? { domain: axis.domain, ticks: axis.ticks } : {})}
          tickFormatter={tickFormat}
          tick={{ fontSize: 11, fill: Color.Axis }}
          label={{
            value: xLabel,
            position: 'insideBottom',
            offset: -14,
            fontSize: 12,
            fill: Color.Axis,
          }}
        />
        <YAxis
          type="category"
          dataKey={String(bandKey ?? 'label')}
          width={bandWidth}
          tick={{ fontSize: 11, fill: Color.Text }}
          interval={0}
        />
        <Tooltip
          cursor={{ fill: Color.Cursor }}
          content={({ active, payload }) => {
            const d = (active ? payload?.[0]?.payload : undefined) as D | undefined
            if (!d) return null
            const t = tip(d)
            return <TooltipBox title={t.title} rows={t.rows} />
          }}
        />
        {children}
        <SvgLegend items={legend} {...(legendTop !== undefined ? { top: legendTop } : {})} />
      </BarChart>
    </ResponsiveContainer>
  )
}

/** Width of a bar's value label ("+0.0742" at 11 px), px. */
const LABEL_W = 50

/** How {@link labelledBar} draws one datum's bar and its value label. */
export type LabelledBarStyle<D> = {
  /** True when the bar grows rightwards (its label goes beyond its right end). */
  up: (d: D) => boolean
  fill: (d: D) => string
  /** The value label. */
  label: (d: D) => string
  /** Colour of a label outside the bar. */
  labelFill: (d: D) => string
  /**
   * Where the plot has no room beyond the bar's far end, put the label inside the bar (in
   * `Color.OnColor`) or, for a thin bar, behind it; false keeps it beyond the end always (the
   * chart's margin must then leave room).
   */
  fit: boolean
}

/**
 * A recharts Bar `shape` that draws the bar (at least 1 px wide, rounded) with its value written
 * beyond its far end in the direction it grows — or, with `fit`, inside or behind it where the
 * plot ends too soon.
 */
export function labelledBar<D>(style: LabelledBarStyle<D>) {
  return function LabelledBar({ x, y, width, height, payload, background }: BarShapeProps) {
    const d = payload as D | undefined
    if (!d) return null
    const up = style.up(d)
    const w = Math.max(1, width)
    const left = background?.x ?? -Infinity
    const right = left + (background?.width ?? Infinity)
    type Place = { at: number; anchor: 'start' | 'end'; inside: boolean }
    const ahead: Place = up
      ? { at: x + w + 4, anchor: 'start', inside: false }
      : { at: x - 4, anchor: 'end', inside: false }
    const inside: Place = up
      ? { at: x + w - 4, anchor: 'end', inside: true }
      : { at: x + 4, anchor: 'start', inside: true }
    const behind: Place = up
      ? { at: x - 4, anchor: 'end', inside: false }
      : { at: x + w + 4, anchor: 'start', inside: false }
    const fits = !style.fit || (up ? x + w + 4 + LABEL_W <= right : x - 4 - LABEL_W >= left)
    const p = fits ? ahead : w >= LABEL_W + 8 ? inside : behind
    return (
      <g>
        <rect x={x} y={y} width={w} height={height} fill={style.fill(d)} rx={2} />
        <text
          x={p.at}
          y={y + height / 2 + 4}
          textAnchor={p.anchor}
          fontSize={11}
          fill={p.inside ? Color.OnColor : style.labelFill(d)}
        >
          {style.label(d)}
        </text>
      </g>
    )
  }
}
