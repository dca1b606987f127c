/**
 * Decides from a model's topology whether the fast SHAP path applies, and builds its
 * {@link FastModel}. Applies to tfjs LayersModels that are a chain of Dense layers (Sequential,
 * or Functional with each layer fed by the previous one) with relu / sigmoid / tanh / linear
 * activations and a sigmoid or softmax output, read through `mlpFromLayersModel`. Anything else
 * (a GraphModel, a Conv or BatchNormalization layer, a branch, an unsupported activation) stays
 * a black box, and the reason says why. The artifacts are read structurally: the core does not
 * import tfjs, and tfjs's `io.ModelArtifacts` is assignable to {@link ModelArtifactsLike}.
 */
import { type Mlp, mlpFromLayersModel } from '../../mlp.ts'
import type { Matrix } from '../../types.ts'
import { type FastModel, fastModelFromMlp, fastModelPredict } from './model.ts'

/** The parts of tfjs `io.ModelArtifacts` the detection reads. */
export type ModelArtifactsLike = {
  readonly modelTopology?: unknown
  readonly weightSpecs?: readonly unknown[]
  readonly weightData?: ArrayBuffer | readonly ArrayBuffer[]
  readonly format?: string
}

/** A fast model, or null with the reason the model must stay a black box. */
export type FastModelDetection =
  | { readonly model: FastModel; readonly reason: null }
  | { readonly model: null; readonly reason: string }

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const none = (reason: string): FastModelDetection => ({ model: null, reason })

function concatBuffers(d: ArrayBuffer | readonly ArrayBuffer[]): ArrayBuffer {
  if (d instanceof ArrayBuffer) return d
  const out = new Uint8Array(d.reduce((a, b) => a + b.byteLength, 0))
  let o = 0
  for (const b of d) {
    out.set(new Uint8Array(b), o)
    o += b.byteLength
  }
  return out.buffer
}

/** The layer a Keras-2 inbound node entry names (`["dense_1", 0, 0, {}]`), else null. */
function inboundName(entry: unknown): string | null {
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : null
}

/**
 * For a Functional model: why its layers are not a single chain (each layer called once on the
 * previous layer's output, the last layer the only output); null when they are. Sequential
 * models are chains by construction.
 */
function chainProblem(topology: Record<string, unknown>): string | null {
  const root = isRecord(topology.model_config) ? topology.model_config : topology
  const cls = String(root.class_name ?? 'Sequential')
  if (cls === 'Sequential') return null
  if (cls !== 'Model' && cls !== 'Functional')
    return `model class ${cls} is not Sequential or Functional`
  const cfg = isRecord(root.config) ? root.config : null
  if (!cfg || !Array.isArray(cfg.layers)) return 'no layer list in the Functional topology'
  let prev: string | null = null
  for (const raw of cfg.layers as unknown[]) {
    if (!isRecord(raw)) return 'bad layer entry'
    const conf = isRecord(raw.config) ? raw.config : {}
    const name = String(raw.name ?? conf.name)
    const inbound = Array.isArray(raw.inbound_nodes) ? (raw.inbound_nodes as unknown[]) : []
    if (raw.class_name === 'InputLayer' && inbound.length === 0) {
      if (prev !== null) return 'the model has several inputs'
      prev = name
      continue
    }
    if (inbound.length !== 1) return `layer ${name} is called ${inbound.length} times`
    const node = inbound[0]
    if (!Array.isArray(node)) return `layer ${name}: unrecognised inbound_nodes format`
    if (node.length !== 1) return `layer ${name} has ${node.length} inputs (a merge, not a chain)`
    const src = inboundName(node[0])
    if (src === null) return `layer ${name}: unrecognised inbound_nodes format`
    if (src !== prev) return `layer ${name} reads ${src}, not the previous layer (not a chain)`
    prev = name
  }
  const outs = Array.isArray(cfg.output_layers) ? (cfg.output_layers as unknown[]) : []
  if (outs.length !== 1 || inboundName(outs[0]) !== prev)
    return 'the output is not the last layer of the chain'
  return null
}

/**
 * The fast SHAP model of a tfjs model, from its artifacts, for output column `classIndex`
 * (ignored when the model has a single output: column 0, as `tfPredictFn` does).
 * @returns `{ model, reason: null }` for a Dense chain, else `{ model: null, reason }`.
 * @example
 * const { model: fast, reason } = fastModelFromArtifacts(lm.artifacts, column)
 * if (!fast) console.info(`fast SHAP off: ${reason}`)
 */
export function fastModelFromArtifacts(
  artifacts: ModelArtifactsLike,
  classIndex: number,
): FastModelDetection {
  const topo = artifacts.modelTopology
  if (artifacts.format === 'graph-model' || (isRecord(topo) && Array.isArray(topo.node)))
    return none('a GraphModel: its ops are not read, the model is treated as a black box')
  if (!isRecord(topo)) return none('no LayersModel topology in the artifacts')
  if (!artifacts.weightSpecs || !artifacts.weightData) return none('the artifacts carry no weights')
  const chain = chainProblem(topo)
  if (chain) return none(`not a chain of Dense layers: ${chain}`)
  let mlp: Mlp
  try {
    mlp = mlpFromLayersModel(
      { modelTopology: topo, weightsManifest: [{ paths: [], weights: artifacts.weightSpecs }] },
      concatBuffers(artifacts.weightData),
      0,
    )
  } catch (e) {
    return none((e as Error).message)
  }
  const col = mlp.outputs === 1 ? 0 : classIndex
  if (!(Number.isInteger(col) && col >= 0 && col < mlp.outputs))
    return none(`class ${classIndex} does not exist: the model has ${mlp.outputs} outputs`)
  return { model: fastModelFromMlp({ ...mlp, classIndex: col }), reason: null }
}

/**
 * A safety net for the detection: f of the fast model against the black-box `predict` on the
 * first `rows` rows of `x` (float32 models and their float64 reading differ by ~1e-7).
 * @returns null when max |Δf| ≤ `tol`, else the reason to keep the model a black box.
 * @example
 * const bad = fast && (await fastModelVerify(fast, tfPredictFn(lm, column), enc.x))
 */
export async function fastModelVerify(
  fast: FastModel,
  predict: (x: Matrix) => Promise<ArrayLike<number>>,
  x: Matrix,
  tol = 1e-4,
  rows = 256,
): Promise<string | null> {
  if (x.cols !== fast.inputs)
    return `the fast model expects ${fast.inputs} inputs, the data has ${x.cols}`
  const n = Math.min(rows, x.rows)
  const sample: Matrix = { data: x.data.subarray(0, n * x.cols), rows: n, cols: x.cols }
  const a = await fastModelPredict(fast, sample)
  const b = await predict(sample)
  let worst = 0
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (!(d <= worst)) worst = d
  }
  return worst <= tol
    ? null
    : `the fast model's f differs from the model's by up to ${worst.toExponential(2)} (> ${tol})`
}
