/**
 * Deduplicated evaluation of coalition values for M ≤ 30 players (coalitions as bit masks).
 *
 * For explained row x and background row b, let F = the players whose encoded block differs
 * between x and b. The hybrid row (x on S, b elsewhere) depends only on T = S ∩ F, and
 * T = ∅ gives f(b), T = F gives f(x), both known already. So each (x, b) pair needs at most
 * 2^|F| − 2 model rows instead of one per coalition, with identical results (a deterministic
 * model gives identical outputs for identical rows). On Adult-like data a row shares several
 * categories with most background rows, which removes most of the 4094 × K rows.
 */
import { type Matrix } from '../types.ts'
import type { Background } from './background.ts'
import { type BatchModel, ChunkBuffer, type EvalContext } from './coalitions.ts'

/** Largest M for the mask-based path (32-bit masks, kept positive). */
export const SHAP_MASK_MAX_PLAYERS = 30

/** Players whose blocks differ between row r of `x` and background row b, as a bit mask. */
function freeMask(x: Matrix, r: number, bg: Background, b: number, offsets: Int32Array): number {
  const w = x.cols
  const X = x.data
  const B = bg.x.data
  const xo = r * w
  const bo = b * w
  let f = 0
  const M = offsets.length - 1
  for (let i = 0; i < M; i++) {
    for (let j = offsets[i]!; j < offsets[i + 1]!; j++) {
      if (X[xo + j] !== B[bo + j]) {
        f |= 1 << i
        break
      }
    }
  }
  return f
}

/** Writes background row b with the blocks of the players in T taken from row r of x. */
function fillRow(
  buf: Float32Array | Float64Array,
  pos: number,
  X: Float32Array | Float64Array,
  r: number,
  B: Float32Array | Float64Array,
  b: number,
  w: number,
  T: number,
  offsets: Int32Array,
): void {
  const o = pos * w
  buf.set(B.subarray(b * w, (b + 1) * w), o)
  const xo = r * w
  let t = T
  while (t !== 0) {
    const i = 31 - Math.clz32(t & -t)
    t &= t - 1
    const s = offsets[i]!
    const e = offsets[i + 1]!
    if (e - s >= 8) buf.set(X.subarray(xo + s, xo + e), o + s)
    else for (let j = s; j < e; j++) buf[o + j] = X[xo + j]!
  }
}

/**
 * v_r(S) for every row r of `x` and every coalition S: all masks 1 … 2^M − 2 when `masks` is
 * null (exact enumeration, index = mask − 1), else the listed masks. Returns R × nCoal float64.
 * `fBg` = f(background rows), `fx` = f(rows of x).
 * @returns the values and the number of model rows evaluated.
 */
export async function shapCoalitionValuesMasked(
  model: BatchModel,
  x: Matrix,
  bg: Background,
  offsets: Int32Array,
  masks: Int32Array | null,
  fBg: Float64Array,
  fx: Float64Array,
  ctx: EvalContext,
): Promise<{ values: Float64Array; modelRows: number }> {
  const M = offsets.length - 1
  if (M > SHAP_MASK_MAX_PLAYERS)
    throw new RangeError(`SHAP: mask path supports M ≤ ${SHAP_MASK_MAX_PLAYERS}`)
  const w = x.cols
  const K = bg.x.rows
  const R = x.rows
  const full = 2 ** M
  const nCoal = masks ? masks.length : full - 2
  const values = new Float64Array(R * nCoal)
  if (nCoal <= 0 || R === 0) return { values, modelRows: 0 }
  const wts = bg.weights
  const nominalPerPair = nCoal // progress unit: one coalition for one background row

  // Explained rows in groups so that per-group bookkeeping stays ≤ 2^23 entries.
  const perPairEntries = masks ? nCoal : Math.max(1, full)
  const rowsPerGroup = Math.max(1, Math.floor(2 ** 23 / (K * perPairEntries)))
  const scratch = masks ? null : new Float64Array(full)
  const stampTable =
    masks && M <= 20 ? { stamp: new Int32Array(full), pos: new Int32Array(full) } : null
  let stampGen = 0
  let modelRows = 0
  let chunk: ChunkBuffer | null = null

  for (let r0 = 0; r0 < R; r0 += rowsPerGroup) {
    const r1 = Math.min(R, r0 + rowsPerGroup)
    const nPairs = (r1 - r0) * K
    const F = new Int32Array(nPairs)
    // Phase A: the distinct rows each (r, b) pair needs.
    let rowMask = new Int32Array(1024)
    let rowPair = new Int32Array(1024)
    let nRows = 0
    const push = (T: number, p: number): number => {
      if (nRows === rowMask.length) {
        const m2 = new Int32Array(nRows * 2)
        m2.set(rowMask)
        rowMask = m2
        const p2 = new Int32Array(nRows * 2)
        p2.set(rowPair)
        rowPair = p2
      }
      rowMask[nRows] = T
      rowPair[nRows] = p
      return nRows++
    }
    const pairStart = new Int32Array(nPairs + 1)
    // For listed masks: position of each coalition's row (−1 → f(b), −2 → f(x)).
    const posOf = masks ? new Int32Array(nPairs * nCoal) : null
    for (let p = 0; p < nPairs; p++) {
      const r = r0 + Math.floor(p / K)
      const b = p % K
      const f = freeMask(x, r, bg, b, offsets)
      F[p] = f
      pairStart[p] = nRows
      if (!masks) {
        // Every non-trivial submask of f.
        for (let T = (f - 1) & f; T !== 0; T = (T - 1) & f) push(T, p)
        continue
      }
      const po = posOf!
      const base = p * nCoal
      let seen: Map<number, number> | null = null
      if (stampTable) stampGen++
      else seen = new Map()
      for (let c = 0; c < nCoal; c++) {
        const T = masks[c]! & f
        if (T === 0) po[base + c] = -1
        else if (T === f) po[base + c] = -2
        else if (stampTable) {
          if (stampTable.stamp[T] === stampGen) po[base + c] = stampTable.pos[T]!
          else {
            stampTable.stamp[T] = stampGen
            const q = push(T, p)
            stampTable.pos[T] = q
            po[base + c] = q
          }
        } else {
          const q = seen!.get(T)
          if (q !== undefined) po[base + c] = q
          else {
            const q2 = push(T, p)
            seen!.set(T, q2)
            po[base + c] = q2
          }
        }
      }
    }
    pairStart[nPairs] = nRows
    modelRows += nRows

    // Phase B: predict the distinct rows in chunks.
    const preds = new Float64Array(nRows)
    const nominal = nPairs * nominalPerPair
    if (nRows > 0 && !chunk)
      chunk = new ChunkBuffer(Math.max(1, Math.min(ctx.chunkRows, nRows)), w, ctx.precision)
    for (let g = 0; g < nRows;) {
      await ctx.checkCancel?.()
      const n = Math.min(chunk!.rows, nRows - g)
      const buf = chunk!.data
      for (let q = 0; q < n; q++) {
        const p = rowPair[g + q]!
        fillRow(
          buf,
          q,
          x.data,
          r0 + Math.floor(p / K),
          bg.x.data,
          p % K,
          w,
          rowMask[g + q]!,
          offsets,
        )
      }
      const out = await chunk!.predict(model, n)
      for (let q = 0; q < n; q++) preds[g + q] = out[q]!
      g += n
      ctx.progress.add((nominal * n) / nRows)
    }
    if (nRows === 0) ctx.progress.add(nominal)

    // Phase C: fold into v_r(S) = Σ_b w_b f(T = S ∩ F_b).
    for (let p = 0; p < nPairs; p++) {
      const r = r0 + Math.floor(p / K)
      const b = p % K
      const wb = wts[b]!
      const vo = r * nCoal
      if (!masks) {
        const f = F[p]!
        const sc = scratch!
        sc[0] = fBg[b]!
        sc[f] = fx[r]!
        for (let q = pairStart[p]!; q < pairStart[p + 1]!; q++) sc[rowMask[q]!] = preds[q]!
        for (let S = 1; S < full - 1; S++)
          values[vo + S - 1] = values[vo + S - 1]! + wb * sc[S & f]!
      } else {
        const po = posOf!
        const base = p * nCoal
        const fb = fBg[b]!
        const fr = fx[r]!
        for (let c = 0; c < nCoal; c++) {
          const q = po[base + c]!
          const val = q >= 0 ? preds[q]! : q === -1 ? fb : fr
          values[vo + c] = values[vo + c]! + wb * val
        }
      }
    }
  }
  return { values, modelRows }
}
