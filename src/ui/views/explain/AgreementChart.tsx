import { memo, useMemo } from 'react'
import { Bar, ErrorBar, ReferenceLine } from 'recharts'
import type { ExplainSettings, RowExplanation } from '../../../core/explain.ts'
import { attributionAgreement, featuresByMagnitude } from '../../../core/views/rank.ts'
import { fmt, fmtSigned } from '../../format.ts'
import { extent, niceAxis, tickText } from '../../kit/axis.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { FeatureBars } from '../../kit/FeatureBars.tsx'
import { Color } from '../../kit/palette.ts'
import { igSettingsText, shapSettingsText } from './chartKit.ts'
import { own } from '../../../core/dict.ts'

export type AgreementChartProps = {
  row: number
  explanation: RowExplanation
  values: Record<string, string>
  shapSettings: ExplainSettings | null
  igSettings: ExplainSettings | null
}

type Datum = {
  feature: string
  label: string
  shap: number | null
  ig: number | null
  shapErr: number
  se: number | null
}

/**
 * SHAP next to integrated gradients for one row, feature by feature (largest |φ| on top), with
 * Spearman's rank agreement and a flag when they rank a different feature first. Kernel SHAP
 * estimates carry ±1.96 standard-error bars; exact values are marked exact.
 */
export const AgreementChart = memo(function AgreementChart({
  row,
  explanation: e,
  values,
  shapSettings,
  igSettings,
}: AgreementChartProps) {
  const agreement = useMemo(() => (e.shap && e.ig ? attributionAgreement(e.shap, e.ig) : null), [e])
  const lead = e.shap ?? e.ig
  if (!lead) return null
  const order = featuresByMagnitude(lead)
  const kernel = e.shap !== undefined && e.exact === false
  const data: Datum[] = order.map((f) => {
    const se = e.shapStdErr?.[f] ?? null
    return {
      feature: f,
      label: own(values, f) !== undefined ? `${f} = ${own(values, f)}` : f,
      shap: e.shap?.[f] ?? null,
      ig: e.ig?.[f] ?? null,
      shapErr: se !== null && Number.isFinite(se) ? 1.96 * se : 0,
      se,
    }
  })
  const shapName =
    e.shap === undefined ? '' : e.exact ? 'SHAP (exact)' : 'Kernel SHAP estimate ± 1.96 s.e.'
  const title = `SHAP next to integrated gradients, row ${row}`
  const csv = {
    header: ['feature', 'value', 'shap', 'shap_std_err', 'ig'],
    rows: data.map((d) => [d.feature, own(values, d.feature) ?? null, d.shap, d.se, d.ig]),
  }
  const height = 84 + data.length * 30
  const span = data.flatMap((d) => [
    ...(d.shap !== null ? [d.shap - d.shapErr, d.shap + d.shapErr] : []),
    ...(d.ig !== null ? [d.ig] : []),
    0,
  ])
  const axis = niceAxis(...extent(span), 0.02)
  const top = agreement?.top
  return (
    <div data-testid="shap-ig" data-kernel={kernel ? 'true' : 'false'}>
      <ChartFrame
        title={title}
        fileName={`shap-ig-row-${row}`}
        data={csv}
        caption={
          <>
            {shapSettings && e.shap && <div>{shapSettingsText(shapSettings, e.exact)}</div>}
            {igSettings && e.ig && (
              <div>{igSettingsText(igSettings, e.igSteps, e.igCompletenessGap)}</div>
            )}
          </>
        }
      >
        <div
          className="agreement"
          data-testid="shap-ig-agreement"
          data-value={agreement?.spearman ?? ''}
          data-agree={top ? String(top.agree) : ''}
        >
          {agreement && top ? (
            <>
              <span
                className="agreeStat"
                title="Spearman rank correlation of the signed attributions over the features"
              >
                Spearman ρ <strong>{fmt(agreement.spearman, 3)}</strong>
              </span>
              <span
                className="agreeStat"
                title="Spearman rank correlation of |attribution| (importance order, sign ignored)"
              >
                ρ of |values| <strong>{fmt(agreement.spearmanAbs, 3)}</strong>
              </span>
              <span
                className="agreeStat"
                title="Share of SHAP's top features that are also IG's top features"
              >
                top-{agreement.k} overlap <strong>{fmt(agreement.topKOverlap, 2)}</strong>
              </span>
              {top.agree ? (
                <span className="badge ok" data-testid="top-agree">
                  both rank <strong>{top.a}</strong> first
                </span>
              ) : (
                <span className="badge warn" role="note" data-testid="top-disagree">
                  ⚠ disagree on the top feature: SHAP <strong>{top.a}</strong>, IG{' '}
                  <strong>{top.b}</strong>
                </span>
              )}
            </>
          ) : (
            <span className="muted">
              {e.shap ? 'Run integrated gradients too' : 'Run SHAP too'} to compare the two
              attributions (Spearman rank agreement, top feature).
            </span>
          )}
          {e.shap && (
            <span className={`badge ${e.exact ? 'exact' : 'estimate'}`} data-testid="shap-kind">
              {e.exact ? 'SHAP: exact' : 'Kernel SHAP estimate'}
            </span>
          )}
          {e.ig && (
            <span className="badge neutral" data-testid="ig-info">
              IG: {e.igSteps} steps · gap {e.igCompletenessGap?.toExponential(1)}
            </span>
          )}
        </div>
        <FeatureBars
          data={data}
          height={height}
          margin={{ top: 30, right: 20, bottom: 26, left: 8 }}
          barGap={1}
          title={title}
          desc={
            agreement
              ? `Spearman rank agreement ${fmt(agreement.spearman, 3)}`
              : 'Attribution per feature'
          }
          xLabel="Attribution (change in predicted probability)"
          axis={axis}
          tickFormat={tickText(axis.ticks)}
          tip={(d) => ({
            title: d.label,
            rows: [
              ...(d.shap !== null
                ? ([['SHAP φ', fmtSigned(d.shap, 6)]] as [string, string][])
                : []),
              ...(kernel && d.se !== null && Number.isFinite(d.se)
                ? ([['± 1.96 s.e.', (1.96 * d.se).toFixed(6)]] as [string, string][])
                : []),
              ...(d.ig !== null ? ([['IG', fmtSigned(d.ig, 6)]] as [string, string][]) : []),
            ],
          })}
          legend={[
            ...(e.shap ? [{ label: shapName, color: Color.Shap }] : []),
            ...(e.ig ? [{ label: 'Integrated gradients', color: Color.Ig }] : []),
          ]}
        >
          <ReferenceLine x={0} stroke={Color.Rule} />
          {e.shap && (
            <Bar dataKey="shap" name={shapName} fill={Color.Shap} isAnimationActive={false}>
              {kernel && (
                <ErrorBar
                  dataKey="shapErr"
                  direction="x"
                  stroke={Color.Text}
                  width={6}
                  strokeWidth={1.5}
                />
              )}
            </Bar>
          )}
          {e.ig && (
            <Bar
              dataKey="ig"
              name="Integrated gradients"
              fill={Color.Ig}
              isAnimationActive={false}
            />
          )}
        </FeatureBars>
      </ChartFrame>
    </div>
  )
})
