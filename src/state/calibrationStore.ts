/**
 * The calibration view's state (bin strategy and count, the attribute whose per-group curves are
 * drawn) in a vanilla zustand store, so a sharing link can serialise it, plus `calibrationData`,
 * which gathers the view's numbers from src/core for the rows in view (all rows or the cohort).
 */
import { createStore } from 'zustand/vanilla'
import {
  type CalibrationStrategy,
  type GroupReliability,
  type HistogramBin,
  type Reliability,
  calibrationBins,
  calibrationByGroup,
  predictionHistogram,
} from '../core/views/calibrationView.ts'

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

/** Per-group reliability of one sensitive attribute. */
export type AttributeCalibration = { attr: string; groups: Record<string, GroupReliability> }

/** Everything the calibration view shows, all from src/core/views/calibrationView.ts. */
export type CalibrationData = {
  overall: Reliability
  histogram: HistogramBin[]
  /** One entry per sensitive attribute present in the data, in schema order. */
  byAttr: AttributeCalibration[]
  /** Sensitive attributes the schema lists but the data lacks. */
  missingAttrs: string[]
}

/**
 * The calibration view's numbers for predictions `p` and labels `y` of the rows in view, with
 * `column(name)` giving a sensitive column's values for the same rows.
 * @returns null when there are no labels or no rows.
 * @example calibrationData(view.p, view.y, ['sex'], columnInView, 'width', 10)!.overall.ece
 */
export function calibrationData(
  p: Float32Array,
  y: Uint8Array | null,
  sensitive: readonly string[],
  column: (name: string) => string[] | null,
  strategy: CalibrationStrategy,
  nBins: number,
): CalibrationData | null {
  if (!y || p.length === 0) return null
  const opts = { strategy, nBins }
  const byAttr: AttributeCalibration[] = []
  const missingAttrs: string[] = []
  for (const attr of sensitive) {
    const values = column(attr)
    if (values) byAttr.push({ attr, groups: calibrationByGroup(p, y, values, opts) })
    else missingAttrs.push(attr)
  }
  return {
    overall: calibrationBins(p, y, opts),
    histogram: predictionHistogram(p, strategy === 'width' ? nBins : CALIBRATION_HISTOGRAM_BINS),
    byAttr,
    missingAttrs,
  }
}
