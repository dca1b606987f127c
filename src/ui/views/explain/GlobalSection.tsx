import { memo } from 'react'
import { useStore } from 'zustand'
import type { Schema } from '../../../core/schema.ts'
import { fmt, fmtInt } from '../../format.ts'
import { app } from '../../../state/app.ts'
import { NumberField } from '../../kit/NumberField.tsx'
import { ViewLimits } from '../../../core/viewLimits.ts'
import { BeeswarmChart } from './BeeswarmChart.tsx'
import { DependenceChart } from './DependenceChart.tsx'
import { GlobalBarChart } from './GlobalBarChart.tsx'
import { JobProgress } from './JobProgress.tsx'
import { marginLabel, marginLink } from './treeShapText.ts'

/**
 * Global SHAP: mean |φ| bars, the beeswarm and the dependence plot over a seeded sample of rows.
 * A tree model's global values are interventional TreeSHAP of the margin (said above the charts);
 * where TreeSHAP is unavailable the reason is shown and the values are SHAP of the probability.
 */
export const GlobalSection = memo(function GlobalSection({ schema }: { schema: Schema }) {
  const globalN = useStore(app.explain.store, (s) => s.globalN)
  const global = useStore(app.explain.store, (s) => s.global)
  const used = useStore(app.explain.store, (s) => s.globalUsed)
  const depFeature = useStore(app.explain.store, (s) => s.dependenceFeature)
  const depColor = useStore(app.explain.store, (s) => s.dependenceColor)
  const cohortText = useStore(app.cohort.store, (s) => (s.error ? null : s.text.trim()))
  const cohortIndex = useStore(app.cohort.store, (s) =>
    s.restrict ? (s.view?.index ?? null) : null,
  )
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const nRows = useStore(app.session.store, (s) => s.data?.table.nRows ?? 0)
  const card = useStore(app.session.store, (s) => s.modelFacts?.card ?? null)
  const M = schema.features.length
  const feature = global ? (depFeature ?? global.order[0] ?? 0) : 0
  const color =
    !global || depColor === -1
      ? null
      : depColor !== null && depColor !== feature
        ? depColor
        : (global.order.find((j) => j !== feature) ?? null)
  const stale = global && used && used.pool !== cohortIndex
  return (
    <section
      className="card full explainSection"
      aria-labelledby="global-title"
      data-testid="explain-global"
    >
      <div className="sectionHead">
        <h2 id="global-title">Global SHAP</h2>
        <div className="explainControls">
          <label>
            Rows{' '}
            <NumberField
              value={globalN}
              rule={ViewLimits.globalN}
              testId="global-n"
              onCommit={(v) => {
                if (typeof v === 'number') app.explain.setGlobalN(v)
              }}
            />
          </label>
          <span className="muted">
            seeded sample from{' '}
            {cohortIndex
              ? `the cohort${cohortText ? ` “${cohortText}”` : ''} (${cohortIndex.length} rows)`
              : 'all rows'}
          </span>
          <button
            type="button"
            disabled={busy}
            data-testid="run-global"
            onClick={() => void app.explain.runGlobalShap()}
          >
            {global ? 'Recompute' : 'Compute'}
          </button>
        </div>
      </div>
      {stale && (
        <p className="staleNote" role="note">
          The cohort changed since these charts were computed (
          {used.cohort ? `“${used.cohort}”` : 'all rows'}); press Recompute to sample from the
          current one.
        </p>
      )}
      {!global || !used ? (
        <div className="emptyChart">
          {busy ? (
            <JobProgress prefix="Global SHAP" />
          ) : (
            <p>
              No global explanation yet. Press <strong>Compute</strong> to explain a seeded sample
              of {globalN} rows: a mean |φ| ranking, a beeswarm of every row&apos;s φ and a
              dependence plot.
            </p>
          )}
        </div>
      ) : (
        <>
          <p className="resultLine" data-testid="global-kind" data-method={global.method}>
            {global.method === 'treeShap' ? (
              <>
                Interventional TreeSHAP of the {card ? marginLabel(marginLink(card)) : 'margin'}{' '}
                (exact, tree model): φ are in margin units, not probability
              </>
            ) : (
              <>SHAP of the predicted probability</>
            )}
            {global.treeShapUnavailable && (
              <span data-testid="global-treeshap-unavailable">
                {' '}
                — TreeSHAP is unavailable for this model: {global.treeShapUnavailable}
              </span>
            )}
          </p>
          <p className="muted resultLine">
            <span data-testid="global-sample">
              a seeded sample of {fmtInt(global.rows.length)} of{' '}
              {fmtInt(used.pool ? used.pool.length : nRows)} rows
              {used.cohort ? ` (the cohort “${used.cohort}”)` : ''}
            </span>{' '}
            ·{' '}
            {global.method === 'treeShap'
              ? 'exact TreeSHAP values'
              : global.exact
                ? 'exact Shapley values'
                : 'Kernel SHAP estimates'}{' '}
            · base value {global.method === 'treeShap' ? '(margin)' : 'E f'} ={' '}
            <span data-testid="global-base" data-value={global.baseValue}>
              {fmt(global.baseValue)}
            </span>{' '}
            · {global.cached ? 'from cache' : `${fmt(global.ms / 1000, 2)} s`}
            {global.workers !== undefined && (
              <span data-testid="global-workers" data-workers={global.workers}>
                {' '}
                · on {global.workers} {global.backend} worker{global.workers > 1 ? 's' : ''}
              </span>
            )}
          </p>
          <div className="explainGrid global">
            <GlobalBarChart global={global} used={used} />
            <BeeswarmChart global={global} used={used} schema={schema} />
          </div>
          <div
            data-testid="dependence"
            data-feature={schema.features[feature]?.name}
            data-color={color === null ? '' : schema.features[color]?.name}
          >
            <div className="explainControls dependenceControls">
              <label>
                Dependence of{' '}
                <select
                  value={feature}
                  data-testid="dependence-feature"
                  onChange={(ev) =>
                    app.explain.setDependence({ feature: Number(ev.currentTarget.value) })
                  }
                >
                  {global.order.map((j) => (
                    <option key={j} value={j}>
                      {schema.features[j]!.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                coloured by{' '}
                <select
                  value={color ?? -1}
                  data-testid="dependence-color"
                  onChange={(ev) =>
                    app.explain.setDependence({ color: Number(ev.currentTarget.value) })
                  }
                >
                  <option value={-1}>(no colour)</option>
                  {global.order
                    .filter((j) => j !== feature)
                    .map((j) => (
                      <option key={j} value={j}>
                        {schema.features[j]!.name}
                      </option>
                    ))}
                </select>
              </label>
            </div>
            {feature < M && (
              <DependenceChart
                global={global}
                used={used}
                schema={schema}
                feature={feature}
                color={color}
              />
            )}
          </div>
          <details className="tableDetails">
            <summary>Mean |φ| as a table</summary>
            <table
              className="compact numeric"
              data-testid="global-table"
              aria-label="Mean absolute SHAP value per feature"
            >
              <caption>
                Mean |φ| over {global.rows.length} seeded rows{' '}
                {global.method === 'treeShap'
                  ? '(TreeSHAP, margin)'
                  : global.exact
                    ? '(exact)'
                    : '(Kernel SHAP)'}
                {global.cached ? ' · from cache' : ` · ${fmt(global.ms / 1000, 2)} s`}
              </caption>
              <tbody>
                {global.order.map((j) => (
                  <tr key={j}>
                    <th scope="row">{global.featureNames[j]}</th>
                    <td data-value={global.meanAbs[j]}>{fmt(global.meanAbs[j]!, 5)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  )
})
