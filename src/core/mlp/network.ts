/**
 * A float64 dense network (multi-layer perceptron): its description, validation and forward pass.
 * Float64 arithmetic on the model's float32 weights, like the golden fixture. Pure: typed arrays
 * only.
 */
import { type Matrix, type PredictFn, matrix } from '../types.ts'

/** Activations the dense layers support. `softmax` may only be the last layer's. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax'

/** One dense layer: out = act(in · kernel + bias), kernel row-major inputs × units (Keras order). */
export type DenseLayer = {
  readonly inputs: number
  readonly units: number
  readonly kernel: Float64Array
  readonly bias: Float64Array
  readonly activation: Activation
}

/** A chain of dense layers. `classIndex` = the output whose value is f (see {@link mlpCreate}). */
export type Mlp = {
  readonly layers: readonly DenseLayer[]
  readonly inputs: number
  readonly outputs: number
  readonly classIndex: number
}

/** Plain description of a layer (weights as any numeric array). */
export type DenseLayerSpec = {
  inputs: number
  units: number
  kernel: ArrayLike<number>
  bias?: ArrayLike<number>
  activation: Activation
}

/**
 * Validates and builds a network. f = output `classIndex`: default 0 for one output (sigmoid),
 * 1 for a 2-class softmax (docs/contracts.md §2); required for more outputs.
 * @throws RangeError on inconsistent shapes, a softmax before the last layer or a missing class.
 * @example mlpCreate([{ inputs: 2, units: 1, kernel: [1, -1], bias: [0], activation: 'sigmoid' }])
 */
export function mlpCreate(specs: readonly DenseLayerSpec[], classIndex?: number): Mlp {
  if (specs.length === 0) throw new RangeError('the model has no layers')
  const layers: DenseLayer[] = specs.map((s, l) => {
    if (s.kernel.length !== s.inputs * s.units) {
      throw new RangeError(
        `the model's layer ${l} has a kernel of ${s.kernel.length} values, its shape needs ${s.inputs}x${s.units}`,
      )
    }
    if (s.bias && s.bias.length !== s.units)
      throw new RangeError(
        `the model's layer ${l} has a bias of ${s.bias.length} values for ${s.units} units`,
      )
    if (l > 0 && specs[l - 1]!.units !== s.inputs)
      throw new RangeError(
        `the model's layer ${l} expects ${s.inputs} inputs, but layer ${l - 1} has ${specs[l - 1]!.units} units`,
      )
    if (s.activation === 'softmax' && l !== specs.length - 1)
      throw new RangeError(
        'the model applies softmax before its last layer: softmax only on the output layer is supported',
      )
    return {
      inputs: s.inputs,
      units: s.units,
      kernel: Float64Array.from(s.kernel),
      bias: s.bias ? Float64Array.from(s.bias) : new Float64Array(s.units),
      activation: s.activation,
    }
  })
  const outputs = layers[layers.length - 1]!.units
  const last = layers[layers.length - 1]!.activation
  let cls = classIndex
  if (cls === undefined) {
    if (outputs === 1) cls = 0
    else if (outputs === 2 && last === 'softmax') cls = 1
    else
      throw new RangeError(
        `the model has ${outputs} outputs: choose the class of interest (a class index is required)`,
      )
  }
  if (!Number.isInteger(cls) || cls < 0 || cls >= outputs)
    throw new RangeError(`class ${cls} does not exist: the model has ${outputs} outputs`)
  return { layers, inputs: layers[0]!.inputs, outputs, classIndex: cls }
}

function activate(act: Activation, z: Float64Array, n: number): void {
  switch (act) {
    case 'linear':
      return
    case 'relu':
      for (let u = 0; u < n; u++) if (!(z[u]! > 0)) z[u] = 0
      return
    case 'sigmoid':
      for (let u = 0; u < n; u++) z[u] = 1 / (1 + Math.exp(-z[u]!))
      return
    case 'tanh':
      for (let u = 0; u < n; u++) z[u] = Math.tanh(z[u]!)
      return
    case 'softmax': {
      let mx = -Infinity
      for (let u = 0; u < n; u++) mx = Math.max(mx, z[u]!)
      let s = 0
      for (let u = 0; u < n; u++) {
        const e = Math.exp(z[u]! - mx)
        z[u] = e
        s += e
      }
      for (let u = 0; u < n; u++) z[u] = z[u]! / s
      return
    }
  }
}

/**
 * z = in · W + b for one row of the network input (float32 or float64 storage). Zero inputs
 * are skipped: encoded rows are mostly one-hot zeros.
 */
function denseInput(
  layer: DenseLayer,
  x: Float32Array | Float64Array,
  off: number,
  z: Float64Array,
): void {
  const { inputs, units, kernel, bias } = layer
  for (let u = 0; u < units; u++) z[u] = bias[u]!
  for (let i = 0; i < inputs; i++) {
    const v = x[off + i]!
    if (v === 0) continue
    const k = i * units
    for (let u = 0; u < units; u++) z[u] = z[u]! + v * kernel[k + u]!
  }
}

/** z = a · W + b for a hidden activation vector (float64). */
function denseHidden(layer: DenseLayer, a: Float64Array, z: Float64Array): void {
  const { inputs, units, kernel, bias } = layer
  for (let u = 0; u < units; u++) z[u] = bias[u]!
  for (let i = 0; i < inputs; i++) {
    const v = a[i]!
    if (v === 0) continue
    const k = i * units
    for (let u = 0; u < units; u++) z[u] = z[u]! + v * kernel[k + u]!
  }
}

/**
 * Runs row `r` of `x` through all layers; the activations land in `bufs` (one float64 buffer of
 * `units` values per layer), the last one being the network's outputs. No shape check: see
 * {@link mlpCheckInput}.
 */
export function mlpForwardRow(mlp: Mlp, x: Matrix, r: number, bufs: Float64Array[]): void {
  const layers = mlp.layers
  denseInput(layers[0]!, x.data, r * x.cols, bufs[0]!)
  activate(layers[0]!.activation, bufs[0]!, layers[0]!.units)
  for (let l = 1; l < layers.length; l++) {
    denseHidden(layers[l]!, bufs[l - 1]!, bufs[l]!)
    activate(layers[l]!.activation, bufs[l]!, layers[l]!.units)
  }
}

/**
 * @throws RangeError when `x` does not have the network's input width.
 */
export function mlpCheckInput(mlp: Mlp, x: Matrix): void {
  if (x.cols !== mlp.inputs)
    throw new RangeError(`input has ${x.cols} columns, the model expects ${mlp.inputs}`)
}

/** All outputs of the network for every row of `x` (rows × outputs, float64). */
export function mlpForward(mlp: Mlp, x: Matrix): Matrix {
  mlpCheckInput(mlp, x)
  const out = new Float64Array(x.rows * mlp.outputs)
  const bufs = mlp.layers.map((l) => new Float64Array(l.units))
  const last = bufs[bufs.length - 1]!
  for (let r = 0; r < x.rows; r++) {
    mlpForwardRow(mlp, x, r, bufs)
    out.set(last, r * mlp.outputs)
  }
  return matrix(out, x.rows, mlp.outputs)
}

/** f(x) = output `mlp.classIndex` for every row, float64. */
export function mlpProbability(mlp: Mlp, x: Matrix): Float64Array {
  mlpCheckInput(mlp, x)
  const out = new Float64Array(x.rows)
  const bufs = mlp.layers.map((l) => new Float64Array(l.units))
  const last = bufs[bufs.length - 1]!
  const c = mlp.classIndex
  for (let r = 0; r < x.rows; r++) {
    mlpForwardRow(mlp, x, r, bufs)
    out[r] = last[c]!
  }
  return out
}

/** The network as a core `PredictFn` (float64 arithmetic, rounded to float32 at the boundary). */
export function mlpPredictFn(mlp: Mlp): PredictFn {
  return (x) => Promise.resolve(Float32Array.from(mlpProbability(mlp, x)))
}

/**
 * The network as a full-precision batch function (float64 out). Explainers accept it wherever
 * they accept a `PredictFn`; tests use it to check identities to 1e-12.
 */
export function mlpPredictFn64(mlp: Mlp): (x: Matrix) => Promise<Float64Array> {
  return (x) => Promise.resolve(mlpProbability(mlp, x))
}

/**
 * A network with weights drawn from N(0, scale²/fan-in) and biases N(0, 0.1²) (for tests and
 * benchmarks); `normal` is a seeded N(0, 1) source such as `rng.normal`.
 */
export function mlpRandom(
  sizes: readonly number[],
  activations: readonly Activation[],
  normal: () => number,
  scale = 1,
  classIndex?: number,
): Mlp {
  if (activations.length !== sizes.length - 1)
    throw new RangeError(
      'a random network needs one activation per layer (one fewer than the sizes)',
    )
  const specs: DenseLayerSpec[] = activations.map((activation, l) => {
    const inputs = sizes[l]!
    const units = sizes[l + 1]!
    const kernel = new Float64Array(inputs * units)
    const sd = scale / Math.sqrt(inputs)
    for (let i = 0; i < kernel.length; i++) kernel[i] = normal() * sd
    const bias = new Float64Array(units)
    for (let i = 0; i < units; i++) bias[i] = 0.1 * normal()
    return { inputs, units, kernel, bias, activation }
  })
  return mlpCreate(specs, classIndex)
}
