/**
 * The split rule of one branch node, shared by the evaluator's compiler and TreeSHAP so that both
 * send an input down the same branch (docs/contracts.md §7): the input is rounded once to float32
 * (unless the ensemble compares in float64), NaN follows the node's missing branch, and otherwise
 * the node's {@link SplitMode} compares it with the threshold.
 */
import { SplitMode, type TreeEnsemble } from './types.ts'

/**
 * The value a tree compares for input `x`: `Math.fround(x)` (float32 precision, the default) or
 * `x` itself (float64 precision). NaN stays NaN.
 */
export function splitInput(x: number, precision: TreeEnsemble['thresholdPrecision']): number {
  return precision === 'float32' ? Math.fround(x) : x
}

/**
 * True when input value `v` (already rounded by {@link splitInput}) goes to the `yes` child of a
 * node with this mode, threshold and missing rule. NaN goes where `missingYes` says.
 * @example splitGoesYes(SplitMode.Lt, 0.5, 1, 0) // → true (0.5 < 1)
 */
export function splitGoesYes(mode: number, v: number, t: number, missingYes: number): boolean {
  if (v !== v) return missingYes === 1
  switch (mode) {
    case SplitMode.Leq:
      return v <= t
    case SplitMode.Lt:
      return v < t
    case SplitMode.Gte:
      return v >= t
    case SplitMode.Gt:
      return v > t
    case SplitMode.Eq:
      return v === t
    default:
      return v !== t
  }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
const f64 = new Float64Array(1)
const u64 = new BigUint64Array(f64.buffer)

/**
 * The smallest number of the given precision above `t` (float32: the next float32; float64: the
 * next double), so that for inputs of that precision `v ≤ t ⇔ v < next(t)`. `t` must be finite
 * and, in float32 precision, a float32 value. −0 and +0 both step to the smallest positive
 * subnormal.
 */
export function splitNextUp(t: number, precision: TreeEnsemble['thresholdPrecision']): number {
  if (t === 0) return precision === 'float32' ? 2 ** -149 : Number.MIN_VALUE
  if (precision === 'float32') {
    f32[0] = t
    u32[0] = t > 0 ? u32[0]! + 1 : u32[0]! - 1
    return f32[0]!
  }
  f64[0] = t
  u64[0] = t > 0 ? u64[0]! + 1n : u64[0]! - 1n
  return f64[0]!
}
