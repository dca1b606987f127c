import {
  Bar,
  BarChart,
  type BarShapeProps,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { fmtPct } from '../../format.ts'
import { Legend } from '../../kit/Legend.tsx'
import { Color } from '../../kit/palette.ts'
import { TooltipBox } from '../../kit/TooltipBox.tsx'

/** One bin of an overlaid histogram: shares of each side in [0, 1]. */
export type OverlaidBin = {
  bin: string
  reference: number
  current: number
  extra?: [string, string][]
}

/** The current series' bar: half as wide as its band, centred, so the reference shows around it. */
function NarrowBar(props: BarShapeProps) {
  const { x, y, width, height, fill } = props
  if (![x, y, width, height].every((v) => typeof v === 'number' && Number.isFinite(v))) return <g />
  const w = (width as number) / 2
  return (
    <rect
      x={(x as number) + w / 2}
      y={y as number}
      width={w}
      height={Math.max(0, height as number)}
      fill={fill}
    />
  )
}

/** Round y-axis ticks for shares: 0 to just above `max` in steps of 1, 2, 2.5 or 5 × 10^k (≤ 6 intervals). */
function shareTicks(max: number): number[] {
  const top = max > 0 ? max : 1
  const step =
    [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25].find((s) => Math.ceil(top / s) <= 6) ?? 0.25
  return Array.from({ length: Math.ceil(top / step - 1e-9) + 1 }, (_, k) => +(k * step).toFixed(4))
}

type TipProps = { active?: boolean; payload?: readonly { payload?: OverlaidBin }[] }

function Tip({ active, payload }: TipProps) {
  const d = payload?.[0]?.payload
  if (!active || !d) return null
  return (
    <TooltipBox
      title={d.bin}
      rows={[
        ['reference', fmtPct(d.reference, 2)],
        ['current', fmtPct(d.current, 2)],
        ...(d.extra ?? []),
      ]}
    />
  )
}

/**
 * Reference and current shares per bin on the same axes: the reference as wide slate bars, the
 * current as narrower orange bars drawn over them (each series on its own band axis, so the bars
 * overlap instead of standing side by side).
 */
export function OverlaidBars({
  data,
  xLabel,
  height = 260,
  angled = false,
}: {
  data: readonly OverlaidBin[]
  xLabel: string
  height?: number
  angled?: boolean
}) {
  const ticks = shareTicks(Math.max(0, ...data.map((d) => Math.max(d.reference, d.current))))
  return (
    <>
      <Legend
        items={[
          { label: 'reference', color: Color.Reference, opacity: 0.5 },
          { label: 'current', color: Color.Current, kind: 'narrow' },
        ]}
      />
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={data as OverlaidBin[]}
          margin={{ top: 6, right: 16, bottom: 24, left: 8 }}
          barCategoryGap="8%"
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            xAxisId="ref"
            dataKey="bin"
            interval={angled ? 0 : 'preserveStartEnd'}
            tick={{ fontSize: 11 }}
            angle={angled ? -35 : 0}
            textAnchor={angled ? 'end' : 'middle'}
            height={angled ? 80 : 30}
            label={{ value: xLabel, position: 'insideBottom', offset: -16, fontSize: 12 }}
          />
          <XAxis xAxisId="cur" dataKey="bin" hide height={0} />
          <YAxis
            domain={[0, ticks.at(-1)!]}
            ticks={ticks}
            tickFormatter={(v: number) => `${+(100 * v).toFixed(1)}%`}
            tick={{ fontSize: 11 }}
            width={44}
            label={{
              value: 'Share of rows',
              angle: -90,
              position: 'insideLeft',
              offset: 4,
              fontSize: 12,
              style: { textAnchor: 'middle' },
            }}
          />
          <Tooltip content={<Tip />} cursor={{ fill: Color.CursorSlate }} />
          <Bar
            xAxisId="ref"
            dataKey="reference"
            name="reference"
            fill={Color.Reference}
            fillOpacity={0.5}
            isAnimationActive={false}
          />
          <Bar
            xAxisId="cur"
            dataKey="current"
            name="current"
            fill={Color.Current}
            isAnimationActive={false}
            shape={NarrowBar}
          />
        </BarChart>
      </ResponsiveContainer>
    </>
  )
}
