import { memo } from 'react'
import { Bar } from 'recharts'
import type { CompareResult } from '../../../workers/protocol.ts'
import { fmt } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { FeatureBars } from '../../kit/FeatureBars.tsx'
import { Tile } from '../../kit/Tile.tsx'
import { seriesColor } from '../../kit/palette.ts'

/**
 * Agreement of the two models' explanations on the same seeded sample of rows: Spearman's ρ of
 * their mean |φ| per feature, the top-k overlap, and the per-feature mean |φ| side by side.
 */
export const ExplanationAgreement = memo(function ExplanationAgreement({
  result,
}: {
  result: CompareResult
}) {
  const ex = result.explanations
  const fi = result.featureImportance
  if (!ex || !fi) return null
  const data = [...fi].sort(
    (a, b) => Math.max(b.champion, b.challenger) - Math.max(a.champion, a.challenger),
  )
  const title = 'Mean |φ| per feature: champion and challenger'
  return (
    <div data-testid="cmp-explanations">
      <div className="metrics">
        <Tile
          id="cmp-shap-rank"
          label="SHAP rank correlation"
          value={ex.shapRankCorrelation}
          hint="Spearman's ρ of the two models' mean |φ| per feature (1 = the same ranking)"
        />
        <Tile
          id="cmp-topk"
          label={`Top-${ex.k} overlap`}
          value={ex.topKOverlap}
          hint={`Share of the champion's ${ex.k} most important features that are also among the challenger's`}
        />
        <Tile
          id="cmp-shap-rows"
          label="Rows explained"
          value={ex.rows}
          digits={0}
          hint="Seeded sample of the rows in view, explained by both models (SHAP of the probability)"
        />
      </div>
      <ChartFrame
        title={title}
        fileName="mean-abs-shap-champion-challenger"
        data={{
          header: ['feature', 'champion', 'challenger'],
          rows: fi.map((f) => [f.feature, f.champion, f.challenger]),
        }}
        caption={`SHAP of the probability of both models on the same ${ex.rows} rows (seed ${result.bootstrap.seed}).`}
      >
        <FeatureBars
          data={data}
          bandKey="feature"
          bandWidth={130}
          height={80 + data.length * 34}
          margin={{ top: 34, right: 56, bottom: 26, left: 8 }}
          barGap={2}
          title={title}
          xLabel="Mean |φ| (probability)"
          tickFormat={(v) => v.toFixed(3)}
          tip={(d) => ({
            title: d.feature,
            rows: [
              ['champion', fmt(d.champion, 6)],
              ['challenger', fmt(d.challenger, 6)],
            ],
          })}
          legend={[
            { label: 'champion', color: seriesColor(0) },
            { label: 'challenger', color: seriesColor(1) },
          ]}
        >
          <Bar dataKey="champion" name="champion" fill={seriesColor(0)} isAnimationActive={false} />
          <Bar
            dataKey="challenger"
            name="challenger"
            fill={seriesColor(1)}
            isAnimationActive={false}
          />
        </FeatureBars>
      </ChartFrame>
    </div>
  )
})
