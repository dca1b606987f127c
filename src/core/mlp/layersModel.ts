/**
 * Loader for tfjs LayersModel files made of Dense layers: the model.json topology and the weight
 * shards (float32, or the converter's uint8/uint16/float16 quantized weights) into a float64
 * {@link Mlp}.
 */
import { float16FromBits } from '../quantize/float16.ts'
import { type Activation, type DenseLayerSpec, type Mlp, mlpCreate } from './network.ts'

type WeightEntry = {
  name: string
  shape: number[]
  dtype: string
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

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
          throw new RangeError(
            `the weight files are too short: they end before weight "${w.name}" (${buffer.byteLength} bytes in all)`,
          )
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
        for (let i = 0; i < n; i++) vals[i] = float16FromBits(view.getUint16(pos + 2 * i, true))
        pos += 2 * n
      } else if (w.dtype === 'float32' && !q) {
        need(4 * n)
        for (let i = 0; i < n; i++) vals[i] = view.getFloat32(pos + 4 * i, true)
        pos += 4 * n
      } else {
        throw new TypeError(
          `weight "${w.name}" has unsupported dtype "${q ? q.dtype : w.dtype}" (float32, or quantized uint8, uint16 or float16)`,
        )
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
    if (!kernel)
      throw new TypeError(`model.json: layer "${name}" has no kernel in the weights manifest`)
    const units = Number(cfg.units)
    const useBias = cfg.use_bias !== false
    const bias = useBias ? byName(name, 'bias') : undefined
    if (useBias && !bias)
      throw new TypeError(
        `model.json: layer "${name}" uses a bias but the weights manifest has none for it`,
      )
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
