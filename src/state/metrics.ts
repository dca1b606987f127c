/**
 * The decision threshold and the Overview's performance numbers. The O(n log n) part (AUC,
 * curves, AP, calibration) is computed once per prediction set in the stats worker — a million
 * rows would block the page for a second — and a threshold change only recounts the confusion
 * (O(n)) here, so the slider never waits for a sort. The numbers are those of the rows in view
 * (the cohort's when the views are restricted to one, see cohortStore.ts): the wiring passes
 * every change of them to {@link MetricsStore.scopeChanged}.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { type Performance, type PerformanceFree, performanceAt } from '../core/views/performance.ts'
import type { Jobs } from './jobs.ts'
import type { StatsPort } from './ports.ts'
import type { RowsInView } from './cohortStore.ts'
import { type Session, float32Identical } from './session.ts'

/** The threshold and the numbers at it. */
export type MetricsState = {
  /** Predicted positive iff p ≥ threshold; shared by every view. */
  threshold: number
  /**
   * Metrics of the rows in view at `threshold`; null without labels or predictions, with no rows
   * in view, or while a cohort's numbers are being computed.
   */
  performance: Performance | null
  /** The cohort's row count the numbers are for (null: all rows). */
  cohortRows: number | null
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
  /**
   * The rows in view changed: with a cohort (`view.index` set) its numbers are computed in the
   * stats worker (the last call wins); without one, the held numbers of all rows are shown.
   */
  scopeChanged(view: RowsInView | null): void
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
  const store = createStore<MetricsState>()(() => ({
    threshold: 0.5,
    performance: null,
    cohortRows: null,
  }))
  let deliveries = 0
  /** The threshold-free numbers of all rows and the session's predictions version they are of. */
  let allFree: PerformanceFree | null = null
  let allFreeOf = -1
  /** The cohort in view (null: all rows) and the count of its measurements (the last one wins). */
  let scope: RowsInView | null = null
  let scopeSeq = 0
  /** Predictions and labels of the rows the numbers are for. */
  const rowsNow = (): { p: Float32Array | null; y: Uint8Array | null } => {
    if (scope) return { p: scope.p, y: scope.y }
    const { predictions, labels } = session.store.getState()
    return { p: predictions, y: labels }
  }

  const measure = async (p: Float32Array, y: Uint8Array | null) => {
    if (!y) return null
    const r = await stats.request({ cmd: 'performance', p, y })
    const { free, roc, pr, averagePrecision, calibration } = r
    return { free, roc, pr, averagePrecision, calibration }
  }

  const accept = (free: PerformanceFree | null) => {
    allFree = free
    allFreeOf = session.store.getState().predictionsVersion
    if (scope) return
    const { predictions: p, labels: y } = session.store.getState()
    const t = store.getState().threshold
    store.setState({ performance: free && p && y ? performanceAt(free, p, y, t) : null })
  }

  const scopeChanged = (view: RowsInView | null) => {
    const next = view && view.index ? view : null
    if (next === scope || (next && scope && next.version === scope.version)) return
    scope = next
    const seq = ++scopeSeq
    if (!next) {
      store.setState({ cohortRows: null })
      // Numbers of older predictions are not shown: the load or delivery under way accepts new ones.
      if (allFreeOf === session.store.getState().predictionsVersion) accept(allFree)
      else store.setState({ performance: null })
      return
    }
    store.setState({ performance: null, cohortRows: next.p.length })
    if (!next.y || next.p.length === 0) return
    measure(next.p, next.y)
      .then((free) => {
        if (seq !== scopeSeq || !free || !next.y) return
        const t = store.getState().threshold
        store.setState({ performance: performanceAt(free, next.p, next.y, t) })
      })
      .catch((e: Error) => {
        if (seq === scopeSeq)
          jobs.notify('error', `Computing the cohort's metrics failed: ${e.message}`)
      })
  }

  return {
    store,
    setThreshold(t) {
      if (!(t >= 0 && t <= 1)) return
      const held = store.getState().performance
      const { p, y } = rowsNow()
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
    scopeChanged,
  }
}
