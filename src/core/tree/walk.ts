/**
 * The evaluator's inner loops (evaluate.ts): the walk of the flat form for any rows, and the walk
 * of the padded form for 8 rows side by side (padded.ts). Hot code: typed arrays only, the 8 rows
 * written out by hand (a loop over lanes held in an array was measured 2× slower in V8), and
 * `Number(x < t)` as the step (compiled without a branch; a ternary was measured 1.6× slower).
 */
import type { FlatEnsemble } from './flat.ts'
import type { PaddedEnsemble } from './padded.ts'

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

/** True when none of x[at … at + n − 1] is NaN. */
export function noNaN(x: Float32Array, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) if (x[i]! !== x[i]!) return false
  return true
}

/**
 * Adds every tree's leaf value for {@link LANES} NaN-free rows of `x` (float32, `cols` values
 * each, from `xOff`) to `out` from `outOff` (rows × k), walking the padded form.
 */
export function walkPadded(
  p: PaddedEnsemble,
  x: Float32Array,
  xOff: number,
  cols: number,
  out: Float64Array,
  outOff: number,
  k: number,
): void {
  const { feature, thr, nodeStart, leafStart, depths, treeOutput, leafValue } = p
  const b1 = xOff + 1 * cols
  const b2 = xOff + 2 * cols
  const b3 = xOff + 3 * cols
  const b4 = xOff + 4 * cols
  const b5 = xOff + 5 * cols
  const b6 = xOff + 6 * cols
  const b7 = xOff + 7 * cols
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let s4 = 0
  let s5 = 0
  let s6 = 0
  let s7 = 0
  for (let t = 0; t < depths.length; t++) {
    const n0 = nodeStart[t]!
    let i0 = 0
    let i1 = 0
    let i2 = 0
    let i3 = 0
    let i4 = 0
    let i5 = 0
    let i6 = 0
    let i7 = 0
    for (let d = depths[t]!; d > 0; d--) {
      i0 = 2 * i0 + 2 - Number(x[xOff + feature[n0 + i0]!]! < thr[n0 + i0]!)
      i1 = 2 * i1 + 2 - Number(x[b1 + feature[n0 + i1]!]! < thr[n0 + i1]!)
      i2 = 2 * i2 + 2 - Number(x[b2 + feature[n0 + i2]!]! < thr[n0 + i2]!)
      i3 = 2 * i3 + 2 - Number(x[b3 + feature[n0 + i3]!]! < thr[n0 + i3]!)
      i4 = 2 * i4 + 2 - Number(x[b4 + feature[n0 + i4]!]! < thr[n0 + i4]!)
      i5 = 2 * i5 + 2 - Number(x[b5 + feature[n0 + i5]!]! < thr[n0 + i5]!)
      i6 = 2 * i6 + 2 - Number(x[b6 + feature[n0 + i6]!]! < thr[n0 + i6]!)
      i7 = 2 * i7 + 2 - Number(x[b7 + feature[n0 + i7]!]! < thr[n0 + i7]!)
    }
    // Heap position i of a leaf is (2^depth − 1) + j: leafStart − (2^depth − 1) + i.
    const l0 = leafStart[t]! - nodeStart[t + 1]! + n0
    if (k === 1) {
      s0 += leafValue[l0 + i0]!
      s1 += leafValue[l0 + i1]!
      s2 += leafValue[l0 + i2]!
      s3 += leafValue[l0 + i3]!
      s4 += leafValue[l0 + i4]!
      s5 += leafValue[l0 + i5]!
      s6 += leafValue[l0 + i6]!
      s7 += leafValue[l0 + i7]!
    } else {
      const at = outOff + treeOutput[t]!
      out[at] = out[at]! + leafValue[l0 + i0]!
      out[at + k] = out[at + k]! + leafValue[l0 + i1]!
      out[at + 2 * k] = out[at + 2 * k]! + leafValue[l0 + i2]!
      out[at + 3 * k] = out[at + 3 * k]! + leafValue[l0 + i3]!
      out[at + 4 * k] = out[at + 4 * k]! + leafValue[l0 + i4]!
      out[at + 5 * k] = out[at + 5 * k]! + leafValue[l0 + i5]!
      out[at + 6 * k] = out[at + 6 * k]! + leafValue[l0 + i6]!
      out[at + 7 * k] = out[at + 7 * k]! + leafValue[l0 + i7]!
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
