/**
 * The calibration view's state (bin strategy and count, the attribute whose per-group curves are
 * drawn) in a vanilla zustand store, so a sharing link can serialise it, plus `requestCalibration`,
 * which has the stats worker compute the view's numbers (src/core/views/calibrationView.ts) for
 * the rows in view (all rows or the cohort) — equal-mass bins sort every prediction, which for a
 * million rows would block the page.
 */
import { createStore } from 'zustand/vanilla'
import type { CalibrationStrategy } from '../core/views/calibrationView.ts'
import type { Table } from '../core/table.ts'
import { tableColumn } from '../core/table.ts'
import type { WorkerError } from '../workers/client.ts'
import type { StatsCalibrationResult } from '../workers/protocol.ts'
import { appStore } from './appStore.ts'
import type { RowsInView } from './fairnessStore.ts'
import { statsRequest } from './statsWorker.ts'

export type { AttributeCalibration } from '../workers/protocol.ts'

/** Fewest bins the view accepts (one bin says nothing about the shape). */
export const CALIBRATION_BINS_MIN = 2
/** Most bins the view accepts (beyond 50, bins of a few thousand rows are mostly noise). */
export const CALIBRATION_BINS_MAX = 50

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

/** The calibration view's store (vanilla zustand; components bind with useStore). */
export const calibrationStore = createStore<CalibrationState>()(() => ({
  strategy: 'width',
  nBins: 10,
  groupAttr: null,
}))

/** Switches between equal-width and equal-mass bins. */
export function setCalibrationStrategy(strategy: CalibrationStrategy): void {
  calibrationStore.setState({ strategy })
}

/**
 * Sets the bin count; a non-integer is rounded and the value clamped to [2, 50]. NaN is ignored
 * (an input being cleared while typing).
 */
export function setCalibrationBins(n: number): void {
  if (!Number.isFinite(n)) return
  const nBins = Math.min(CALIBRATION_BINS_MAX, Math.max(CALIBRATION_BINS_MIN, Math.round(n)))
  calibrationStore.setState({ nBins })
}

/** Picks the attribute of the per-group reliability chart. */
export function setCalibrationGroupAttr(groupAttr: string | null): void {
  calibrationStore.setState({ groupAttr })
}

/** Everything the calibration view shows, all from src/core/views/calibrationView.ts. */
export type CalibrationData = Omit<StatsCalibrationResult, 'ms'> & {
  /** Sensitive attributes the schema lists but the data lacks. */
  missingAttrs: string[]
}

/**
 * The view's numbers for one request: 'running' keeps the previous `data` (for other settings or
 * rows) on screen until the new numbers arrive.
 */
export type CalibrationResultState = {
  status: 'idle' | 'running' | 'done' | 'error'
  /** Identifies the inputs of `data` (see `calibrationRequestKey`). */
  key: string | null
  data: CalibrationData | null
  error: string | null
}

/** The computed numbers (not serialised: derived data). */
export const calibrationResultStore = createStore<CalibrationResultState>()(() => ({
  status: 'idle',
  key: null,
  data: null,
  error: null,
}))

const viewIds = new WeakMap<Float32Array, number>()
let nextViewId = 1

/** Identifies the inputs of a calibration request: rows in view, settings and attributes. */
export function calibrationRequestKey(
  p: Float32Array,
  strategy: CalibrationStrategy,
  nBins: number,
  sensitive: readonly string[],
): string {
  let id = viewIds.get(p)
  if (id === undefined) {
    id = nextViewId++
    viewIds.set(p, id)
  }
  return JSON.stringify([id, strategy, nBins, sensitive])
}

let controller: AbortController | null = null
let pendingKey: string | null = null

/**
 * Has the stats worker compute the calibration view's numbers for the rows in `view` (labels
 * required), superseding a running request; does nothing when they are there or on the way.
 */
export function requestCalibration(
  view: RowsInView,
  table: Table,
  sensitive: readonly string[],
  strategy: CalibrationStrategy,
  nBins: number,
): void {
  const { p, y, index: rows } = view
  if (!y || p.length === 0) return
  const key = calibrationRequestKey(p, strategy, nBins, sensitive)
  const st = calibrationResultStore.getState()
  if ((st.key === key && st.status === 'done') || pendingKey === key) return
  controller?.abort()
  const ctl = new AbortController()
  controller = ctl
  pendingKey = key
  const attrs: { attr: string; column: { codes: Int32Array; values: string[] } }[] = []
  const missingAttrs: string[] = []
  for (const attr of sensitive) {
    const c = tableColumn(table, attr)
    if (c) attrs.push({ attr, column: { codes: c.codes, values: c.values } })
    else missingAttrs.push(attr)
  }
  calibrationResultStore.setState({ status: 'running', error: null })
  statsRequest(
    {
      cmd: 'calibration',
      p,
      y,
      rows,
      strategy,
      nBins,
      histogramBins: strategy === 'width' ? nBins : CALIBRATION_HISTOGRAM_BINS,
      attrs,
    },
    { signal: ctl.signal },
  )
    .then((r) => {
      if (ctl.signal.aborted) return
      const data: CalibrationData = {
        overall: r.overall,
        histogram: r.histogram,
        byAttr: r.byAttr,
        missingAttrs,
      }
      calibrationResultStore.setState({ status: 'done', key, data, error: null })
    })
    .catch((e: WorkerError) => {
      if (ctl.signal.aborted || e.kind === 'AbortError') return
      calibrationResultStore.setState({ status: 'error', key, error: e.message })
    })
    .finally(() => {
      if (controller === ctl) {
        controller = null
        pendingKey = null
      }
    })
}

/** New predictions (a load, another backend) or data make the numbers stale: drop them. */
appStore.subscribe((s, prev) => {
  if (s.predictions !== prev.predictions || s.data !== prev.data) {
    controller?.abort()
    controller = null
    pendingKey = null
    calibrationResultStore.setState({ status: 'idle', key: null, data: null, error: null })
  }
})
