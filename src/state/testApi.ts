/**
 * `window.__glassbox`: a small read-only window into the store for end-to-end tests (Playwright
 * reads numbers through it to compare with what the page shows), plus worker probes and fault
 * injection. Only the e2e build installs it (src/main.tsx loads this module when
 * `import.meta.env.MODE === 'e2e'`), so production bundles do not contain it.
 */
import { app, modelPool, modelWorker } from './app.ts'
import type { BackendsState } from './backends.ts'
import type { JobsState } from './jobs.ts'
import type { MetricsState } from './metrics.ts'
import type { SessionState } from './session.ts'
import type { FairnessState } from './fairnessStore.ts'
import type { Tab } from './uiStore.ts'
import { EXPLAIN_DEFAULTS, type ExplainSettings } from '../core/explain.ts'
import type {
  BackendName,
  BenchPredictResult,
  ExplainResult,
  GlobalShapResult,
} from '../workers/protocol.ts'
import type { GlobalShapRequest, PoolRun } from '../workers/pool.ts'
import type { BackgroundSpec } from '../core/shap/background.ts'
import type { AuditSettings } from '../report/audit.ts'
import type { Report } from '../report/types.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import type { CompressionOptions, CompressionResult } from '../model/compression.ts'

/** The session, threshold and metrics, backends, job and notices in one snapshot. */
export type TestState = SessionState & MetricsState & BackendsState & JobsState

/** The view's settings beyond the session: tab, scope (cohort, thresholds) and explain settings. */
export type TestView = {
  tab: Tab
  cohort: { text: string; rows: number | null; restrict: boolean; error: string | null }
  groupThresholds: FairnessState['groupThresholds']
  explain: ExplainSettings
  globalN: number
}

/** What end-to-end tests and benchmarks reach through `window.__glassbox`. */
export type TestApi = {
  state: () => TestState
  /** The view's settings (what the number fields, the cohort filter and the tabs committed). */
  view: () => TestView
  predictions: () => number[] | null
  numTensors: () => Promise<number>
  loseDevice: () => Promise<unknown>
  crashModelWorker: () => void
  /** Switches backend through the store action; resolves with the backend active afterwards. */
  setBackend: (name: BackendName) => Promise<BackendName | null>
  /**
   * The worker's explain command for data rows; settings default to EXPLAIN_DEFAULTS. With
   * `limitS`, the request is cancelled (AbortError) after that many seconds (benchmarks' budget).
   */
  explain: (
    rows: number[],
    settings?: Partial<ExplainSettings>,
    limitS?: number,
  ) => Promise<ExplainResult>
  /** One batched predict of `rows` tiled rows in the worker (benchmark floor). */
  benchPredict: (rows: number) => Promise<BenchPredictResult>
  /**
   * Global SHAP as the Explain tab runs it (the worker pool, split over its workers), never from
   * the cache (benchmarks): SHAP of `n` rows drawn with `seed`; `workers` says how many ran it.
   */
  globalShap: (
    req: { n: number; seed: number; background: BackgroundSpec; budget: number },
    limitS?: number,
  ) => Promise<GlobalShapResult>
  /** The worker's audit command on what is loaded (benchmarks). */
  audit: (settings: AuditSettings, limitS?: number) => Promise<Report>
  /** The worker's compress command: `ids` against float32 (benchmarks). */
  compress: (
    ids: QuantSchemeId[],
    options: Partial<Omit<CompressionOptions, 'ids' | 'column'>>,
    limitS?: number,
  ) => Promise<CompressionResult>
  /** Makes model calls above `rows` rows fail with an out-of-memory error in the worker (null = off). */
  injectOom: (rows: number | null) => Promise<unknown>
  /** Backend measurements this page ran (a choice taken from the probe cache does not count). */
  probeMeasurements: () => number
  /** The primary worker's own global SHAP command (one worker, never the cache). */
  globalShapSingle: (req: GlobalShapRequest) => Promise<GlobalShapResult>
  /**
   * Global SHAP through the pool with at most `workers` workers (the UI's limit is restored
   * afterwards), never from the cache; `wallMs` is the page's time for the whole job.
   */
  globalShapPool: (
    req: GlobalShapRequest,
    workers: number,
  ) => Promise<PoolRun<GlobalShapResult> & { wallMs: number }>
  /** Helper workers the pool holds now. */
  poolHelpers: () => number
  /** Crashes helper worker `i` (1-based) of the pool, as a dying worker would. */
  crashPoolHelper: (i: number) => void
}

declare global {
  interface Window {
    __glassbox?: TestApi
  }
}

/** Request options that cancel the request after `limitS` seconds (none without a limit). */
const within = (limitS?: number): { signal?: AbortSignal } =>
  limitS === undefined ? {} : { signal: AbortSignal.timeout(limitS * 1000) }

/** Puts the test API on `window.__glassbox` (called once at start-up by the e2e build). */
export function installTestApi(): void {
  window.__glassbox = {
    state: () => ({
      ...app.session.store.getState(),
      ...app.metrics.store.getState(),
      ...app.backends.store.getState(),
      ...app.jobs.store.getState(),
    }),
    view: () => {
      const c = app.cohort.store.getState()
      const ex = app.explain.store.getState()
      return {
        tab: app.ui.store.getState().tab,
        cohort: {
          text: c.text,
          rows: c.rows ? c.rows.length : null,
          restrict: c.restrict,
          error: c.error,
        },
        groupThresholds: app.fairness.store.getState().groupThresholds,
        explain: ex.settings,
        globalN: ex.globalN,
      }
    },
    predictions: () => {
      const p = app.session.store.getState().predictions
      return p ? Array.from(p) : null
    },
    numTensors: () => modelWorker.request({ cmd: 'memory' }),
    loseDevice: () => modelWorker.request({ cmd: 'loseDevice' }),
    crashModelWorker: () => modelWorker.restart('restarted by a test'),
    setBackend: async (name) => {
      await app.backends.setBackend(name)
      return app.backends.store.getState().activeBackend
    },
    explain: (rows, settings = {}, limitS) =>
      modelWorker.request(
        { cmd: 'explain', rows, settings: { ...EXPLAIN_DEFAULTS, ...settings } },
        within(limitS),
      ),
    benchPredict: (rows) => modelWorker.request({ cmd: 'benchPredict', rows }),
    globalShap: async (req, limitS) => {
      const run = await modelPool.globalShap({ ...req, fresh: true }, within(limitS))
      return { ...run.result, workers: run.workers }
    },
    audit: (settings, limitS) => modelWorker.request({ cmd: 'audit', settings }, within(limitS)),
    compress: (ids, options, limitS) =>
      modelWorker.request({ cmd: 'compress', ids, options }, within(limitS)),
    injectOom: (rows) => modelWorker.request({ cmd: 'fault', oomAboveRows: rows }),
    probeMeasurements: () => app.backends.probeMeasurements(),
    globalShapSingle: (req) => modelWorker.request({ cmd: 'globalShap', ...req, fresh: true }),
    globalShapPool: async (req, workers) => {
      const before = app.backends.store.getState().poolLimit
      app.backends.store.setState({ poolLimit: workers })
      const t0 = performance.now()
      try {
        const run = await modelPool.globalShap({ ...req, fresh: true })
        return { ...run, wallMs: performance.now() - t0 }
      } finally {
        app.backends.store.setState({ poolLimit: before })
      }
    },
    poolHelpers: () => modelPool.helperCount,
    crashPoolHelper: (i) => modelPool.crashHelper(i),
  }
}
