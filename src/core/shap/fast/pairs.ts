/**
 * The pair loop of the fast path (see values.ts): for every explained row r and background row
 * b, the free players, their deltas and the z1 rows of the pair's coalitions, generated into a
 * shared batch; the tail on each full batch; then each finished pair folded into v in pair
 * order — through Möbius coefficients and one zeta transform per row for exact enumeration, or
 * per listed coalition for Kernel SHAP designs.
 */
import type { Matrix } from '../../types.ts'
import type { Background } from '../background.ts'
import type { EvalContext } from '../coalitions.ts'
import { type FastModel, fastBlockContribution } from './model.ts'

/** Largest M for which sampled (Kernel) coalitions look values up in a 2^M table. */
const TABLE_MAX_PLAYERS = 20
/** Largest M of the exact path's masks (coalitions as 32-bit masks, kept positive). */
const EXACT_MAX_PLAYERS = 30
/** z1 rows per tail batch at most (also bounded by `chunkRows`), and values (32 MB of float64). */
const BATCH_MAX_ROWS = 32768
const BATCH_MAX_VALUES = 1 << 22
/** How a pair's coalition values are formed: from a table of its subsets, or coalition by coalition. */
const TABLE = 0
const DIRECT = 1

/** What the pair loop reads from a prepared job (values.ts). */
export type FastPrepared = {
  readonly fast: FastModel
  readonly x: Matrix
  readonly bg: Background
  readonly offsets: Int32Array
  /** z1 of every background row, K × hidden. */
  readonly zB: Float64Array
  /** c_b[j] of every background row and player (K × M × hidden), or null: computed per pair. */
  readonly cb: Float64Array | null
  readonly fBackground: Float64Array
  readonly fx: Float64Array
  /** v_r(N) per explained row; the exact path overwrites it with its own sum. */
  readonly vFull: Float64Array
}

/**
 * v_r(S) for every explained row and coalition (row-major R × nCoal): all masks 1 … 2^M − 2
 * when `member` is null (exact; index mask − 1), else the nCoal × M membership rows of a design.
 * Progress: nCoal units per (row, background row) pair.
 * @throws RangeError on an exact request beyond 30 players or a short membership table.
 */
export async function fastCoalitionValues(
  prep: FastPrepared,
  member: Uint8Array | null,
  nCoal: number,
  ctx: EvalContext,
): Promise<Float64Array> {
  const { fast, x, bg, offsets, zB, cb, fBackground, fx, vFull } = prep
  const h = fast.hidden
  const w = x.cols
  const K = bg.x.rows
  const R = x.rows
  const M = offsets.length - 1
  const X = x.data
  const B = bg.x.data
  const values = new Float64Array(R * nCoal)
  if (nCoal <= 0 || R === 0) return values
  const exact = member === null
  if (exact && (M > EXACT_MAX_PLAYERS || nCoal !== 2 ** M - 2))
    throw new RangeError('SHAP: exact fast path needs M ≤ 30 and 2^M − 2 coalitions')
  if (member && member.length < nCoal * M)
    throw new RangeError(`SHAP: membership has ${member.length} entries, ${nCoal}×${M} needed`)
  await ctx.checkCancel?.()
  const wts = bg.weights
  const full = 2 ** M
  let masks: Int32Array | null = null
  if (member && M <= TABLE_MAX_PLAYERS) {
    masks = new Int32Array(nCoal)
    for (let c = 0; c < nCoal; c++) {
      let m = 0
      for (let i = 0; i < M; i++) if (member[c * M + i]) m |= 1 << i
      masks[c] = m
    }
  }
  const tab = exact || masks ? new Float64Array(full) : null
  const mob = exact ? new Float64Array(full) : null
  const valc = exact ? null : new Float64Array(nCoal)
  const cx = new Float64Array(M * h)
  const cbRow = cb ? null : new Float64Array(M * h)
  const free = new Int32Array(M)
  const dl = new Float64Array(M * h)
  const zc = new Float64Array(h)
  // The batch: z1 rows, each row's subset mask (TABLE) or coalition (DIRECT), tail values.
  const cap = Math.max(
    1,
    Math.min(Math.floor(ctx.chunkRows), BATCH_MAX_ROWS, Math.floor(BATCH_MAX_VALUES / h)),
  )
  const Z = new Float64Array(cap * h)
  const tb = new Int32Array(cap)
  const preds = new Float64Array(cap)
  // Pairs with rows in the batch, in pair order; only the last one may be unfinished.
  const maxPairs = Math.max(1, Math.min(4096, Math.floor(2 ** 20 / M)))
  const pR = new Int32Array(maxPairs)
  const pB = new Int32Array(maxPairs)
  const pF = new Int32Array(maxPairs)
  const pK = new Int32Array(maxPairs)
  const pMode = new Uint8Array(maxPairs)
  const pEnd = new Int32Array(maxPairs)
  const pFree = new Int32Array(maxPairs * M)
  let n = 0
  let np = 0
  let lastDone = true
  let nominal = 0
  // The current pair's generator: background row, free players, mode, position.
  let gB = 0
  let gK = 0
  let gF = 0
  let gMode = TABLE
  let gFinite = true
  let gStep = 0
  let gT = 0

  /**
   * z1 into Z[zo …] summed afresh: b1 + Σ_j (j takes x ? c_x[j] : c_b[j]), j taking x when
   * it is in T (mem = null) or a member of coalition row mo of mem. For pairs with non-finite
   * values, where adding and then subtracting a delta would not restore z1.
   */
  const fresh = (b: number, T: number, mem: Uint8Array | null, mo: number, zo: number): void => {
    const bias = fast.bias
    for (let u = 0; u < h; u++) Z[zo + u] = bias[u]!
    for (let j = 0; j < M; j++) {
      const takesX = mem ? mem[mo + j] === 1 : ((T >>> j) & 1) === 1
      const src = takesX ? cx : (cb ?? cbRow!)
      const so = takesX ? j * h : cb ? (b * M + j) * h : j * h
      for (let u = 0; u < h; u++) Z[zo + u] = Z[zo + u]! + src[so + u]!
    }
  }

  /** Adds the current pair's next z1 rows to the batch until it is full; true when done. */
  const generate = (): boolean => {
    if (gMode === TABLE && gFinite) {
      // Gray code over the free players: step g flips player free[ctz(g)]; ∅ and F skipped.
      const steps = 2 ** gK
      let g = gStep
      let T = gT
      while (g < steps && n < cap) {
        const t = 31 - Math.clz32(g & -g)
        const bit = 1 << free[t]!
        const d = t * h
        const zo = n * h
        if (T & bit) {
          for (let u = 0; u < h; u++) {
            const v = zc[u]! - dl[d + u]!
            zc[u] = v
            Z[zo + u] = v
          }
        } else {
          for (let u = 0; u < h; u++) {
            const v = zc[u]! + dl[d + u]!
            zc[u] = v
            Z[zo + u] = v
          }
        }
        T ^= bit
        g++
        if (T !== gF) tb[n++] = T
      }
      gStep = g
      gT = T
      return g >= steps
    }
    if (gMode === TABLE) {
      const last = 2 ** gK - 2
      let c = gStep
      while (c <= last && n < cap) {
        let T = 0
        for (let t = 0; t < gK; t++) if ((c >>> t) & 1) T |= 1 << free[t]!
        fresh(gB, T, null, 0, n * h)
        tb[n++] = T
        c++
      }
      gStep = c
      return c > last
    }
    // DIRECT: each listed coalition with some but not all free players, z1 from z1(b).
    const mem = member!
    let c = gStep
    while (c < nCoal && n < cap) {
      const mo = c * M
      const zo = n * h
      if (gFinite) for (let u = 0; u < h; u++) Z[zo + u] = zB[gB * h + u]!
      let cnt = 0
      for (let t = 0; t < gK; t++) {
        if (!mem[mo + free[t]!]) continue
        cnt++
        if (!gFinite) continue
        const d = t * h
        for (let u = 0; u < h; u++) Z[zo + u] = Z[zo + u]! + dl[d + u]!
      }
      if (cnt !== 0 && cnt !== gK) {
        if (!gFinite) fresh(gB, 0, mem, mo, zo)
        tb[n++] = c
      }
      c++
    }
    gStep = c
    return c >= nCoal
  }

  /**
   * An explained row's v(S) = Σ_{T ⊆ S} m(T) from its Möbius coefficients m (zeta transform,
   * M·2^(M−1) additions) into values[vo …]; m is then cleared for the next row.
   */
  const foldRow = (r: number): void => {
    const m = mob!
    const vo = r * nCoal
    for (let bit = 1; bit < full; bit <<= 1)
      for (let lo = 0; lo < full; lo += 2 * bit)
        for (let i = lo; i < lo + bit; i++) m[i + bit] = m[i + bit]! + m[i]!
    for (let S = 1; S < full - 1; S++) values[vo + S - 1] = m[S]!
    vFull[r] = m[full - 1]!
    m.fill(0)
  }

  /** v_r(S) += w_b · (value of S for pair p), its table or coalition values complete. */
  const fold = (p: number): void => {
    const r = pR[p]!
    const b = pB[p]!
    const F = pF[p]!
    const vo = r * nCoal
    const wb = wts[b]!
    const fb = fBackground[b]!
    const fr = fx[r]!
    if (pMode[p] === TABLE) {
      const t = tab!
      if (exact) {
        // S ↦ g(S ∩ F) has its Möbius coefficients on the subsets of F only: transform the
        // pair's table in place (k·2^(k−1) steps) and add them to the row's coefficients;
        // the row's v(S) follow from one zeta transform (foldRow) instead of 2^M steps a pair.
        t[0] = fb
        t[F] = fr
        const fo = p * M
        for (let i = 0; i < pK[p]!; i++) {
          const bit = 1 << pFree[fo + i]!
          const rest = F ^ bit
          for (let S = rest; ; S = (S - 1) & rest) {
            t[S | bit] = t[S | bit]! - t[S]!
            if (S === 0) break
          }
        }
        const m = mob!
        for (let T = F; ; T = (T - 1) & F) {
          m[T] = m[T]! + wb * t[T]!
          if (T === 0) break
        }
        if (b === K - 1) foldRow(r)
      } else {
        const ms = masks!
        for (let c = 0; c < nCoal; c++) {
          const T = ms[c]! & F
          const val = T === 0 ? fb : T === F ? fr : t[T]!
          values[vo + c] = values[vo + c]! + wb * val
        }
      }
      return
    }
    const mem = member!
    const vc = valc!
    const k = pK[p]!
    const fo = p * M
    for (let c = 0; c < nCoal; c++) {
      let cnt = 0
      for (let t = 0; t < k; t++) if (mem[c * M + pFree[fo + t]!]) cnt++
      const val = cnt === 0 ? fb : cnt === k ? fr : vc[c]!
      values[vo + c] = values[vo + c]! + wb * val
    }
  }

  /** Tail of the batch, then the finished pairs folded in order; the unfinished one carried. */
  const flush = async (): Promise<void> => {
    if (n > 0) await fast.tail(Z, n, preds)
    let q = 0
    for (let p = 0; p < np; p++) {
      const end = pEnd[p]!
      if (pMode[p] === TABLE) for (; q < end; q++) tab![tb[q]!] = preds[q]!
      else for (; q < end; q++) valc![tb[q]!] = preds[q]!
      if (p < np - 1 || lastDone) fold(p)
    }
    if (!lastDone) {
      const p = np - 1
      pR[0] = pR[p]!
      pB[0] = pB[p]!
      pF[0] = pF[p]!
      pK[0] = pK[p]!
      pMode[0] = pMode[p]!
      pFree.copyWithin(0, p * M, p * M + M)
      pEnd[0] = 0
      np = 1
    } else np = 0
    n = 0
    ctx.progress.add(nominal)
    nominal = 0
    await ctx.checkCancel?.()
  }

  for (let r = 0; r < R; r++) {
    const xo = r * w
    for (let j = 0; j < M; j++)
      fastBlockContribution(fast, X, xo, offsets[j]!, offsets[j + 1]!, cx, j * h)
    for (let b = 0; b < K; b++) {
      // Free players F (blocks that differ and move z1) and their deltas c_x[j] − c_b[j].
      const bo = b * w
      let k = 0
      let F = 0
      let check = 0
      for (let u = 0; u < h; u++) check += zB[b * h + u]!
      for (let j = 0; j < M; j++) {
        const s = offsets[j]!
        const e = offsets[j + 1]!
        let differ = false
        for (let i = s; i < e; i++) {
          if (X[xo + i] !== B[bo + i]) {
            differ = true
            break
          }
        }
        if (!differ) continue
        if (!cb) fastBlockContribution(fast, B, bo, s, e, cbRow!, j * h)
        const src = cb ?? cbRow!
        const so = cb ? (b * M + j) * h : j * h
        const d = k * h
        let moves = false
        for (let u = 0; u < h; u++) {
          const v = cx[j * h + u]! - src[so + u]!
          dl[d + u] = v
          check += v
          if (v !== 0) moves = true
        }
        // A block whose change leaves z1 exactly as it is (e.g. zero weights) is not free:
        // its player then gets exactly 0, as through the model itself.
        if (!moves) continue
        free[k++] = j
        if (j < 31) F |= 1 << j
      }
      // NaN or ±Infinity anywhere: sum each z1 afresh (the black box's NaN pattern).
      gFinite = Number.isFinite(check)
      if (!gFinite && !cb)
        for (let j = 0; j < M; j++)
          fastBlockContribution(fast, B, bo, offsets[j]!, offsets[j + 1]!, cbRow!, j * h)
      gB = b
      gK = k
      gF = F
      gMode = exact || (masks && 2 ** k - 2 <= nCoal) ? TABLE : DIRECT
      gStep = gMode === TABLE ? 1 : 0
      gT = 0
      for (let u = 0; u < h; u++) zc[u] = zB[b * h + u]!
      if (np === maxPairs) await flush()
      pR[np] = r
      pB[np] = b
      pF[np] = F
      pK[np] = k
      pMode[np] = gMode
      for (let t = 0; t < k; t++) pFree[np * M + t] = free[t]!
      np++
      lastDone = false
      for (;;) {
        const done = generate()
        pEnd[np - 1] = n
        if (done) break
        await flush()
      }
      lastDone = true
      nominal += nCoal
    }
  }
  await flush()
  return values
}
