/**
 * The stats worker's logic (importable in Node tests): seeded bootstrap intervals of the fairness
 * view's disparity summary, one `fairnessBootstrap` call per grouping (each sensitive attribute,
 * the chosen intersection). Progress is posted after each grouping and the host yields between
 * them, so a cancel message (a newer threshold superseding this one) stops it at the next one.
 * A single grouping is never split: its replicates come from one seeded stream, and splitting it
 * would change the intervals.
 *
 * No tfjs here: the worker only needs predictions, labels and group values.
 */
import { type FairnessBootstrap, fairnessBootstrap } from '../core/views/fairnessBootstrap.ts'
import { AbortError, type Res, errorKind } from './protocol.ts'

/** Commands of the stats worker (the cancel message is the shared one of WorkerClient). */
export const StatsCmd = { Bootstrap: 'bootstrap', Cancel: 'cancel' } as const

/** One grouping to bootstrap. */
export type BootstrapTask = {
  /** Caller's name for the grouping ('sex', 'sex × race'); keys the result. */
  key: string
  /** Group value of every row (same length as the predictions). */
  groups: string[]
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
      /** Predicted positive iff p ≥ threshold. */
      threshold: number
      tasks: BootstrapTask[]
      /** Replicates [1000]. */
      B?: number
      /** Seed of the resampling [1]. */
      seed?: number
    }
  | { id: number; cmd: typeof StatsCmd.Cancel; target: number }

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
 * The bootstrap of one task: `fairnessBootstrap(p, y, groups, threshold, { B, seed })`, or on the
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
): BootstrapTaskResult {
  const thresholds = task.thresholds ?? {}
  const perGroup = Object.keys(thresholds).length > 0
  const opts = { B: options.B ?? 1000, seed: options.seed ?? 1 }
  const bootstrap = perGroup
    ? fairnessBootstrap(
        decisionsAt(p, task.groups, thresholds, threshold),
        y,
        task.groups,
        0.5,
        opts,
      )
    : fairnessBootstrap(p, y, task.groups, threshold, opts)
  return { key: task.key, threshold, thresholds: perGroup ? { ...thresholds } : {}, bootstrap }
}

/**
 * Handles one message: a bootstrap request posts progress after every task and then its result
 * (or an AbortError once cancelled, or the error); a cancel marks its target so the running
 * request stops before its next task.
 * @example await statsHandle({ id: 1, cmd: 'bootstrap', p, y, threshold: 0.5, tasks }, post)
 */
export async function statsHandle(req: StatsReq, post: StatsPost): Promise<void> {
  if (req.cmd === StatsCmd.Cancel) {
    cancelled.add(req.target)
    return
  }
  const { id } = req
  const t0 = performance.now()
  try {
    const total = req.tasks.length
    const results: BootstrapTaskResult[] = []
    const label = `Bootstrap intervals (B = ${req.B ?? 1000})`
    post({ id, kind: 'progress', done: 0, total, label })
    for (const task of req.tasks) {
      await yieldToMessages()
      if (cancelled.has(id)) throw new AbortError()
      const opts = {
        ...(req.B !== undefined ? { B: req.B } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
      }
      results.push(statsBootstrapTask(req.p, req.y, req.threshold, task, opts))
      post({ id, kind: 'progress', done: results.length, total, label })
    }
    const result: StatsBootstrapResult = { results, ms: performance.now() - t0 }
    post({ id, kind: 'result', result })
  } catch (e) {
    post({ id, kind: 'error', errorKind: errorKind(e), message: (e as Error).message })
  } finally {
    cancelled.delete(id)
  }
}
