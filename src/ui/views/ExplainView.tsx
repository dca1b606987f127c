import './ExplainView.css'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import { fmt } from '../format.ts'
import { app } from '../../state/app.ts'
import { AgreementChart } from './explain/AgreementChart.tsx'
import { ExplainControls } from './explain/ExplainControls.tsx'
import { GlobalSection } from './explain/GlobalSection.tsx'
import { JobProgress } from './explain/JobProgress.tsx'
import { CounterfactualList, RowTables } from './explain/RowTables.tsx'
import { TreeShapPanel } from './explain/TreeShapPanel.tsx'
import { WaterfallChart } from './explain/WaterfallChart.tsx'
import { RunNote } from './explain/RunNote.tsx'
import { dict } from '../../core/dict.ts'
import { lockedFeatures } from '../../core/views/cfLocks.ts'

/**
 * The Explain tab: one row's SHAP waterfall, SHAP next to integrated gradients with their rank
 * agreement, counterfactuals, and global SHAP (mean |φ|, beeswarm, dependence). Tree models add
 * TreeSHAP of the margin beside the probability SHAP; models without gradients say IG is
 * unavailable and why. Opening it the first time in a session explains the default row (the
 * audit's first row) and a global sample.
 */
export function ExplainView() {
  const rowResult = useStore(app.explain.store, (s) => s.rowResult)
  const pickedRow = useStore(app.explain.store, (s) => s.row)
  const data = useStore(app.session.store, (s) => s.data)
  const schema = useStore(app.session.store, (s) => s.schema?.schema)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const facts = useStore(app.session.store, (s) => s.modelFacts)

  const row = rowResult?.row ?? null
  const values = useMemo(() => {
    const out = dict<string>()
    if (!data || !schema || row === null) return out
    for (const f of schema.features) {
      const col = data.table.columns.find((c) => c.name === f.name)
      const v = col ? (col.values[col.codes[row]!] ?? '') : ''
      out[f.name] = v === '' ? '(empty)' : v
    }
    return out
  }, [data, schema, row])

  if (!data || !schema) {
    return (
      <section className="empty" data-testid="explain-view">
        <p>Load a model, a CSV and its schema (or open the demo) to explain predictions.</p>
      </section>
    )
  }
  const e = rowResult?.explanation
  const used = rowResult?.used
  return (
    <div className="explainView boxedCharts" data-testid="explain-view">
      <section
        className="card full explainSection"
        aria-labelledby="explain-title"
        data-testid="explain-panel"
      >
        <div className="sectionHead">
          <h2 id="explain-title">Explanations of one row</h2>
        </div>
        <ExplainControls />
        {!rowResult || !e || !used ? (
          <div className="emptyChart">
            {busy ? (
              <JobProgress prefix="Explaining" />
            ) : (
              <p>
                No row explained yet. Pick a row and press <strong>Explain row</strong> for its SHAP
                waterfall, SHAP next to integrated gradients, and counterfactuals.
              </p>
            )}
          </div>
        ) : (
          <div data-testid="explain-result" data-row={rowResult.row}>
            <p className="resultLine">
              Row <strong>{rowResult.row}</strong>: f(x) ={' '}
              <strong data-testid="explain-prediction">{fmt(e.prediction)}</strong>
              {e.baseValue !== undefined && (
                <>
                  {' '}
                  · SHAP of the probability: base value E f ={' '}
                  <span data-testid="shap-base" data-value={e.baseValue}>
                    {fmt(e.baseValue)}
                  </span>{' '}
                  ·{' '}
                  <span data-testid="shap-method">
                    {e.exact ? 'exact Shapley values' : 'Kernel SHAP estimate ± standard error'}
                  </span>
                </>
              )}
              {rowResult.ms.shap !== null && (
                <span className="muted"> · SHAP {fmt(rowResult.ms.shap / 1000, 2)} s</span>
              )}
              {pickedRow >= 0 && rowResult.row !== pickedRow && (
                <span className="muted">
                  {' '}
                  · showing row {rowResult.row}; press a button to explain the picked row
                </span>
              )}
            </p>
            <RunNote explanation={e} />
            <div className="explainGrid">
              {e.shap && used.shap ? (
                <WaterfallChart
                  row={rowResult.row}
                  explanation={e}
                  values={values}
                  settings={used.shap}
                />
              ) : (
                <div className="emptyChart">
                  <p>Run SHAP for the waterfall from the base value to the prediction.</p>
                </div>
              )}
              {e.shap || e.ig ? (
                <AgreementChart
                  row={rowResult.row}
                  explanation={e}
                  values={values}
                  shapSettings={used.shap}
                  igSettings={used.ig}
                />
              ) : (
                <div className="emptyChart">
                  <p>Run SHAP and integrated gradients to compare them.</p>
                </div>
              )}
            </div>
            {facts?.igUnavailable && (
              <p className="note" data-testid="ig-unavailable">
                Integrated gradients are unavailable for this model: {facts.igUnavailable}
              </p>
            )}
            {facts && (
              <TreeShapPanel
                row={rowResult.row}
                explanation={e}
                values={values}
                settings={used.shap}
                card={facts.card}
                status={facts.treeShap}
                reason={rowResult.treeShapUnavailable}
              />
            )}
            {used.counterfactuals && (
              <CounterfactualList
                explanation={e}
                values={values}
                threshold={used.counterfactuals.threshold}
                locked={lockedFeatures(schema, used.counterfactuals)}
              />
            )}
            <details className="tableDetails">
              <summary>SHAP and IG values as tables</summary>
              <RowTables explanation={e} values={values} />
            </details>
          </div>
        )}
      </section>
      <GlobalSection schema={schema} />
    </div>
  )
}
