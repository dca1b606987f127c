/**
 * Interventional SHAP over raw-feature players (docs/contracts.md §2): a one-hot block is one
 * player, v(S) = Σ_b w_b f(x_S, b_notS) over the weighted background, baseValue = v(∅).
 * Exact enumeration whenever 2^M − 2 ≤ budget, Kernel SHAP otherwise. All v(S) of all explained
 * rows of a job are evaluated in big batched model calls; f(background) is computed once.
 * With a {@link FastModel} (a Dense first layer, fast/detect.ts) the coalition values come from
 * per-player first-layer contributions instead of model calls (fast/values.ts): the same v(S)
 * to rounding.
 */
import type { CheckCancel, Matrix, ProgressFn } from '../types.ts'
import { type Rng, rngFromSeed } from '../random.ts'
import type { Background } from './background.ts'
import {
  type BatchModel,
  type EvalContext,
  type Precision,
  Progress,
  defaultChunkRows,
  shapCoalitionValuesDense,
  shapEndpoints,
} from './coalitions.ts'
import { SHAP_MASK_MAX_PLAYERS, shapCoalitionValuesMasked } from './masked.ts'
import { SHAP_EXACT_MAX_PLAYERS, shapExactRow } from './exact.ts'
import { shapKernelDesign, shapKernelRow, shapKernelSolver } from './kernel.ts'
import type { FastModel } from './fast/model.ts'
import { shapFastPrepare } from './fast/values.ts'

/** Options of {@link shapExplain}. */
export type ShapOptions = {
  /**
   * Player blocks in the encoded row: player i = columns [offsets[i], offsets[i + 1]).
   * Use `schemaOffsets(schema)`; default: every encoded column is its own player.
   */
  offsets?: Int32Array
  /** Coalition evaluations allowed per explained row, ∅ and the full set excluded (default 4096). */
  budget?: number
  /** Random stream for Kernel SHAP sampling; default `rngFromSeed(seed)`. */
  rng?: Rng
  /** Seed used when no `rng` is given (default 1). */
  seed?: number
  /** Sub-samples for the Kernel SHAP standard error (default 10). */
  seGroups?: number
  /** Rows per model call (default: 2^18 rows or 2^23 values, whichever is smaller). */
  chunkRows?: number
  /** Encoded buffer type; default float64 when both `x` and the background are Float64Array. */
  precision?: Precision
  /** f(background rows) if already known (e.g. cached by a worker), skipping that call. */
  backgroundPredictions?: ArrayLike<number>
  /**
   * Evaluate each distinct hybrid row once (default true, M ≤ 30): rows where x and the
   * background row agree on a player's block are shared between coalitions. Same numbers.
   */
  dedupe?: boolean
  /**
   * The model's dense first layer and the rest of it (`fastModelFromArtifacts`): when given, f is
   * evaluated by the fast path and `model` is not called; f(background) is then always computed
   * (`backgroundPredictions` is ignored, so that v(∅) matches the other coalition values),
   * `chunkRows` bounds the rows per tail call (at most 32,768), and `precision` and `dedupe` do
   * not apply. null or absent = the black-box path.
   */
  fast?: FastModel | null
  /** Progress in nominal model rows (coalitions × background rows). */
  onProgress?: ProgressFn
  /** Polled before every model call. */
  checkCancel?: CheckCancel
}

/** SHAP values of one explained row. */
export type ShapResult = {
  /** φ_i per player (raw feature), Σφ = prediction − baseValue. */
  phi: Float64Array
  /** v(∅) = weighted mean of f over the background. */
  baseValue: number
  /** f(x). */
  prediction: number
  /** True when all 2^M coalitions were enumerated. */
  exact: boolean
  /** Kernel SHAP standard error per player (NaN where not estimable); null when exact. */
  stdErr: Float64Array | null
  /** Coalition values computed for this row (∅ and the full set excluded); model rows = × K. */
  evaluations: number
}

/** True when M players are enumerated exactly under `budget` (2^M − 2 ≤ budget). */
export function shapIsExact(M: number, budget = 4096): boolean {
  return M <= 1 || (M <= SHAP_EXACT_MAX_PLAYERS && 2 ** M - 2 <= budget)
}

function identityOffsets(width: number): Int32Array {
  const o = new Int32Array(width + 1)
  for (let i = 0; i <= width; i++) o[i] = i
  return o
}

/**
 * SHAP values for every row of `x` (encoded rows) against background `bg`.
 * Deterministic: the same rng seed gives identical numbers; one coalition design is shared by
 * all rows of the job, so a row's values do not depend on which other rows are explained.
 * @throws RangeError on mismatched widths or offsets.
 * @example
 * const res = await shapExplain(predict, rowsX, backgroundFirst(data.x, 50), {
 *   offsets: schemaOffsets(schema), budget: 4096, seed: 1 })
 */
export async function shapExplain(
  model: BatchModel,
  x: Matrix,
  bg: Background,
  opts: ShapOptions = {},
): Promise<ShapResult[]> {
  const w = x.cols
  if (bg.x.cols !== w)
    throw new RangeError(`SHAP: background has ${bg.x.cols} columns, rows have ${w}`)
  if (bg.x.rows === 0) throw new RangeError('SHAP: empty background')
  const offsets = opts.offsets ?? identityOffsets(w)
  const M = offsets.length - 1
  if (offsets[0] !== 0 || offsets[M] !== w) throw new RangeError(`SHAP: offsets must span 0..${w}`)
  const budget = opts.budget ?? 4096
  const exact = shapIsExact(M, budget)
  const precision: Precision =
    opts.precision ??
    (x.data instanceof Float64Array && bg.x.data instanceof Float64Array ? 'float64' : 'float32')
  const K = bg.x.rows
  const R = x.rows
  const fast = opts.fast ?? null
  if (fast && fast.inputs !== w)
    throw new RangeError(`SHAP: the fast model expects ${fast.inputs} inputs, rows have ${w}`)

  const design =
    exact || M < 2
      ? null
      : shapKernelDesign(M, budget, opts.rng ?? rngFromSeed(opts.seed ?? 1), opts.seGroups ?? 10)
  const nCoal = M < 2 ? 0 : exact ? 2 ** M - 2 : design!.nCoal
  const endpointRows = (opts.backgroundPredictions && !fast ? 0 : K) + R
  const progress = new Progress(endpointRows + R * nCoal * K, opts.onProgress)
  const ctx: EvalContext = {
    chunkRows: Math.max(1, Math.floor(opts.chunkRows ?? defaultChunkRows(w))),
    precision,
    progress,
  }
  if (opts.checkCancel) ctx.checkCancel = opts.checkCancel
  const job = fast ? await shapFastPrepare(fast, x, bg, offsets, ctx) : null
  const { base, fBackground, fx } =
    job ?? (await shapEndpoints(model, x, bg, ctx, opts.backgroundPredictions))

  const results: ShapResult[] = []
  if (M < 2) {
    for (let r = 0; r < R; r++) {
      const phi = new Float64Array(M)
      if (M === 1) phi[0] = fx[r]! - base
      results.push({
        phi,
        baseValue: base,
        prediction: fx[r]!,
        exact: true,
        stdErr: null,
        evaluations: 0,
      })
    }
    return results
  }
  const solver = design ? shapKernelSolver(design) : null
  let v: Float64Array
  if (job) v = await job.coalitionValues(design ? design.member : null, nCoal)
  else if (M <= SHAP_MASK_MAX_PLAYERS && opts.dedupe !== false) {
    let masks: Int32Array | null = null
    if (design) {
      masks = new Int32Array(nCoal)
      for (let c = 0; c < nCoal; c++) {
        let m = 0
        for (let i = 0; i < M; i++) if (design.member[c * M + i]) m |= 1 << i
        masks[c] = m
      }
    }
    v = (await shapCoalitionValuesMasked(model, x, bg, offsets, masks, fBackground, fx, ctx)).values
  } else {
    const members = design
      ? (c: number, out: Uint8Array): void => out.set(design.member.subarray(c * M, (c + 1) * M))
      : (c: number, out: Uint8Array): void => {
          for (let i = 0; i < M; i++) out[i] = ((c + 1) >>> i) & 1
        }
    v = await shapCoalitionValuesDense(model, x, bg, offsets, nCoal, members, ctx)
  }
  for (let r = 0; r < R; r++) {
    const f = fx[r]!
    // v(N) = Σ_b w_b f(x), summed like every other v(S) so that a player the model ignores gets
    // exactly 0 (f(x) itself differs from this sum by rounding only).
    let vFull = 0
    if (job) vFull = job.fullValue(r)
    else for (let b = 0; b < K; b++) vFull += bg.weights[b]! * f
    if (solver) {
      const { phi, stdErr } = shapKernelRow(solver, v, r * nCoal, base, vFull)
      results.push({
        phi,
        baseValue: base,
        prediction: f,
        exact: false,
        stdErr,
        evaluations: nCoal,
      })
    } else {
      const phi = shapExactRow(v, r, M, base, vFull)
      results.push({
        phi,
        baseValue: base,
        prediction: f,
        exact: true,
        stdErr: null,
        evaluations: nCoal,
      })
    }
  }
  return results
}
