import { memo } from 'react'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import type { GlobalShapResult } from '../../../workers/protocol.ts'
import { ChartFrame } from '../../charts/ChartFrame.tsx'
import { TooltipBox } from '../../charts/TooltipBox.tsx'
import { AXIS_TEXT, GRID, globalSettingsText, SHAP_COLOR, SvgLegend } from './chartKit.tsx'

type Datum = { feature: string; meanAbs: number; rank: number }

function ValueBar(props: {
  x?: number
  y?: number
  width?: number
  height?: number
  payload?: Datum
}) {
  const { x = 0, y = 0, width = 0, height = 0, payload } = props
  if (!payload) return null
  return (
    <g>
      <rect x={x} y={y} width={Math.max(1, width)} height={height} fill={SHAP_COLOR} rx={2} />
      <text x={x + Math.max(1, width) + 4} y={y + height / 2 + 4} fontSize={11} fill={AXIS_TEXT}>
        {payload.meanAbs.toFixed(4)}
      </text>
    </g>
  )
}

/** Global importance: mean |φ| per feature over the sampled rows, largest first. */
export const GlobalBarChart = memo(function GlobalBarChart({
  global,
  used,
}: {
  global: GlobalShapResult
  used: GlobalUsed
}) {
  const n = global.rows.length
  const data: Datum[] = global.order.map((j, i) => ({
    feature: global.featureNames[j]!,
    meanAbs: global.meanAbs[j]!,
    rank: i + 1,
  }))
  const title = `Mean |φ| per feature (${n} rows)`
  return (
    <div data-testid="global-bar">
      <ChartFrame
        title={title}
        fileName="global-mean-abs-shap"
        data={{
          header: ['rank', 'feature', 'mean_abs_phi'],
          rows: data.map((d) => [d.rank, d.feature, d.meanAbs]),
        }}
        caption={globalSettingsText(used, n, global.exact)}
      >
        <ResponsiveContainer width="100%" height={70 + data.length * 26}>
          <BarChart
            data={data}
            layout="vertical"
            margin={{ top: 30, right: 56, bottom: 26, left: 8 }}
            barCategoryGap={5}
            title={title}
          >
            <CartesianGrid stroke={GRID} horizontal={false} />
            <XAxis
              type="number"
              tickFormatter={(v: number) => v.toFixed(3)}
              tick={{ fontSize: 11, fill: AXIS_TEXT }}
              label={{
                value: 'Mean |φ| (predicted probability)',
                position: 'insideBottom',
                offset: -14,
                fontSize: 12,
                fill: AXIS_TEXT,
              }}
            />
            <YAxis
              type="category"
              dataKey="feature"
              width={120}
              tick={{ fontSize: 11, fill: '#111827' }}
              interval={0}
            />
            <Tooltip
              cursor={{ fill: 'rgba(0,0,0,0.04)' }}
              content={({ active, payload }) => {
                const d = (active ? payload?.[0]?.payload : undefined) as Datum | undefined
                return d ? (
                  <TooltipBox
                    title={d.feature}
                    rows={[
                      ['mean |φ|', d.meanAbs.toFixed(6)],
                      ['rank', `${d.rank} of ${data.length}`],
                    ]}
                  />
                ) : null
              }}
            />
            <Bar dataKey="meanAbs" name="mean |φ|" isAnimationActive={false} shape={ValueBar} />
            <SvgLegend
              items={[
                {
                  label: `mean |φ| over ${n} ${global.exact ? 'exact' : 'Kernel SHAP'} explanations`,
                  color: SHAP_COLOR,
                },
              ]}
            />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  )
})
