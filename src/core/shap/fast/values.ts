/**
 * Interventional coalition values v_r(S) = Σ_b w_b f(x_r on S, b elsewhere) for a
 * {@link FastModel}, with no model calls. For explained row x, background row b and player j
 * (encoded columns offsets[j] … offsets[j + 1]) let c_x[j] = x_block · W_block and
 * c_b[j] = b_block · W_block (h1 values each). The hybrid row's first-layer pre-activation is
 *   z1(S) = z1(b) + Σ_{j ∈ S} (c_x[j] − c_b[j]),
 * and only the players F whose blocks differ between x and b matter (S ∩ F decides the row, as
 * in masked.ts). The 2^|F| subsets of F are visited in Gray-code order, so each step adds or
 * subtracts one delta vector. The z1 rows of many (row, background row) pairs are collected
 * into one batch of up to `chunkRows` rows for the tail (the rest of the network: a float64 loop
 * or a batched callback such as a tfjs model), then folded into v pair by pair, in pair order,
 * so the numbers do not depend on the batch size.
 * Sampled (Kernel SHAP) coalitions read that table when 2^|F| − 2 ≤ their count (M ≤ 20), else
 * each one's z1 is summed from z1(b). A pair with NaN or ±Infinity sums every z1 afresh, so the
 * non-finite values reach exactly the rows they reach in the black box.
 * f(b) and f(x) come from whole rows, computed like mlp.ts does (v(∅) is the black-box path's
 * number through the float64 network); the other v(S) differ from it by rounding only. The pair
 * loop itself is in pairs.ts.
 * The background's first-layer rows and contributions are computed once per job and reused by
 * every explained row (global SHAP).
 */
import type { Matrix } from '../../types.ts'
import type { Background } from '../background.ts'
import type { EvalContext } from '../coalitions.ts'
import { type FastModel, fastBlockContribution, fastFirstLayer } from './model.ts'
import { fastCoalitionValues } from './pairs.ts'

/** Rows per tail call for f(background) and f(x). */
const ENDPOINT_ROWS = 8192
/** Largest per-background contribution table kept for the whole job (float64 values, 32 MB). */
const CONTRIB_MAX_VALUES = 1 << 22

/** A prepared fast SHAP job: the endpoints, and the coalition values on demand. */
export type FastShapJob = {
  /** v(∅) = Σ_b w_b f(b). */
  readonly base: number
  /** f(b) per background row. */
  readonly fBackground: Float64Array
  /** f(x_r) per explained row. */
  readonly fx: Float64Array
  /**
   * v_r(S) for every explained row r and coalition (row-major R × nCoal, float64, ∅ and the
   * full set excluded). `member` = null: all masks 1 … 2^M − 2 (index mask − 1); else the
   * coalitions' membership, nCoal × M (1 = the player takes x's value), as in a Kernel design.
   */
  coalitionValues(member: Uint8Array | null, nCoal: number): Promise<Float64Array>
  /**
   * v_r(N) summed like the last coalition values were (Σ_b w_b f(x_r) before any exact run,
   * then the Möbius sum of the exact path), so that a player the model ignores gets exactly 0.
   */
  fullValue(r: number): number
}

/** f of `n` rows whose z1 are in z (the tail, in calls of at most ENDPOINT_ROWS rows). */
async function tailRows(fast: FastModel, z: Float64Array, n: number): Promise<Float64Array> {
  const h = fast.hidden
  const out = new Float64Array(n)
  const buf = new Float64Array(Math.max(1, Math.min(n, ENDPOINT_ROWS)))
  for (let r0 = 0; r0 < n; r0 += ENDPOINT_ROWS) {
    const m = Math.min(ENDPOINT_ROWS, n - r0)
    await fast.tail(z.subarray(r0 * h, (r0 + m) * h), m, buf)
    out.set(buf.subarray(0, m), r0)
  }
  return out
}

/**
 * Prepares a fast SHAP job over explained rows `x` and background `bg`: f of the background and
 * of the rows (progress: K + R units) and the background's per-player contributions.
 * @throws RangeError when the model's input width differs from the rows'.
 */
export async function shapFastPrepare(
  fast: FastModel,
  x: Matrix,
  bg: Background,
  offsets: Int32Array,
  ctx: EvalContext,
): Promise<FastShapJob> {
  const w = x.cols
  if (fast.inputs !== w)
    throw new RangeError(`SHAP: the fast model expects ${fast.inputs} inputs, rows have ${w}`)
  if (fast.kernel.length !== fast.inputs * fast.hidden || fast.bias.length !== fast.hidden)
    throw new RangeError('SHAP: the fast model has inconsistent first-layer shapes')
  await ctx.checkCancel?.()
  const h = fast.hidden
  const K = bg.x.rows
  const R = x.rows
  const M = offsets.length - 1
  const X = x.data
  const B = bg.x.data

  const zB = new Float64Array(K * h)
  for (let b = 0; b < K; b++) fastFirstLayer(fast, B, b * w, zB, b * h)
  const fBackground = await tailRows(fast, zB, K)
  ctx.progress.add(K)
  const zX = new Float64Array(R * h)
  for (let r = 0; r < R; r++) fastFirstLayer(fast, X, r * w, zX, r * h)
  const fx = await tailRows(fast, zX, R)
  ctx.progress.add(R)
  let base = 0
  for (let b = 0; b < K; b++) base += bg.weights[b]! * fBackground[b]!

  // c_b[j] for every background row and player, kept when it fits (else computed per pair).
  let cb: Float64Array | null = null
  if (K * M * h <= CONTRIB_MAX_VALUES) {
    cb = new Float64Array(K * M * h)
    for (let b = 0; b < K; b++)
      for (let j = 0; j < M; j++)
        fastBlockContribution(fast, B, b * w, offsets[j]!, offsets[j + 1]!, cb, (b * M + j) * h)
  }

  const vFull = new Float64Array(R)
  const prep = { fast, x, bg, offsets, zB, cb, fBackground, fx, vFull }
  const coalitionValues = (member: Uint8Array | null, nCoal: number): Promise<Float64Array> =>
    fastCoalitionValues(prep, member, nCoal, ctx)

  // v(N) as the black-box path sums it; the exact path replaces it with its own sum.
  for (let r = 0; r < R; r++)
    for (let b = 0; b < K; b++) vFull[r] = vFull[r]! + bg.weights[b]! * fx[r]!
  return { base, fBackground, fx, coalitionValues, fullValue: (r) => vFull[r]! }
}
