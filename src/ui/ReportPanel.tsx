import { useStore } from 'zustand'
import { downloadText, reportStore, runAudit } from '../state/reportStore.ts'
import { useApp } from './useApp.ts'

/** Runs the audit (the CLI's, on what is loaded) and exports it as report JSON v1 and HTML. */
export function ReportPanel() {
  const report = useStore(reportStore, (s) => s.report)
  const html = useStore(reportStore, (s) => s.html)
  const busy = useApp((s) => s.job !== null)
  const name = useApp((s) => s.schema?.schema.name ?? 'audit')
  return (
    <section className="card full" aria-labelledby="report-title" data-testid="report-panel">
      <h2 id="report-title">Audit report</h2>
      <p className="muted">
        The same audit as <code>glassbox audit</code>: metrics, calibration, fairness by every sensitive column, and SHAP, integrated
        gradients and counterfactuals for 8 seeded rows with the settings of the Explanations panel.
      </p>
      <button type="button" disabled={busy} data-testid="run-audit" onClick={() => void runAudit()}>
        Run audit
      </button>{' '}
      {report && html && (
        <>
          <button
            type="button"
            data-testid="download-report-json"
            onClick={() => downloadText(`${JSON.stringify(report, null, 1)}\n`, `${name}.report.json`, 'application/json')}
          >
            Download report JSON
          </button>{' '}
          <button type="button" data-testid="download-report-html" onClick={() => downloadText(html, `${name}.report.html`, 'text/html')}>
            Download HTML report
          </button>{' '}
          <span className="muted" data-testid="report-summary">
            {Object.keys(report.explanations ?? {}).length} rows explained · {(html.length / 1024).toFixed(0)} KiB of HTML
          </span>
        </>
      )}
    </section>
  )
}
