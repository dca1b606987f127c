/**
 * The per-tensor quantizers of docs/contracts.md §2: IEEE half, the converter's affine uint8,
 * symmetric int8 per output channel, symmetric int4 in groups, and magnitude pruning. Each returns
 * the dequantized float32 tensor together with what it would store (codes and scales). Rounding
 * is half to even, computed in float64 from the float32 weights; scales of the int schemes are
 * stored as float32 and dequantized weights are the float32 rounding of code × scale (+ min).
 */
import { float16Bits, float16FromBits } from './float16.ts'
import {
  type WeightTensor,
  roundHalfEven,
  tensorChannels,
  tensorCheck,
  tensorSize,
  tensorWithData,
} from './tensor.ts'

/** Default int4 group: 32 consecutive inputs of one output channel share a scale. */
export const INT4_GROUP_SIZE = 32

/** A tensor rounded to IEEE half, with the half bit patterns the converter would store. */
export type Float16Tensor = { tensor: WeightTensor; bits: Uint16Array }

/**
 * IEEE half, round to nearest even (see `float16.ts` for subnormals, overflow to ±Infinity and
 * signed zeros). Bit-exact with `tfjs-converter --quantize_float16` followed by tfjs's decoder.
 * @example quantizeFloat16(t).tensor.data // each value the nearest half
 */
export function quantizeFloat16(t: WeightTensor): Float16Tensor {
  if (t.data.length !== tensorSize(t))
    throw new RangeError(`float16 quantization: ${t.name} has ${t.data.length} values`)
  const bits = new Uint16Array(t.data.length)
  const out = new Float32Array(t.data.length)
  for (let i = 0; i < bits.length; i++) {
    bits[i] = float16Bits(t.data[i]!)
    out[i] = float16FromBits(bits[i]!)
  }
  return { tensor: tensorWithData(t, out), bits }
}

/** A tensor in the converter's uint8 format: w′ = float32(q · scale + min). */
export type Uint8Tensor = { tensor: WeightTensor; q: Uint8Array; scale: number; min: number }

/**
 * Per-tensor affine uint8, exactly `tfjs-converter --quantize_uint8`: scale = (max − min)/255
 * in float64; when min ≤ 0 ≤ max the range is nudged so 0 is a code: zp = round(−min/scale),
 * min′ = −zp · scale; q = round((clip(w, min′, min′ + 255·scale) − min′)/scale), half to even.
 * A constant tensor stores q = 0, scale = 1, min = its value. tfjs dequantizes in float64 and
 * rounds to float32, as done here, so `tensor` equals what `tf.loadLayersModel` decodes.
 * @example quantizeUint8(t) // { q, scale, min } for a manifest entry's `quantization`
 */
export function quantizeUint8(t: WeightTensor): Uint8Tensor {
  tensorCheck('quantizeUint8', t)
  const d = t.data
  const n = d.length
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, d[i]!)
    hi = Math.max(hi, d[i]!)
  }
  const q = new Uint8Array(n)
  const out = new Float32Array(n)
  if (n === 0 || lo === hi) {
    const min = n === 0 ? 0 : lo
    out.fill(min)
    return { tensor: tensorWithData(t, out), q, scale: 1, min }
  }
  const scale = (hi - lo) / 255
  let min = lo
  let max = hi
  if (lo <= 0 && 0 <= hi) {
    const zp = roundHalfEven((0 - lo) / scale)
    min = -zp * scale
    max = 255 * scale + min
  }
  for (let i = 0; i < n; i++) {
    const c = Math.min(max, Math.max(min, d[i]!))
    const v = roundHalfEven((c - min) / scale)
    q[i] = v
    out[i] = v * scale + min
  }
  return { tensor: tensorWithData(t, out), q, scale, min }
}

/** Symmetric int8 codes (in [−127, 127]) with one float32 scale per output channel. */
export type Int8Tensor = { tensor: WeightTensor; q: Int8Array; scales: Float32Array }

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/**
 * float32(max / levels), or 0 for an all-zero block (whose codes are then all 0). A subnormal
 * float32 scale is coarse and may round below max/(levels + ½), which would clip the largest
 * weight by more than half a step; it is then raised to the next float32 (at most twice).
 */
function symmetricScale(maxAbs: number, levels: number): number {
  let s = Math.fround(maxAbs / levels)
  while (maxAbs > 0 && !(maxAbs / s <= levels + 0.5)) {
    f32[0] = s
    u32[0] = u32[0]! + 1
    s = f32[0]
  }
  return s
}

const symmetricCode = (w: number, scale: number, levels: number): number =>
  scale === 0 ? 0 : Math.max(-levels, Math.min(levels, roundHalfEven(w / scale)))

/**
 * Symmetric per output channel: scale_c = float32(max_i |w_ic| / 127), q = round(w / scale)
 * half to even, clipped to ±127, w′ = float32(q · scale_c). An all-zero channel has scale 0.
 * A tensor of rank < 2 is one channel.
 * @example quantizeInt8(kernel).scales // one per column of a Dense kernel
 */
export function quantizeInt8(t: WeightTensor): Int8Tensor {
  tensorCheck('quantizeInt8', t)
  const d = t.data
  const C = tensorChannels(t)
  const rows = C === 0 ? 0 : d.length / C
  const scales = new Float32Array(C)
  for (let c = 0; c < C; c++) {
    let m = 0
    for (let i = 0; i < rows; i++) m = Math.max(m, Math.abs(d[i * C + c]!))
    scales[c] = symmetricScale(m, 127)
  }
  const q = new Int8Array(d.length)
  const out = new Float32Array(d.length)
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < C; c++) {
      const k = i * C + c
      q[k] = symmetricCode(d[k]!, scales[c]!, 127)
      out[k] = q[k]! * scales[c]!
    }
  }
  return { tensor: tensorWithData(t, out), q, scales }
}

/**
 * Symmetric int4 codes (in [−7, 7]) with one float32 scale per group; `scales[c · groups + g]`
 * belongs to inputs g·groupSize … (g+1)·groupSize − 1 of output channel c.
 */
export type Int4Tensor = {
  tensor: WeightTensor
  q: Int8Array
  scales: Float32Array
  groupSize: number
  /** Groups per output channel: ceil(inputs / groupSize); the last one may be partial. */
  groups: number
}

/**
 * Symmetric int4 in groups of `groupSize` (default 32) consecutive inputs of one output channel:
 * scale = float32(max |w| of the group / 7), q = round(w / scale) half to even, clipped to ±7,
 * w′ = float32(q · scale). When the input count is not a multiple of the group size the last
 * group is smaller. A tensor of rank < 2 is one channel.
 * @example quantizeInt4(kernel88x16).groups // 3 (32 + 32 + 24 inputs)
 */
export function quantizeInt4(t: WeightTensor, groupSize = INT4_GROUP_SIZE): Int4Tensor {
  tensorCheck('quantizeInt4', t)
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new RangeError(
      `int4 quantization: group size must be a positive integer, got ${groupSize}`,
    )
  const d = t.data
  const C = tensorChannels(t)
  const rows = C === 0 ? 0 : d.length / C
  const groups = Math.ceil(rows / groupSize)
  const scales = new Float32Array(C * groups)
  const q = new Int8Array(d.length)
  const out = new Float32Array(d.length)
  for (let c = 0; c < C; c++) {
    for (let g = 0; g < groups; g++) {
      const i0 = g * groupSize
      const i1 = Math.min(rows, i0 + groupSize)
      let m = 0
      for (let i = i0; i < i1; i++) m = Math.max(m, Math.abs(d[i * C + c]!))
      const s = symmetricScale(m, 7)
      scales[c * groups + g] = s
      for (let i = i0; i < i1; i++) {
        const k = i * C + c
        q[k] = symmetricCode(d[k]!, s, 7)
        out[k] = q[k]! * s
      }
    }
  }
  return { tensor: tensorWithData(t, out), q, scales, groupSize, groups }
}

/** A magnitude-pruned tensor: `kept[i]` = 1 where the weight survives. */
export type PrunedTensor = { tensor: WeightTensor; kept: Uint8Array; pruned: number }

/** Weights a prune of `fraction` zeroes in a tensor of `n` values: floor(fraction · n). */
export function pruneCount(n: number, fraction: number): number {
  return Math.floor(fraction * n + 1e-9)
}

/**
 * Magnitude pruning: zeroes the floor(fraction · n) weights of smallest |w| (weights already 0
 * count among them). Ties in |w| are broken by position: the earlier (row-major) weight is
 * pruned first, so the result is deterministic. Survivors keep their float32 values.
 * @throws RangeError when `fraction` is outside [0, 1].
 * @example prune(kernel, 0.5).pruned // half the weights (rounded down)
 */
export function prune(t: WeightTensor, fraction: number): PrunedTensor {
  tensorCheck('prune', t)
  if (!(fraction >= 0 && fraction <= 1))
    throw new RangeError(`the pruned fraction must be in [0, 1], got ${fraction}`)
  const d = t.data
  const n = d.length
  const k = pruneCount(n, fraction)
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => Math.abs(d[a]!) - Math.abs(d[b]!) || a - b)
  const kept = new Uint8Array(n).fill(1)
  for (let j = 0; j < k; j++) kept[order[j]!] = 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = kept[i] ? d[i]! : 0
  return { tensor: tensorWithData(t, out), kept, pruned: k }
}
