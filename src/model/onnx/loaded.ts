/**
 * An opened ONNX model (open.ts) behind the runtime seam (src/model/runtime.ts): its model card,
 * shape for the probe cache, predictor, the missing gradient, and TreeSHAP's access to its trees
 * — the ensemble, the players of its inputs from the graph trace, and the preprocessed rows the
 * trees read, fetched from onnxruntime through a tapped copy of the graph (tap.ts).
 */
import type { Matrix } from '../../core/types.ts'
import type { ModelCard, OnnxDetails, OutputColumn, TensorSpec } from '../card.ts'
import { ModelError } from '../errors.ts'
import type { LoadedModel, ModelSource, ModelTrees, TreeAccess } from '../runtime.ts'
import type { OnnxIo } from './card.ts'
import {
  onnxFeeds,
  onnxSessionCreate,
  type OnnxRuntimeOptions,
  type OnnxSession,
} from './session.ts'
import { type OnnxOpened, onnxOpenedPredict } from './open.ts'
import { OnnxDataType } from './onnxTypes.ts'
import { onnxTensorDtype } from './trees.ts'
import { ONNX_TREE_OPS } from './treeEnsemble.ts'
import { onnxDomain, onnxFeedInputs } from './read.ts'
import { onnxWithOutput } from './tap.ts'

/** Why an ONNX model has no integrated gradients (the page and the report say it). */
export const ONNX_NO_GRADIENT =
  'integrated gradients need the model’s gradients, and onnxruntime-web computes none: this ONNX model is explained by SHAP (and TreeSHAP for tree ensembles) instead'

const spec = (v: OnnxIo): TensorSpec => ({
  name: v.name,
  dtype: v.dtype,
  shape: (v.shape ?? []).map((d) => (typeof d === 'number' ? d : null)),
})

/** Numbers stored in the graph: initializer elements and float attribute lists (weights, thresholds, leaf values). */
function parameterCount(m: OnnxOpened): number {
  let n = 0
  for (const t of m.model.graph.initializers) n += t.dims.reduce((a, d) => a * d, 1)
  for (const node of m.model.graph.nodes)
    for (const a of node.attributes) {
      n += a.floats.length
      if (a.t && (a.t.dataType === OnnxDataType.Float || a.t.dataType === OnnxDataType.Double))
        n += a.t.dims.reduce((x, d) => x * d, 1)
    }
  return n
}

/** The output activation as the card names it: the tree post-transform, or the op the probabilities come from. */
function activation(m: OnnxOpened): string {
  if (m.trees.available) return m.trees.ensemble.postTransform
  const origin = m.card.output.origin
  return origin === 'Sigmoid' ? 'sigmoid' : origin === 'Softmax' ? 'softmax' : (origin ?? 'unknown')
}

/** The model card of an opened ONNX model (`outputWidth` measured when the file leaves it open). */
export function onnxModelCard(
  m: OnnxOpened,
  name: string,
  bytes: number,
  sha256: string,
  outputWidth: number,
): ModelCard {
  const c = m.card
  const details: OnnxDetails = {
    kind: 'onnx',
    irVersion: c.irVersion,
    producerName: c.producerName,
    producerVersion: c.producerVersion,
    opsets: { ...c.opsets },
    operators: c.operators.map((o) => ({ ...o })),
    output: {
      name: c.output.name,
      dtype: c.output.dtype,
      evidence: c.output.evidence,
      origin: c.output.origin,
    },
    ...(c.trees ? { trees: { ...c.trees } } : {}),
  }
  return {
    name,
    format: 'onnx',
    runtime: 'onnxruntime-web',
    inputs: c.inputs.map(spec),
    outputs: c.outputs.map(spec),
    inputWidth: m.plan.mode === 'encoded' ? m.plan.width : m.plan.inputs.length,
    outputWidth,
    activation: activation(m),
    parameters: parameterCount(m),
    bytes,
    sha256,
    details,
  }
}

/**
 * Columns of the probability output: as the file states them, else measured by running the model
 * on zero rows (onnxruntime still reports the output's width).
 */
export async function onnxOutputWidth(m: OnnxOpened): Promise<number> {
  if (m.card.output.columns !== null) return m.card.output.columns
  const empty: Matrix = {
    data: new Float32Array(0),
    rows: 0,
    cols: m.plan.mode === 'encoded' ? m.plan.width : m.features.length,
  }
  const s = m.session
  const out = await s.session.run(onnxFeeds(s.ort, m.plan, empty, 0, 0, m.features, s.source), [
    m.card.output.name,
  ])
  const t = out[m.card.output.name]
  const k = t && t.dims.length === 2 ? t.dims[1]! : 1
  for (const v of Object.values(out)) v.dispose()
  return k
}

/** The tree node's input tensor, and whether it is the model's (encoded) input itself. */
function treeInput(m: OnnxOpened): { name: string; direct: boolean } {
  const node = m.model.graph.nodes.find(
    (n) =>
      onnxDomain(n) === 'ai.onnx.ml' && (ONNX_TREE_OPS as readonly string[]).includes(n.opType),
  )
  const name = node?.inputs[0] ?? ''
  const fed = onnxFeedInputs(m.model.graph).some((v) => v.name === name)
  return { name, direct: fed && m.plan.mode === 'encoded' && m.plan.input === name }
}

/** Rows × columns of a fetched tensor, as float32 (or float64 when the tensor is). */
function tensorRows(data: unknown, rows: number, name: string, source: string): Matrix {
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new ModelError(`${source}: the trees' input "${name}" is not a float tensor`)
  const cols = rows > 0 ? data.length / rows : 0
  return { data: data.slice(), rows, cols }
}

/**
 * TreeSHAP's access to an ONNX model's trees (see the module doc), undefined for a model without
 * trees; `release` frees the tapped session once it exists.
 */
function onnxTrees(
  m: OnnxOpened,
  bytes: Uint8Array,
  source: string,
  options: OnnxRuntimeOptions,
): { access: TreeAccess | undefined; release(): void } {
  const t = m.trees
  if (!t.available)
    return {
      access:
        t.reason === 'the model has no tree ensemble'
          ? undefined
          : { available: false, reason: t.reason },
      release: () => {},
    }
  const ens = t.ensemble
  const input = treeInput(m)
  let tap: Promise<OnnxSession> | null = null
  const trees: ModelTrees = {
    ensemble: ens,
    inputPlayers: t.inputPlayers,
    margin: (column: OutputColumn) => {
      if (ens.binary) {
        if (column > 1)
          throw new ModelError(`${source}: the trees score 2 classes, not ${column + 1}`)
        if (column === 1) return { output: 0, sign: 1, offset: 0 }
        return { output: 0, sign: -1, offset: ens.postTransform === 'NONE' ? 1 : 0 }
      }
      if (column >= ens.nOutputs)
        throw new ModelError(
          `${source}: the trees score ${ens.nOutputs} classes, not ${column + 1}`,
        )
      return { output: column, sign: 1, offset: 0 }
    },
    inputs: async (x) => {
      if (input.direct) return x
      tap ??= onnxSessionCreate(
        onnxWithOutput(
          bytes,
          input.name,
          onnxTensorDtype(m.model, input.name) === 'float64'
            ? OnnxDataType.Double
            : OnnxDataType.Float,
          source,
        ),
        m.model,
        source,
        options,
      )
      const s = await tap
      const out = await s.session.run(onnxFeeds(s.ort, m.plan, x, 0, x.rows, m.features, source), [
        input.name,
      ])
      try {
        const r = out[input.name]
        if (!r) throw new ModelError(`${source}: onnxruntime returned no "${input.name}"`)
        return tensorRows(r.data, x.rows, input.name, source)
      } finally {
        for (const v of Object.values(out)) v.dispose()
      }
    },
    pathDependentUnavailable:
      'path-dependent TreeSHAP needs training covers (XGBoost JSON’s sum_hessian); an ONNX tree ensemble stores none',
  }
  return {
    access: { available: true, trees },
    release: () => void tap?.then((s) => s.dispose()).catch(() => {}),
  }
}

/**
 * An opened ONNX model behind the seam.
 * @param bytes the file (the source helpers reopen it from; the tapped copy for TreeSHAP).
 */
export function onnxLoadedModel(
  m: OnnxOpened,
  source: Extract<ModelSource, { runtime: 'onnxruntime-web' }>,
  card: ModelCard,
  options: OnnxRuntimeOptions,
): LoadedModel {
  const { access: trees, release } = onnxTrees(m, source.bytes, source.name, options)
  return {
    card,
    source,
    inputModes: [m.plan.mode],
    shape: {
      format: 'onnx',
      inputWidth: card.inputWidth,
      outputWidth: card.outputWidth,
      parameters: card.parameters,
      layers: m.card.operators.map((o) => `${o.domain}:${o.opType}×${o.count}`),
      weightDtypes: ['float32'],
    },
    predictor: (column, opts) => (x) =>
      onnxOpenedPredict(m, x, column, {
        ...(opts?.maxChunkRows === undefined ? {} : { chunkRows: opts.maxChunkRows }),
      }),
    gradient: { available: false, reason: ONNX_NO_GRADIENT },
    fastPath: () => ({
      model: null,
      reason: 'an ONNX model is explained through its predictions (no Dense first layer to read)',
    }),
    ...(trees ? { trees } : {}),
    dispose: () => {
      void m.session.dispose()
      release()
    },
  }
}
