import './ScopeBar.css'
import { useStore } from 'zustand'
import { app } from '../../state/app.ts'
import type { Tab } from '../../state/uiStore.ts'
import { fmt } from '../format.ts'
import { ThresholdControl } from '../kit/ThresholdControl.tsx'
import { CohortBar } from './CohortBar.tsx'
import { ModelSwitch } from '../views/compare/ModelSwitch.tsx'

/**
 * What each view does with the scope, shown next to it: the views that cannot honour the cohort
 * or the per-group thresholds say so here.
 */
const VIEW_NOTE: Record<Tab, string> = {
  Overview: 'Performance and the audit report use the rows in scope at the threshold.',
  Explain:
    'Global SHAP samples its rows from the rows in scope; a single row is explained on its own.',
  Calibration: 'Reliability curves use the rows in scope.',
  Fairness: 'Groups are compared on the rows in scope, at the threshold or per-group thresholds.',
  Data: 'The table lists the cohort’s rows (whether or not every view is restricted).',
  Compression:
    'Compression compares the variants on every row of the data: the cohort does not apply here.',
  Monitoring:
    'Monitoring compares whole files (this data against another): the cohort does not apply here.',
  Compare:
    'Champion and challenger are compared on the rows in scope, their decisions at the threshold.',
}

/**
 * The scope bar, above the tabs: the cohort filter, the decision threshold and the per-group
 * thresholds every view shares, and what the view shown does with them.
 */
export function ScopeBar() {
  const nRows = useStore(app.session.store, (s) => s.data?.table.nRows ?? 0)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const tab = useStore(app.ui.store, (s) => s.tab)
  const groupThresholds = useStore(app.fairness.store, (s) => s.groupThresholds)
  const perGroup = Object.entries(groupThresholds).filter(
    ([, g]) => Object.keys(g.thresholds).length > 0,
  )
  return (
    <section className="scopeBar" aria-label="Scope" data-testid="scope-bar">
      <CohortBar nRows={nRows} />
      <div className="scopeRow">
        <ThresholdControl
          value={threshold}
          onChange={app.metrics.setThreshold}
          label="Threshold (positive iff p ≥ t)"
          id="threshold-range"
          rangeTestId="threshold-range"
          testId="threshold"
        />
        <ModelSwitch />
        <div className="scopeGroups" data-testid="scope-group-thresholds">
          <span className="scopeLabel">Per-group thresholds</span>{' '}
          {perGroup.length === 0 ? (
            <span className="muted">none (set them in Fairness)</span>
          ) : (
            <>
              {perGroup.map(([key, g]) => (
                <span key={key} className="scopeGroup" data-key={key}>
                  <strong>{key}</strong>:{' '}
                  {Object.entries(g.thresholds)
                    .map(([group, t]) => `${group} ${fmt(t, 2)}`)
                    .join(' · ')}{' '}
                  <button
                    type="button"
                    className="linkButton"
                    onClick={() => app.fairness.clearGroupThresholds(key)}
                  >
                    clear
                  </button>
                </span>
              ))}
              <span className="muted small">(used by Fairness only; other views use t)</span>
            </>
          )}
        </div>
      </div>
      <p className="scopeNote muted small" data-testid="scope-note">
        {VIEW_NOTE[tab]}
      </p>
    </section>
  )
}
