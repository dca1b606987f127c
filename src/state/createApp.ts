/**
 * Builds every store of the dashboard over one set of dependencies (workers, clock, network,
 * downloads): the page builds it once with the real workers (src/state/app.ts), unit tests with
 * fakes. Building subscribes nothing and starts nothing; src/state/wiring.ts connects the stores.
 */
import { type Backends, createBackends } from './backends.ts'
import { type CalibrationStore, createCalibration } from './calibrationStore.ts'
import { type CohortStore, createCohort } from './cohortStore.ts'
import { type CompareStore, createCompare } from './compareStore.ts'
import { type CompressionStore, createCompression } from './compressionStore.ts'
import { type DataOrderStore, createDataOrder } from './dataOrder.ts'
import { type DataRowStore, createDataRow } from './dataRow.ts'
import { type ExplainStore, createExplain } from './explainStore.ts'
import { type FairnessQueries, createFairnessQueries } from './fairnessQueries.ts'
import { type FairnessStore, createFairness } from './fairnessStore.ts'
import { type Jobs, createJobs } from './jobs.ts'
import { type Loader, createLoader } from './load.ts'
import { type MonitoringStore, createMonitoring } from './monitoringStore.ts'
import { type MetricsStore, createMetrics } from './metrics.ts'
import type { StateDeps } from './ports.ts'
import { type ReportStore, createReport } from './reportStore.ts'
import { type Session, createSession } from './session.ts'
import { type Ui, createUi } from './uiStore.ts'
import { type WhatIfStore, createWhatIf } from './whatIf.ts'

/** Every store of the dashboard, with the dependencies they were built over. */
export type App = {
  readonly deps: StateDeps
  /** The job slot and notices. */
  readonly jobs: Jobs
  /** The active tab. */
  readonly ui: Ui
  /** What is loaded: model, data, schema, labels, predictions (with their version). */
  readonly session: Session
  /** The threshold and the metrics at it. */
  readonly metrics: MetricsStore
  /** Backends, the probe, the pool limit. */
  readonly backends: Backends
  /** The load transaction (no store of its own: it replaces the ones above). */
  readonly load: Loader
  /** The cohort filter and the rows in view. */
  readonly cohort: CohortStore
  readonly explain: ExplainStore
  readonly calibration: CalibrationStore
  /** The fairness view's choices. */
  readonly fairness: FairnessStore
  /** The fairness view's computations (groupings, bootstrap). */
  readonly fairnessQueries: FairnessQueries
  /** The Data view's row order. */
  readonly dataOrder: DataOrderStore
  /** The Data view's open row and its explanations. */
  readonly dataRow: DataRowStore
  /** The open row's what-if editor. */
  readonly whatIf: WhatIfStore
  readonly compression: CompressionStore
  readonly monitoring: MonitoringStore
  readonly report: ReportStore
  /** The challenger and the Compare tab. */
  readonly compare: CompareStore
}

/**
 * Every store, built over `deps`, in dependency order.
 * @example const app = createApp(fakeDeps); wireApp(app); await app.load.loadBundle(bundle)
 */
export function createApp(deps: StateDeps): App {
  const jobs = createJobs(deps.now)
  const ui = createUi()
  const session = createSession()
  jobs.setDataset(() => session.store.getState().data?.name ?? null)
  const metrics = createMetrics(deps.stats, session, jobs)
  const backends = createBackends(deps.model, deps.poolHardware, jobs, metrics)
  const load = createLoader(deps, { jobs, session, metrics, backends })
  const cohort = createCohort(session)
  const explain = createExplain(deps, { jobs, session, metrics, cohort, ui })
  const calibration = createCalibration(deps.stats, { session, cohort, ui })
  const fairness = createFairness()
  const fairnessQueries = createFairnessQueries(deps.stats, {
    session,
    cohort,
    ui,
    metrics,
    fairness,
  })
  const dataOrder = createDataOrder(deps.stats, { session, cohort, ui })
  const whatIf = createWhatIf(deps.model, { session, metrics, explain })
  const dataRow = createDataRow(deps.model, { session, metrics, explain, whatIf })
  const compression = createCompression(deps, { jobs, session, metrics })
  const monitoring = createMonitoring(deps, { jobs, session, metrics })
  const report = createReport(deps.model, {
    jobs,
    session,
    metrics,
    backends,
    explain,
    monitoring,
    cohort,
    hasChallenger: () => compare.store.getState().challenger !== null,
  })
  const compare = createCompare(deps, {
    jobs,
    session,
    metrics,
    cohort,
    ui,
    explain,
    backends,
  })
  return {
    deps,
    jobs,
    ui,
    session,
    metrics,
    backends,
    load,
    cohort,
    explain,
    calibration,
    fairness,
    fairnessQueries,
    dataOrder,
    dataRow,
    whatIf,
    compression,
    monitoring,
    report,
    compare,
  }
}
