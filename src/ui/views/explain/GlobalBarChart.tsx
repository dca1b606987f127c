import { memo } from 'react'
import { Bar } from 'recharts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import type { GlobalShapResult } from '../../../workers/protocol.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { FeatureBars, labelledBar } from '../../kit/FeatureBars.tsx'
import { Color } from '../../kit/palette.ts'
import { globalSettingsText, phiUnitsText } from './chartKit.ts'

type Datum = { feature: string; meanAbs: number; rank: number }

/** A feature's mean |φ| as a bar with its value beyond the end. */
const ValueBar = labelledBar<Datum>({
  up: () => true,
  fill: () => Color.Shap,
  label: (d) => d.meanAbs.toFixed(4),
  labelFill: () => Color.Axis,
  fit: false,
})

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
        caption={globalSettingsText(used, n, global.exact, global.method)}
      >
        <FeatureBars
          data={data}
          bandKey="feature"
          bandWidth={120}
          height={70 + data.length * 26}
          margin={{ top: 30, right: 56, bottom: 26, left: 8 }}
          title={title}
          xLabel={`Mean |φ| (${phiUnitsText(global.method)})`}
          tickFormat={(v) => v.toFixed(3)}
          tip={(d) => ({
            title: d.feature,
            rows: [
              ['mean |φ|', d.meanAbs.toFixed(6)],
              ['rank', `${d.rank} of ${data.length}`],
            ],
          })}
          legend={[
            {
              label: `mean |φ| over ${n} ${global.method === 'treeShap' ? 'TreeSHAP' : global.exact ? 'exact' : 'Kernel SHAP'} explanations`,
              color: Color.Shap,
            },
          ]}
        >
          <Bar dataKey="meanAbs" name="mean |φ|" isAnimationActive={false} shape={ValueBar} />
        </FeatureBars>
      </ChartFrame>
    </div>
  )
})
