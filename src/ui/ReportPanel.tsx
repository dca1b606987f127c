import { useStore } from 'zustand'
import { downloadText } from '../state/download.ts'
import type { ReportDecision } from '../report/types.ts'
import { app } from '../state/app.ts'
import { fmtInt } from './format.ts'

/** Runs the audit (the CLI's, on what is loaded) and exports it as report JSON v1 and HTML. */
export function ReportPanel() {
  const report = useStore(app.report.store, (s) => s.report)
  const html = useStore(app.report.store, (s) => s.html)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const name = useStore(app.session.store, (s) => s.schema?.schema.name ?? 'audit')
  const review = useStore(app.report.store, (s) => s.review)
  return (
    <section className="card full" aria-labelledby="report-title" data-testid="report-panel">
      <h2 id="report-title">Audit report</h2>
      <p className="muted">
        The same audit as <code>glassbox audit</code>: metrics, calibration, fairness by every
        sensitive column, SHAP, integrated gradients and counterfactuals for 8 seeded rows with the
        settings of the Explain tab, and the float16/uint8 comparison — on the rows in scope (the
        cohort's when the views are restricted to one; the report records its filter). The HTML is
        self-contained (no scripts, no requests) and identical to the CLI’s for the same report.
        Nothing is sent anywhere.
      </p>
      <fieldset className="review">
        <legend>Review (carried in the JSON and the HTML)</legend>
        <label>
          Reviewer{' '}
          <input
            type="text"
            value={review.reviewer}
            data-testid="review-name"
            onChange={(e) => app.report.setReview({ reviewer: e.currentTarget.value })}
          />
        </label>{' '}
        <label>
          Decision{' '}
          <select
            value={review.decision}
            data-testid="review-decision"
            onChange={(e) =>
              app.report.setReview({ decision: e.currentTarget.value as ReportDecision })
            }
          >
            <option value="">not decided</option>
            <option value="approved">approved</option>
            <option value="approved with conditions">approved with conditions</option>
            <option value="needs more work">needs more work</option>
            <option value="rejected">rejected</option>
          </select>
        </label>
        <label className="notes">
          Notes{' '}
          <textarea
            value={review.notes}
            rows={3}
            data-testid="review-notes"
            onChange={(e) => app.report.setReview({ notes: e.currentTarget.value })}
          />
        </label>
      </fieldset>
      <button
        type="button"
        disabled={busy}
        data-testid="run-audit"
        onClick={() => void app.report.runAudit()}
      >
        Run audit
      </button>{' '}
      {report && html && (
        <>
          <button
            type="button"
            data-testid="download-report-json"
            onClick={() =>
              downloadText(
                `${JSON.stringify(report, null, 1)}\n`,
                `${name}.report.json`,
                'application/json',
              )
            }
          >
            Download report JSON
          </button>{' '}
          <button
            type="button"
            data-testid="download-report-html"
            onClick={() => downloadText(html, `${name}.report.html`, 'text/html')}
          >
            Download HTML report
          </button>{' '}
          <span className="muted" data-testid="report-summary">
            {report.settings.cohort
              ? `cohort “${report.settings.cohort.predicate}”: ${fmtInt(report.settings.cohort.rows)} of ${fmtInt(report.data.rows)} rows · `
              : `all ${fmtInt(report.data.rows)} rows · `}
            {Object.keys(report.explanations ?? {}).length} rows explained ·{' '}
            {(html.length / 1024).toFixed(0)} KiB of HTML
          </span>
        </>
      )}
    </section>
  )
}
