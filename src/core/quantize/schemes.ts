/**
 * Weight quantization schemes (docs/contracts.md §2), as pure functions on named float32 weight
 * tensors. Every scheme returns the dequantized float32 weights (what a runtime computes with)
 * together with what it would store (codes and scales), so that size and accuracy are measured
 * on the same numbers.
 *
 * Layout: a tensor of rank ≥ 2 is a kernel; its last axis is the output channel, and the
 * product of the other axes are its inputs (a Dense kernel is [in, out], row-major, so weight
 * (i, o) sits at i·out + o). A tensor of rank < 2 is a bias (or another vector) and keeps its
 * float32 values in `int8`, `int4`, `prune*` and `int8act`. `float16` and `uint8` reproduce the
 * TensorFlow.js converter, which quantizes every tensor, biases included; the golden fixture's
 * converter outputs do so and its predictions depend on it.
 *
 * Rounding is half to even everywhere (numpy's `round`), computed in float64 from the float32
 * weights; scales of the int schemes are stored as float32 and dequantized weights are the
 * float32 rounding of code × scale (+ min).
 */
import {
  INT4_GROUP_SIZE,
  prune,
  pruneCount,
  quantizeFloat16,
  quantizeInt4,
  quantizeInt8,
  quantizeUint8,
} from './codecs.ts'
import {
  type WeightTensor,
  tensorChannels,
  tensorIsKernel,
  tensorSize,
  tensorWithData,
} from './tensor.ts'

export * from './codecs.ts'
export {
  type WeightTensor,
  roundHalfEven,
  tensorChannels,
  tensorIsKernel,
  tensorSize,
} from './tensor.ts'

/** The scheme ids of the UI, the CLI and the report, in display order. */
export const QUANT_SCHEME_IDS = [
  'float16',
  'uint8',
  'int8',
  'int4',
  'prune50',
  'prune80',
  'int8act',
] as const

/** One of {@link QUANT_SCHEME_IDS}. */
export type QuantSchemeId = (typeof QUANT_SCHEME_IDS)[number]

/** Packed-size options: the int4 group size and, for int8act, the activation ranges stored. */
export type PackedBytesOptions = { groupSize?: number; activationRanges?: number }

/**
 * Packed size in bytes of the weights under a scheme, scales included (docs/contracts.md §2
 * "Bytes"); it depends on the shapes only. Per tensor of n values (kernels: rank ≥ 2, C output
 * channels, n/C inputs; the other tensors are biases):
 * - `float32`: 4n for every tensor (the reference size).
 * - `float16`: 2n for every tensor (biases too, as the converter stores them).
 * - `uint8`: n + 8 for every tensor (one byte per value; scale and min as two float32).
 * - `int8`: kernels n + 4C (a float32 scale per output channel); biases 4n.
 * - `int4`: kernels ceil(n/2) (two codes per byte) + 4 · C · ceil((n/C)/groupSize); biases 4n.
 * - `prune50`/`prune80`: kernels 4 · (n − floor(f·n)) surviving float32 values + ceil(n/8)
 *   bytes of bitmask (one bit per weight, 1 = kept); biases 4n.
 * - `int8act`: as `int8`, plus 8 bytes (float32 scale and zero point) per activation range,
 *   `activationRanges` of them (default: one per kernel, i.e. per layer).
 * @example packedBytes('uint8', goldenTensors) // 1617 = 1569 codes + 6 × 8
 */
export function packedBytes(
  scheme: QuantSchemeId | 'float32',
  tensors: readonly Pick<WeightTensor, 'shape'>[],
  options: PackedBytesOptions = {},
): number {
  const groupSize = options.groupSize ?? INT4_GROUP_SIZE
  let total = 0
  for (const t of tensors) {
    const n = tensorSize(t)
    const kernel = tensorIsKernel(t)
    const C = tensorChannels(t)
    switch (scheme) {
      case 'float32':
        total += 4 * n
        break
      case 'float16':
        total += 2 * n
        break
      case 'uint8':
        total += n + 8
        break
      case 'int8':
      case 'int8act':
        total += kernel ? n + 4 * C : 4 * n
        break
      case 'int4':
        total += kernel
          ? Math.ceil(n / 2) + 4 * C * Math.ceil((C === 0 ? 0 : n / C) / groupSize)
          : 4 * n
        break
      case 'prune50':
      case 'prune80': {
        const f = scheme === 'prune50' ? 0.5 : 0.8
        total += kernel ? 4 * (n - pruneCount(n, f)) + Math.ceil(n / 8) : 4 * n
        break
      }
    }
  }
  if (scheme === 'int8act') {
    const ranges = options.activationRanges ?? tensors.filter(tensorIsKernel).length
    total += 8 * ranges
  }
  return total
}

/** The converter-native form of a `float16` or `uint8` variant, one entry per tensor. */
export type NativeWeights =
  | { dtype: 'float16'; tensors: { name: string; bits: Uint16Array }[] }
  | { dtype: 'uint8'; tensors: { name: string; q: Uint8Array; scale: number; min: number }[] }

/** A quantized variant: dequantized float32 weights (same names, shapes, order) and its size. */
export type QuantizedVariant = {
  id: QuantSchemeId
  tensors: WeightTensor[]
  /** Packed bytes, scales included; see {@link packedBytes}. */
  bytes: number
  /** Present for `float16` and `uint8`: what a native tfjs quantized manifest stores. */
  native?: NativeWeights
}

/** Options of {@link quantizeVariant}. */
export type QuantizeVariantOptions = PackedBytesOptions

/**
 * Applies scheme `id` to a model's weight tensors. `int8act` quantizes the weights like `int8`
 * (its activations are quantized at run time, see `activations.ts`); its bytes add the
 * activation ranges.
 * @throws RangeError on an unknown id or a tensor whose values do not match its shape.
 * @example quantizeVariant('uint8', tensors).native // codes, scale and min per tensor
 */
export function quantizeVariant(
  id: QuantSchemeId,
  tensors: readonly WeightTensor[],
  options: QuantizeVariantOptions = {},
): QuantizedVariant {
  const bytes = packedBytes(id, tensors, options)
  const kernelsOnly = (fn: (t: WeightTensor) => WeightTensor): WeightTensor[] =>
    tensors.map((t) => (tensorIsKernel(t) ? fn(t) : tensorWithData(t, Float32Array.from(t.data))))
  switch (id) {
    case 'float16': {
      const qs = tensors.map(quantizeFloat16)
      return {
        id,
        bytes,
        tensors: qs.map((r) => r.tensor),
        native: {
          dtype: 'float16',
          tensors: qs.map((r) => ({ name: r.tensor.name, bits: r.bits })),
        },
      }
    }
    case 'uint8': {
      const qs = tensors.map(quantizeUint8)
      return {
        id,
        bytes,
        tensors: qs.map((r) => r.tensor),
        native: {
          dtype: 'uint8',
          tensors: qs.map((r) => ({ name: r.tensor.name, q: r.q, scale: r.scale, min: r.min })),
        },
      }
    }
    case 'int8':
    case 'int8act':
      return { id, bytes, tensors: kernelsOnly((t) => quantizeInt8(t).tensor) }
    case 'int4':
      return { id, bytes, tensors: kernelsOnly((t) => quantizeInt4(t, options.groupSize).tensor) }
    case 'prune50':
    case 'prune80': {
      const f = id === 'prune50' ? 0.5 : 0.8
      return { id, bytes, tensors: kernelsOnly((t) => prune(t, f).tensor) }
    }
    default:
      throw new RangeError(`unknown quantization scheme "${String(id)}"`)
  }
}
