import { useStore } from 'zustand'
import type { IgRule } from '../../../core/attribution/quadrature.ts'
import type { BackgroundKind } from '../../../core/shap/background.ts'
import { explainDefaultRow } from '../../../state/explainStore.ts'
import { fmt } from '../../format.ts'
import { app } from '../../../state/app.ts'
import { NumberField } from '../../kit/NumberField.tsx'
import { CounterfactualLocks } from './CounterfactualLocks.tsx'
import { ViewLimits } from '../../../core/viewLimits.ts'
import { IG_RULES } from '../../../core/viewState.ts'

/**
 * Row picker, the explain buttons, the features locked for counterfactuals and the settings every
 * explanation uses.
 */
export function ExplainControls() {
  const row = useStore(app.explain.store, (s) => s.row)
  const settings = useStore(app.explain.store, (s) => s.settings)
  const n = useStore(app.session.store, (s) => s.data?.table.nRows ?? 0)
  const predictions = useStore(app.session.store, (s) => s.predictions)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const noIg = useStore(app.session.store, (s) => s.modelFacts?.igUnavailable ?? null)
  const defaultRow = explainDefaultRow(n, settings.seed)
  const shown = row >= 0 ? row : defaultRow
  const run = (shap: boolean, ig: boolean, counterfactuals: boolean) => () =>
    void app.explain.runExplain({ shap, ig, counterfactuals })
  return (
    <div className="explainControlsBox">
      <div className="explainControls">
        <label className="rowPicker" htmlFor="explain-row">
          Row
        </label>
        <NumberField
          id="explain-row"
          value={shown}
          rule={{ name: 'Row', min: 0, max: Math.max(0, n - 1), integer: true }}
          step={1}
          testId="explain-row"
          onCommit={(v) => {
            if (typeof v === 'number') app.explain.setRow(v)
          }}
        />
        <span className="muted">
          of 0–{n - 1} · prediction{' '}
          <span data-testid="row-prediction">{fmt(predictions?.[shown] ?? null)}</span>
        </span>
        <button
          type="button"
          className="linkish"
          onClick={() => app.explain.setRow(defaultRow)}
          disabled={shown === defaultRow}
          title="The first row the audit report explains"
        >
          Default row ({defaultRow})
        </button>
        <span className="buttonGroup" role="group" aria-label="Explain the row">
          <button
            type="button"
            className="primary"
            disabled={busy}
            data-testid="run-all"
            onClick={run(true, true, true)}
          >
            {noIg ? 'Explain row (SHAP and counterfactuals)' : 'Explain row (all three)'}
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="run-shap"
            onClick={run(true, false, false)}
          >
            SHAP
          </button>
          <button
            type="button"
            disabled={busy || noIg !== null}
            data-testid="run-ig"
            onClick={run(false, true, false)}
            title={noIg ?? undefined}
          >
            Integrated gradients
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="run-cf"
            onClick={run(false, false, true)}
          >
            Counterfactuals
          </button>
        </span>
      </div>
      <CounterfactualLocks />
      <details className="explainSettings">
        <summary>Settings</summary>
        <div className="settingsGrid">
          <label>
            Background{' '}
            <select
              value={settings.background.kind}
              data-testid="bg-kind"
              onChange={(ev) =>
                app.explain.setSettings({
                  background: {
                    ...settings.background,
                    kind: ev.currentTarget.value as BackgroundKind,
                  },
                })
              }
            >
              <option value="first">first K rows</option>
              <option value="sample">seeded sample of K</option>
              <option value="kmeans">K-medoids</option>
            </select>
          </label>
          <label>
            K{' '}
            <NumberField
              value={settings.background.k}
              rule={ViewLimits.backgroundK}
              testId="bg-k"
              onCommit={(v) => {
                if (typeof v === 'number')
                  app.explain.setSettings({ background: { ...settings.background, k: v } })
              }}
            />
          </label>
          <label title="Coalitions per row: exact Shapley values when 2^M − 2 fit the budget, Kernel SHAP otherwise">
            Budget (coalitions){' '}
            <NumberField
              value={settings.budget}
              rule={ViewLimits.budget}
              testId="shap-budget"
              onCommit={(v) => {
                if (typeof v === 'number') app.explain.setSettings({ budget: v })
              }}
            />
          </label>
          <label>
            Seed{' '}
            <NumberField
              value={settings.seed}
              rule={ViewLimits.seed}
              testId="explain-seed"
              onCommit={(v) => {
                if (typeof v === 'number') app.explain.setSettings({ seed: v })
              }}
            />
          </label>
          <label>
            IG steps{' '}
            <NumberField
              value={settings.igSteps === 0 ? 'auto' : settings.igSteps}
              rule={{ ...ViewLimits.igSteps, keywords: ['auto'] }}
              testId="ig-steps"
              onCommit={(v) => {
                if (v === 'auto' || typeof v === 'number') app.explain.setSettings({ igSteps: v })
              }}
            />
          </label>
          <label>
            IG rule{' '}
            <select
              value={settings.igMethod}
              onChange={(ev) =>
                app.explain.setSettings({ igMethod: ev.currentTarget.value as IgRule })
              }
            >
              {IG_RULES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            IG baseline{' '}
            <input
              type="text"
              value={settings.igBaseline}
              onChange={(ev) =>
                app.explain.setSettings({ igBaseline: ev.currentTarget.value.trim() })
              }
              placeholder="mean | zeros | row:N | expected"
            />
          </label>
          <label>
            Counterfactuals k{' '}
            <NumberField
              value={settings.counterfactuals || 4}
              rule={ViewLimits.counterfactuals}
              testId="cf-k"
              onCommit={(v) => {
                if (typeof v === 'number') app.explain.setSettings({ counterfactuals: v })
              }}
            />
          </label>
        </div>
        <p className="muted small">
          These apply to the next run; each chart prints what its numbers were computed with. Global
          SHAP uses the background, budget and seed above.
        </p>
      </details>
    </div>
  )
}
