/**
 * `window.__glassbox`: a small read-only window into the store for end-to-end tests (Playwright
 * reads numbers through it to compare with what the page shows), plus worker probes.
 */
import { appStore, setBackend } from './appStore.ts'
import { modelWorker } from './workers.ts'
import { EXPLAIN_DEFAULTS, type ExplainSettings } from '../core/explain.ts'
import type {
  BackendName,
  BenchPredictResult,
  ExplainResult,
  GlobalShapResult,
} from '../workers/protocol.ts'
import type { BackgroundSpec } from '../core/shap/background.ts'
import type { AuditSettings } from '../report/audit.ts'
import type { Report } from '../report/types.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import type { CompressionOptions, CompressionResult } from '../model/compression.ts'

export type TestApi = {
  state: () => ReturnType<typeof appStore.getState>
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
  /** The worker's globalShap command (benchmarks): SHAP of `n` rows drawn with `seed`. */
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
}

declare global {
  interface Window {
    __glassbox?: TestApi
  }
}

/** Request options that cancel the request after `limitS` seconds (none without a limit). */
const within = (limitS?: number): { signal?: AbortSignal } =>
  limitS === undefined ? {} : { signal: AbortSignal.timeout(limitS * 1000) }

export function installTestApi(): void {
  window.__glassbox = {
    state: () => appStore.getState(),
    predictions: () => {
      const p = appStore.getState().predictions
      return p ? Array.from(p) : null
    },
    numTensors: () => modelWorker.request<number>({ cmd: 'memory' }),
    loseDevice: () => modelWorker.request({ cmd: 'loseDevice' }),
    crashModelWorker: () => modelWorker.restart('restarted by a test'),
    setBackend: async (name) => {
      await setBackend(name)
      return appStore.getState().activeBackend
    },
    explain: (rows, settings = {}, limitS) =>
      modelWorker.request<ExplainResult>(
        { cmd: 'explain', rows, settings: { ...EXPLAIN_DEFAULTS, ...settings } },
        within(limitS),
      ),
    benchPredict: (rows) => modelWorker.request<BenchPredictResult>({ cmd: 'benchPredict', rows }),
    globalShap: (req, limitS) =>
      modelWorker.request<GlobalShapResult>({ cmd: 'globalShap', ...req }, within(limitS)),
    audit: (settings, limitS) =>
      modelWorker.request<Report>({ cmd: 'audit', settings }, within(limitS)),
    compress: (ids, options, limitS) =>
      modelWorker.request<CompressionResult>({ cmd: 'compress', ids, options }, within(limitS)),
    injectOom: (rows) => modelWorker.request({ cmd: 'fault', oomAboveRows: rows }),
  }
}
