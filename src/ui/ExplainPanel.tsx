import { useStore } from 'zustand'
import type { IgRule } from '../core/attribution/quadrature.ts'
import type { BackgroundKind } from '../core/shap/background.ts'
import {
  explainStore,
  runExplain,
  runGlobalShap,
  setExplainRow,
  setExplainSettings,
  setGlobalN,
} from '../state/explainStore.ts'
import { fmt } from './format.ts'
import { useApp } from './useApp.ts'

/** Per-row explanations (SHAP, integrated gradients, counterfactuals) and global SHAP. */
export function ExplainPanel() {
  const row = useStore(explainStore, (s) => s.row)
  const settings = useStore(explainStore, (s) => s.settings)
  const result = useStore(explainStore, (s) => s.result)
  const resultRow = useStore(explainStore, (s) => s.resultRow)
  const globalN = useStore(explainStore, (s) => s.globalN)
  const global = useStore(explainStore, (s) => s.global)
  const data = useApp((s) => s.data)
  const schema = useApp((s) => s.schema?.schema)
  const predictions = useApp((s) => s.predictions)
  const busy = useApp((s) => s.job !== null)
  if (!data || !schema || !predictions) return null
  const n = data.table.nRows
  const e = result && resultRow !== null ? result.explanations[String(resultRow)] : undefined
  const rawValue = (r: number) => (j: number) => {
    const col = data.table.columns.find((c) => c.name === schema.features[j]!.name)
    const v = col ? col.values[col.codes[r]!]! : ''
    return v === '' ? '(empty)' : v
  }
  const names = schema.features.map((f) => f.name)
  const byAbs = (rec: Record<string, number>) => [...names].sort((a, b) => Math.abs(rec[b]!) - Math.abs(rec[a]!))
  return (
    <section className="card full" aria-labelledby="explain-title" data-testid="explain-panel">
      <h2 id="explain-title">Explanations</h2>
      <div className="explainControls">
        <label>
          Row{' '}
          <input
            type="number"
            min={0}
            max={n - 1}
            value={row}
            data-testid="explain-row"
            onChange={(ev) => setExplainRow(Math.trunc(Number(ev.currentTarget.value)))}
          />
        </label>{' '}
        <span className="muted">
          of 0–{n - 1}; prediction {fmt(predictions[row] ?? null)}
        </span>{' '}
        <button type="button" disabled={busy} data-testid="run-shap" onClick={() => void runExplain({ shap: true, ig: false, counterfactuals: false })}>
          SHAP
        </button>{' '}
        <button type="button" disabled={busy} data-testid="run-ig" onClick={() => void runExplain({ shap: false, ig: true, counterfactuals: false })}>
          Integrated gradients
        </button>{' '}
        <button type="button" disabled={busy} data-testid="run-cf" onClick={() => void runExplain({ shap: false, ig: false, counterfactuals: true })}>
          Counterfactuals
        </button>{' '}
        <button type="button" disabled={busy} data-testid="run-all" onClick={() => void runExplain({ shap: true, ig: true, counterfactuals: true })}>
          All three
        </button>
      </div>
      <details>
        <summary>Settings</summary>
        <div className="settingsGrid">
          <label>
            Background{' '}
            <select
              value={settings.background.kind}
              onChange={(ev) => setExplainSettings({ background: { ...settings.background, kind: ev.currentTarget.value as BackgroundKind } })}
            >
              <option value="first">first K rows</option>
              <option value="sample">seeded sample of K</option>
              <option value="kmeans">K-medoids</option>
            </select>
          </label>
          <label>
            K{' '}
            <input
              type="number"
              min={1}
              value={settings.background.k}
              onChange={(ev) => setExplainSettings({ background: { ...settings.background, k: Math.max(1, Math.trunc(Number(ev.currentTarget.value))) } })}
            />
          </label>
          <label>
            Budget (coalitions){' '}
            <input type="number" min={16} value={settings.budget} onChange={(ev) => setExplainSettings({ budget: Math.max(16, Math.trunc(Number(ev.currentTarget.value))) })} />
          </label>
          <label>
            Seed <input type="number" value={settings.seed} onChange={(ev) => setExplainSettings({ seed: Math.trunc(Number(ev.currentTarget.value)) })} />
          </label>
          <label>
            IG steps{' '}
            <input
              type="text"
              value={String(settings.igSteps)}
              data-testid="ig-steps"
              onChange={(ev) => {
                const v = ev.currentTarget.value.trim()
                setExplainSettings({ igSteps: v === 'auto' || v === '' ? 'auto' : Math.max(1, Math.trunc(Number(v)) || 64) })
              }}
            />
          </label>
          <label>
            IG rule{' '}
            <select value={settings.igMethod} onChange={(ev) => setExplainSettings({ igMethod: ev.currentTarget.value as IgRule })}>
              {(['midpoint', 'trapezoid', 'left', 'right', 'gausslegendre'] as const).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            IG baseline{' '}
            <input type="text" value={settings.igBaseline} onChange={(ev) => setExplainSettings({ igBaseline: ev.currentTarget.value.trim() })} placeholder="mean | zeros | row:N | expected" />
          </label>
          <label>
            Counterfactuals k{' '}
            <input type="number" min={1} max={20} value={settings.counterfactuals || 4} onChange={(ev) => setExplainSettings({ counterfactuals: Math.max(1, Math.trunc(Number(ev.currentTarget.value))) })} />
          </label>
        </div>
      </details>
      {e && resultRow !== null && (
        <div className="explainResults" data-testid="explain-result" data-row={resultRow}>
          <p>
            Row {resultRow}: f(x) = <strong data-testid="explain-prediction">{fmt(e.prediction)}</strong>
            {e.baseValue !== undefined && (
              <>
                {' '}
                · base value E f = <span data-testid="shap-base">{fmt(e.baseValue)}</span> · {e.exact ? 'exact Shapley values' : 'Kernel SHAP estimate ± standard error'} · computed in {fmt(result!.ms / 1000, 2)} s
              </>
            )}
          </p>
          <div className="explainTables">
            {e.shap && (
              <table className="compact" data-testid="shap-table" aria-label="SHAP values">
                <caption>SHAP (probability units)</caption>
                <thead>
                  <tr>
                    <th scope="col">Feature</th>
                    <th scope="col">Value</th>
                    <th scope="col">φ</th>
                    {e.shapStdErr && <th scope="col">± s.e.</th>}
                  </tr>
                </thead>
                <tbody>
                  {byAbs(e.shap).map((f) => {
                    const j = names.indexOf(f)
                    return (
                      <tr key={f} data-feature={f}>
                        <th scope="row">{f}</th>
                        <td>{rawValue(resultRow)(j)}</td>
                        <td className={e.shap![f]! >= 0 ? 'pos' : 'neg'} data-value={e.shap![f]}>
                          {fmt(e.shap![f]!, 5)}
                        </td>
                        {e.shapStdErr && <td>{fmt(e.shapStdErr[f] ?? null, 5)}</td>}
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            )}
            {e.ig && (
              <table className="compact" data-testid="ig-table" aria-label="Integrated gradients">
                <caption>
                  Integrated gradients · {e.igSteps} steps · completeness gap <span data-testid="ig-gap">{e.igCompletenessGap?.toExponential(2)}</span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Feature</th>
                    <th scope="col">IG</th>
                  </tr>
                </thead>
                <tbody>
                  {byAbs(e.ig).map((f) => (
                    <tr key={f} data-feature={f}>
                      <th scope="row">{f}</th>
                      <td className={e.ig![f]! >= 0 ? 'pos' : 'neg'} data-value={e.ig![f]}>
                        {fmt(e.ig![f]!, 5)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {e.counterfactuals && (
              <div data-testid="cf-list">
                <h3>Counterfactuals (to {e.prediction >= settings.threshold ? 'below' : 'at or above'} the threshold)</h3>
                {e.counterfactuals.length === 0 && <p data-testid="cf-none">None found: {e.noneReason}</p>}
                <ol>
                  {e.counterfactuals.map((c, i) => (
                    <li key={i} data-testid="cf-item" data-valid={c.valid}>
                      {Object.entries(c.changes)
                        .map(([f, v]) => `${f}: ${rawValue(resultRow)(names.indexOf(f))} → ${typeof v === 'number' ? +v.toFixed(4) : v}`)
                        .join('; ')}{' '}
                      <span className="muted">
                        → p = {fmt(c.prediction)} · {c.nChanged} changed · proximity {fmt(c.proximity, 3)}
                      </span>
                    </li>
                  ))}
                </ol>
                {e.diversity !== null && e.diversity !== undefined && <p className="muted">Diversity (mean pairwise proximity): {fmt(e.diversity, 3)}</p>}
              </div>
            )}
          </div>
        </div>
      )}
      <h3>Global SHAP</h3>
      <div className="explainControls">
        <label>
          Rows{' '}
          <input type="number" min={1} value={globalN} data-testid="global-n" onChange={(ev) => setGlobalN(Math.trunc(Number(ev.currentTarget.value)))} />
        </label>{' '}
        <button type="button" disabled={busy} data-testid="run-global" onClick={() => void runGlobalShap()}>
          Compute
        </button>
      </div>
      {global && (
        <table className="compact" data-testid="global-table" aria-label="Mean absolute SHAP value per feature">
          <caption>
            Mean |φ| over {global.rows.length} seeded rows {global.exact ? '(exact)' : '(Kernel SHAP)'}
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
      )}
    </section>
  )
}
