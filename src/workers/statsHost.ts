/**
 * The stats worker's logic (importable in Node tests): every computation over all rows that the
 * page would otherwise run on its own thread — O(n log n) sorts of a million predictions take
 * seconds there — so that the page never blocks:
 * - `performance`: the threshold-free metrics (ROC AUC, log loss, Brier), the ROC and PR curves
 *   (≤ 201 points), average precision and the 10-bin calibration, once per prediction set;
 * - `grouping`: the fairness view's index (sorted scores per group) and group table of one
 *   attribute or intersection, for the rows in view;
 * - `calibration`: the calibration view's reliability bins, histogram and per-group curves;
 * - `order`: the data table's rows by prediction (radix sort), for large row counts;
 * - `loadChecks`: the warnings of a freshly loaded session (`loadWarnings`: value counts of the
 *   target and sensitive columns);
 * - `bootstrap`: seeded bootstrap intervals of the disparity summary, one `fairnessBootstrap`
 *   call per grouping. A single grouping is never split: its replicates come from one seeded
 *   stream, and splitting it would change the intervals.
 * Progress is posted between steps and the host yields there, so a cancel message (a newer
 * request superseding this one) stops it at the next step. Groups travel as dictionary-encoded
 * columns (codes shared with the page where it is cross-origin isolated), never as a string
 * per row.
 *
 * No tfjs here: the worker only needs predictions, labels and group values.
 */
import { type Calibration, calibration } from '../core/calibration.ts'
import { type PredictionRange, loadWarnings } from '../core/loadChecks.ts'
import {
  type PrCurve,
  type RocCurve,
  type ThresholdFreeMetrics,
  brier,
  logLoss,
  rankingMetrics,
} from '../core/metrics.ts'
import {
  type CalibrationStrategy,
  type GroupReliability,
  type HistogramBin,
  type Reliability,
  calibrationBins,
  calibrationByGroup,
  predictionHistogram,
} from '../core/views/calibrationView.ts'
import { type FairnessBootstrap, fairnessBootstrap } from '../core/views/fairnessBootstrap.ts'
import { type FairnessIndex, fairnessIndex } from '../core/views/fairnessThresholds.ts'
import {
  type CodedColumn,
  type FairnessTable,
  columnGroups,
  fairnessTable,
} from '../core/views/fairnessView.ts'
import type { Schema } from '../core/schema.ts'
import type { Table } from '../core/table.ts'
import { rowsByScore } from '../core/views/order.ts'
import { AbortError, type Res, errorKind } from './protocol.ts'

/** Commands of the stats worker (the cancel message is the shared one of WorkerClient). */
export const StatsCmd = {
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

/** Messages to the stats worker. */
export type StatsReq =
  | {
      id: number
      cmd: typeof StatsCmd.Bootstrap
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
  | { id: number; cmd: typeof StatsCmd.Performance; p: Float32Array; y: Uint8Array }
  | {
      id: number
      cmd: typeof StatsCmd.Grouping
      p: Float32Array
      y: Uint8Array
      /** The table rows in view (p[k] is row rows[k]'s); null = all rows. */
      rows: Int32Array | null
      /** The attribute (one column) or intersection (several) that groups the rows. */
      columns: CodedColumn[]
    }
  | {
      id: number
      cmd: typeof StatsCmd.Calibration
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
  | {
      id: number
      cmd: typeof StatsCmd.LoadChecks
      schema: Schema
      /** The loaded table (its target and sensitive columns suffice). */
      table: Table
      labels: Uint8Array | null
      outOfRange: PredictionRange | null
    }
  | {
      id: number
      cmd: typeof StatsCmd.Order
      /** Predictions of every table row. */
      p: Float32Array
      /** Rows to order (ascending), null = all rows. */
      rows: Int32Array | null
      dir: 'asc' | 'desc'
    }
  | { id: number; cmd: typeof StatsCmd.Cancel; target: number }

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

/** Posts a response to the page (postMessage in the worker, a callback in tests). */
export type StatsPost = (res: Res, transfer?: Transferable[]) => void

const cancelled = new Set<number>()

const yieldToMessages = () => new Promise<void>((r) => setTimeout(r, 0))

/**
 * 0/1 decisions under per-group thresholds: 1 iff p[i] ≥ thresholds[groups[i]] (or `threshold`
 * for a group not named), the rule `fairnessAtThresholds` applies. Bootstrapping these at
 * threshold 0.5 gives exactly the per-group-threshold rates in every replicate.
 */
function decisionsAt(
  p: Float32Array,
  groups: readonly string[],
  thresholds: Readonly<Record<string, number>>,
  threshold: number,
): Float32Array {
  const out = new Float32Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const g = groups[i]!
    const t = Object.hasOwn(thresholds, g) ? thresholds[g]! : threshold
    out[i] = p[i]! >= t ? 1 : 0
  }
  return out
}

/**
 * The bootstrap of one task: `fairnessBootstrap(p, y, groups, threshold, { B, seed })` (the
 * task's groups, or its columns' values for `rows`), or on the
 * per-group decisions at 0.5 when the task names per-group thresholds.
 * @throws RangeError as `fairnessBootstrap` (mismatched lengths, bad labels, NaN threshold).
 * @example statsBootstrapTask(p, y, 0.5, { key: 'sex', groups: sex }).bootstrap.intervals
 */
export function statsBootstrapTask(
  p: Float32Array,
  y: Uint8Array,
  threshold: number,
  task: BootstrapTask,
  options: { B?: number; seed?: number } = {},
  rows: Int32Array | null = null,
): BootstrapTaskResult {
  const thresholds = task.thresholds ?? {}
  const perGroup = Object.keys(thresholds).length > 0
  const opts = { B: options.B ?? 1000, seed: options.seed ?? 1 }
  const groups = taskGroups(task, rows)
  const bootstrap = perGroup
    ? fairnessBootstrap(decisionsAt(p, groups, thresholds, threshold), y, groups, 0.5, opts)
    : fairnessBootstrap(p, y, groups, threshold, opts)
  return { key: task.key, threshold, thresholds: perGroup ? { ...thresholds } : {}, bootstrap }
}

/** The group values of a bootstrap task for the rows in view. */
function taskGroups(task: BootstrapTask, rows: Int32Array | null): string[] {
  if (task.groups) return task.groups
  if (task.columns) return columnGroups(task.columns, rows)
  throw new RangeError(`bootstrap task "${task.key}": neither groups nor columns given`)
}

/** Checks that `rows` (when given) has one entry per prediction. */
function checkRows(p: Float32Array, rows: Int32Array | null | undefined): void {
  if (rows && rows.length !== p.length)
    throw new RangeError(`stats: ${p.length} predictions but ${rows.length} rows in view`)
}

type Step = (label: string, done: number, total: number) => Promise<void>

async function bootstrap(
  req: Extract<StatsReq, { cmd: 'bootstrap' }>,
  step: Step,
): Promise<StatsBootstrapResult> {
  const t0 = performance.now()
  const total = req.tasks.length
  const results: BootstrapTaskResult[] = []
  const label = `Bootstrap intervals (B = ${req.B ?? 1000})`
  checkRows(req.p, req.rows)
  await step(label, 0, total)
  for (const task of req.tasks) {
    const opts = {
      ...(req.B !== undefined ? { B: req.B } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    }
    results.push(statsBootstrapTask(req.p, req.y, req.threshold, task, opts, req.rows ?? null))
    await step(label, results.length, total)
  }
  return { results, ms: performance.now() - t0 }
}

async function performanceOf(
  req: Extract<StatsReq, { cmd: 'performance' }>,
  step: Step,
): Promise<StatsPerformanceResult> {
  const t0 = performance.now()
  const { p, y } = req
  const label = 'Computing metrics'
  const ranking = rankingMetrics(p, y)
  await step(label, 1, 2)
  const free = { n: p.length, rocAuc: ranking.rocAuc, logLoss: logLoss(p, y), brier: brier(p, y) }
  const cal = calibration(p, y)
  return {
    free,
    roc: ranking.roc,
    pr: ranking.pr,
    averagePrecision: ranking.averagePrecision,
    calibration: cal,
    ms: performance.now() - t0,
  }
}

async function groupingOf(
  req: Extract<StatsReq, { cmd: 'grouping' }>,
  step: Step,
): Promise<StatsGroupingResult> {
  const t0 = performance.now()
  checkRows(req.p, req.rows)
  const groups = columnGroups(req.columns, req.rows)
  const label = 'Grouping rows'
  await step(label, 1, 3)
  const index = fairnessIndex(req.p, req.y, groups)
  await step(label, 2, 3)
  const table = fairnessTable(req.p, req.y, groups, 0.5)
  return { index, table, ms: performance.now() - t0 }
}

async function calibrationOf(
  req: Extract<StatsReq, { cmd: 'calibration' }>,
  step: Step,
): Promise<StatsCalibrationResult> {
  const t0 = performance.now()
  checkRows(req.p, req.rows)
  const opts = { strategy: req.strategy, nBins: req.nBins }
  const label = 'Calibration'
  const total = req.attrs.length + 1
  const overall = calibrationBins(req.p, req.y, opts)
  const histogram = predictionHistogram(req.p, req.histogramBins)
  const byAttr: AttributeCalibration[] = []
  await step(label, 1, total)
  for (const { attr, column } of req.attrs) {
    const groups = columnGroups([column], req.rows)
    byAttr.push({ attr, groups: calibrationByGroup(req.p, req.y, groups, opts) })
    await step(label, byAttr.length + 1, total)
  }
  return { overall, histogram, byAttr, ms: performance.now() - t0 }
}

/** Typed arrays of a result that can be transferred (not shared, not the request's own). */
function transferables(result: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = []
  const add = (a: ArrayBufferView | null | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer)
  }
  const r = result as Partial<StatsGroupingResult & StatsOrderResult>
  if (r.index) for (const a of [...r.index.positive, ...r.index.negative]) add(a)
  if (r.order) add(r.order)
  return out
}

/**
 * Handles one message: a request posts progress between its steps and then its result (or an
 * AbortError once cancelled, or the error); a cancel marks its target so the running request
 * stops at its next step.
 * @example await statsHandle({ id: 1, cmd: 'bootstrap', p, y, threshold: 0.5, tasks }, post)
 */
export async function statsHandle(req: StatsReq, post: StatsPost): Promise<void> {
  if (req.cmd === StatsCmd.Cancel) {
    cancelled.add(req.target)
    return
  }
  const { id } = req
  const step: Step = async (label, done, total) => {
    post({ id, kind: 'progress', done, total, label })
    await yieldToMessages()
    if (cancelled.has(id)) throw new AbortError()
  }
  try {
    let result: unknown
    switch (req.cmd) {
      case StatsCmd.Bootstrap:
        result = await bootstrap(req, step)
        break
      case StatsCmd.Performance:
        result = await performanceOf(req, step)
        break
      case StatsCmd.Grouping:
        result = await groupingOf(req, step)
        break
      case StatsCmd.Calibration:
        result = await calibrationOf(req, step)
        break
      case StatsCmd.LoadChecks:
        result = { warnings: loadWarnings(req) } satisfies StatsLoadChecksResult
        break
      case StatsCmd.Order: {
        const t0 = performance.now()
        const order = rowsByScore(req.p, req.rows, req.dir)
        result = { order, ms: performance.now() - t0 } satisfies StatsOrderResult
        break
      }
    }
    post({ id, kind: 'result', result }, transferables(result))
  } catch (e) {
    post({ id, kind: 'error', errorKind: errorKind(e), message: (e as Error).message })
  } finally {
    cancelled.delete(id)
  }
}
