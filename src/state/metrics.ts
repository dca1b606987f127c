/**
 * The decision threshold and the Overview's performance numbers. The O(n log n) part (AUC,
 * curves, AP, calibration) is computed once per prediction set in the stats worker — a million
 * rows would block the page for a second — and a threshold change only recounts the confusion
 * (O(n)) here, so the slider never waits for a sort.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { type Performance, type PerformanceFree, performanceAt } from '../core/views/performance.ts'
import type { Jobs } from './jobs.ts'
import type { StatsPort } from './ports.ts'
import { type Session, float32Identical } from './session.ts'

/** The threshold and the numbers at it. */
export type MetricsState = {
  /** Predicted positive iff p ≥ threshold; shared by every view. */
  threshold: number
  /** Metrics of the session's predictions at `threshold`; null without labels or predictions. */
  performance: Performance | null
}

/** How a delivery of predictions ended (see {@link MetricsStore.deliver}). */
export type Delivery = 'new' | 'same' | 'stale'

/** The threshold/performance store and its actions. */
export type MetricsStore = {
  readonly store: StoreApi<MetricsState>
  /** Sets the threshold (ignored outside [0, 1]); only the confusion is recounted. */
  setThreshold(t: number): void
  /**
   * The threshold-free numbers of `p` against `y`, from the stats worker.
   * @returns null without labels.
   */
  measure(p: Float32Array, y: Uint8Array | null): Promise<PerformanceFree | null>
  /** Stores `free` at the current threshold for the session's predictions (a load's commit). */
  accept(free: PerformanceFree | null): void
  /**
   * Predictions of the loaded session delivered again (probe, backend switch, device loss,
   * restart): 'same' when identical to the ones held (nothing recomputed); else their metrics
   * are computed and both are stored — 'new' — unless newer predictions or a load arrived
   * meanwhile ('stale': nothing stored).
   */
  deliver(p: Float32Array): Promise<Delivery>
}

/**
 * The threshold/performance store over `session`'s predictions.
 * @example const perf = createMetrics(stats, session, jobs); perf.setThreshold(0.3)
 */
export function createMetrics(
  stats: StatsPort,
  session: Session,
  jobs: Pick<Jobs, 'notify'>,
): MetricsStore {
  const store = createStore<MetricsState>()(() => ({ threshold: 0.5, performance: null }))
  let deliveries = 0

  const measure = async (p: Float32Array, y: Uint8Array | null) => {
    if (!y) return null
    const r = await stats.request({ cmd: 'performance', p, y })
    const { free, roc, pr, averagePrecision, calibration } = r
    return { free, roc, pr, averagePrecision, calibration }
  }

  const accept = (free: PerformanceFree | null) => {
    const { predictions: p, labels: y } = session.store.getState()
    const t = store.getState().threshold
    store.setState({ performance: free && p && y ? performanceAt(free, p, y, t) : null })
  }

  return {
    store,
    setThreshold(t) {
      if (!(t >= 0 && t <= 1)) return
      const held = store.getState().performance
      const { predictions: p, labels: y } = session.store.getState()
      store.setState({
        threshold: t,
        performance: held && p && y ? performanceAt(held, p, y, t) : null,
      })
    },
    measure,
    accept,
    async deliver(p) {
      const seq = ++deliveries
      const before = session.store.getState()
      if (before.predictions && float32Identical(before.predictions, p)) return 'same'
      const free = await measure(p, before.labels).catch((e: Error) => {
        jobs.notify('error', `Computing the metrics failed: ${e.message}`)
        return null
      })
      if (
        seq !== deliveries ||
        session.store.getState().predictionsVersion !== before.predictionsVersion
      )
        return 'stale'
      session.deliver(p)
      accept(free)
      return 'new'
    },
  }
}
