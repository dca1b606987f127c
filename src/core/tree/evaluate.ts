/**
 * The tree evaluator: margins and class probabilities of a {@link TreeEnsemble} for a matrix of
 * encoded rows (docs/contracts.md §7). Inputs reach the trees as float32 (each float64 value is
 * rounded once, as XGBoost and onnxruntime do) unless the ensemble compares in float64; NaN
 * follows each node's missing branch. Margins accumulate in float64.
 *
 * Speed: rows are processed in blocks of {@link BLOCK} so that a block's inputs stay in cache
 * while every tree runs over it. Rows without NaN of shallow single-output trees compared in
 * float32 (XGBoost, most ONNX boosters) take the padded form (padded.ts), 8 rows side by side;
 * the others walk the flat form (flat.ts). Both are exact; they differ only in speed.
 */
import type { Matrix } from '../types.ts'
import { type FlatEnsemble, treeFlatten } from './flat.ts'
import { type PaddedEnsemble, treePadded } from './padded.ts'
import { LANES, noNaN, walkFlat, walkPadded } from './walk.ts'
import type { TreeEnsemble } from './types.ts'

/** Rows per block of the evaluation loop. */
const BLOCK = 256

const paddedCache = new WeakMap<FlatEnsemble, PaddedEnsemble | null>()

function paddedOf(flat: FlatEnsemble): PaddedEnsemble | null {
  if (!paddedCache.has(flat)) paddedCache.set(flat, treePadded(flat))
  return paddedCache.get(flat)!
}

/**
 * Margins of every output for every row: rows × nOutputs, row-major, float64. Margin of output o =
 * base[o] + the sum (SUM) or mean (AVERAGE) over trees of the reached leaf's value for o — the
 * score before the post-transform.
 * @throws RangeError when `x.cols` differs from `ens.nInputs`.
 * @example treeMargins(ens, matrix(Float32Array.of(0.5, 1), 1, 2)) // one row, ens.nOutputs values
 */
export function treeMargins(ens: TreeEnsemble, x: Matrix): Float64Array {
  if (x.cols !== ens.nInputs)
    throw new RangeError(`rows have ${x.cols} inputs, the trees read ${ens.nInputs}`)
  const flat = treeFlatten(ens)
  const k = ens.nOutputs
  const out = new Float64Array(x.rows * k)
  for (let r = 0; r < x.rows; r++) out.set(ens.base, r * k)
  // Float64 rows under float32 precision are rounded block by block into a scratch buffer
  // (Float32Array assignment rounds to nearest even, exactly Math.fround); otherwise the rows are
  // read in place (float32 values are exact in float64).
  const round = ens.thresholdPrecision === 'float32' && x.data instanceof Float64Array
  const scratch = round ? new Float32Array(Math.min(BLOCK, x.rows) * x.cols) : null
  const padded = ens.thresholdPrecision === 'float32' ? paddedOf(flat) : null
  for (let r0 = 0; r0 < x.rows; r0 += BLOCK) {
    const n = Math.min(BLOCK, x.rows - r0)
    let data = x.data
    let offset = r0 * x.cols
    if (scratch) {
      scratch.set(x.data.subarray(r0 * x.cols, (r0 + n) * x.cols))
      data = scratch
      offset = 0
    }
    if (!padded || !(data instanceof Float32Array)) {
      walkFlat(flat, data, offset, x.cols, n, out, r0 * k)
      continue
    }
    let r = 0
    for (; r + LANES <= n; r += LANES) {
      const at = offset + r * x.cols
      if (noNaN(data, at, LANES * x.cols))
        walkPadded(padded, data, at, x.cols, out, (r0 + r) * k, k)
      else walkFlat(flat, data, at, x.cols, LANES, out, (r0 + r) * k)
    }
    if (r < n) walkFlat(flat, data, offset + r * x.cols, x.cols, n - r, out, (r0 + r) * k)
  }
  return out
}

/** Logistic function 1/(1 + e^−m), computed without overflow for large |m|. */
export function sigmoid(m: number): number {
  return m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m))
}

/**
 * onnxruntime's PROBIT post-transform, √2·erfinv(2v − 1), with the same closed-form erfinv
 * approximation (Winitzki, a = 0.147) so that scores agree with onnxruntime's; NaN outside (0, 1).
 */
export function probit(v: number): number {
  const x = 2 * v - 1
  const sgn = x < 0 ? -1 : 1
  const ln = Math.log((1 - x) * (1 + x))
  const a = 2 / (Math.PI * 0.147) + 0.5 * ln
  return Math.SQRT2 * sgn * Math.sqrt(-a + Math.sqrt(a * a - ln / 0.147))
}

/**
 * Number of class probabilities per row: 2 for a binary ensemble (it scores class 1 only), else
 * nOutputs.
 */
export function treeClassCount(ens: TreeEnsemble): number {
  return ens.binary ? 2 : ens.nOutputs
}

/**
 * Class probabilities from margins (rows × nOutputs → rows × {@link treeClassCount}), by the
 * post-transform. Binary ensembles (one score s of class 1): NONE → [1 − s, s], LOGISTIC →
 * [σ(−m), σ(m)]; other post-transforms on one binary score are refused (RangeError). k outputs:
 * NONE as is, LOGISTIC σ per output, SOFTMAX, SOFTMAX_ZERO (outputs within ±1e-7 of 0 stay ~0,
 * as in onnxruntime), PROBIT per output. Values are not clipped to [0, 1]: callers check them.
 */
export function treeProbabilitiesFromMargins(
  ens: TreeEnsemble,
  margins: Float64Array,
): Float64Array {
  const k = ens.nOutputs
  const rows = margins.length / k
  const c = treeClassCount(ens)
  const out = new Float64Array(rows * c)
  const pt = ens.postTransform
  if (ens.binary) {
    if (pt !== 'NONE' && pt !== 'LOGISTIC')
      throw new RangeError(
        `a binary tree ensemble with one score and post-transform ${pt}: Glassbox reads NONE and LOGISTIC there`,
      )
    for (let r = 0; r < rows; r++) {
      const m = margins[r]!
      out[2 * r] = pt === 'NONE' ? 1 - m : sigmoid(-m)
      out[2 * r + 1] = pt === 'NONE' ? m : sigmoid(m)
    }
    return out
  }
  for (let r = 0; r < rows; r++) {
    const o = r * k
    if (pt === 'SOFTMAX' || pt === 'SOFTMAX_ZERO') {
      let max = -Infinity
      for (let j = 0; j < k; j++) max = Math.max(max, margins[o + j]!)
      let sum = 0
      for (let j = 0; j < k; j++) {
        const m = margins[o + j]!
        const e =
          pt === 'SOFTMAX_ZERO' && Math.abs(m) <= 1e-7 ? m * Math.exp(-max) : Math.exp(m - max)
        out[o + j] = e
        // onnxruntime leaves the (near-)zero outputs out of the normalising sum.
        if (!(pt === 'SOFTMAX_ZERO' && Math.abs(m) <= 1e-7)) sum += e
      }
      for (let j = 0; j < k; j++) out[o + j] = out[o + j]! / sum
    } else
      for (let j = 0; j < k; j++) {
        const m = margins[o + j]!
        out[o + j] = pt === 'LOGISTIC' ? sigmoid(m) : pt === 'PROBIT' ? probit(m) : m
      }
  }
  return out
}

/** Class probabilities of every row: {@link treeMargins} then {@link treeProbabilitiesFromMargins}. */
export function treeProbabilities(ens: TreeEnsemble, x: Matrix): Float64Array {
  return treeProbabilitiesFromMargins(ens, treeMargins(ens, x))
}

/**
 * Probability of class `classIndex` for every row (float32, the core's `PredictFn` currency).
 * @throws RangeError when `classIndex` is not a class of the ensemble.
 */
export function treeClassProbability(
  ens: TreeEnsemble,
  x: Matrix,
  classIndex: number,
): Float32Array {
  const c = treeClassCount(ens)
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= c)
    throw new RangeError(`class ${classIndex} is not one of the model's ${c} classes (0–${c - 1})`)
  const p = treeProbabilities(ens, x)
  const out = new Float32Array(x.rows)
  for (let r = 0; r < x.rows; r++) out[r] = p[r * c + classIndex]!
  return out
}
