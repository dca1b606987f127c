import { memo, useMemo } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { ExplainSettings, RowExplanation } from '../../../core/explain.ts'
import { attributionAgreement, featuresByMagnitude } from '../../../core/views/rank.ts'
import { ChartFrame } from '../../charts/ChartFrame.tsx'
import { TooltipBox } from '../../charts/TooltipBox.tsx'
import { fmt } from '../../format.ts'
import {
  AXIS_TEXT,
  extent,
  fmtPhi,
  GRID,
  IG_COLOR,
  igSettingsText,
  niceAxis,
  SHAP_COLOR,
  shapSettingsText,
  SvgLegend,
  tickText,
} from './chartKit.tsx'

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
      label: values[f] !== undefined ? `${f} = ${values[f]}` : f,
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
    rows: data.map((d) => [d.feature, values[d.feature] ?? null, d.shap, d.se, d.ig]),
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
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={data}
            layout="vertical"
            margin={{ top: 30, right: 20, bottom: 26, left: 8 }}
            barCategoryGap={5}
            barGap={1}
            title={title}
            desc={
              agreement
                ? `Spearman rank agreement ${fmt(agreement.spearman, 3)}`
                : 'Attribution per feature'
            }
          >
            <CartesianGrid stroke={GRID} horizontal={false} />
            <XAxis
              type="number"
              domain={axis.domain}
              ticks={axis.ticks}
              tickFormatter={tickText(axis.ticks)}
              tick={{ fontSize: 11, fill: AXIS_TEXT }}
              label={{
                value: 'Attribution (change in predicted probability)',
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
            <ReferenceLine x={0} stroke="#6b7280" />
            <Tooltip
              cursor={{ fill: 'rgba(0,0,0,0.04)' }}
              content={({ active, payload }) => {
                const d = (active ? payload?.[0]?.payload : undefined) as Datum | undefined
                if (!d) return null
                return (
                  <TooltipBox
                    title={d.label}
                    rows={[
                      ...(d.shap !== null
                        ? ([['SHAP φ', fmtPhi(d.shap, 6)]] as [string, string][])
                        : []),
                      ...(kernel && d.se !== null && Number.isFinite(d.se)
                        ? ([['± 1.96 s.e.', (1.96 * d.se).toFixed(6)]] as [string, string][])
                        : []),
                      ...(d.ig !== null ? ([['IG', fmtPhi(d.ig, 6)]] as [string, string][]) : []),
                    ]}
                  />
                )
              }}
            />
            {e.shap && (
              <Bar dataKey="shap" name={shapName} fill={SHAP_COLOR} isAnimationActive={false}>
                {kernel && (
                  <ErrorBar
                    dataKey="shapErr"
                    direction="x"
                    stroke="#111827"
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
                fill={IG_COLOR}
                isAnimationActive={false}
              />
            )}
            <SvgLegend
              items={[
                ...(e.shap ? [{ label: shapName, color: SHAP_COLOR }] : []),
                ...(e.ig ? [{ label: 'Integrated gradients', color: IG_COLOR }] : []),
              ]}
            />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  )
})
