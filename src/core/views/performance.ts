/**
 * The Overview's performance numbers of one prediction set: the threshold-free part (AUC, log
 * loss, Brier, curves, AP, calibration — computed once, O(n log n)) and the metrics at a
 * threshold, whose confusion counts are recounted (O(n)) when the threshold moves.
 */
import type { Calibration } from '../calibration.ts'
import {
  type Labels,
  type PerformanceMetrics,
  type PrCurve,
  type RocCurve,
  type Scores,
  type ThresholdFreeMetrics,
  confusionAt,
  metricsAt,
} from '../metrics.ts'

/** The threshold-free numbers of a prediction set. */
export type PerformanceFree = {
  free: ThresholdFreeMetrics
  roc: RocCurve | null
  pr: PrCurve | null
  averagePrecision: number | null
  calibration: Calibration
}

/** Everything the Overview shows about a prediction set at one threshold. */
export type Performance = PerformanceFree & {
  /** The threshold-free metrics with the confusion at `metrics.threshold`. */
  metrics: PerformanceMetrics
}

/**
 * `perf` at threshold `t`: the confusion recounted, everything else reused; `perf` itself when it
 * is already at `t`.
 * @throws RangeError on a threshold outside [0, 1] or mismatched `p` and `y`.
 * @example performanceAt(perf, p, y, 0.3).metrics.tpr
 */
export function performanceAt(
  perf: PerformanceFree & { metrics?: PerformanceMetrics },
  p: Scores,
  y: Labels,
  t: number,
): Performance {
  if (perf.metrics && perf.metrics.threshold === t) return perf as Performance
  const { free, roc, pr, averagePrecision, calibration } = perf
  return {
    free,
    metrics: metricsAt(free, confusionAt(p, y, t), t),
    roc,
    pr,
    averagePrecision,
    calibration,
  }
}
