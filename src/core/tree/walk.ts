/**
 * The evaluator's inner loops (evaluate.ts): the walk of the flat form for any rows, and the walk
 * of the padded form for 8 rows side by side (padded.ts). Hot code: typed arrays only, the 8 rows
 * written out by hand (a loop over lanes held in an array was measured 2× slower in V8).
 */
import type { FlatEnsemble } from './flat.ts'
import { type PaddedEnsemble, float32Key } from './padded.ts'

/** Rows walked side by side by {@link walkPadded}. */
export const LANES = 8

/**
 * Adds every tree's leaf values for rows `xOff / cols` … + n of `x` to `out` (rows × nOutputs from
 * `outOff`), walking the flat form: `v < thr` → lt, NaN → miss, else ge.
 */
export function walkFlat(
  flat: FlatEnsemble,
  x: Float32Array | Float64Array,
  xOff: number,
  cols: number,
  n: number,
  out: Float64Array,
  outOff: number,
): void {
  const { feature, thr, lt, ge, miss, roots, treeOutput, leafScalar, leafValue } = flat
  const k = flat.nOutputs
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!
    const o = treeOutput[t]!
    for (let r = 0; r < n; r++) {
      let v = root
      const base = xOff + r * cols
      while (v >= 0) {
        const xv = x[base + feature[v]!]!
        v = xv < thr[v]! ? lt[v]! : xv === xv ? ge[v]! : miss[v]!
      }
      const leaf = ~v
      const at = outOff + r * k
      if (o >= 0) out[at + o] = out[at + o]! + leafScalar[leaf]!
      else for (let j = 0; j < k; j++) out[at + j] = out[at + j]! + leafValue[leaf * k + j]!
    }
  }
}

/**
 * Keys (padded.ts) of `n` float32 values given as their bits, from `bits[at]`, into `keys`; false
 * (and keys unfinished) when one of them is NaN.
 */
export function rowKeys(bits: Int32Array, at: number, n: number, keys: Int32Array): boolean {
  for (let i = 0; i < n; i++) {
    const b = bits[at + i]!
    if ((b & 0x7fffffff) > 0x7f800000) return false
    keys[i] = float32Key(b)
  }
  return true
}

/**
 * Adds every tree's leaf value for {@link LANES} rows, given by their keys (rows of `cols`), to
 * `out` from `outOff` (rows × k). Each step is `x < t ⇔ key(x) < key(t)` as a branch-free signed
 * comparison of int32 (Hacker's Delight 2-12: the sign of (a − b) ^ ((a ^ b) & ((a − b) ^ a))).
 */
export function walkPadded(
  p: PaddedEnsemble,
  keys: Int32Array,
  cols: number,
  out: Float64Array,
  outOff: number,
  k: number,
): void {
  const { rec, roots, depths, treeOutput, leafValue } = p
  const c1 = cols
  const c2 = 2 * cols
  const c3 = 3 * cols
  const c4 = 4 * cols
  const c5 = 5 * cols
  const c6 = 6 * cols
  const c7 = 7 * cols
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let s4 = 0
  let s5 = 0
  let s6 = 0
  let s7 = 0
  for (let t = 0; t < roots.length; t++) {
    let v0 = roots[t]!
    let v1 = v0
    let v2 = v0
    let v3 = v0
    let v4 = v0
    let v5 = v0
    let v6 = v0
    let v7 = v0
    let o = 0
    let kx = 0
    let kt = 0
    let df = 0
    for (let d = depths[t]!; d > 0; d--) {
      o = v0 << 2
      kx = keys[rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v0 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v1 << 2
      kx = keys[c1 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v1 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v2 << 2
      kx = keys[c2 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v2 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v3 << 2
      kx = keys[c3 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v3 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v4 << 2
      kx = keys[c4 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v4 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v5 << 2
      kx = keys[c5 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v5 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v6 << 2
      kx = keys[c6 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v6 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
      o = v7 << 2
      kx = keys[c7 + rec[o]!]!
      kt = rec[o + 3]!
      df = (kx - kt) | 0
      v7 = rec[o + 2 - ((df ^ ((kx ^ kt) & (df ^ kx))) >>> 31)]!
    }
    if (k === 1) {
      s0 += leafValue[~v0]!
      s1 += leafValue[~v1]!
      s2 += leafValue[~v2]!
      s3 += leafValue[~v3]!
      s4 += leafValue[~v4]!
      s5 += leafValue[~v5]!
      s6 += leafValue[~v6]!
      s7 += leafValue[~v7]!
    } else {
      const at = outOff + treeOutput[t]!
      out[at] = out[at]! + leafValue[~v0]!
      out[at + k] = out[at + k]! + leafValue[~v1]!
      out[at + 2 * k] = out[at + 2 * k]! + leafValue[~v2]!
      out[at + 3 * k] = out[at + 3 * k]! + leafValue[~v3]!
      out[at + 4 * k] = out[at + 4 * k]! + leafValue[~v4]!
      out[at + 5 * k] = out[at + 5 * k]! + leafValue[~v5]!
      out[at + 6 * k] = out[at + 6 * k]! + leafValue[~v6]!
      out[at + 7 * k] = out[at + 7 * k]! + leafValue[~v7]!
    }
  }
  if (k === 1) {
    out[outOff] = out[outOff]! + s0
    out[outOff + 1] = out[outOff + 1]! + s1
    out[outOff + 2] = out[outOff + 2]! + s2
    out[outOff + 3] = out[outOff + 3]! + s3
    out[outOff + 4] = out[outOff + 4]! + s4
    out[outOff + 5] = out[outOff + 5]! + s5
    out[outOff + 6] = out[outOff + 6]! + s6
    out[outOff + 7] = out[outOff + 7]! + s7
  }
}
