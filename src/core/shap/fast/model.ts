/**
 * A dense network seen from its first layer, for exact coalition values below the batched-predict
 * floor. When the first layer is Dense, a hybrid row's first-layer pre-activation is
 *   z1 = b1 + Σ_j x_block(j) · W_block(j)
 * a sum of per-player partial products, so SHAP can add and subtract precomputed per-player
 * vectors instead of calling the model on whole rows (see values.ts). What it needs of the
 * network is W, b1 and the rest of the network as a function of z1: that is a {@link FastModel}.
 * Pure: typed arrays only (the tfjs artifacts are read structurally, see detect.ts).
 */
import type { Activation, Mlp } from '../../mlp.ts'

/**
 * The network after its first layer's matrix product: reads `n` rows of `hidden` pre-activations
 * z1 (row-major, from `z[0]`), writes f for each row into `out[0 … n − 1]`. May be asynchronous
 * (e.g. a tfjs model of the later layers); must not keep `z` or `out` once it has returned or
 * resolved: callers reuse them. Rows must not influence each other.
 */
export type FastTail = (z: Float64Array, n: number, out: Float64Array) => void | Promise<void>

/**
 * What the fast SHAP path needs of a model whose first layer is Dense:
 * f(x) = tail(b1 + x · W) with W of shape inputs × hidden (row-major, Keras order).
 */
export type FastModel = {
  /** Encoded input width (rows of W). */
  readonly inputs: number
  /** Units of the first layer (columns of W), h1 ≥ 1. */
  readonly hidden: number
  /** W, inputs × hidden, row-major (input i's weights at i·hidden … i·hidden + hidden − 1). */
  readonly kernel: Float64Array
  /** b1, length hidden. */
  readonly bias: Float64Array
  /** Everything after the first layer's product: its activation, the other layers, the class. */
  readonly tail: FastTail
  /** e.g. "88→16 relu→8 relu→1 sigmoid, output 0". */
  readonly description: string
}

// Activation codes of the tail's inner loops (a switch on strings there costs ~2×).
const ACT_CODE: Record<Activation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, softmax: 4 }

/**
 * Applies activation `code` (not softmax) to src[so … so + n) with the formulas of
 * src/core/mlp.ts and keeps the non-zero results: values in outV, unit indices in outI.
 * @returns how many are non-zero.
 */
function activateCompact(
  code: number,
  src: Float64Array,
  so: number,
  n: number,
  outV: Float64Array,
  outI: Int32Array,
): number {
  let m = 0
  if (code === 1) {
    for (let u = 0; u < n; u++) {
      const v = src[so + u]!
      if (v > 0) {
        outV[m] = v
        outI[m++] = u
      }
    }
    return m
  }
  for (let u = 0; u < n; u++) {
    const z = src[so + u]!
    const v = code === 2 ? 1 / (1 + Math.exp(-z)) : code === 3 ? Math.tanh(z) : z
    if (v !== 0) {
      outV[m] = v
      outI[m++] = u
    }
  }
  return m
}

/** Activation `code` of one value (mlp.ts formulas; softmax excluded). */
function activateOne(code: number, z: number): number {
  if (code === 1) return z > 0 ? z : 0
  if (code === 2) return 1 / (1 + Math.exp(-z))
  if (code === 3) return Math.tanh(z)
  return z
}

/** Softmax of v[0 … n) (mlp.ts formula, overwrites v); returns the probability of unit c. */
function softmaxAt(v: Float64Array, n: number, c: number): number {
  let mx = -Infinity
  for (let u = 0; u < n; u++) mx = Math.max(mx, v[u]!)
  let s = 0
  for (let u = 0; u < n; u++) {
    const e = Math.exp(v[u]! - mx)
    v[u] = e
    s += e
  }
  return v[c]! / s
}

/** A layer after the first, with its kernel transposed (units × inputs) for dot products. */
type TailLayer = {
  readonly inputs: number
  readonly units: number
  readonly kernelT: Float64Array
  readonly bias: Float64Array
  readonly code: number
}

/**
 * The tail of a float64 network: first activation, layers 2 … L, output `mlp.classIndex`.
 * Each unit is one dot product over the previous layer's non-zero activations in input order,
 * starting from the bias: the additions of mlp.ts's `denseHidden` in the same order, so the
 * values are bit-identical to `mlpProbability` for the same z1. A last layer that is not a
 * softmax computes only the class's unit, accumulated while the layer before it is computed.
 */
function tailFromMlp(mlp: Mlp): FastTail {
  const first = mlp.layers[0]!
  const h = first.units
  const code0 = ACT_CODE[first.activation]
  const layers: TailLayer[] = mlp.layers.slice(1).map((l) => {
    const kernelT = new Float64Array(l.inputs * l.units)
    for (let i = 0; i < l.inputs; i++)
      for (let u = 0; u < l.units; u++) kernelT[u * l.inputs + i] = l.kernel[i * l.units + u]!
    return { inputs: l.inputs, units: l.units, kernelT, bias: l.bias, code: ACT_CODE[l.activation] }
  })
  const L = layers.length
  const cls = mlp.classIndex
  const softmaxOut = (L === 0 ? code0 : layers[L - 1]!.code) === 4
  // Non-zero activations entering layer l (l = 0: the first layer's), and a pre-activation row.
  const vals = [h, ...layers.map((l) => l.units)].map((n) => new Float64Array(n))
  const idx = [h, ...layers.map((l) => l.units)].map((n) => new Int32Array(n))
  const pre = new Float64Array(Math.max(h, ...layers.map((l) => l.units)))

  return (z, n, out) => {
    for (let r = 0; r < n; r++) {
      const zo = r * h
      if (L === 0) {
        // A single-layer network: f = act(z1)[cls].
        if (softmaxOut) {
          for (let u = 0; u < h; u++) pre[u] = z[zo + u]!
          out[r] = softmaxAt(pre, h, cls)
        } else out[r] = activateOne(code0, z[zo + cls]!)
        continue
      }
      let nnz = activateCompact(code0, z, zo, h, vals[0]!, idx[0]!)
      for (let l = 0; l < L; l++) {
        const layer = layers[l]!
        const inputs = layer.inputs
        const kernelT = layer.kernelT
        const bias = layer.bias
        const av = vals[l]!
        const ai = idx[l]!
        if (l === L - 1 && !softmaxOut) {
          const base = cls * inputs
          let acc = bias[cls]!
          for (let q = 0; q < nnz; q++) acc += av[q]! * kernelT[base + ai[q]!]!
          out[r] = activateOne(layer.code, acc)
          break
        }
        const units = layer.units
        if (l === L - 2 && !softmaxOut) {
          // The penultimate layer fused with the class's unit of the last one.
          const last = layers[L - 1]!
          const lk = last.kernelT
          const lb = cls * last.inputs
          let f = last.bias[cls]!
          for (let u = 0; u < units; u++) {
            const base = u * inputs
            let acc = bias[u]!
            for (let q = 0; q < nnz; q++) acc += av[q]! * kernelT[base + ai[q]!]!
            const a = activateOne(layer.code, acc)
            if (a !== 0) f += a * lk[lb + u]!
          }
          out[r] = activateOne(last.code, f)
          break
        }
        for (let u = 0; u < units; u++) {
          const base = u * inputs
          let acc = bias[u]!
          for (let q = 0; q < nnz; q++) acc += av[q]! * kernelT[base + ai[q]!]!
          pre[u] = acc
        }
        if (l === L - 1) out[r] = softmaxAt(pre, units, cls)
        else nnz = activateCompact(layer.code, pre, 0, units, vals[l + 1]!, idx[l + 1]!)
      }
    }
  }
}

/**
 * The fast description of a float64 dense network (its first layer's W and b1, the rest as the
 * tail). Shares the first layer's arrays; the tail copies the other layers' weights (transposed)
 * and keeps its own scratch buffers.
 * @example const fast = fastModelFromMlp(mlpFromLayersModel(json, weights))
 */
export function fastModelFromMlp(mlp: Mlp): FastModel {
  const first = mlp.layers[0]!
  const shape = [
    `${mlp.inputs}`,
    ...mlp.layers.map((l) => `${l.units}${l.activation === 'linear' ? '' : ` ${l.activation}`}`),
  ]
  return {
    inputs: first.inputs,
    hidden: first.units,
    kernel: first.kernel,
    bias: first.bias,
    tail: tailFromMlp(mlp),
    description: `${shape.join('→')}, output ${mlp.classIndex}`,
  }
}

/**
 * z1 = b1 + Σ_i v_i W_i for the row of `data` starting at `off`, into `z[zo … zo + hidden)`.
 * Zero inputs are skipped and inputs are added in column order, as mlp.ts does, so f of a whole
 * row is bit-identical to `mlpProbability` of the network the model was built from.
 */
export function fastFirstLayer(
  fast: FastModel,
  data: Float32Array | Float64Array,
  off: number,
  z: Float64Array,
  zo: number,
): void {
  const { inputs, hidden: h, kernel, bias } = fast
  for (let u = 0; u < h; u++) z[zo + u] = bias[u]!
  for (let i = 0; i < inputs; i++) {
    const v = data[off + i]!
    if (v === 0) continue
    const k = i * h
    for (let u = 0; u < h; u++) z[zo + u] = z[zo + u]! + v * kernel[k + u]!
  }
}

/**
 * A player's partial product: out[oo … oo + hidden) = Σ_{i ∈ [s, e)} data[off + i] · W_i for
 * the encoded columns s … e − 1 of the row at `off` (zero inputs skipped).
 */
export function fastBlockContribution(
  fast: FastModel,
  data: Float32Array | Float64Array,
  off: number,
  s: number,
  e: number,
  out: Float64Array,
  oo: number,
): void {
  const h = fast.hidden
  const W = fast.kernel
  for (let u = 0; u < h; u++) out[oo + u] = 0
  for (let i = s; i < e; i++) {
    const v = data[off + i]!
    if (v === 0) continue
    const k = i * h
    for (let u = 0; u < h; u++) out[oo + u] = out[oo + u]! + v * W[k + u]!
  }
}

/**
 * f for every row of `x` (float64), through the first layer and the tail.
 * @throws RangeError when `x` is not `fast.inputs` wide.
 */
export async function fastModelPredict(
  fast: FastModel,
  x: { readonly data: Float32Array | Float64Array; readonly rows: number; readonly cols: number },
): Promise<Float64Array> {
  if (x.cols !== fast.inputs)
    throw new RangeError(
      `fast model: input has ${x.cols} columns, the model expects ${fast.inputs}`,
    )
  const h = fast.hidden
  const out = new Float64Array(x.rows)
  const chunk = Math.max(1, Math.min(x.rows, 8192))
  const z = new Float64Array(chunk * h)
  const o = new Float64Array(chunk)
  for (let r0 = 0; r0 < x.rows; r0 += chunk) {
    const n = Math.min(chunk, x.rows - r0)
    for (let q = 0; q < n; q++) fastFirstLayer(fast, x.data, (r0 + q) * x.cols, z, q * h)
    await fast.tail(z, n, o)
    out.set(o.subarray(0, n), r0)
  }
  return out
}
