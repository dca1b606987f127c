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
import { calibration } from '../core/calibration.ts'
import { loadWarnings } from '../core/loadChecks.ts'
import { brier, logLoss, rankingMetrics } from '../core/metrics.ts'
import {
  calibrationBins,
  calibrationByGroup,
  predictionHistogram,
} from '../core/views/calibrationView.ts'
import { fairnessBootstrap } from '../core/views/fairnessBootstrap.ts'
import { fairnessIndex } from '../core/views/fairnessThresholds.ts'
import { columnGroups, fairnessTable } from '../core/views/fairnessView.ts'
import { rowsByScore } from '../core/views/order.ts'
import { AbortError, type Post, errorKind } from './protocol/common.ts'
import type {
  AttributeCalibration,
  BootstrapTask,
  BootstrapTaskResult,
  StatsBootstrapResult,
  StatsCalibrationResult,
  StatsGroupingResult,
  StatsOrderResult,
  StatsPerformanceResult,
  StatsReq,
  StatsRequests,
  StatsResults,
} from './protocol/stats.ts'

// TODO(#14): src/ui/views/FairnessView.tsx and fairness/Disparities.tsx still import these two
// types from here; once they import src/workers/protocol.ts the re-export goes.
export type { BootstrapTask, BootstrapTaskResult }

/** Posts a response to the page (postMessage in the worker, a callback in tests). */
export type StatsPost = Post

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
    throw new RangeError(
      `${p.length} predictions but ${rows.length} rows in view: one row per prediction is needed`,
    )
}

type Step = (label: string, done: number, total: number) => Promise<void>

async function bootstrap(
  req: StatsRequests['bootstrap'],
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
  req: StatsRequests['performance'],
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
  req: StatsRequests['grouping'],
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
  req: StatsRequests['calibration'],
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

/** A stats command's computation (progress and cancel go through `step`). */
type StatsHandler<C extends keyof StatsResults> = (
  req: StatsRequests[C],
  step: Step,
) => Promise<StatsResults[C]>

/** What the stats worker runs for each command (cancel is handled before the table). */
const statsHandlers: { [C in Exclude<keyof StatsResults, 'cancel'>]: StatsHandler<C> } = {
  init: () => Promise.resolve(true),
  bootstrap,
  performance: performanceOf,
  grouping: groupingOf,
  calibration: calibrationOf,
  loadChecks: (req) => Promise.resolve({ warnings: loadWarnings(req) }),
  order: (req) => {
    const t0 = performance.now()
    const order = rowsByScore(req.p, req.rows, req.dir)
    return Promise.resolve({ order, ms: performance.now() - t0 })
  },
}

/**
 * Handles one message: a request posts progress between its steps and then its result (or an
 * AbortError once cancelled, or the error); a cancel marks its target so the running request
 * stops at its next step.
 * @example await statsHandle({ id: 1, cmd: 'bootstrap', p, y, threshold: 0.5, tasks }, post)
 */
export async function statsHandle(req: StatsReq, post: StatsPost): Promise<void> {
  if (req.cmd === 'cancel') {
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
    const run = statsHandlers[req.cmd] as StatsHandler<typeof req.cmd>
    const result = await run(req as never, step)
    post({ id, kind: 'result', result }, transferables(result))
  } catch (e) {
    post({ id, kind: 'error', errorKind: errorKind(e), message: (e as Error).message })
  } finally {
    cancelled.delete(id)
  }
}
