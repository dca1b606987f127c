import { memo } from 'react'
import {
  CartesianGrid,
  ComposedChart,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { CalibrationBin } from '../../../core/calibration.ts'
import { fmtValue } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Legend } from '../../kit/Legend.tsx'
import { Color, seriesColor } from '../../kit/palette.ts'
import { yAxisLabel } from '../../kit/axis.ts'

const UNIT_AXIS = {
  type: 'number' as const,
  domain: [0, 1] as [number, number],
  ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
}
const DIAGONAL = [
  { x: 0, y: 0 },
  { x: 1, y: 1 },
]

/** The non-empty bins as (mean predicted, fraction positive) points. */
const points = (bins: readonly CalibrationBin[]) =>
  bins.flatMap((b) =>
    b.count > 0 && b.meanPredicted !== null && b.fractionPositive !== null
      ? [{ x: b.meanPredicted, y: b.fractionPositive, count: b.count }]
      : [],
  )

const binRow = (who: string, b: CalibrationBin) => [
  who,
  b.lower,
  b.upper,
  b.count,
  b.meanPredicted,
  b.fractionPositive,
]

/** Both models' reliability curves on the rows in view (§2's 10 equal-width bins), overlaid. */
export const CalibrationOverlay = memo(function CalibrationOverlay({
  champion,
  challenger,
}: {
  champion: readonly CalibrationBin[]
  challenger: readonly CalibrationBin[]
}) {
  const series = [
    { name: 'Champion', points: points(champion) },
    { name: 'Challenger', points: points(challenger) },
  ]
  const title = 'Calibration: champion and challenger'
  return (
    <ChartFrame
      title={title}
      fileName="calibration-champion-challenger"
      data={{
        header: ['model', 'lower', 'upper', 'count', 'meanPredicted', 'fractionPositive'],
        rows: [
          ...champion.map((b) => binRow('champion', b)),
          ...challenger.map((b) => binRow('challenger', b)),
        ],
      }}
      caption="10 equal-width bins of the predicted probability (contracts §2); empty bins are not drawn."
    >
      <Legend
        items={[
          ...series.map((s, k) => ({ label: s.name, color: seriesColor(k), kind: 'dot' as const })),
          { label: 'Perfect calibration', color: Color.Rule, kind: 'dashed' },
        ]}
      />
      <ResponsiveContainer width="100%" height={300}>
        <ComposedChart
          margin={{ top: 8, right: 20, bottom: 30, left: 20 }}
          title={title}
          desc="Reliability curves of the champion and the challenger"
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            {...UNIT_AXIS}
            dataKey="x"
            label={{
              value: 'Mean predicted probability (0–1)',
              position: 'insideBottom',
              offset: -16,
            }}
          />
          <YAxis {...UNIT_AXIS} dataKey="y" label={yAxisLabel('Fraction positive (0–1)')} />
          <Tooltip formatter={fmtValue} />
          <Scatter
            name="Perfect calibration"
            data={DIAGONAL}
            line={{ stroke: Color.Rule, strokeDasharray: '5 4' }}
            shape={() => <g />}
            legendType="plainline"
            fill={Color.Rule}
            isAnimationActive={false}
          />
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
