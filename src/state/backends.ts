/**
 * The model worker's backends: which ones work here and how fast (the probe, cached per device
 * and model shape), which one is active, the user's switch, the fallback after a GPU device loss,
 * and the limit on model workers per job. Every change of backend re-delivers the predictions
 * (src/state/metrics.ts), which the other stores follow only when the numbers differ.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { BackendName, BackendStatus, WorkerEvent } from '../workers/protocol.ts'
import { type Jobs, NOT_DATA } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type ModelWorkerPort, errorMessage, isAbortError } from './ports.ts'

/** The last backend choice: `cached` = reused from an earlier measurement on this device. */
export type ProbeInfo = { cached: boolean; measuredAt: number; note: string | null }

/** Backends and the worker pool's limit. */
export type BackendsState = {
  backends: BackendStatus[]
  activeBackend: BackendName | null
  /** Time of the last full prediction on the active backend, ms. */
  predictMs: number | null
  /** Where the backend rates come from: measured now, or the probe cache (with when). */
  probe: ProbeInfo | null
  /** The user's limit on model workers per job (1 … poolHardware); null = all of them. */
  poolLimit: number | null
}

/** The backends store and its actions. */
export type Backends = {
  readonly store: StoreApi<BackendsState>
  /** Most model workers this device offers a job (the limit's maximum). */
  readonly poolHardware: number
  /**
   * Activates the fastest backend for the loaded model: the cached measurement of this device and
   * model shape when there is one, else (or with `force`, the Re-measure button) measures them all.
   */
  probeBackends(force?: boolean): Promise<void>
  /** Switches to a backend chosen by the user; on failure stays with a notice. */
  setBackend(name: BackendName): Promise<void>
  /** What a load (or a reload after a restart) ran on. */
  setLoaded(active: BackendName, predictMs: number | null): void
  /** Limits the model workers per job (null = all); other values are ignored. */
  setPoolLimit(limit: number | null): void
  /** Model workers a job may use now (the limit, else all). */
  maxWorkers(): number
  /** Backend measurements run in this page (cached choices not counted), for tests. */
  probeMeasurements(): number
  /** Handles the model worker's unsolicited events (a GPU device lost). */
  onWorkerEvent(ev: WorkerEvent): void
}

/**
 * The backends store.
 * @example const backends = createBackends(modelWorker, 4, jobs, metrics)
 */
export function createBackends(
  model: ModelWorkerPort,
  poolHardware: number,
  jobs: Jobs,
  metrics: Pick<MetricsStore, 'deliver'>,
): Backends {
  const store = createStore<BackendsState>()(() => ({
    backends: [],
    activeBackend: null,
    predictMs: null,
    probe: null,
    poolLimit: null,
  }))
  let measurements = 0
  const { notify, startJob, endJob, progress } = jobs

  return {
    store,
    poolHardware,
    async probeBackends(force = false) {
      const signal = startJob(force ? 'Measuring backends' : 'Choosing a backend')
      try {
        const r = await model.request(
          { cmd: 'probe', ...(force ? { force } : {}) },
          { signal, onProgress: progress(signal) },
        )
        if (r.measured) measurements++
        if (r.cacheNote) notify('info', `Backend rates: ${r.cacheNote}.`, NOT_DATA)
        if ((await metrics.deliver(r.predictions)) === 'stale') return
        store.setState({
          backends: r.backends,
          activeBackend: r.active,
          probe: { cached: !r.measured, measuredAt: r.measuredAt, note: r.cacheNote },
        })
      } catch (e) {
        if (!isAbortError(e))
          notify('error', `Backend measurement failed: ${errorMessage(e)}`, NOT_DATA)
      } finally {
        endJob(signal)
      }
    },
    async setBackend(name) {
      const signal = startJob(`Switching to ${name}`)
      try {
        const r = await model.request(
          { cmd: 'setBackend', backend: name },
          { signal, onProgress: progress(signal) },
        )
        if ((await metrics.deliver(r.predictions)) === 'stale') return
        store.setState({ activeBackend: r.backend, predictMs: r.predictMs })
      } catch (e) {
        if (!isAbortError(e))
          notify(
            'error',
            `${errorMessage(e)}; staying on ${store.getState().activeBackend ?? 'the current backend'}.`,
            NOT_DATA,
          )
      } finally {
        endJob(signal)
      }
    },
    setLoaded(active, predictMs) {
      store.setState(
        predictMs === null ? { activeBackend: active } : { activeBackend: active, predictMs },
      )
    },
    setPoolLimit(limit) {
      if (limit === null || (Number.isInteger(limit) && limit >= 1 && limit <= poolHardware))
        store.setState({ poolLimit: limit })
    },
    maxWorkers: () => store.getState().poolLimit ?? poolHardware,
    probeMeasurements: () => measurements,
    onWorkerEvent(ev) {
      if (ev.type !== 'backendLost') {
        notify('error', `The GPU backend failed and no fallback worked: ${ev.message}`, NOT_DATA)
        return
      }
      notify('warning', `${ev.message}: switched from ${ev.from} to ${ev.to}.`, NOT_DATA)
      const backends = store
        .getState()
        .backends.map((b) =>
          b.name === ev.from ? { ...b, available: false, rowsPerSec: null, error: ev.message } : b,
        )
      void metrics.deliver(ev.predictions).then((d) => {
        if (d !== 'stale') store.setState({ activeBackend: ev.to, backends })
      })
    },
  }
}
