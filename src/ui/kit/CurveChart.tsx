import { memo } from 'react'
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { fmtValue } from '../format.ts'
import { Color } from './palette.ts'
import { yAxisLabel } from './axis.ts'

export type CurveChartProps = {
  title: string
  xLabel: string
  yLabel: string
  /** Points of the curve, in drawing order. */
  points: { x: number; y: number; threshold: number }[]
  /** The operating point at the current threshold. */
  marker?: { x: number; y: number } | null
  /** A dashed reference line (e.g. the chance diagonal), as two points. */
  reference?: { x: number; y: number }[]
  seriesName: string
}

/** A 0–1 × 0–1 curve (ROC, precision–recall) with its operating point marked. */
export const CurveChart = memo(function CurveChart({
  title,
  xLabel,
  yLabel,
  points,
  marker,
  reference,
  seriesName,
}: CurveChartProps) {
  return (
    <figure className="chart" aria-label={title} tabIndex={0}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={{ top: 8, right: 16, bottom: 28, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            domain={[0, 1]}
            tickCount={6}
            label={{ value: xLabel, position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={[0, 1]}
            tickCount={6}
            label={yAxisLabel(yLabel)}
          />
          <Tooltip
            formatter={fmtValue}
            labelFormatter={(_, payload) => {
              const t = (payload?.[0]?.payload as { threshold?: number } | undefined)?.threshold
              return t === undefined || !Number.isFinite(t) ? '' : `threshold ${t.toFixed(4)}`
            }}
          />
          <Legend verticalAlign="top" height={24} />
          {reference && (
            <Line
              data={reference}
              dataKey="y"
              name="chance"
              stroke={Color.Chance}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
          <Line
            data={points}
            dataKey="y"
            name={seriesName}
            stroke={Color.Accent}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
          {marker && (
            <ReferenceDot
              x={marker.x}
              y={marker.y}
              r={5}
              fill={Color.Marker}
              stroke={Color.Surface}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
})
