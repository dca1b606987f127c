/**
 * `int8act`: int8 weights plus int8 activations, simulated ("fake-quantized") on the float64
 * dense network of `mlp.ts`. After each layer's activation function, the layer's output is
 * rounded to one of 256 levels of a per-layer range measured on a calibration sample, then the
 * next layer computes with the dequantized values, as an int8 runtime would.
 *
 * Ranges: the min and max of each layer's output over the calibration rows, widened to contain
 * 0 (a ReLU output has min 0 anyway). `asymmetric` (default) is the uint8-style affine grid of
 * the converter: scale = (max − min)/255 and the range nudged so 0 is exact; `symmetric` uses
 * scale = max(|min|, |max|)/127 and codes in [−127, 127]. Values outside the range are clipped:
 * that is why a small calibration sample costs accuracy. The last layer's output (the
 * probability the dashboard compares) is left unquantized unless `quantizeOutput` is set.
 *
 * The forward pass chains one-layer `mlp.ts` networks so the arithmetic is the project's single
 * dense implementation; with no hook it equals `mlpProbability` bit for bit.
 */
import { type Mlp, mlpCreate, mlpForward } from '../mlp.ts'
import { type Matrix, type PredictFn, matrix } from '../types.ts'
import {
  type QuantizedVariant,
  type WeightTensor,
  quantizeVariant,
  roundHalfEven,
} from './schemes.ts'

/** Observed output range of one layer (after its activation function) on a calibration sample. */
export type ActivationRange = { min: number; max: number }

/** How activations are mapped to 8-bit codes. */
export type ActivationMode = 'asymmetric' | 'symmetric'

/** The grid of one layer: v′ = code · scale + min, code in [lo, hi]. */
export type ActivationGrid = { scale: number; min: number; lo: number; hi: number }

/** Called with layer `l`'s outputs (rows × units, row-major, float64) before the next layer. */
export type ActivationHook = (layer: number, out: Float64Array, units: number) => void

const single = new WeakMap<Mlp, Mlp[]>()

/** The network as one-layer networks (cached per network; their kernels are copies). */
function layerNets(mlp: Mlp): Mlp[] {
  let nets = single.get(mlp)
  if (!nets) {
    nets = mlp.layers.map((l) => mlpCreate([{ ...l }], 0))
    single.set(mlp, nets)
  }
  return nets
}

/**
 * f(x) for every row, calling `hook` on each layer's outputs in place (rows × units) before
 * they feed the next layer; the last call sees the network's outputs, and f = output
 * `mlp.classIndex` after it.
 * @example mlpForwardHooked(mlp, x, (l, a) => console.log(l, Math.max(...a)))
 */
export function mlpForwardHooked(mlp: Mlp, x: Matrix, hook: ActivationHook): Float64Array {
  if (x.cols !== mlp.inputs)
    throw new RangeError(
      `the Dense network: input has ${x.cols} columns, the model expects ${mlp.inputs}`,
    )
  let a: Matrix = x
  layerNets(mlp).forEach((net, l) => {
    const out = mlpForward(net, a)
    hook(l, out.data as Float64Array, net.outputs)
    a = out
  })
  const out = new Float64Array(x.rows)
  for (let r = 0; r < x.rows; r++) out[r] = a.data[r * mlp.outputs + mlp.classIndex]!
  return out
}

/**
 * Per-layer output ranges of `mlp` on `sample` (rows of encoded inputs), one per layer, each
 * widened to include 0.
 * @returns ranges of [0, 0] for an empty sample.
 * @example activationRanges(mlp, calibrationRows)[0] // { min: 0, max: 7.3 } for a ReLU layer
 */
export function activationRanges(mlp: Mlp, sample: Matrix): ActivationRange[] {
  const ranges = mlp.layers.map(() => ({ min: 0, max: 0 }))
  mlpForwardHooked(mlp, sample, (l, a) => {
    const r = ranges[l]!
    for (let i = 0; i < a.length; i++) {
      if (a[i]! < r.min) r.min = a[i]!
      if (a[i]! > r.max) r.max = a[i]!
    }
  })
  return ranges
}

/**
 * The 8-bit grid of a range (widened to include 0). Asymmetric: scale = (max − min)/255,
 * zero point zp = round(−min/scale), min′ = −zp·scale, codes 0…255 (0 maps exactly to zp).
 * Symmetric: scale = max(|min|, |max|)/127, min′ = 0, codes −127…127. A [0, 0] range has
 * scale 0 (every value becomes 0).
 * @example activationGrid({ min: 0, max: 2.55 }) // { scale: 0.01, min: 0, lo: 0, hi: 255 }
 */
export function activationGrid(
  range: ActivationRange,
  mode: ActivationMode = 'asymmetric',
): ActivationGrid {
  const lo = Math.min(0, range.min)
  const hi = Math.max(0, range.max)
  if (mode === 'symmetric') {
    return { scale: Math.max(-lo, hi) / 127, min: 0, lo: -127, hi: 127 }
  }
  const scale = (hi - lo) / 255
  const zp = scale === 0 ? 0 : roundHalfEven(-lo / scale)
  return { scale, min: zp === 0 ? 0 : -zp * scale, lo: 0, hi: 255 }
}

/**
 * `v` snapped to the grid: code = clip(round((v − min)/scale), lo, hi) half to even, returns
 * code · scale + min. Returns `min` when scale is 0.
 * @example activationFakeQuant(0.014, { scale: 0.01, min: 0, lo: 0, hi: 255 }) // 0.01
 */
export function activationFakeQuant(v: number, g: ActivationGrid): number {
  if (g.scale === 0) return g.min
  const code = Math.max(g.lo, Math.min(g.hi, roundHalfEven((v - g.min) / g.scale)))
  return code * g.scale + g.min
}

/** Options of the fake-quantized forward pass. */
export type FakeQuantOptions = {
  /** Grid of the activations (default 'asymmetric'). */
  mode?: ActivationMode
  /** Also quantize the last layer's output (default false: the probability stays float). */
  quantizeOutput?: boolean
}

/**
 * `mlp` with every layer's output fake-quantized to the grid of its range (`ranges[l]` for
 * layer l), as a float64 batch function.
 * @throws RangeError when there is not one range per layer.
 * @example mlpFakeQuantProbability(mlp, activationRanges(mlp, calib), x)
 */
export function mlpFakeQuantProbability(
  mlp: Mlp,
  ranges: readonly ActivationRange[],
  x: Matrix,
  options: FakeQuantOptions = {},
): Float64Array {
  if (ranges.length !== mlp.layers.length)
    throw new RangeError(
      `the int8act variant: ${ranges.length} ranges for ${mlp.layers.length} layers`,
    )
  const grids = ranges.map((r) => activationGrid(r, options.mode))
  const last = mlp.layers.length - 1
  return mlpForwardHooked(mlp, x, (l, a) => {
    if (l === last && !options.quantizeOutput) return
    const g = grids[l]!
    for (let i = 0; i < a.length; i++) a[i] = activationFakeQuant(a[i]!, g)
  })
}

/** The weight tensors of a network, named `layer{l}/kernel` ([inputs, units]) and `layer{l}/bias`. */
export function mlpWeightTensors(mlp: Mlp): WeightTensor[] {
  return mlp.layers.flatMap((l, i) => [
    { name: `layer${i}/kernel`, shape: [l.inputs, l.units], data: Float32Array.from(l.kernel) },
    { name: `layer${i}/bias`, shape: [l.units], data: Float32Array.from(l.bias) },
  ])
}

/**
 * The same network with its weights replaced by `tensors` (in {@link mlpWeightTensors} order:
 * kernel, bias per layer), e.g. a quantized variant's dequantized weights.
 * @throws RangeError when the tensors do not match the layers.
 */
export function mlpWithWeights(mlp: Mlp, tensors: readonly WeightTensor[]): Mlp {
  if (tensors.length !== 2 * mlp.layers.length)
    throw new RangeError(
      `the Dense network has ${mlp.layers.length} layers, but ${tensors.length} weight tensors were given (2 per layer needed)`,
    )
  return mlpCreate(
    mlp.layers.map((l, i) => ({
      inputs: l.inputs,
      units: l.units,
      kernel: tensors[2 * i]!.data,
      bias: tensors[2 * i + 1]!.data,
      activation: l.activation,
    })),
    mlp.classIndex,
  )
}

/** The `int8act` variant of a network: its int8 weights, measured ranges and predictions. */
export type Int8ActModel = {
  variant: QuantizedVariant
  /** The network with int8 (dequantized) weights. */
  mlp: Mlp
  /** Output ranges of each layer of `mlp` on the calibration sample. */
  ranges: ActivationRange[]
  /** f with fake-quantized activations, rounded to float32 like any `PredictFn`. */
  predict: PredictFn
  /** The same in float64. */
  predict64: (x: Matrix) => Promise<Float64Array>
}

/**
 * Builds `int8act` from a float network and a calibration sample (rows of encoded inputs the
 * user chose): int8 per-channel weights, then activation ranges measured on the int8-weight
 * network over the sample.
 * @example const m = int8ActModel(mlp, matrixRows(x, first100)); await m.predict(x)
 */
export function int8ActModel(
  mlp: Mlp,
  calibration: Matrix,
  options: FakeQuantOptions = {},
): Int8ActModel {
  const variant = quantizeVariant('int8act', mlpWeightTensors(mlp))
  const q = mlpWithWeights(mlp, variant.tensors)
  const ranges = activationRanges(q, calibration)
  const p64 = (x: Matrix): Float64Array => mlpFakeQuantProbability(q, ranges, x, options)
  return {
    variant,
    mlp: q,
    ranges,
    predict: (x) => Promise.resolve(Float32Array.from(p64(x))),
    predict64: (x) => Promise.resolve(p64(x)),
  }
}

/** Rows `rows` of `x` as a new matrix (e.g. a calibration sample). */
export function matrixRows(x: Matrix, rows: readonly number[]): Matrix {
  const out = new Float64Array(rows.length * x.cols)
  rows.forEach((r, i) => {
    if (!(r >= 0 && r < x.rows))
      throw new RangeError(`the row selection: row ${r} outside 0..${x.rows - 1}`)
    out.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols)
  })
  return matrix(out, rows.length, x.cols)
}
