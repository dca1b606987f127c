import { memo, useMemo } from 'react'
import {
  Bar,
  CartesianGrid,
  Cell,
  ComposedChart,
  LabelList,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts'
import type { FairnessAt } from '../../../core/views/fairnessAt.ts'
import { type GroupBarRow, groupBarRows } from '../../../core/views/groupBars.ts'
import { fmt, fmtInt } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Legend } from '../../kit/Legend.tsx'
import { Color } from '../../kit/palette.ts'
import { TooltipBox } from '../../kit/TooltipBox.tsx'
import { yAxisLabel } from '../../kit/axis.ts'

/** The rates drawn as bar charts: the ones behind the disparity numbers, and precision. */
export const BAR_METRICS = [
  {
    key: 'selectionRate',
    label: 'Selection rate',
    unit: 'share predicted positive',
    note: 'demographic parity',
  },
  {
    key: 'tpr',
    label: 'True positive rate',
    unit: 'share of positives found',
    note: 'equal opportunity',
  },
  {
    key: 'fpr',
    label: 'False positive rate',
    unit: 'share of negatives flagged',
    note: 'equalized odds',
  },
  {
    key: 'precision',
    label: 'Precision',
    unit: 'share of predicted positives correct',
    note: 'predictive parity',
  },
] as const

type MetricKey = (typeof BAR_METRICS)[number]['key']

type BarRow = GroupBarRow & { label: string }

function BarTooltip({ active, payload }: TooltipContentProps) {
  const r = payload?.[0]?.payload as BarRow | undefined
  if (!active || !r) return null
  return (
    <TooltipBox
      title={r.group === '' ? '(empty)' : r.group}
      rows={[
        [r.label, fmt(r.value)],
        ['Overall', fmt(r.overall)],
        ['Rows', `${fmtInt(r.count)}${r.small ? ' (small group)' : ''}`],
        ['Threshold', fmt(r.threshold, 3)],
      ]}
    />
  )
}

const MetricBars = memo(function MetricBars({
  metric,
  at,
  groupingKey,
  names,
}: {
  metric: (typeof BAR_METRICS)[number]
  at: FairnessAt
  groupingKey: string
  names: readonly string[]
}) {
  const key: MetricKey = metric.key
  const data: BarRow[] = useMemo(
    () => groupBarRows(at, names, key).map((r) => ({ ...r, label: metric.label })),
    [at, names, key, metric.label],
  )
  const anyMissing = data.some((d) => d.value === null)
  const overall = at.overall[key]
  const title = `${metric.label} by ${groupingKey}`
  const long = names.some((n) => n.length > 10) || names.length > 6
  return (
    <ChartFrame
      title={title}
      fileName={`${metric.key}-by-${groupingKey.replace(/[^A-Za-z0-9]+/g, '-')}`}
      data={{
        header: ['group', metric.key, 'overall', 'count', 'small', 'threshold'],
        rows: data.map((d) => [
          d.group,
          d.value,
          d.overall,
          d.count,
          d.small ? 'yes' : 'no',
          d.threshold,
        ]),
      }}
      caption={`${metric.note}; dashed line: the value over all rows (${fmt(at.overall[key])}). Hatched bars: groups under 30 rows.${anyMissing ? ' n/a: the rate is undefined for the group (e.g. no positive labels), not 0.' : ''}`}
    >
      <Legend
        items={[
          { label: `${metric.label} per group`, color: Color.Accent, kind: 'box' },
          { label: `Overall (${fmt(overall)})`, color: Color.Marker, kind: 'dashed' },
        ]}
      />
      <ResponsiveContainer width="100%" height={long ? 280 : 220}>
        <ComposedChart
          data={data}
          margin={{ top: 4, right: 12, bottom: long ? 8 : 20, left: 12 }}
          title={title}
          desc={`${metric.label} (${metric.unit}) of every group, with the overall value`}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="group"
            interval={0}
            tick={{ fontSize: 11 }}
            angle={long ? -30 : 0}
            textAnchor={long ? 'end' : 'middle'}
            height={long ? 90 : 30}
            label={long ? false : { value: groupingKey, position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            label={yAxisLabel(`${metric.label} (0–1)`)}
          />
          <Tooltip content={BarTooltip} />
          <Bar
            dataKey="value"
            name={`${metric.label} per group`}
            fill={Color.Accent}
            stackId="rate"
            isAnimationActive={false}
          >
            {data.map((d) => (
              <Cell
                key={d.group}
                fill={d.small ? `url(#hatch-${metric.key})` : Color.Accent}
                stroke={Color.AccentStrong}
              />
            ))}
          </Bar>
          {anyMissing && (
            // Undefined rates: an outlined "n/a" placeholder where the bar would be, never 0.
            <Bar
              dataKey="naMark"
              stackId="rate"
              fill="none"
              stroke={Color.Rule}
              strokeDasharray="3 3"
              isAnimationActive={false}
              legendType="none"
              tooltipType="none"
              className="naMark"
            >
              <LabelList dataKey="naLabel" position="top" fontSize={11} fill={Color.Muted} />
            </Bar>
          )}
          {overall !== null && (
            <ReferenceLine
              y={overall}
              stroke={Color.Marker}
              strokeDasharray="6 4"
              strokeWidth={2}
            />
          )}
          <defs>
            <pattern
              id={`hatch-${metric.key}`}
              patternUnits="userSpaceOnUse"
              width="6"
              height="6"
              patternTransform="rotate(45)"
            >
              <rect width="6" height="6" fill={Color.AccentPale} />
              <line x1="0" y1="0" x2="0" y2="6" stroke={Color.Accent} strokeWidth="3" />
            </pattern>
          </defs>
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  )
})

/**
 * Bar charts of the group rates with the overall value marked. `threshold` is the shared threshold
 * the rates belong to (exposed as data-threshold, so tests can tell when the charts caught up).
 */
export const GroupBars = memo(function GroupBars({
  at,
  groupingKey,
  threshold,
}: {
  at: FairnessAt
  groupingKey: string
  threshold: number
}) {
  const names = useMemo(() => Object.keys(at.rows), [at.rows])
  return (
    <div className="barGrid" data-testid="fair-bars" data-threshold={threshold}>
      {BAR_METRICS.map((m) => (
        <MetricBars key={m.key} metric={m} at={at} groupingKey={groupingKey} names={names} />
      ))}
    </div>
  )
})
