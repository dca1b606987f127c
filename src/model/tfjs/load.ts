/**
 * Loads tfjs LayersModel and GraphModel artifacts on the active backend and describes them (the
 * numbers of the model card), refusing what Glassbox cannot use: several inputs or outputs, an
 * input that is not [batch, features], an output that is not a probability.
 */
import * as tf from '@tensorflow/tfjs'
import { sha256Hex } from '../../core/hash.ts'
import {
  NON_PROBABILITY_ACTIVATIONS,
  type OutputKind,
  outputDoubleLinkMessage,
  outputUnboundedMessage,
} from '../../core/output.ts'
import type { ModelInfo } from '../card.ts'
import { ModelError } from '../errors.ts'
import { artifactsIsGraph } from './artifacts.ts'
import { tfBuildErrorText } from './buildErrors.ts'
import { type GraphNode, graphActivation, graphOutputTensor } from './graphActivation.ts'
import { runModel } from './predict.ts'

/** A tfjs model with its page summary and the artifacts it was built from. */
export type TfModel = {
  model: tf.LayersModel | tf.GraphModel
  info: ModelInfo
  artifacts: tf.io.ModelArtifacts
}

const weightBytes = (a: tf.io.ModelArtifacts): ArrayBuffer => {
  const d = a.weightData
  if (!d) return new ArrayBuffer(0)
  return Array.isArray(d) ? tf.io.concatenateArrayBuffers(d) : d
}

/**
 * Loads artifacts on the active backend and checks the model is usable here: one input of
 * shape [batch, width], one output of width 1 (sigmoid) or ≥ 2 (softmax). `output` = the
 * schema's output kind: under `probability` a linear/unbounded last layer (or a non-probability
 * on the all-zero row) is refused, suggesting `logit`; `logit` or null (no schema known yet: a
 * lone model waiting for the schema editor) skips that check; under `logit` a sigmoid or softmax
 * last layer is refused (the link would be applied twice).
 * @throws ModelError naming `name` and the problem.
 */
export async function tfModelLoad(
  artifacts: tf.io.ModelArtifacts,
  name: string,
  output: OutputKind | null = 'probability',
): Promise<TfModel> {
  const graph = artifactsIsGraph(artifacts)
  let model: tf.LayersModel | tf.GraphModel
  // A build that fails half-way leaves its tensors and variables behind; a scope catches the
  // tensors, and the variables registered meanwhile are disposed by name.
  const engine = tf.engine()
  const variables = new Set(Object.keys(engine.state.registeredVariables))
  engine.startScope()
  try {
    model = graph
      ? await tf.loadGraphModel(tf.io.fromMemory(artifacts))
      : await tf.loadLayersModel(tf.io.fromMemory(artifacts))
  } catch (e) {
    engine.endScope()
    for (const [k, v] of Object.entries(engine.state.registeredVariables))
      if (!variables.has(k)) v.dispose()
    throw new ModelError(`${name}: TensorFlow.js could not build the model ${tfBuildErrorText(e)}`)
  }
  engine.endScope(graph ? Object.values((model as tf.GraphModel).weights).flat() : undefined)
  try {
    const info = await modelDescribe(model, artifacts, name, graph, output)
    return { model, info, artifacts }
  } catch (e) {
    model.dispose()
    throw e
  }
}

async function modelDescribe(
  model: tf.LayersModel | tf.GraphModel,
  artifacts: tf.io.ModelArtifacts,
  name: string,
  graph: boolean,
  output: OutputKind | null,
): Promise<ModelInfo> {
  const inputs = model.inputs
  if (inputs.length !== 1)
    throw new ModelError(
      `${name}: the model has ${inputs.length} inputs; Glassbox needs exactly one (a row of encoded features)`,
    )
  const inShape = inputs[0]!.shape ?? []
  const inputWidth = inShape[inShape.length - 1] ?? -1
  if (inShape.length !== 2 || !(inputWidth > 0)) {
    throw new ModelError(
      `${name}: the model's input shape is [${inShape.map((d) => d ?? 'null').join(', ')}]; Glassbox needs [batch, features]`,
    )
  }
  if (model.outputs.length !== 1)
    throw new ModelError(
      `${name}: the model has ${model.outputs.length} outputs; Glassbox needs one`,
    )
  // Run one zero row to learn the output width (graph signatures often leave it unknown).
  const probe = tf.zeros([1, inputWidth]) as tf.Tensor2D
  const out = runModel(model, probe)
  const outShape = out.shape
  const sample = await out.data()
  probe.dispose()
  out.dispose()
  if (outShape.length !== 2)
    throw new ModelError(
      `${name}: the model's output has shape [${outShape.join(', ')}]; Glassbox needs [batch, classes]`,
    )
  const outputWidth = outShape[1]!
  let activation = 'unknown'
  if (!graph) {
    const lm = model as tf.LayersModel
    const last = lm.layers[lm.layers.length - 1]
    const cfg = last?.getConfig() as { activation?: string } | undefined
    activation = cfg?.activation ?? (last?.getClassName() === 'Activation' ? 'unknown' : 'linear')
    if (last?.getClassName() === 'Softmax') activation = 'softmax'
  } else {
    // The op behind the output, through Identity nodes (converters name outputs "Identity").
    const nodes = (artifacts.modelTopology as { node?: GraphNode[] }).node ?? []
    const outNode = (model as tf.GraphModel).outputNodes[0] ?? ''
    activation = graphActivation(nodes, graphOutputTensor(artifacts.signature, outNode))
  }
  if ([...sample].some((v) => Number.isNaN(v))) {
    throw new ModelError(
      `${name}: the model outputs NaN for an all-zero input row (check its weights for NaN or Infinity)`,
    )
  }
  // Under "probability" an unbounded last layer is refused up front; the values of every
  // predicted row are checked later (src/core/output.ts). Raw scores ("logit") may be anything.
  const bad = [...sample].some((v) => !(v >= 0 && v <= 1))
  const sum = [...sample].reduce((a, b) => a + b, 0)
  if (
    output === 'probability' &&
    (bad ||
      (outputWidth > 1 && Math.abs(sum - 1) > 1e-3) ||
      NON_PROBABILITY_ACTIVATIONS.includes(activation))
  ) {
    throw new ModelError(outputUnboundedMessage(name, activation))
  }
  if (output === 'logit' && (activation === 'sigmoid' || activation === 'softmax'))
    throw new ModelError(outputDoubleLinkMessage(name, activation))
  if (outputWidth === 1 && activation === 'softmax') {
    throw new ModelError(
      `${name}: the output is a softmax over one unit, which is 1 for every row; Glassbox needs a sigmoid unit or a softmax over at least 2 classes`,
    )
  }
  if (outputWidth > 1 && activation === 'sigmoid') {
    throw new ModelError(
      `${name}: ${outputWidth} sigmoid outputs (multi-label) are not supported; Glassbox needs one sigmoid unit or a softmax`,
    )
  }
  const specs = artifacts.weightSpecs ?? []
  const parameters = specs.reduce((a, w) => a + w.shape.reduce((p, q) => p * q, 1), 0)
  const data = weightBytes(artifacts)
  const nodes = graph ? ((artifacts.modelTopology as { node?: { op: string }[] }).node ?? []) : []
  return {
    name,
    format: graph ? 'graph-model' : 'layers-model',
    layers: graph
      ? nodes.filter((n) => !['Const', 'Placeholder', 'Identity', 'NoOp'].includes(n.op)).length
      : (model as tf.LayersModel).layers.length,
    parameters,
    bytes: data.byteLength,
    weightsSha256: await sha256Hex(data),
    inputWidth,
    outputWidth,
    activation,
    weightDtypes: [...new Set(specs.map((w) => w.quantization?.dtype ?? w.dtype))],
  }
}
