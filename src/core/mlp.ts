/**
 * A float64 dense network (multi-layer perceptron): forward pass, analytic input gradient and a
 * loader for tfjs LayersModel files made of Dense layers. It is the reference model of the
 * tests (float64 arithmetic on the model's float32 weights, like the golden fixture) and a
 * `PredictFn`/`GradFn` for the CLI when tfjs is not wanted. Pure: typed arrays only.
 */
import { type GradFn, type Matrix, type PredictFn, matrix } from './types.ts'

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
  if (specs.length === 0) throw new RangeError('mlp: no layers')
  const layers: DenseLayer[] = specs.map((s, l) => {
    if (s.kernel.length !== s.inputs * s.units) {
      throw new RangeError(
        `mlp: layer ${l} kernel has ${s.kernel.length} values, needs ${s.inputs}x${s.units}`,
      )
    }
    if (s.bias && s.bias.length !== s.units)
      throw new RangeError(`mlp: layer ${l} bias length ${s.bias.length} ≠ ${s.units}`)
    if (l > 0 && specs[l - 1]!.units !== s.inputs)
      throw new RangeError(
        `mlp: layer ${l} expects ${s.inputs} inputs, previous has ${specs[l - 1]!.units} units`,
      )
    if (s.activation === 'softmax' && l !== specs.length - 1)
      throw new RangeError('mlp: softmax only on the last layer')
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
    else throw new RangeError(`mlp: the model has ${outputs} outputs, a class index is required`)
  }
  if (!Number.isInteger(cls) || cls < 0 || cls >= outputs)
    throw new RangeError(`mlp: class index ${cls} outside 0..${outputs - 1}`)
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

/** Runs row `r` of `x` through all layers; activations land in `bufs` (one per layer). */
function forwardRow(mlp: Mlp, x: Matrix, r: number, bufs: Float64Array[]): void {
  const layers = mlp.layers
  denseInput(layers[0]!, x.data, r * x.cols, bufs[0]!)
  activate(layers[0]!.activation, bufs[0]!, layers[0]!.units)
  for (let l = 1; l < layers.length; l++) {
    denseHidden(layers[l]!, bufs[l - 1]!, bufs[l]!)
    activate(layers[l]!.activation, bufs[l]!, layers[l]!.units)
  }
}

function checkInput(mlp: Mlp, x: Matrix): void {
  if (x.cols !== mlp.inputs)
    throw new RangeError(`mlp: input has ${x.cols} columns, the model expects ${mlp.inputs}`)
}

/** All outputs of the network for every row of `x` (rows × outputs, float64). */
export function mlpForward(mlp: Mlp, x: Matrix): Matrix {
  checkInput(mlp, x)
  const out = new Float64Array(x.rows * mlp.outputs)
  const bufs = mlp.layers.map((l) => new Float64Array(l.units))
  const last = bufs[bufs.length - 1]!
  for (let r = 0; r < x.rows; r++) {
    forwardRow(mlp, x, r, bufs)
    out.set(last, r * mlp.outputs)
  }
  return matrix(out, x.rows, mlp.outputs)
}

/** f(x) = output `mlp.classIndex` for every row, float64. */
export function mlpProbability(mlp: Mlp, x: Matrix): Float64Array {
  checkInput(mlp, x)
  const out = new Float64Array(x.rows)
  const bufs = mlp.layers.map((l) => new Float64Array(l.units))
  const last = bufs[bufs.length - 1]!
  const c = mlp.classIndex
  for (let r = 0; r < x.rows; r++) {
    forwardRow(mlp, x, r, bufs)
    out[r] = last[c]!
  }
  return out
}

/**
 * ∂f/∂x for every row (rows × inputs, float64), by backpropagation. relu′(0) = 0 (the
 * convention of tfjs and of the golden fixture).
 */
export function mlpGradient(mlp: Mlp, x: Matrix): Matrix {
  checkInput(mlp, x)
  const L = mlp.layers.length
  const acts = mlp.layers.map((l) => new Float64Array(l.units))
  const deltas = mlp.layers.map((l) => new Float64Array(l.units))
  const out = new Float64Array(x.rows * x.cols)
  const gIn = new Float64Array(x.cols)
  for (let r = 0; r < x.rows; r++) {
    forwardRow(mlp, x, r, acts)
    // δ_L = ∂f/∂z_L
    const lastLayer = mlp.layers[L - 1]!
    const a = acts[L - 1]!
    const d = deltas[L - 1]!
    d.fill(0)
    const c = mlp.classIndex
    if (lastLayer.activation === 'softmax') {
      for (let j = 0; j < lastLayer.units; j++) d[j] = a[c]! * ((j === c ? 1 : 0) - a[j]!)
    } else d[c] = activationDerivative(lastLayer.activation, a[c]!)
    for (let l = L - 1; l > 0; l--) {
      const layer = mlp.layers[l]!
      const prev = mlp.layers[l - 1]!
      const dl = deltas[l]!
      const dp = deltas[l - 1]!
      const ap = acts[l - 1]!
      for (let i = 0; i < layer.inputs; i++) {
        let s = 0
        const k = i * layer.units
        for (let u = 0; u < layer.units; u++) s += layer.kernel[k + u]! * dl[u]!
        dp[i] = s * activationDerivative(prev.activation, ap[i]!)
      }
    }
    const first = mlp.layers[0]!
    const d0 = deltas[0]!
    for (let i = 0; i < first.inputs; i++) {
      let s = 0
      const k = i * first.units
      for (let u = 0; u < first.units; u++) s += first.kernel[k + u]! * d0[u]!
      gIn[i] = s
    }
    out.set(gIn, r * x.cols)
  }
  return matrix(out, x.rows, x.cols)
}

/** Derivative of an elementwise activation expressed through its output a = act(z). */
function activationDerivative(act: Activation, a: number): number {
  switch (act) {
    case 'linear':
      return 1
    case 'relu':
      return a > 0 ? 1 : 0
    case 'sigmoid':
      return a * (1 - a)
    case 'tanh':
      return 1 - a * a
    case 'softmax':
      throw new RangeError('mlp: softmax only on the last layer')
  }
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

/** The network's input gradient as a core `GradFn` (float64 matrix). */
export function mlpGradFn(mlp: Mlp): GradFn {
  return (x) => Promise.resolve(mlpGradient(mlp, x))
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
    throw new RangeError('mlpRandom: need one activation per layer')
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

// ---------------------------------------------------------------------------------------------
// tfjs LayersModel loader

type WeightEntry = {
  name: string
  shape: number[]
  dtype: string
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * f * 2 ** -24
  if (e === 31) return f ? NaN : s * Infinity
  return s * (1 + f / 1024) * 2 ** (e - 15)
}

/** Decodes the weights of a manifest into float32-valued Float64Arrays, keyed by name. */
function decodeWeights(manifest: unknown, buffer: ArrayBuffer): Map<string, Float64Array> {
  if (!Array.isArray(manifest)) throw new TypeError('model.json: weightsManifest must be an array')
  const view = new DataView(buffer)
  const out = new Map<string, Float64Array>()
  let pos = 0
  for (const group of manifest) {
    if (!isRecord(group) || !Array.isArray(group.weights))
      throw new TypeError('model.json: bad weightsManifest group')
    for (const w of group.weights as WeightEntry[]) {
      const n = w.shape.reduce((a, b) => a * b, 1)
      const vals = new Float64Array(n)
      const q = w.quantization
      const need = (bytes: number): void => {
        if (pos + bytes > buffer.byteLength)
          throw new RangeError(`weights: buffer too short for ${w.name}`)
      }
      if (q && q.dtype === 'uint8') {
        need(n)
        const scale = q.scale ?? 1
        const min = q.min ?? 0
        for (let i = 0; i < n; i++) vals[i] = Math.fround(view.getUint8(pos + i) * scale + min)
        pos += n
      } else if (q && q.dtype === 'uint16') {
        need(2 * n)
        const scale = q.scale ?? 1
        const min = q.min ?? 0
        for (let i = 0; i < n; i++)
          vals[i] = Math.fround(view.getUint16(pos + 2 * i, true) * scale + min)
        pos += 2 * n
      } else if (q && q.dtype === 'float16') {
        need(2 * n)
        for (let i = 0; i < n; i++) vals[i] = halfToFloat(view.getUint16(pos + 2 * i, true))
        pos += 2 * n
      } else if (w.dtype === 'float32' && !q) {
        need(4 * n)
        for (let i = 0; i < n; i++) vals[i] = view.getFloat32(pos + 4 * i, true)
        pos += 4 * n
      } else {
        throw new TypeError(`weights: unsupported dtype ${q ? q.dtype : w.dtype} for ${w.name}`)
      }
      out.set(w.name, vals)
    }
  }
  return out
}

function layerList(topology: unknown): unknown[] {
  if (!isRecord(topology)) throw new TypeError('model.json: modelTopology missing')
  const root = isRecord(topology.model_config) ? topology.model_config : topology
  const cfg = root.config
  if (Array.isArray(cfg)) return cfg
  if (isRecord(cfg) && Array.isArray(cfg.layers)) return cfg.layers
  throw new TypeError('model.json: no layer list in modelTopology')
}

const ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'softmax'])

/**
 * Builds a float64 network from a tfjs LayersModel (`model.json` parsed) and its weight file(s)
 * (the shards concatenated in `paths` order). Supports Sequential/Functional chains of Dense
 * layers (plus InputLayer, Dropout and Activation layers); float32 weights and the converter's
 * uint8/uint16/float16 quantized weights (dequantized exactly as tfjs does).
 * @throws TypeError naming the first unsupported layer, activation or dtype.
 * @example mlpFromLayersModel(JSON.parse(jsonText), binBuffer)
 */
export function mlpFromLayersModel(
  modelJson: unknown,
  weights: ArrayBuffer,
  classIndex?: number,
): Mlp {
  if (!isRecord(modelJson)) throw new TypeError('model.json: not an object')
  const layers = layerList(modelJson.modelTopology)
  const w = decodeWeights(modelJson.weightsManifest, weights)
  const byName = (layerName: string, suffix: string): Float64Array | undefined => {
    const exact = w.get(`${layerName}/${suffix}`)
    if (exact) return exact
    for (const [k, v] of w)
      if (k.endsWith(`${layerName}/${suffix}`) || k.endsWith(`/${layerName}/${suffix}`)) return v
    return undefined
  }
  const specs: DenseLayerSpec[] = []
  for (const raw of layers) {
    if (!isRecord(raw) || !isRecord(raw.config)) throw new TypeError('model.json: bad layer entry')
    const cls = String(raw.class_name)
    const cfg = raw.config
    const act = typeof cfg.activation === 'string' ? cfg.activation : 'linear'
    if (cls === 'InputLayer' || cls === 'Dropout') continue
    if (cls === 'Activation') {
      const prev = specs[specs.length - 1]
      if (!prev || prev.activation !== 'linear' || !ACTIVATIONS.has(act))
        throw new TypeError(`model.json: unsupported Activation layer "${act}"`)
      prev.activation = act as Activation
      continue
    }
    if (cls !== 'Dense')
      throw new TypeError(`model.json: unsupported layer ${cls} (only Dense chains)`)
    if (!ACTIVATIONS.has(act)) throw new TypeError(`model.json: unsupported activation "${act}"`)
    const name = String(cfg.name)
    const kernel = byName(name, 'kernel')
    if (!kernel) throw new TypeError(`weights: no kernel for layer ${name}`)
    const units = Number(cfg.units)
    const useBias = cfg.use_bias !== false
    const bias = useBias ? byName(name, 'bias') : undefined
    if (useBias && !bias) throw new TypeError(`weights: no bias for layer ${name}`)
    const spec: DenseLayerSpec = {
      inputs: kernel.length / units,
      units,
      kernel,
      activation: act as Activation,
    }
    if (bias) spec.bias = bias
    specs.push(spec)
  }
  return mlpCreate(specs, classIndex)
}
