/**
 * The stats worker's messages (src/workers/statsHost.ts runs them): threshold-free performance,
 * fairness groupings and bootstrap intervals, calibration views, row order and load checks, each
 * over all rows so the page never blocks. Lives here, not in the host, so the page's stores need
 * no host module (the main-thread fallback loads the host lazily).
 */
import type { Calibration } from '../../core/calibration.ts'
import type { PrCurve, RocCurve, ThresholdFreeMetrics } from '../../core/metrics.ts'
import type { Schema } from '../../core/schema.ts'
import type { Table } from '../../core/table.ts'
import type {
  CalibrationStrategy,
  GroupReliability,
  HistogramBin,
  Reliability,
} from '../../core/views/calibrationView.ts'
import type { FairnessBootstrap } from '../../core/views/fairnessBootstrap.ts'
import type { FairnessIndex } from '../../core/views/fairnessThresholds.ts'
import type { CodedColumn, FairnessTable } from '../../core/views/fairnessView.ts'
import type { CancelRequest, NoFields, RequestOfMap } from './common.ts'

/** Commands of the stats worker (init and cancel are every worker's). */
export const StatsCmd = {
  Init: 'init',
  Bootstrap: 'bootstrap',
  Performance: 'performance',
  Grouping: 'grouping',
  Calibration: 'calibration',
  LoadChecks: 'loadChecks',
  Order: 'order',
  Cancel: 'cancel',
} as const

/** One grouping to bootstrap: its group values, given per row or as columns. */
export type BootstrapTask = {
  /** Caller's name for the grouping ('sex', 'sex × race'); keys the result. */
  key: string
  /** Group value of every row (same length as the predictions); or give `columns`. */
  groups?: string[]
  /**
   * The attribute columns (all rows of the table) whose values, joined for an intersection, group
   * the rows in view (the request's `rows`); used when `groups` is absent.
   */
  columns?: CodedColumn[]
  /**
   * Per-group thresholds (groups not named use the request's threshold). When non-empty the
   * bootstrap resamples the 0/1 decisions `p ≥ t_group`, as `fairnessAtThresholds` does.
   */
  thresholds?: Record<string, number>
}

/** The stats worker's requests by command. */
export type StatsRequests = {
  /** The handshake: the worker answers once it can take requests. */
  init: NoFields
  bootstrap: {
    /** Predicted probabilities of the rows in view. */
    p: Float32Array
    /** 0/1 labels of the same rows. */
    y: Uint8Array
    /** The table rows in view (p[k] is row rows[k]'s); null = all rows. For tasks' columns. */
    rows?: Int32Array | null
    /** Predicted positive iff p ≥ threshold. */
    threshold: number
    tasks: BootstrapTask[]
    /** Replicates [1000]. */
    B?: number
    /** Seed of the resampling [1]. */
    seed?: number
  }
  performance: { p: Float32Array; y: Uint8Array }
  grouping: {
    p: Float32Array
    y: Uint8Array
    /** The table rows in view (p[k] is row rows[k]'s); null = all rows. */
    rows: Int32Array | null
    /** The attribute (one column) or intersection (several) that groups the rows. */
    columns: CodedColumn[]
  }
  calibration: {
    p: Float32Array
    y: Uint8Array
    rows: Int32Array | null
    strategy: CalibrationStrategy
    nBins: number
    /** Bars of the prediction histogram. */
    histogramBins: number
    /** Sensitive attributes present in the data, in schema order. */
    attrs: { attr: string; column: CodedColumn }[]
  }
  loadChecks: {
    schema: Schema
    /** The loaded table (its target and sensitive columns suffice). */
    table: Table
    labels: Uint8Array | null
  }
  order: {
    /** Predictions of every table row. */
    p: Float32Array
    /** Rows to order (ascending), null = all rows. */
    rows: Int32Array | null
    dir: 'asc' | 'desc'
  }
  cancel: CancelRequest
}

/** Messages to the stats worker. */
export type StatsReq = RequestOfMap<StatsRequests>

/** Result of {@link StatsCmd.Order}: `rowsByScore(p, rows, dir)`. */
export type StatsOrderResult = { order: Int32Array; ms: number }

/** Result of {@link StatsCmd.LoadChecks}: `loadWarnings`' sentences. */
export type StatsLoadChecksResult = { warnings: string[] }

/** Result of {@link StatsCmd.Performance}: every threshold-free number of the Overview. */
export type StatsPerformanceResult = {
  free: ThresholdFreeMetrics
  roc: RocCurve | null
  pr: PrCurve | null
  averagePrecision: number | null
  calibration: Calibration
  ms: number
}

/** Result of {@link StatsCmd.Grouping}: `fairnessIndex` and `fairnessTable` (at 0.5) of the rows in view. */
export type StatsGroupingResult = { index: FairnessIndex; table: FairnessTable; ms: number }

/** Per-group reliability of one sensitive attribute. */
export type AttributeCalibration = { attr: string; groups: Record<string, GroupReliability> }

/** Result of {@link StatsCmd.Calibration}. */
export type StatsCalibrationResult = {
  overall: Reliability
  histogram: HistogramBin[]
  /** One entry per attribute asked for, in the order asked. */
  byAttr: AttributeCalibration[]
  ms: number
}

/** Bootstrap of one grouping. */
export type BootstrapTaskResult = {
  key: string
  /** The view threshold the request was made at. */
  threshold: number
  /** The per-group thresholds used (empty when the single threshold applied to every group). */
  thresholds: Record<string, number>
  bootstrap: FairnessBootstrap
}

/** Result of a {@link StatsCmd.Bootstrap} request: one entry per task, in task order. */
export type StatsBootstrapResult = {
  results: BootstrapTaskResult[]
  /** Wall time in the worker, ms. */
  ms: number
}

/** The stats worker's result by command. */
export type StatsResults = {
  init: true
  cancel: never
  bootstrap: StatsBootstrapResult
  performance: StatsPerformanceResult
  grouping: StatsGroupingResult
  calibration: StatsCalibrationResult
  loadChecks: StatsLoadChecksResult
  order: StatsOrderResult
}
