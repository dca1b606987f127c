/**
 * Every subscription between the stores, in one place, made once at start (src/main.tsx calls
 * `startApp`, which calls `wireApp`) and never at import:
 *
 * - The model worker's events: a device loss goes to the backends, a restart to the loader.
 * - A new session (model, data, schema, class, predictions) resets what depended on the old one:
 *   per-group thresholds and fairness computations, calibration, the open data row, explanations,
 *   the monitoring, compression and audit results, the pool's helpers — then the cohort
 *   re-derives the rows in view.
 * - The rows in view (a cohort or all rows) go to the metrics: the Overview's numbers are theirs.
 * - The stores that compute for one view (Explain, Calibration, Fairness, Data) are told to sync
 *   whenever one of their inputs changed; they start work only while their tab is shown, and only
 *   for inputs they have not answered yet (keyed queries), so calling them often costs nothing.
 * - Optional page services: the share link and the persisted view follow every view change, the
 *   persisted sources every load, the persisted challenger every change of the compare store.
 *
 * The reactions read the stores' current state, never the listener's arguments, so a reaction
 * that runs twice (nested updates) does nothing the second time.
 */
import type { App } from './createApp.ts'
import type { SessionState } from './session.ts'

/** Page services that follow the stores (sharing link, persistence); all optional. */
export type WiringServices = {
  /** Something a link or the persisted view holds may have changed. */
  viewChanged?: () => void
  /** A session was loaded (model, data or schema replaced). */
  sessionLoaded?: (s: SessionState) => void
  /** The compare store changed (its challenger or the switch "show" may have). */
  challengerChanged?: () => void
}

type Listenable = { subscribe(listener: () => void): () => void }

/**
 * Connects the stores of `app` (and the optional services).
 * @returns a function that removes every subscription and worker hook it made.
 * @example const unwire = wireApp(app); …; unwire()
 */
export function wireApp(app: App, services: WiringServices = {}): () => void {
  const { deps, session, cohort, fairness, fairnessQueries, calibration } = app
  const offs: (() => void)[] = []
  const on = (stores: Listenable[], react: () => void) => {
    for (const s of stores) offs.push(s.subscribe(react))
  }

  deps.model.onEvent = (ev) => app.backends.onWorkerEvent(ev)
  deps.model.onRestart = (message) => {
    app.load.reloadAfterRestart(message)
    // The restarted worker has no challenger: it is opened again after the reload (queued).
    app.compare.sessionChanged()
  }

  let seen = session.store.getState()
  on([session.store], () => {
    const s = session.store.getState()
    const prev = seen
    if (s === prev) return
    seen = s
    const data = s.data !== prev.data
    const schema = s.schema !== prev.schema
    const model = s.model !== prev.model
    const predictions = s.predictionsVersion !== prev.predictionsVersion
    const cls = s.classLabel !== prev.classLabel || s.column !== prev.column
    if (data || schema) {
      fairness.clearAllGroupThresholds()
      fairnessQueries.bootstrap.reset()
    }
    if (data || predictions) {
      fairnessQueries.groupings.reset()
      calibration.query.reset()
    }
    if (predictions && (model || data || schema)) app.explain.sessionChanged(data)
    if (s.model?.input !== prev.model?.input) deps.pool.reset()
    if (data || model || schema || cls) {
      app.dataRow.sessionChanged()
      app.monitoring.clearResult()
    }
    if (data || model || schema) {
      app.compare.sessionChanged()
      app.compression.clearResult()
      app.report.clearAudit()
      if (s.ready) services.sessionLoaded?.(s)
    }
    if (data) cohort.dataChanged()
    if (data || predictions || s.labels !== prev.labels) cohort.derive()
  })

  on([cohort.store], () => app.metrics.scopeChanged(cohort.store.getState().view))

  const tab = app.ui.store
  on([tab, session.store, app.jobs.store, app.explain.store], () => app.explain.sync())
  on([tab, session.store, cohort.store, calibration.store], () => calibration.sync())
  on(
    [
      tab,
      session.store,
      cohort.store,
      fairness.store,
      app.metrics.store,
      fairnessQueries.groupings.store,
    ],
    () => fairnessQueries.sync(),
  )
  on([tab, session.store, cohort.store, app.dataOrder.store], () => app.dataOrder.sync())
  on([tab, session.store, cohort.store, app.metrics.store, app.compare.store], () =>
    app.compare.sync(),
  )

  const { challengerChanged } = services
  if (challengerChanged) on([app.compare.store], challengerChanged)

  const { viewChanged } = services
  if (viewChanged)
    on(
      [
        session.store,
        app.metrics.store,
        app.backends.store,
        tab,
        cohort.store,
        app.explain.store,
        calibration.store,
        fairness.store,
        app.compression.store,
        app.dataRow.store,
        app.monitoring.store,
        app.compare.store,
      ],
      viewChanged,
    )

  return () => {
    for (const off of offs) off()
    deps.model.onEvent = () => {}
    deps.model.onRestart = () => {}
  }
}
