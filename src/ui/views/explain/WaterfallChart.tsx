import { memo, useMemo } from 'react'
import { Bar, ReferenceLine } from 'recharts'
import type { ExplainSettings, RowExplanation } from '../../../core/explain.ts'
import { waterfallSteps, type WaterfallStep } from '../../../core/views/waterfall.ts'
import { fmt, fmtSigned } from '../../format.ts'
import { extent, niceAxis, tickText } from '../../kit/axis.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { FeatureBars, labelledBar } from '../../kit/FeatureBars.tsx'
import { Color } from '../../kit/palette.ts'
import { shapSettingsText } from './chartKit.ts'

export type WaterfallChartProps = {
  row: number
  explanation: RowExplanation
  /** Raw cell text of each feature in the row ("39", "Private"). */
  values: Record<string, string>
  settings: ExplainSettings
  /**
   * A waterfall of the margin instead of the probability (TreeSHAP): `label` names the units
   * ("log-odds margin"), `method` opens the caption. `explanation.prediction` is then the margin.
   */
  margin?: { label: string; method: string }
}

type Datum = WaterfallStep & { range: [number, number]; stdErr: number | null }

/** A step's bar: red when it raises the prediction, blue when it lowers it, φ written beside it. */
const StepBar = labelledBar<Datum>({
  up: (d) => d.contribution >= 0,
  fill: (d) => (d.contribution >= 0 ? Color.Up : Color.Down),
  label: (d) => fmtSigned(d.contribution, 4),
  labelFill: (d) => (d.contribution >= 0 ? Color.UpLabel : Color.DownLabel),
  fit: true,
})

/**
 * The row's SHAP waterfall (src/core/views/waterfall.ts): from the base value E f(x) through each
 * feature's φ — largest |φ| first, the rest folded into "other N features" — to f(x).
 */
export const WaterfallChart = memo(function WaterfallChart({
  row,
  explanation: e,
  values,
  settings,
  margin,
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
  const fx = margin ? 'm(x)' : 'f(x)'
  const base = margin ? 'base' : 'E f(x)'
  const title = margin
    ? `TreeSHAP waterfall of row ${row} (${margin.label})`
    : `SHAP waterfall of row ${row}`
  const csv = {
    header: ['step', 'label', 'features', 'phi', 'std_err', 'start', 'end'],
    rows: [
      ['base value', base, '', null, null, null, wf.baseValue],
      ...wf.steps.map((s, i) => [
        String(i + 1),
        s.label,
        s.features.join(' '),
        s.contribution,
        se(s.features),
        s.start,
        s.end,
      ]),
      [margin ? 'margin' : 'prediction', fx, '', null, null, null, e.prediction],
    ] as (string | number | null)[][],
  }
  const height = 92 + data.length * 30
  const axis = niceAxis(
    ...extent([wf.baseValue, e.prediction, ...wf.steps.flatMap((s) => [s.start, s.end])]),
    0.08,
    5,
    margin ? undefined : [0, 1],
  )
  return (
    <div
      data-testid={margin ? 'treeshap-waterfall' : 'waterfall'}
      data-row={row}
      data-final={wf.total}
      data-prediction={e.prediction}
      data-base={wf.baseValue}
    >
      <ChartFrame
        title={title}
        fileName={`${margin ? 'treeshap-' : ''}waterfall-row-${row}`}
        data={csv}
        caption={
          <>
            {margin ? margin.method : shapSettingsText(settings, e.exact)}. Base value{' '}
            {fmt(wf.baseValue)} + Σφ = <span data-testid="waterfall-final">{fmt(wf.total)}</span>;{' '}
            {fx} = {fmt(e.prediction)} (gap {wf.gap === null ? '—' : wf.gap.toExponential(1)}).
          </>
        }
      >
        <FeatureBars
          data={data}
          height={height}
          margin={{ top: 52, right: 56, bottom: 26, left: 8 }}
          title={title}
          desc={`Base value ${fmt(wf.baseValue)}, ${margin ? 'margin' : 'prediction'} ${fmt(e.prediction)}; ${data.length} steps.`}
          xLabel={
            margin
              ? `Margin (${margin.label}, before the link)`
              : 'Predicted probability (model output, 0–1)'
          }
          axis={axis}
          tickFormat={tickText(axis.ticks)}
          tip={(d) => ({
            title: d.label,
            rows: [
              ['φ', fmtSigned(d.contribution, 6)],
              ...(d.stdErr !== null && Number.isFinite(d.stdErr)
                ? ([['± 1.96 s.e.', (1.96 * d.stdErr).toFixed(6)]] as [string, string][])
                : []),
              ['running total', `${d.start.toFixed(6)} → ${d.end.toFixed(6)}`],
              ...(d.kind === 'other'
                ? ([['features', d.features.join(', ')]] as [string, string][])
                : []),
            ],
          })}
          legend={[
            { label: 'raises the prediction', color: Color.Up },
            { label: 'lowers it', color: Color.Down },
          ]}
          legendTop={40}
        >
          <ReferenceLine
            x={wf.baseValue}
            stroke={Color.Rule}
            strokeDasharray="4 3"
            ifOverflow="hidden"
            label={{
              value: `base ${margin ? '' : 'E f(x) '}= ${fmt(wf.baseValue, 3)}`,
              position: 'top',
              fontSize: 10.5,
              fill: Color.Axis,
              offset: 18,
            }}
          />
          <ReferenceLine
            x={e.prediction}
            stroke={Color.Text}
            ifOverflow="hidden"
            label={{
              value: `${fx} = ${fmt(e.prediction, 3)}`,
              position: 'top',
              fontSize: 11,
              fill: Color.Text,
              fontWeight: 600,
              offset: 4,
            }}
          />
          <Bar dataKey="range" name="φ" isAnimationActive={false} shape={StepBar} />
        </FeatureBars>
      </ChartFrame>
    </div>
  )
})
