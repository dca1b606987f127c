/**
 * Which SHAP path computes an explanation — the Dense fast path (fast/values.ts: per-player
 * first-layer contributions, no model calls for coalitions) or the black box (batched model
 * calls) — chosen by measured speed. Both give the same values to rounding, but their costs scale
 * differently: the fast path pays the tail of the network per coalition in JavaScript, the black
 * box pays whole-model calls on the runtime (wasm, WebGL). On a deep or wide network the black box
 * wins (10 Dense layers: 709 ms vs 281 ms per row, issue 16). So when both apply, one row is timed
 * on each path and the faster is used (the black box only when it takes at most half the time: SHAP_PATH_MARGIN);
 * the choice and both timings are reported.
 *
 * The timing is a measurement, so the choice may differ between machines and runs; the values do
 * not (within contracts §2 tolerances). A choice is remembered per fast model and job shape
 * (background rows, players, budget), so a session times once.
 */
import type { Matrix } from '../types.ts'
import type { Background } from './background.ts'
import type { BatchModel } from './coalitions.ts'
import type { FastModel } from './fast/model.ts'
import { shapExplain } from './shap.ts'

/** The SHAP path that computed an explanation. */
export type ShapPath = 'fast' | 'blackBox'

/** The path used, why the fast path was not, and the timings the choice was made on. */
export type ShapPathChoice = {
  /** `fast` = the Dense fast path; `blackBox` = model calls through `predict`. */
  path: ShapPath
  /** Why the fast path was skipped (null when it was used). */
  reason: string | null
  /**
   * Milliseconds for one explained row on each path (null = not timed: the path did not apply
   * or the choice was forced).
   */
  msPerRow: { fast: number | null; blackBox: number | null }
}

/** How the path is chosen: by timing (`auto`, the default) or forced. */
export type ShapPathSetting = 'auto' | ShapPath

/** Options of {@link shapPathChoose}. */
export type ShapPathOptions = {
  /** Player blocks (as shapExplain). */
  offsets: Int32Array
  /** Coalition budget per row (as shapExplain). */
  budget: number
  /** `auto` (default) times both; `fast` / `blackBox` force a path (fast only where it exists). */
  setting?: ShapPathSetting
  /** Why the model has no fast path, when `fast` is null (said in the choice's reason). */
  fastUnavailable?: string | null
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number
  /** Rows per model call on the black-box timing (as shapExplain's `chunkRows`). */
  chunkRows?: number
}

const remembered = new WeakMap<FastModel, Map<string, ShapPathChoice>>()

/** Formats milliseconds for a reason sentence. */
const ms = (v: number): string => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`

/**
 * Chooses the SHAP path for explaining rows like `row` (one encoded row) against `bg`.
 * With no fast model, or a forced setting, nothing is timed. With `auto` and a fast model, one
 * row is explained on each path (the fast path first; seed 1, so no caller's random stream is
 * touched) and the faster is chosen; the result is remembered for this fast model and job shape.
 * @example const c = await shapPathChoose(predict, fast, xs1, bg, { offsets, budget: 4096 })
 */
export async function shapPathChoose(
  model: BatchModel,
  fast: FastModel | null,
  row: Matrix,
  bg: Background,
  opts: ShapPathOptions,
): Promise<ShapPathChoice> {
  const setting = opts.setting ?? 'auto'
  const none = { fast: null, blackBox: null }
  if (!fast) {
    const why = opts.fastUnavailable ?? 'the model has no Dense first layer the fast path can use'
    return { path: 'blackBox', reason: `no Dense fast path: ${why}`, msPerRow: none }
  }
  if (setting === 'blackBox')
    return { path: 'blackBox', reason: 'the black box was asked for', msPerRow: none }
  if (setting === 'fast') return { path: 'fast', reason: null, msPerRow: none }
  const key = `${bg.x.rows}:${bg.rows.join(',')}:${opts.budget}:${opts.offsets.join(',')}`
  let byJob = remembered.get(fast)
  const known = byJob?.get(key)
  if (known) return known
  const now = opts.now ?? (() => performance.now())
  const common = {
    offsets: opts.offsets,
    budget: opts.budget,
    seed: 1,
    ...(opts.chunkRows ? { chunkRows: opts.chunkRows } : {}),
  }
  const one: Matrix = { data: row.data.subarray(0, row.cols), rows: 1, cols: row.cols }
  // Warm the fast path's JavaScript first on a tiny job (two coalitions): the model behind the
  // black box is already warm from the session's predictions, the fast path's code is not.
  await shapExplain(model, one, bg, { ...common, budget: 2, fast })
  const t0 = now()
  await shapExplain(model, one, bg, { ...common, fast })
  const t1 = now()
  await shapExplain(model, one, bg, common)
  const t2 = now()
  const choice = shapPathFromTimings(t1 - t0, t2 - t1)
  if (!byJob) remembered.set(fast, (byJob = new Map()))
  byJob.set(key, choice)
  return choice
}

/**
 * The black box is chosen only when it took less than this share of the fast path's time. Near a
 * tie the two paths cost about the same, and one timed row is noisy (a busy machine, a cold JIT):
 * without the margin the choice — and the last bits of the values — would flip between runs for
 * no gain.
 */
export const SHAP_PATH_MARGIN = 0.5

/**
 * The choice two timings make: the fast path unless the black box took less than
 * {@link SHAP_PATH_MARGIN} of its time.
 * @example shapPathFromTimings(709, 281).path // 'blackBox'
 */
export function shapPathFromTimings(fastMs: number, blackBoxMs: number): ShapPathChoice {
  const msPerRow = { fast: fastMs, blackBox: blackBoxMs }
  return blackBoxMs < SHAP_PATH_MARGIN * fastMs
    ? {
        path: 'blackBox',
        reason: `the black box was faster on this model (${ms(blackBoxMs)} vs ${ms(fastMs)} per row on the Dense fast path)`,
        msPerRow,
      }
    : { path: 'fast', reason: null, msPerRow }
}
