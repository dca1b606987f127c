import { memo, useMemo } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { ExplainSettings, RowExplanation } from '../../../core/explain.ts'
import { waterfallSteps, type WaterfallStep } from '../../../core/views/waterfall.ts'
import { ChartFrame } from '../../charts/ChartFrame.tsx'
import { TooltipBox } from '../../charts/TooltipBox.tsx'
import { fmt } from '../../format.ts'
import {
  AXIS_TEXT,
  DOWN,
  extent,
  fmtPhi,
  GRID,
  niceAxis,
  shapSettingsText,
  SvgLegend,
  tickText,
  UP,
} from './chartKit.tsx'

export type WaterfallChartProps = {
  row: number
  explanation: RowExplanation
  /** Raw cell text of each feature in the row ("39", "Private"). */
  values: Record<string, string>
  settings: ExplainSettings
}

type Datum = WaterfallStep & { range: [number, number]; stdErr: number | null }

/** Width of a contribution label ("+0.0742" at 11 px), px. */
const LABEL_W = 50

/**
 * Bar with its signed contribution written beyond its far end in the direction of the step; where
 * the plot has no room there, inside the bar (white) or, for a thin bar, on the other side.
 */
function StepBar(props: {
  x?: number
  y?: number
  width?: number
  height?: number
  payload?: Datum
  background?: { x?: number | null | undefined; width?: number | null | undefined } | undefined
}) {
  const { x = 0, y = 0, width = 0, height = 0, payload, background } = props
  if (!payload) return null
  const up = payload.contribution >= 0
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
  const fits = up ? x + w + 4 + LABEL_W <= right : x - 4 - LABEL_W >= left
  const p = fits ? ahead : w >= LABEL_W + 8 ? inside : behind
  return (
    <g>
      <rect x={x} y={y} width={w} height={height} fill={up ? UP : DOWN} rx={2} />
      <text
        x={p.at}
        y={y + height / 2 + 4}
        textAnchor={p.anchor}
        fontSize={11}
        fill={p.inside ? 'white' : up ? '#991b1b' : '#1e40af'}
      >
        {fmtPhi(payload.contribution, 4)}
      </text>
    </g>
  )
}

/**
 * The row's SHAP waterfall (src/core/views/waterfall.ts): from the base value E f(x) through each
 * feature's φ — largest |φ| first, the rest folded into "other N features" — to f(x).
 */
export const WaterfallChart = memo(function WaterfallChart({
  row,
  explanation: e,
  values,
  settings,
}: WaterfallChartProps) {
  const wf = useMemo(
    () =>
      e.shap && e.baseValue !== undefined
        ? waterfallSteps(e.baseValue, e.shap, values, { maxFeatures: 10, prediction: e.prediction })
        : null,
    [e, values],
  )
  if (!wf) return null
  const se = (features: string[]) =>
    features.length === 1 && e.shapStdErr ? (e.shapStdErr[features[0]!] ?? null) : null
  const data: Datum[] = wf.steps.map((s) => ({
    ...s,
    range: [Math.min(s.start, s.end), Math.max(s.start, s.end)],
    stdErr: se(s.features),
  }))
  const title = `SHAP waterfall of row ${row}`
  const csv = {
    header: ['step', 'label', 'features', 'phi', 'std_err', 'start', 'end'],
    rows: [
      ['base value', 'E f(x)', '', null, null, null, wf.baseValue],
      ...wf.steps.map((s, i) => [
        String(i + 1),
        s.label,
        s.features.join(' '),
        s.contribution,
        se(s.features),
        s.start,
        s.end,
      ]),
      ['prediction', 'f(x)', '', null, null, null, e.prediction],
    ] as (string | number | null)[][],
  }
  const height = 92 + data.length * 30
  const axis = niceAxis(
    ...extent([wf.baseValue, e.prediction, ...wf.steps.flatMap((s) => [s.start, s.end])]),
    0.08,
    5,
    [0, 1],
  )
  return (
    <div
      data-testid="waterfall"
      data-row={row}
      data-final={wf.total}
      data-prediction={e.prediction}
      data-base={wf.baseValue}
    >
      <ChartFrame
        title={title}
        fileName={`waterfall-row-${row}`}
        data={csv}
        caption={
          <>
            {shapSettingsText(settings, e.exact)}. Base value {fmt(wf.baseValue)} + Σφ ={' '}
            <span data-testid="waterfall-final">{fmt(wf.total)}</span>; f(x) = {fmt(e.prediction)}{' '}
            (gap {wf.gap === null ? '—' : wf.gap.toExponential(1)}).
          </>
        }
      >
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={data}
            layout="vertical"
            margin={{ top: 52, right: 56, bottom: 26, left: 8 }}
            barCategoryGap={5}
            title={title}
            desc={`Base value ${fmt(wf.baseValue)}, prediction ${fmt(e.prediction)}; ${data.length} steps.`}
          >
            <CartesianGrid stroke={GRID} horizontal={false} />
            <XAxis
              type="number"
              domain={axis.domain}
              ticks={axis.ticks}
              tickFormatter={tickText(axis.ticks)}
              tick={{ fontSize: 11, fill: AXIS_TEXT }}
              label={{
                value: 'Predicted probability (model output, 0–1)',
                position: 'insideBottom',
                offset: -14,
                fontSize: 12,
                fill: AXIS_TEXT,
              }}
            />
            <YAxis
              type="category"
              dataKey="label"
              width={210}
              tick={{ fontSize: 11, fill: '#111827' }}
              interval={0}
            />
            <Tooltip
              cursor={{ fill: 'rgba(0,0,0,0.04)' }}
              content={({ active, payload }) => {
                const d = (active ? payload?.[0]?.payload : undefined) as Datum | undefined
                if (!d) return null
                return (
                  <TooltipBox
                    title={d.label}
                    rows={[
                      ['φ', fmtPhi(d.contribution, 6)],
                      ...(d.stdErr !== null && Number.isFinite(d.stdErr)
                        ? ([['± 1.96 s.e.', (1.96 * d.stdErr).toFixed(6)]] as [string, string][])
                        : []),
                      ['running total', `${d.start.toFixed(6)} → ${d.end.toFixed(6)}`],
                      ...(d.kind === 'other'
                        ? ([['features', d.features.join(', ')]] as [string, string][])
                        : []),
                    ]}
                  />
                )
              }}
            />
            <ReferenceLine
              x={wf.baseValue}
              stroke="#6b7280"
              strokeDasharray="4 3"
              ifOverflow="hidden"
              label={{
                value: `base E f(x) = ${fmt(wf.baseValue, 3)}`,
                position: 'top',
                fontSize: 10.5,
                fill: AXIS_TEXT,
                offset: 18,
              }}
            />
            <ReferenceLine
              x={e.prediction}
              stroke="#111827"
              ifOverflow="hidden"
              label={{
                value: `f(x) = ${fmt(e.prediction, 3)}`,
                position: 'top',
                fontSize: 11,
                fill: '#111827',
                fontWeight: 600,
                offset: 4,
              }}
            />
            <Bar dataKey="range" name="φ" isAnimationActive={false} shape={StepBar} />
            <SvgLegend
              items={[
                { label: 'raises the prediction', color: UP },
                { label: 'lowers it', color: DOWN },
              ]}
              top={40}
            />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  )
})
