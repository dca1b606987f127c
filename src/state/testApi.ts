/**
 * `window.__glassbox`: a small read-only window into the store for end-to-end tests (Playwright
 * reads numbers through it to compare with what the page shows), plus worker probes.
 */
import { appStore, setBackend } from './appStore.ts'
import { modelWorker } from './workers.ts'
import { EXPLAIN_DEFAULTS, type ExplainSettings } from '../core/explain.ts'
import type { BackendName, BenchPredictResult, ExplainResult } from '../workers/protocol.ts'

export type TestApi = {
  state: () => ReturnType<typeof appStore.getState>
  predictions: () => number[] | null
  numTensors: () => Promise<number>
  loseDevice: () => Promise<unknown>
  crashModelWorker: () => void
  /** Switches backend through the store action; resolves with the backend active afterwards. */
  setBackend: (name: BackendName) => Promise<BackendName | null>
  /** The worker's explain command for data rows; settings default to EXPLAIN_DEFAULTS. */
  explain: (rows: number[], settings?: Partial<ExplainSettings>) => Promise<ExplainResult>
  /** One batched predict of `rows` tiled rows in the worker (benchmark floor). */
  benchPredict: (rows: number) => Promise<BenchPredictResult>
  /** Makes model calls above `rows` rows fail with an out-of-memory error in the worker (null = off). */
  injectOom: (rows: number | null) => Promise<unknown>
}

declare global {
  interface Window {
    __glassbox?: TestApi
  }
}

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
    explain: (rows, settings = {}) =>
      modelWorker.request<ExplainResult>({
        cmd: 'explain',
        rows,
        settings: { ...EXPLAIN_DEFAULTS, ...settings },
      }),
    benchPredict: (rows) => modelWorker.request<BenchPredictResult>({ cmd: 'benchPredict', rows }),
    injectOom: (rows) => modelWorker.request({ cmd: 'fault', oomAboveRows: rows }),
  }
}
