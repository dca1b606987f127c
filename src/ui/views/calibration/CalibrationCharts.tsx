import { useMemo, memo } from 'react'
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts'
import type { HistogramBin, ReliabilityBin } from '../../../core/views/calibrationView.ts'
import type { AttributeCalibration } from '../../../state/calibrationStore.ts'
import { fmt, fmtInt, fmtInterval } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Legend } from '../../kit/Legend.tsx'
import { Color, seriesColor } from '../../kit/palette.ts'
import { TooltipBox } from '../../kit/TooltipBox.tsx'
import { yAxisLabel } from '../../kit/axis.ts'

const DIAGONAL = [
  { x: 0, y: 0 },
  { x: 1, y: 1 },
]
/** A probability axis: 0 to 1 in steps of 0.2. */
const UNIT_AXIS = {
  type: 'number' as const,
  domain: [0, 1] as [number, number],
  ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
}
const MARGIN = { top: 8, right: 20, bottom: 30, left: 20 }

type RelPoint = {
  x: number
  y: number
  err: [number, number]
  bin: number
  lower: number
  upper: number
  count: number
  low: number
  high: number
}

/** CSV columns of a reliability bin (`bin` is 1-based). */
const BIN_HEADER = [
  'bin',
  'lower',
  'upper',
  'count',
  'meanPredicted',
  'fractionPositive',
  'wilsonLow',
  'wilsonHigh',
]

/** The CSV row of the k-th (0-based) reliability bin. */
const binRow = (b: ReliabilityBin, k: number): (number | null)[] => [
  k + 1,
  b.lower,
  b.upper,
  b.count,
  b.meanPredicted,
  b.fractionPositive,
  b.wilsonLow,
  b.wilsonHigh,
]

/** Non-empty bins as chart points with their asymmetric Wilson error bars. */
function relPoints(bins: readonly ReliabilityBin[]): RelPoint[] {
  const out: RelPoint[] = []
  bins.forEach((b, k) => {
    if (b.count === 0 || b.meanPredicted === null || b.fractionPositive === null) return
    const low = b.wilsonLow ?? b.fractionPositive
    const high = b.wilsonHigh ?? b.fractionPositive
    out.push({
      x: b.meanPredicted,
      y: b.fractionPositive,
      err: [b.fractionPositive - low, high - b.fractionPositive],
      bin: k,
      lower: b.lower,
      upper: b.upper,
      count: b.count,
      low,
      high,
    })
  })
  return out
}

function RelTooltip({ active, payload }: TooltipContentProps) {
  const pt = payload?.find((e) => (e.payload as RelPoint | undefined)?.count !== undefined)
  if (!active || !pt) return null
  const p = pt.payload as RelPoint
  return (
    <TooltipBox
      title={`${String(pt.name ?? 'Bin')} · bin ${p.bin + 1} (${fmt(p.lower, 3)}, ${fmt(p.upper, 3)}]`}
      rows={[
        ['Rows', fmtInt(p.count)],
        ['Mean predicted', fmt(p.x)],
        ['Fraction positive', fmt(p.y)],
        ['Wilson 95%', fmtInterval(p.low, p.high)],
        ['Gap', fmt(Math.abs(p.x - p.y))],
      ]}
    />
  )
}

/**
 * What every reliability diagram shares: grid, unit axes, tooltip and the diagonal of perfect
 * calibration (an array of keyed children, which the chart flattens).
 */
function reliabilityFrame(): React.ReactElement[] {
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis
      key="x"
      {...UNIT_AXIS}
      dataKey="x"
      label={{ value: 'Mean predicted probability (0–1)', position: 'insideBottom', offset: -16 }}
    />,
    <YAxis key="y" {...UNIT_AXIS} dataKey="y" label={yAxisLabel('Fraction positive (0–1)')} />,
    <Tooltip key="tooltip" content={RelTooltip} />,
    <Scatter
      key="diagonal"
      name="Perfect calibration"
      data={DIAGONAL}
      line={{ stroke: Color.Rule, strokeDasharray: '5 4' }}
      shape={() => <g />}
      legendType="plainline"
      fill={Color.Rule}
      isAnimationActive={false}
    />,
  ]
}

function HistTooltip({ active, payload }: TooltipContentProps) {
  const b = payload?.[0]?.payload as (HistogramBin & { share: number }) | undefined
  if (!active || !b) return null
  return (
    <TooltipBox
      title={`Predictions in (${fmt(b.lower, 3)}, ${fmt(b.upper, 3)}]`}
      rows={[
        ['Rows', fmtInt(b.count)],
        ['Share', fmt(b.share)],
      ]}
    />
  )
}

/** Reliability diagram: bins at (mean predicted, fraction positive) with Wilson 95% bars. */
export const ReliabilityChart = memo(function ReliabilityChart({
  bins,
  strategy,
}: {
  bins: readonly ReliabilityBin[]
  strategy: string
}) {
  const points = useMemo(() => relPoints(bins), [bins])
  const title = 'Reliability diagram'
  return (
    <ChartFrame
      title={title}
      data={{
        header: BIN_HEADER,
        rows: bins.map(binRow),
      }}
      caption={`${bins.length} ${strategy === 'mass' ? 'equal-mass' : 'equal-width'} bins; empty bins are not drawn. Bars: Wilson 95% interval of the fraction positive. Points on the diagonal are perfectly calibrated.`}
    >
      <Legend
        items={[
          { label: 'Model (one point per bin)', color: Color.Accent, kind: 'dot' },
          { label: 'Wilson 95% interval', color: Color.Whisker, kind: 'whisker' },
          { label: 'Perfect calibration', color: Color.Rule, kind: 'dashed' },
        ]}
      />
      <ResponsiveContainer width="100%" height={300}>
        <ComposedChart
          margin={MARGIN}
          title={title}
          desc="Fraction of positive labels against mean predicted probability per bin, with the diagonal of perfect calibration"
        >
          {reliabilityFrame()}
          <Scatter
            name="Model"
            data={points}
            line={{ stroke: Color.Accent, strokeWidth: 2 }}
            fill={Color.Accent}
            isAnimationActive={false}
          >
            <ErrorBar
              dataKey="err"
              width={4}
              stroke={Color.Whisker}
              direction="y"
              isAnimationActive={false}
            />
          </Scatter>
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  )
})

/** Histogram of the predictions, on the same 0–1 axis as the reliability diagram. */
export const HistogramChart = memo(function HistogramChart({
  bins,
  total,
}: {
  bins: readonly HistogramBin[]
  total: number
}) {
  const data = useMemo(
    () =>
      bins.map((b) => ({
        ...b,
        mid: (b.lower + b.upper) / 2,
        share: total > 0 ? b.count / total : 0,
      })),
    [bins, total],
  )
  const title = 'Histogram of predictions'
  return (
    <ChartFrame
      title={title}
      data={{
        header: ['lower', 'upper', 'count'],
        rows: bins.map((b) => [b.lower, b.upper, b.count]),
      }}
      caption={`${bins.length} equal-width bins of [0, 1]; a prediction on an edge counts in the bin below.`}
    >
      <Legend items={[{ label: 'Rows per bin', color: Color.AccentLight, kind: 'box' }]} />
      <ResponsiveContainer width="100%" height={150}>
        <ComposedChart
          data={data}
          margin={MARGIN}
          barCategoryGap={1}
          title={title}
          desc="Number of rows per predicted-probability bin"
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            {...UNIT_AXIS}
            dataKey="mid"
            label={{ value: 'Predicted probability (0–1)', position: 'insideBottom', offset: -16 }}
          />
          <YAxis type="number" allowDecimals={false} label={yAxisLabel('Rows')} />
          <Tooltip content={HistTooltip} />
          <Bar
            dataKey="count"
            name="Rows per bin"
            fill={Color.AccentLight}
            stroke={Color.Accent}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  )
})

/** Reliability curves of every group of one attribute. */
export const GroupReliabilityChart = memo(function GroupReliabilityChart({
  attr,
}: {
  attr: AttributeCalibration
}) {
  const names = Object.keys(attr.groups)
  const series = useMemo(
    () => names.map((name) => ({ name, points: relPoints(attr.groups[name]!.bins) })),
    // names derive from attr.groups
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [attr],
  )
  const title = `Reliability by ${attr.attr}`
  return (
    <ChartFrame
      title={title}
      fileName={`reliability-by-${attr.attr.replace(/[^A-Za-z0-9]+/g, '-')}`}
      data={{
        header: ['group', ...BIN_HEADER],
        rows: names.flatMap((name) =>
          attr.groups[name]!.bins.map((b, k) => [name, ...binRow(b, k)]),
        ),
      }}
      caption="Each group's rows binned on their own; hover a point for its interval. Groups under 30 rows are flagged in the table."
    >
      <Legend
        items={[
          ...series.map((s, k) => ({
            label: s.name === '' ? '(empty)' : s.name,
            color: seriesColor(k),
            kind: 'dot' as const,
          })),
          { label: 'Perfect calibration', color: Color.Rule, kind: 'dashed' },
        ]}
      />
      <ResponsiveContainer width="100%" height={300}>
        <ComposedChart
          margin={MARGIN}
          title={title}
          desc={`Reliability curve of every ${attr.attr} group`}
        >
          {reliabilityFrame()}
          {series.map((s, k) => (
            <Scatter
              key={s.name}
              name={s.name}
              data={s.points}
              line={{ stroke: seriesColor(k), strokeWidth: 2 }}
              fill={seriesColor(k)}
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  )
})
