import type { ExplainSettings, RowExplanation } from '../../../core/explain.ts'
import type { TreeShapValues } from '../../../core/tree/explain.ts'
import { featuresByMagnitude } from '../../../core/views/rank.ts'
import type { ModelCard } from '../../../model/card.ts'
import type { TreeShapStatus } from '../../../workers/protocol/model.ts'
import { fmt } from '../../format.ts'
import { backgroundText } from './chartKit.ts'
import {
  type MarginLink,
  marginLabel,
  marginLink,
  marginOf,
  treeShapCompleteness,
  treeShapCompletenessText,
} from './treeShapText.ts'
import { WaterfallChart } from './WaterfallChart.tsx'

/** The flavours of TreeSHAP as the tab names them. */
export const FLAVOUR = {
  interventional: 'Interventional TreeSHAP',
  pathDependent: 'Path-dependent TreeSHAP',
} as const

/** One flavour's values as a table: base value, φ per player or input, and completeness. */
function TreeShapTable({
  kind,
  v,
  prediction,
  link,
  values,
}: {
  kind: keyof typeof FLAVOUR
  v: TreeShapValues
  prediction: number
  link: MarginLink
  values: Record<string, string>
}) {
  const c = treeShapCompleteness(v, prediction, link)
  // Path-dependent values are per encoded input: inputs of one-hot blocks the row is not in are 0.
  const names = featuresByMagnitude(v.shap).filter((n) => kind === 'interventional' || v.shap[n])
  const hidden = Object.keys(v.shap).length - names.length
  return (
    <table
      className="compact numeric"
      data-testid={`treeshap-${kind}`}
      data-base={v.baseValue}
      data-total={c.total}
      aria-label={`${FLAVOUR[kind]} values`}
    >
      <caption>
        {FLAVOUR[kind]} · {marginLabel(link)} · base value{' '}
        <span data-testid={`treeshap-${kind}-base`}>{fmt(v.baseValue, 5)}</span>
        <br />
        <span data-testid={`treeshap-${kind}-completeness`}>
          completeness: {treeShapCompletenessText(v, prediction, link)}
        </span>
      </caption>
      <thead>
        <tr>
          <th scope="col">{kind === 'interventional' ? 'Feature' : 'Encoded input'}</th>
          {kind === 'interventional' && <th scope="col">Value</th>}
          <th scope="col">φ (margin)</th>
        </tr>
      </thead>
      <tbody>
        {names.map((f) => (
          <tr key={f} data-feature={f}>
            <th scope="row">{f}</th>
            {kind === 'interventional' && <td>{values[f] ?? ''}</td>}
            <td className={v.shap[f]! >= 0 ? 'pos' : 'neg'} data-value={v.shap[f]}>
              {fmt(v.shap[f]!, 5)}
            </td>
          </tr>
        ))}
        {hidden > 0 && (
          <tr>
            <td colSpan={2} className="muted">
              {hidden} encoded inputs with φ = 0 (not listed)
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}

/** Why TreeSHAP is unavailable for a tree model (the Explain tab's row, the Data tab's row). */
export function TreeShapUnavailable({ reason }: { reason: string }) {
  return (
    <p className="note" data-testid="treeshap-unavailable">
      TreeSHAP is unavailable for this model: {reason}. The SHAP values of the probability above
      still hold.
    </p>
  )
}

/**
 * TreeSHAP of one row of a tree model, beside the probability-space SHAP: the interventional
 * values of the margin (players = schema features, exact, against the same background) as a
 * waterfall and a table, and the path-dependent values per encoded input (XGBoost JSON only),
 * each with its base value and completeness. Says why TreeSHAP is unavailable where it is; renders
 * nothing for models that are not tree ensembles.
 */
export function TreeShapPanel({
  row,
  explanation: e,
  values,
  settings,
  card,
  status,
  reason,
}: {
  row: number
  explanation: RowExplanation
  values: Record<string, string>
  /** Settings the row's SHAP (and TreeSHAP) ran with; null when SHAP was not run. */
  settings: ExplainSettings | null
  card: ModelCard
  status: TreeShapStatus
  /** The explain result's reason TreeSHAP is unavailable, if it gave one. */
  reason: string | null
}) {
  if (status.status === 'none' && reason === null) return null
  if (status.status === 'unavailable' || reason !== null)
    return (
      <TreeShapUnavailable
        reason={reason ?? (status.status === 'unavailable' ? status.reason : '')}
      />
    )
  const t = e.treeShap
  if (!t || !settings)
    return (
      <p className="muted" data-testid="treeshap-pending">
        Run SHAP for this row&apos;s TreeSHAP of the margin.
      </p>
    )
  const link = marginLink(card)
  const label = marginLabel(link)
  const iv = t.interventional
  const margin = iv ? treeShapCompleteness(iv, e.prediction, link).total : null
  const pdReason = status.status === 'available' ? status.pathDependentUnavailable : null
  return (
    <div className="treeShap" data-testid="treeshap" data-output={t.output}>
      <h3>
        TreeSHAP of the {label}{' '}
        <span className="muted">
          (what the trees add up before the {link === 'logistic' ? 'sigmoid' : 'link'}; the SHAP
          above explains the probability)
        </span>
      </h3>
      <div className="explainGrid">
        {iv && margin !== null && (
          <WaterfallChart
            row={row}
            explanation={{
              prediction: marginOf(e.prediction, link) ?? margin,
              baseValue: iv.baseValue,
              shap: iv.shap,
              exact: true,
            }}
            values={values}
            settings={settings}
            margin={{
              label,
              method: `Interventional TreeSHAP (exact) · background ${backgroundText(settings.background)}`,
            }}
          />
        )}
        <div className="explainTables">
          {(['interventional', 'pathDependent'] as const).map((k) => {
            const v = t[k]
            const table = v && (
              <TreeShapTable
                key={k}
                kind={k}
                v={v}
                prediction={e.prediction}
                link={link}
                values={values}
              />
            )
            // Path-dependent values are per encoded input (dozens): folded, the total in view.
            if (v && k === 'pathDependent')
              return (
                <details key={k} className="tableDetails" data-testid="treeshap-pd-details">
                  <summary>
                    {FLAVOUR[k]} per encoded input (as XGBoost&apos;s pred_contribs): base value{' '}
                    {fmt(v.baseValue, 5)}, base + Σφ ={' '}
                    {fmt(treeShapCompleteness(v, e.prediction, link).total, 5)}
                  </summary>
                  {table}
                </details>
              )
            if (table) return table
            return k === 'pathDependent' && pdReason ? (
              <p key={k} className="muted small" data-testid="treeshap-pd-unavailable">
                Path-dependent TreeSHAP: {pdReason}
              </p>
            ) : null
          })}
        </div>
      </div>
    </div>
  )
}
