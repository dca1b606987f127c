/**
 * The audit report in the browser: the worker runs the same `auditRun` as the CLI on the loaded
 * session; the page renders the HTML with the same pure module, so a report exported here and
 * one written by `glassbox audit --html` are byte-identical for the same report JSON.
 */
import { createStore } from 'zustand/vanilla'
import { reportHtml } from '../report/html.ts'
import type { Report, ReportReview } from '../report/types.ts'
import type { AuditSettings } from '../report/audit.ts'
import type { WorkerError } from '../workers/client.ts'
import { appStore, endJob, notify, progress, startJob } from './appStore.ts'
import { explainStore } from './explainStore.ts'
import { modelWorker } from './workers.ts'
import { monitoringStore } from './monitoringStore.ts'

export type ReportState = {
  /** The audit as computed, without the review. */
  audit: Report | null
  /** The reviewer's record, carried in both the JSON and the HTML. */
  review: ReportReview
  /** The exported report = audit + review (when any field is filled) and its HTML. */
  report: Report | null
  html: string | null
}

export const reportStore = createStore<ReportState>()(() => ({
  audit: null,
  review: { reviewer: '', decision: '', notes: '' },
  report: null,
  html: null,
}))

/** Recomputes the exported report and HTML from the audit and the review. */
function compose(): void {
  const { audit, review } = reportStore.getState()
  if (!audit) {
    reportStore.setState({ report: null, html: null })
    return
  }
  const filled =
    review.reviewer.trim() !== '' || review.decision !== '' || review.notes.trim() !== ''
  const report: Report = filled ? { ...audit, review } : audit
  reportStore.setState({ report, html: reportHtml(report) })
}

export function setReview(patch: Partial<ReportReview>): void {
  reportStore.setState((s) => ({ review: { ...s.review, ...patch } }))
  compose()
}

appStore.subscribe((s, prev) => {
  if (s.model !== prev.model || s.data !== prev.data || s.schema !== prev.schema)
    reportStore.setState({ audit: null, report: null, html: null })
})

/**
 * Runs the audit with the explanation settings shown in the Explanations panel and the current
 * threshold; `rows` null = the CLI's default (8 rows ≥ 50 drawn with the seed).
 */
export async function runAudit(rows: number[] | null = null): Promise<void> {
  const app = appStore.getState()
  const settings: AuditSettings = {
    ...explainStore.getState().settings,
    threshold: app.threshold,
    rows,
    quantize: ['float16', 'uint8'],
    backend: app.activeBackend ?? 'auto',
  }
  const signal = startJob('Audit report')
  try {
    const report = await modelWorker.request(
      { cmd: 'audit', settings },
      { signal, onProgress: progress(signal) },
    )
    // With a current dataset compared on the Monitoring tab, the report carries its drift section.
    const drift = monitoringStore.getState().result?.analysis.section
    reportStore.setState({ audit: drift ? { ...report, drift } : report })
    compose()
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError') notify('info', 'Audit cancelled.')
    else notify('error', `Audit failed: ${err.message}`)
  } finally {
    endJob(signal)
  }
}

/** Saves text as a file through a temporary object URL. */
export function downloadText(text: string, name: string, type: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(new Blob([text], { type }))
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}
