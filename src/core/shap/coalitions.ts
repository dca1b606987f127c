/**
 * Batched evaluation of interventional coalition values
 *   v_r(S) = Σ_b w_b f(x_r on the columns of S, background row b elsewhere)
 * for many explained rows r and coalitions S at once. The (row, coalition, background) triples
 * are streamed into one reusable encoded buffer of `chunkRows` rows and the model is called once
 * per chunk, never row by row (ENV.md: WebSHAP's per-row calls and per-row background
 * re-prediction dominate its time).
 */
import { type CheckCancel, type Matrix, type ProgressFn, matrix } from '../types.ts'
import type { Background } from './background.ts'

/**
 * A batched model: a core `PredictFn` (float32 out) or a float64 one. Must not keep a reference
 * to `x.data` after its promise resolves: the explainers reuse the buffer for the next chunk (a
 * model that transfers/detaches it is detected and a new buffer is allocated).
 */
export type BatchModel = (x: Matrix) => Promise<Float32Array | Float64Array>

/** Float precision of the encoded rows handed to the model. */
export type Precision = 'float32' | 'float64'

/** Rows per model call when not configured: 2^18 rows or 2^23 values (32 MB in float32). */
export function defaultChunkRows(width: number): number {
  return Math.max(1, Math.min(1 << 18, Math.floor((1 << 23) / Math.max(1, width))))
}

/** Shared progress counter of one job (units = model rows). */
export class Progress {
  done = 0
  constructor(
    public total: number,
    private readonly onProgress?: ProgressFn,
  ) {}
  /** Raises the total when more work turns out to be needed (e.g. IG refinement). */
  grow(n: number): void {
    this.total += n
  }
  /** Adds `n` units (fractions allowed; reported rounded, never above `total`). */
  add(n: number): void {
    this.done += n
    this.onProgress?.(Math.min(this.total, Math.round(this.done)), this.total)
  }
}

/** What a batched evaluation needs besides its inputs. */
export type EvalContext = {
  chunkRows: number
  precision: Precision
  progress: Progress
  checkCancel?: CheckCancel
}

/** A reusable chunk buffer that survives a model detaching it. */
export class ChunkBuffer {
  private buf: Float32Array | Float64Array
  constructor(
    readonly rows: number,
    readonly width: number,
    readonly precision: Precision,
  ) {
    this.buf = this.alloc()
  }
  private alloc(): Float32Array | Float64Array {
    return this.precision === 'float64'
      ? new Float64Array(this.rows * this.width)
      : new Float32Array(this.rows * this.width)
  }
  get data(): Float32Array | Float64Array {
    if (this.buf.byteLength === 0 && this.rows * this.width > 0) this.buf = this.alloc()
    return this.buf
  }
  /** Calls the model on the first `n` rows and checks the answer's length. */
  async predict(model: BatchModel, n: number): Promise<Float32Array | Float64Array> {
    const view = this.data.subarray(0, n * this.width)
    const p = await model(matrix(view, n, this.width))
    if (p.length !== n) throw new RangeError(`model returned ${p.length} values for ${n} rows`)
    return p
  }
}

/**
 * Merged encoded-column ranges [start, end) of the players in a coalition, as a flat list
 * start0, end0, start1, end1, …; returns the number of ranges.
 */
function coalitionRanges(member: Uint8Array, offsets: Int32Array, out: Int32Array): number {
  let n = 0
  for (let i = 0; i < member.length; i++) {
    if (!member[i]) continue
    const s = offsets[i]!
    const e = offsets[i + 1]!
    if (s === e) continue
    if (n > 0 && out[2 * n - 1] === s) out[2 * n - 1] = e
    else {
      out[2 * n] = s
      out[2 * n + 1] = e
      n++
    }
  }
  return n
}

/**
 * Writes `cnt` rows at buffer row `pos`: background rows b … b + cnt − 1 with the coalition's
 * column ranges taken from explained row r. Long ranges are block copies, short ones scalar.
 */
function fillSegment(
  buf: Float32Array | Float64Array,
  pos: number,
  cnt: number,
  B: Float32Array | Float64Array,
  b: number,
  X: Float32Array | Float64Array,
  r: number,
  w: number,
  ranges: Int32Array,
  nRanges: number,
): void {
  buf.set(B.subarray(b * w, (b + cnt) * w), pos * w)
  const xo = r * w
  for (let t = 0; t < nRanges; t++) {
    const s = ranges[2 * t]!
    const e = ranges[2 * t + 1]!
    if (e - s >= 8) {
      const src = X.subarray(xo + s, xo + e)
      for (let q = 0; q < cnt; q++) buf.set(src, (pos + q) * w + s)
    } else {
      for (let q = 0; q < cnt; q++) {
        const base = (pos + q) * w
        for (let j = s; j < e; j++) buf[base + j] = X[xo + j]!
      }
    }
  }
}

/**
 * v_r(S_c) for every explained row r of `x` and coalition c < nCoal (row-major R × nCoal,
 * float64), one model row per (row, coalition, background row): the path for M > 30 players
 * (see masked.ts for the deduplicated path used otherwise). `members(c, out)` writes coalition c's membership (1 = the player takes x's value)
 * into `out` (length M = offsets.length − 1).
 */
export async function shapCoalitionValuesDense(
  model: BatchModel,
  x: Matrix,
  bg: Background,
  offsets: Int32Array,
  nCoal: number,
  members: (c: number, out: Uint8Array) => void,
  ctx: EvalContext,
): Promise<Float64Array> {
  const w = x.cols
  const K = bg.x.rows
  const R = x.rows
  const M = offsets.length - 1
  const out = new Float64Array(R * nCoal)
  const total = R * nCoal * K
  if (total === 0) return out
  const chunk = new ChunkBuffer(Math.min(ctx.chunkRows, total), w, ctx.precision)
  const X = x.data
  const B = bg.x.data
  const wts = bg.weights
  const member = new Uint8Array(M)
  const ranges = new Int32Array(2 * M + 2)
  let nRanges = 0
  // Cursor over (r, c, b) in row-major order; coalition ranges are recomputed when c changes.
  let r = 0
  let c = 0
  let b = 0
  let g = 0
  const loadCoalition = (): void => {
    members(c, member)
    nRanges = coalitionRanges(member, offsets, ranges)
  }
  loadCoalition()
  // Segment bookkeeping: (index into out, first background row, count, buffer row).
  const segOut: number[] = []
  const segB: number[] = []
  const segN: number[] = []
  const segPos: number[] = []
  while (g < total) {
    await ctx.checkCancel?.()
    const n = Math.min(chunk.rows, total - g)
    const buf = chunk.data
    segOut.length = segB.length = segN.length = segPos.length = 0
    let pos = 0
    while (pos < n) {
      const cnt = Math.min(K - b, n - pos)
      fillSegment(buf, pos, cnt, B, b, X, r, w, ranges, nRanges)
      segOut.push(r * nCoal + c)
      segB.push(b)
      segN.push(cnt)
      segPos.push(pos)
      pos += cnt
      b += cnt
      if (b === K) {
        b = 0
        c++
        if (c === nCoal) {
          c = 0
          r++
        }
        if (r < R) loadCoalition()
      }
    }
    const p = await chunk.predict(model, n)
    for (let s = 0; s < segOut.length; s++) {
      let acc = 0
      const b0 = segB[s]!
      const p0 = segPos[s]!
      const cnt = segN[s]!
      for (let q = 0; q < cnt; q++) acc += wts[b0 + q]! * p[p0 + q]!
      out[segOut[s]!] = out[segOut[s]!]! + acc
    }
    g += n
    ctx.progress.add(n)
  }
  return out
}

/**
 * f(background) and f(x) in one model call: returns [weighted mean of f over the background
 * (= v(∅)), f per background row, f per explained row].
 */
export async function shapEndpoints(
  model: BatchModel,
  x: Matrix,
  bg: Background,
  ctx: EvalContext,
  backgroundPredictions?: ArrayLike<number>,
): Promise<{ base: number; fBackground: Float64Array; fx: Float64Array }> {
  const w = x.cols
  const K = bg.x.rows
  const needBg = !backgroundPredictions
  if (backgroundPredictions && backgroundPredictions.length !== K) {
    throw new RangeError(
      `backgroundPredictions has ${backgroundPredictions.length} values for ${K} rows`,
    )
  }
  const n = (needBg ? K : 0) + x.rows
  const fBackground = new Float64Array(K)
  const fx = new Float64Array(x.rows)
  let done = 0
  const chunkRows = Math.max(1, ctx.chunkRows)
  const chunk = new ChunkBuffer(Math.min(chunkRows, Math.max(1, n)), w, ctx.precision)
  while (done < n) {
    await ctx.checkCancel?.()
    const m = Math.min(chunk.rows, n - done)
    const buf = chunk.data
    for (let i = 0; i < m; i++) {
      const gi = done + i
      const src =
        needBg && gi < K
          ? bg.x.data.subarray(gi * w, (gi + 1) * w)
          : x.data.subarray((gi - (needBg ? K : 0)) * w, (gi - (needBg ? K : 0) + 1) * w)
      buf.set(src, i * w)
    }
    const p = await chunk.predict(model, m)
    for (let i = 0; i < m; i++) {
      const gi = done + i
      if (needBg && gi < K) fBackground[gi] = p[i]!
      else fx[gi - (needBg ? K : 0)] = p[i]!
    }
    done += m
    ctx.progress.add(m)
  }
  if (backgroundPredictions) for (let i = 0; i < K; i++) fBackground[i] = backgroundPredictions[i]!
  let base = 0
  for (let i = 0; i < K; i++) base += bg.weights[i]! * fBackground[i]!
  return { base, fBackground, fx }
}

/** f for every row of `x`, in chunks of `chunkRows` (default from the width), as float64. */
export async function predictRows(
  model: BatchModel,
  x: Matrix,
  chunkRows?: number,
): Promise<Float64Array> {
  const out = new Float64Array(x.rows)
  const n = Math.max(1, Math.floor(chunkRows ?? defaultChunkRows(x.cols)))
  for (let r0 = 0; r0 < x.rows; r0 += n) {
    const r1 = Math.min(x.rows, r0 + n)
    const p = await model(matrix(x.data.subarray(r0 * x.cols, r1 * x.cols), r1 - r0, x.cols))
    if (p.length !== r1 - r0)
      throw new RangeError(`model returned ${p.length} values for ${r1 - r0} rows`)
    out.set(p, r0)
  }
  return out
}
