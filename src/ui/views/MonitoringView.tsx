import './MonitoringView.css'
import './monitoring/drift.css'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import { driftRankingWith, driftSelected } from '../../core/views/driftView.ts'
import { fmtInt } from '../format.ts'
import { app } from '../../state/app.ts'
import { CurrentLoader } from './monitoring/CurrentLoader.tsx'
import { DriftRanking } from './monitoring/DriftRanking.tsx'
import { DriftSummary } from './monitoring/DriftSummary.tsx'
import { FeatureDistribution } from './monitoring/FeatureDistribution.tsx'
import { FeatureDriftTable } from './monitoring/FeatureDriftTable.tsx'
import { OodSection } from './monitoring/OodSection.tsx'
import { PerformanceDrift } from './monitoring/PerformanceDrift.tsx'
import { PredictionDriftChart } from './monitoring/PredictionDriftChart.tsx'

/** The core's default tolerance of performanceDrift (changes for the worse at least this large are highlighted). */
const TOLERANCE = 0.02

/**
 * Monitoring: a "current" dataset against the session's data (the reference) with the same model
 * and schema — data drift per feature, drift ranked by importance, prediction and performance /
 * fairness drift, and out-of-distribution rows. Every number comes from the worker's `drift`
 * command (src/core/drift); this view only lays them out.
 */
export function MonitoringView() {
  const st = useStore(app.monitoring.store)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const data = useStore(app.session.store, (s) => s.data)
  const model = useStore(app.session.store, (s) => s.model)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const global = useStore(app.explain.store, (s) => s.global)
  const globalUsed = useStore(app.explain.store, (s) => s.globalUsed)
  const r = st.result
  const features = r?.analysis.features
  const ranking = useMemo(
    () => (features ? driftRankingWith(features, global) : null),
    [features, global],
  )
  const selected = driftSelected(st.result?.analysis.features ?? [], st.selectedFeature)

  if (!model || !data) {
    return (
      <section className="empty" data-testid="monitoring-view">
        <p>
          Load a model and its data first: they are the reference that a current dataset is compared
          with.
        </p>
      </section>
    )
  }
  const current = st.current
  const staleReference = current !== null && r === null
  const staleThreshold = r !== null && st.used !== null && st.used.threshold !== threshold
  return (
    <div
      className="monitoringView"
      data-testid="monitoring-view"
      data-status={r ? 'done' : current ? 'stale' : 'empty'}
    >
      <section className="card full" aria-labelledby="mon-title">
        <div className="monHead">
          <h2 id="mon-title">Monitoring: what changed in the current data?</h2>
          {current && (
            <button
              type="button"
              className="btn quiet"
              onClick={app.monitoring.clearCurrent}
              disabled={busy}
              data-testid="current-clear"
            >
              Clear
            </button>
          )}
        </div>
        {!current ? (
          <div className="intro" data-testid="monitoring-empty">
            <p>
              Load a second dataset — the <strong>current</strong> data, e.g. last month’s
              production sample, with or without the target column — to compare it with the{' '}
              <strong>reference</strong> (<span className="mono">{data.name}</span>,{' '}
              {fmtInt(data.table.nRows)} rows) using the same model and schema. Everything runs in
              this browser.
            </p>
            <ul className="introList">
              <li>
                <strong>Data drift</strong> per feature: PSI (&gt; 0.2 drifted, 0.1–0.2 watch), KS
                or χ² tests with Holm-adjusted p-values, and overlaid distributions — ranked by
                drift × global importance.
              </li>
              <li>
                <strong>Prediction and performance drift</strong>: predicted-probability
                distributions; with labels, accuracy, AUC, ECE and fairness disparities side by
                side.
              </li>
              <li>
                <strong>Out-of-distribution rows</strong>: how many current rows lie outside the
                reference, and why.
              </li>
            </ul>
          </div>
        ) : (
          <p className="sides" data-testid="monitoring-sides">
            <span className="side ref">Reference</span> <span className="mono">{data.name}</span> (
            {fmtInt(data.table.nRows)} rows) <span aria-hidden="true">vs</span>{' '}
            <span className="side cur">Current</span> <span className="mono">{current.name}</span> (
            {fmtInt(current.table.nRows)} rows
            {r ? (r.analysis.performance.unlabelled ? ', no labels' : ', labelled') : ''})
            {r && st.used && (
              <span className="muted small">
                {' '}
                · threshold {st.used.threshold} · seed {st.used.seed} · computed in{' '}
                {(r.ms / 1000).toFixed(2)} s
              </span>
            )}
          </p>
        )}
        <CurrentLoader busy={busy} compact={current !== null} />
        {staleReference && (
          <p className="staleNote" role="note" data-testid="drift-stale">
            The reference model or data changed, so the comparison was cleared.{' '}
            <button
              type="button"
              className="btn small"
              disabled={busy}
              onClick={() => void app.monitoring.rerun()}
              data-testid="drift-rerun"
            >
              Compare {current.name} again
            </button>
          </p>
        )}
        {staleThreshold && (
          <p className="staleNote" role="note" data-testid="drift-threshold-stale">
            Performance and fairness below were computed at threshold {st.used!.threshold}; the
            threshold is now {threshold}.{' '}
            <button
              type="button"
              className="btn small"
              disabled={busy}
              onClick={() => void app.monitoring.rerun()}
            >
              Recompute at {threshold}
            </button>
          </p>
        )}
        {r && <DriftSummary result={r} referenceRows={data.table.nRows} />}
      </section>

      {r && features && current && (
        <>
          <section className="card full" aria-labelledby="mon-features">
            <h2 id="mon-features">Data drift per feature</h2>
            <div className="featureGrid">
              <div className="featureTable">
                <FeatureDriftTable
                  features={features}
                  sort={st.sort}
                  onSort={app.monitoring.setSort}
                  selected={selected?.feature ?? null}
                  onSelect={app.monitoring.selectFeature}
                />
                <p className="muted small caption">
                  drifted: PSI &gt; 0.2 or p (Holm) &lt; 0.05 · watch: 0.1 &lt; PSI ≤ 0.2. With
                  thousands of rows the tests call tiny shifts significant: the flag’s reason says
                  which rule fired. PSI over the reference’s deciles (numeric) or categories +
                  unseen (categorical), ε = 1e-4; the bar is full at PSI 0.5. Click a feature to see
                  its distributions.
                </p>
              </div>
              <div className="rankingPane">
                <h3>Drift that matters: PSI × importance</h3>
                <DriftRanking
                  ranking={ranking}
                  used={globalUsed}
                  busy={busy}
                  onCompute={() => void app.explain.runGlobalShap()}
                  onSelect={app.monitoring.selectFeature}
                />
              </div>
            </div>
          </section>

          {selected && (
            <section className="card full" aria-labelledby="mon-dist">
              <h2 id="mon-dist">Distributions</h2>
              <FeatureDistribution
                feature={selected}
                features={features}
                mode={st.histMode}
                onMode={app.monitoring.setHistMode}
                onSelect={app.monitoring.selectFeature}
              />
            </section>
          )}

          <section className="card full" aria-labelledby="mon-perf">
            <h2 id="mon-perf">Prediction and performance drift</h2>
            <div className="perfGrid2">
              <PredictionDriftChart
                pred={r.analysis.prediction}
                threshold={r.analysis.performance.threshold}
              />
              <PerformanceDrift perf={r.analysis.performance} tolerance={TOLERANCE} />
            </div>
          </section>

          <section className="card full" aria-labelledby="mon-ood">
            <h2 id="mon-ood">Out-of-distribution rows</h2>
            <OodSection
              ood={r.analysis.ood}
              table={current.table}
              predictions={r.currentPredictions}
              seed={st.used?.seed ?? st.seed}
              currentName={current.name}
            />
          </section>
        </>
      )}
    </div>
  )
}
