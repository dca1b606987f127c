import { useMemo } from 'react'
import { useStore } from 'zustand'
import { cohortText } from '../core/views/cohort.ts'
import { app } from '../state/app.ts'
import { fmt, fmtInt } from './format.ts'
import { CurveChart } from './kit/CurveChart.tsx'
import { Tile } from './kit/Tile.tsx'

/** Performance at the user's threshold: metrics, confusion matrix, ROC and PR curves. */
export function PerformancePanel() {
  const perf = useStore(app.metrics.store, (s) => s.performance)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const schema = useStore(app.session.store, (s) => s.schema)
  const cohortRows = useStore(app.metrics.store, (s) => s.cohortRows)
  const predicate = useStore(app.cohort.store, (s) => (s.cohort ? cohortText(s.cohort) : ''))
  const n = useStore(app.session.store, (s) => s.data?.table.nRows ?? 0)
  const roc = useStore(app.metrics.store, (s) => s.performance?.roc ?? null)
  const pr = useStore(app.metrics.store, (s) => s.performance?.pr ?? null)
  const rocPoints = useMemo(
    () =>
      roc
        ? Array.from(roc.fpr, (x, i) => ({ x, y: roc.tpr[i]!, threshold: roc.threshold[i]! }))
        : [],
    [roc],
  )
  const prPoints = useMemo(
    () =>
      pr
        ? Array.from(pr.recall, (x, i) => ({ x, y: pr.precision[i]!, threshold: pr.threshold[i]! }))
        : [],
    [pr],
  )
  if (!perf && cohortRows !== null) {
    return (
      <section className="card full" data-testid="performance">
        <h2>Performance</h2>
        <p data-testid="performance-scope">
          {cohortRows === 0
            ? `The cohort “${predicate}” has no rows: nothing to measure.`
            : `Measuring the cohort “${predicate}” (${fmtInt(cohortRows)} rows)…`}
        </p>
      </section>
    )
  }
  if (!perf) {
    return (
      <section className="card">
        <h2>Performance</h2>
        <p>
          No labels: the data has no &quot;{schema?.schema.target.column}&quot; column, so accuracy
          and the curves cannot be computed.
        </p>
      </section>
    )
  }
  const m = perf.metrics
  const c = m.confusion
  return (
    <section className="card full" aria-labelledby="perf-title" data-testid="performance">
      <h2 id="perf-title">Performance</h2>
      <p className="muted small" data-testid="performance-scope">
        {cohortRows === null
          ? `All ${fmtInt(n)} rows`
          : `The cohort “${predicate}”: ${fmtInt(cohortRows)} rows`}{' '}
        at t = {fmt(threshold, 3)} (set in the scope bar above the tabs).
      </p>
      <div className="metrics">
        <Tile
          id="metric-accuracy"
          label="Accuracy"
          value={m.accuracy}
          hint="(TP + TN) / n at the threshold"
        />
        <Tile
          id="metric-auc"
          label="ROC AUC"
          value={m.rocAuc}
          hint="Area under the ROC curve (threshold-free)"
        />
        <Tile
          id="metric-logloss"
          label="Log loss"
          value={m.logLoss}
          hint="Mean cross-entropy, natural log"
        />
        <Tile
          id="metric-brier"
          label="Brier score"
          value={m.brier}
          hint="Mean squared error of the probability"
        />
        <Tile id="metric-precision" label="Precision" value={m.precision} hint="TP / (TP + FP)" />
        <Tile id="metric-recall" label="Recall (TPR)" value={m.recall} hint="TP / (TP + FN)" />
        <Tile id="metric-f1" label="F1" value={m.f1} hint="Harmonic mean of precision and recall" />
        <Tile
          id="metric-ap"
          label="Average precision"
          value={perf.averagePrecision}
          hint="Area under the PR curve (step-wise, as sklearn)"
        />
        <Tile
          id="metric-ece"
          label="ECE"
          value={perf.calibration.ece}
          hint="Expected calibration error, 10 equal-width bins"
        />
      </div>
      <div className="perfGrid">
        <table className="confusion" aria-label="Confusion matrix" data-testid="confusion">
          <thead>
            <tr>
              <td />
              <th scope="col">Predicted positive</th>
              <th scope="col">Predicted negative</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Actual positive</th>
              <td data-testid="cm-tp">{fmtInt(c.tp)}</td>
              <td data-testid="cm-fn">{fmtInt(c.fn)}</td>
            </tr>
            <tr>
              <th scope="row">Actual negative</th>
              <td data-testid="cm-fp">{fmtInt(c.fp)}</td>
              <td data-testid="cm-tn">{fmtInt(c.tn)}</td>
            </tr>
          </tbody>
        </table>
        <CurveChart
          title="ROC curve"
          xLabel="False positive rate"
          yLabel="True positive rate"
          seriesName={`ROC (AUC ${fmt(m.rocAuc)})`}
          points={rocPoints}
          reference={[
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ]}
          marker={m.fpr !== null && m.recall !== null ? { x: m.fpr, y: m.recall } : null}
        />
        <CurveChart
          title="Precision–recall curve"
          xLabel="Recall"
          yLabel="Precision"
          seriesName={`PR (AP ${fmt(perf.averagePrecision)})`}
          points={prPoints}
          reference={
            m.positiveRate !== null
              ? [
                  { x: 0, y: m.positiveRate },
                  { x: 1, y: m.positiveRate },
                ]
              : []
          }
          marker={
            m.recall !== null && m.precision !== null ? { x: m.recall, y: m.precision } : null
          }
        />
      </div>
    </section>
  )
}
