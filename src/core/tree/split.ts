/**
 * Float steps for rewriting splits exactly (flat.ts): v ≤ t ⇔ v < next(t) for inputs of the
 * ensemble's precision. The split rule itself is `splitGoesYes` in paths.ts.
 */
import type { TreeEnsemble } from './types.ts'

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
