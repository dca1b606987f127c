/**
 * The audit report in the browser: the worker runs the same `auditRun` as the CLI on the loaded
 * session; the page renders the HTML with the same pure module, so a report exported here and
 * one written by `glassbox audit --html` are byte-identical for the same report JSON.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { reportHtml } from '../report/html.ts'
import type { Report, ReportReview } from '../report/types.ts'
import type { AuditSettings } from '../report/audit.ts'
import { cohortText } from '../core/views/cohort.ts'
import type { Backends } from './backends.ts'
import type { CohortStore } from './cohortStore.ts'
import type { ExplainStore } from './explainStore.ts'
import type { Jobs } from './jobs.ts'
import type { MonitoringStore } from './monitoringStore.ts'
import type { MetricsStore } from './metrics.ts'
import { type ModelWorkerPort, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'

/** The audit, the reviewer's record and the report they make. */
export type ReportState = {
  /** The audit as computed, without the review. */
  audit: Report | null
  /** The reviewer's record, carried in both the JSON and the HTML. */
  review: ReportReview
  /** The exported report = audit + review (when any field is filled) and its HTML. */
  report: Report | null
  html: string | null
}

/** The report store and its actions. */
export type ReportStore = {
  readonly store: StoreApi<ReportState>
  setReview(patch: Partial<ReportReview>): void
  /**
   * Runs the audit with the explanation settings shown in the Explanations panel, the current
   * threshold, and on the cohort's rows when the views are restricted to one (the report records
   * its predicate and row count); `rows` null = the CLI's default (8 rows ≥ 50 drawn with the
   * seed, among the cohort's rows when there is one).
   */
  runAudit(rows?: number[] | null): Promise<void>
  /** An audit belongs to a model, data and schema: a new one clears it. */
  clearAudit(): void
}

/** The stores an audit reads. */
export type ReportInputs = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  backends: Backends
  explain: ExplainStore
  monitoring: MonitoringStore
  cohort: CohortStore
  /** Whether a challenger is loaded (the report then carries the `comparison` section) [none]. */
  hasChallenger?: () => boolean
}

/**
 * The report store.
 * @example const report = createReport(modelWorker, inputs); await report.runAudit()
 */
export function createReport(model: ModelWorkerPort, inputs: ReportInputs): ReportStore {
  const { jobs, metrics, backends, explain, monitoring, cohort } = inputs
  const store = createStore<ReportState>()(() => ({
    audit: null,
    review: { reviewer: '', decision: '', notes: '' },
    report: null,
    html: null,
  }))

  /** Recomputes the exported report and HTML from the audit and the review. */
  function compose(): void {
    const { audit, review } = store.getState()
    if (!audit) {
      store.setState({ report: null, html: null })
      return
    }
    const filled =
      review.reviewer.trim() !== '' || review.decision !== '' || review.notes.trim() !== ''
    const report: Report = filled ? { ...audit, review } : audit
    store.setState({ report, html: reportHtml(report) })
  }

  return {
    store,
    setReview(patch) {
      store.setState((s) => ({ review: { ...s.review, ...patch } }))
      compose()
    },
    async runAudit(rows = null) {
      const c = cohort.store.getState()
      const settings: AuditSettings = {
        ...explain.store.getState().settings,
        threshold: metrics.store.getState().threshold,
        rows,
        quantize: ['float16', 'uint8'],
        backend: backends.store.getState().activeBackend ?? 'auto',
        ...(c.cohort && c.rows && c.restrict ? { cohort: cohortText(c.cohort) } : {}),
      }
      const signal = jobs.startJob('Audit report')
      try {
        const report = await model.request(
          { cmd: 'audit', settings },
          { signal, onProgress: jobs.progress(signal) },
        )
        // With a current dataset compared on the Monitoring tab, the report carries its drift section.
        const drift = monitoring.store.getState().result?.analysis.section
        // With a challenger loaded, the comparison section `glassbox compare` writes (every row).
        let comparison: Report['comparison'] | undefined
        if (inputs.hasChallenger?.()) {
          if (settings.cohort)
            jobs.notify(
              'info',
              'The report compares the challenger on every row: the comparison does not follow a cohort (clear it to compare the same rows as the audit).',
            )
          else
            comparison = await model.request(
              { cmd: 'compareReport', settings },
              { signal, onProgress: jobs.progress(signal) },
            )
        }
        store.setState({
          audit: {
            ...report,
            ...(drift ? { drift } : {}),
            ...(comparison ? { comparison } : {}),
          },
        })
        compose()
      } catch (e) {
        if (isAbortError(e)) jobs.notify('info', 'Audit cancelled.')
        else jobs.notify('error', `Audit failed: ${errorMessage(e)}`)
      } finally {
        jobs.endJob(signal)
      }
    },
    clearAudit: () => store.setState({ audit: null, report: null, html: null }),
  }
}
