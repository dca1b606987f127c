/**
 * The calibration view: its settings (bin strategy and count, the attribute whose per-group
 * curves are drawn), serialised by sharing links, and its numbers (src/core/views/
 * calibrationView.ts), which the stats worker computes for the rows in view whenever the tab is
 * shown and its inputs changed — equal-mass bins sort every prediction, which for a million rows
 * would block the page. The previous numbers stay on screen (stale) until the new ones arrive.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { CalibrationStrategy } from '../core/views/calibrationView.ts'
import { type Table, tableColumn } from '../core/table.ts'
import type { StatsCalibrationResult } from '../workers/protocol.ts'
import type { CohortStore, RowsInView } from './cohortStore.ts'
import { type StoredQuery, createKeyedQuery } from './keyedQuery.ts'
import type { StatsPort } from './ports.ts'
import type { Session } from './session.ts'
import type { Ui } from './uiStore.ts'
import { ViewLimits } from '../core/viewLimits.ts'

export type { AttributeCalibration } from '../workers/protocol.ts'

/** Fewest bins the view accepts (one bin says nothing about the shape). */
export const CALIBRATION_BINS_MIN = ViewLimits.calibrationBins.min
/** Most bins the view accepts (beyond 50, bins of a few thousand rows are mostly noise). */
export const CALIBRATION_BINS_MAX = ViewLimits.calibrationBins.max
/** Bars of the prediction histogram when the reliability bins are equal-mass. */
export const CALIBRATION_HISTOGRAM_BINS = 20

/** The calibration view's serialisable state. */
export type CalibrationState = {
  /** 'width' (contracts' default) or 'mass' (equal-count) bins. */
  strategy: CalibrationStrategy
  /** Bins requested [10]; equal-mass may give fewer when predictions tie. */
  nBins: number
  /** Sensitive attribute whose per-group reliability curves are drawn (null: the first one). */
  groupAttr: string | null
}

/** Everything the calibration view shows, all from src/core/views/calibrationView.ts. */
export type CalibrationData = Omit<StatsCalibrationResult, 'ms'> & {
  /** Sensitive attributes the schema lists but the data lacks. */
  missingAttrs: string[]
}

/** The calibration store, its numbers and actions. */
export type CalibrationStore = {
  readonly store: StoreApi<CalibrationState>
  /** The view's numbers, keyed by `calibrationRequestKey`. */
  readonly query: StoredQuery<CalibrationData>
  /** Switches between equal-width and equal-mass bins. */
  setStrategy(strategy: CalibrationStrategy): void
  /** Sets the bin count: rounded and clamped to [2, 50]; NaN (an input being cleared) ignored. */
  setBins(n: number): void
  /** Picks the attribute of the per-group reliability chart. */
  setGroupAttr(groupAttr: string | null): void
  /** Computes the numbers when the tab is shown and they are missing for its inputs. */
  sync(): void
}

/**
 * Identifies the inputs of a calibration request: rows in view (their version), settings and
 * attributes.
 */
export function calibrationRequestKey(
  viewVersion: number,
  strategy: CalibrationStrategy,
  nBins: number,
  sensitive: readonly string[],
): string {
  return JSON.stringify([viewVersion, strategy, nBins, sensitive])
}

/** The stores the calibration view reads its inputs from. */
export type CalibrationInputs = { session: Session; cohort: CohortStore; ui: Ui }

/**
 * The calibration store.
 * @example const calibration = createCalibration(stats, inputs); calibration.setBins(20)
 */
export function createCalibration(
  stats: StatsPort,
  { session, cohort, ui }: CalibrationInputs,
): CalibrationStore {
  const store = createStore<CalibrationState>()(() => ({
    strategy: 'width',
    nBins: 10,
    groupAttr: null,
  }))
  const query = createKeyedQuery<CalibrationData>()

  const compute = (
    view: RowsInView & { y: Uint8Array },
    table: Table,
    sensitive: readonly string[],
    { strategy, nBins }: CalibrationState,
  ) => {
    const attrs: { attr: string; column: { codes: Int32Array; values: string[] } }[] = []
    const missingAttrs: string[] = []
    for (const attr of sensitive) {
      const c = tableColumn(table, attr)
      if (c) attrs.push({ attr, column: { codes: c.codes, values: c.values } })
      else missingAttrs.push(attr)
    }
    const histogramBins = strategy === 'width' ? nBins : CALIBRATION_HISTOGRAM_BINS
    return async (signal: AbortSignal): Promise<CalibrationData> => {
      const r = await stats.request(
        {
          cmd: 'calibration',
          p: view.p,
          y: view.y,
          rows: view.index,
          strategy,
          nBins,
          histogramBins,
          attrs,
        },
        { signal },
      )
      return { overall: r.overall, histogram: r.histogram, byAttr: r.byAttr, missingAttrs }
    }
  }

  return {
    store,
    query,
    setStrategy: (strategy) => store.setState({ strategy }),
    setBins(n) {
      if (!Number.isFinite(n)) return
      store.setState({
        nBins: Math.min(CALIBRATION_BINS_MAX, Math.max(CALIBRATION_BINS_MIN, Math.round(n))),
      })
    },
    setGroupAttr: (groupAttr) => store.setState({ groupAttr }),
    sync() {
      const s = session.store.getState()
      const view = cohort.store.getState().view
      const table = s.data?.table
      if (ui.store.getState().tab !== 'Calibration' || !s.ready || !table || !view) return
      if (!view.y || view.p.length === 0) return
      const sensitive = s.schema?.schema.sensitive ?? []
      const settings = store.getState()
      const key = calibrationRequestKey(view.version, settings.strategy, settings.nBins, sensitive)
      if (query.get().key === key) return
      query.run(key, compute({ ...view, y: view.y }, table, sensitive, settings))
    },
  }
}
