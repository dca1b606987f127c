/**
 * Legends drawn inside a recharts chart's SVG, so that the PNG and SVG exports carry them: a row
 * of items above the plot, a vertical key to its right, and a low → high colour bar. (The HTML
 * `Legend` of ./Legend.tsx is for charts whose legend need not travel with the export.)
 */
import type { ReactNode } from 'react'
import { usePlotArea } from 'recharts'
import { Color, scaleColor } from './palette.ts'

/** One legend entry: a filled square (default), a dot, or a dashed line. */
export type SvgLegendItem = { label: string; color: string; shape?: 'square' | 'circle' | 'line' }

/**
 * A row of legend items `top` px (default 14) above the plot area (leave ≥ top + 12 px of top
 * margin). Renders nothing before recharts has laid out the plot area.
 */
export function SvgLegend({ items, top }: { items: SvgLegendItem[]; top?: number }) {
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
        <text x={15} y={4} fontSize={11} fill={Color.Axis}>
          {it.label}
        </text>
      </g>,
    )
    x += w
  })
  return <g className="svgLegend">{out}</g>
}

/**
 * A vertical list of legend items (dots) titled `title`, to the right of the plot area (leave
 * ≥ 150 px of right margin); labels over 22 characters are cut with an ellipsis.
 */
export function SvgKey({ title, items }: { title: string; items: SvgLegendItem[] }) {
  const area = usePlotArea()
  if (!area) return null
  const x = area.x + area.width + 14
  return (
    <g className="svgKey" transform={`translate(${x},${area.y + 4})`}>
      <text x={0} y={0} fontSize={11} fontWeight={600} fill={Color.Axis}>
        {title}
      </text>
      {items.map((it, i) => (
        <g key={it.label} transform={`translate(0,${16 + i * 15})`}>
          <circle cx={4} cy={-4} r={4} fill={it.color} />
          <text x={12} y={0} fontSize={10.5} fill={Color.Axis}>
            {it.label.length > 22 ? `${it.label.slice(0, 21)}…` : it.label}
          </text>
        </g>
      ))}
    </g>
  )
}

/**
 * A vertical low → high colour bar (the `scaleColor` scale) to the right of the plot area (leave
 * ≥ 60 px of right margin), labelled "high" at the top, "low" at the bottom and `title` beside it.
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
      <text x={x + 4.5} y={y - 5} fontSize={10} textAnchor="middle" fill={Color.Axis}>
        high
      </text>
      <text x={x + 4.5} y={y + h + 13} fontSize={10} textAnchor="middle" fill={Color.Axis}>
        low
      </text>
      <text
        transform={`translate(${x + 24},${y + h / 2}) rotate(90)`}
        fontSize={11}
        textAnchor="middle"
        fill={Color.Axis}
      >
        {title}
      </text>
    </g>
  )
}
