/**
 * XGBoost JSON models as a model runtime (src/model/runtime.ts), run by the project's own tree
 * evaluator (src/core/tree) on the `cpu` backend: no library to load, no gradients, and TreeSHAP
 * with both flavours (the file has node covers). The runtime is named `glassbox-trees` in cards
 * and reports. XGBoost feature i is encoded input i, so the model takes `encoded` input only.
 */
import { sha256Hex } from '../../core/hash.ts'
import { treeClassProbability } from '../../core/tree/evaluate.ts'
import { treeShapPathDependentUnavailable } from '../../core/tree/pathDependent.ts'
import { TreeEnsembleError } from '../../core/tree/check.ts'
import type { Matrix } from '../../core/types.ts'
import type { ModelCard, OutputColumn } from '../card.ts'
import { ModelError } from '../errors.ts'
import { fileText } from '../files.ts'
import { treesEntry } from '../registry.ts'
import type { LoadedModel, ModelRuntime, ModelSource, PredictOptions } from '../runtime.ts'
import { type XgboostModel, XgboostModelError, xgboostRead } from './read.ts'

/** Why an XGBoost model has no integrated gradients. */
export const TREES_NO_GRADIENT =
  'integrated gradients need gradients, and a tree ensemble is piecewise constant (its gradient is zero almost everywhere): TreeSHAP explains it exactly instead'

/** Rows per evaluator call (its margins buffer stays small), unless the session caps lower. */
const CHUNK_ROWS = 65_536

/** Split thresholds plus leaf values (per output) over every tree. */
function parameterCount(x: XgboostModel): number {
  let n = 0
  for (const t of x.ensemble.trees) n += t.nodes
  return n
}

/** The model card of an XGBoost JSON model. */
export function xgboostCard(
  x: XgboostModel,
  name: string,
  bytes: number,
  sha256: string,
): ModelCard {
  const binary = x.objective === 'binary:logistic'
  const outputWidth = binary ? 1 : x.classes
  return {
    name,
    format: 'xgboost-json',
    runtime: treesEntry.name,
    inputs: [{ name: 'input', dtype: 'float32', shape: [null, x.nInputs] }],
    outputs: [{ name: 'probabilities', dtype: 'float32', shape: [null, outputWidth] }],
    inputWidth: x.nInputs,
    outputWidth,
    activation: binary ? 'sigmoid' : 'softmax',
    parameters: parameterCount(x),
    bytes,
    sha256,
    details: {
      kind: 'xgboost',
      objective: x.objective,
      classes: x.classes,
      booster: x.booster,
      version: x.version ? x.version.join('.') : null,
      baseScore: [...x.baseScore],
      featureNames: x.featureNames ? [...x.featureNames] : null,
      trees: { count: x.trees, leaves: x.leaves, maxDepth: x.maxDepth },
    },
  }
}

/** The class of an output column: a binary model's one column is class 1. */
const classOf = (x: XgboostModel, column: OutputColumn): number =>
  x.objective === 'binary:logistic' ? 1 : column

/** P(class of `column`) per row, by the tree evaluator in chunks. */
function predictor(x: XgboostModel, column: OutputColumn, opts?: PredictOptions) {
  const cls = classOf(x, column)
  if (cls >= x.classes)
    throw new ModelError(`the XGBoost model has ${x.classes} classes; column ${column} is not one`)
  const chunk = Math.max(1, Math.min(CHUNK_ROWS, opts?.maxChunkRows ?? Infinity))
  return (m: Matrix): Promise<Float32Array> => {
    if (m.rows <= chunk) return Promise.resolve(treeClassProbability(x.ensemble, m, cls))
    const out = new Float32Array(m.rows)
    for (let r0 = 0; r0 < m.rows; r0 += chunk) {
      const r1 = Math.min(m.rows, r0 + chunk)
      const part = { data: m.data.subarray(r0 * m.cols, r1 * m.cols), rows: r1 - r0, cols: m.cols }
      out.set(treeClassProbability(x.ensemble, part, cls), r0)
    }
    return Promise.resolve(out)
  }
}

/**
 * A read XGBoost model behind the seam.
 * @example const m = xgboostLoadedModel(xgboostRead(text, 'model.json'), source, card)
 */
export function xgboostLoadedModel(
  x: XgboostModel,
  source: Extract<ModelSource, { runtime: 'glassbox-trees' }>,
  card: ModelCard,
): LoadedModel {
  const ens = x.ensemble
  return {
    card,
    source,
    inputModes: ['encoded'],
    shape: {
      format: card.format,
      inputWidth: card.inputWidth,
      outputWidth: card.outputWidth,
      parameters: card.parameters,
      layers: [`trees×${x.trees}`, `depth ${x.maxDepth}`, `leaves×${x.leaves}`],
      weightDtypes: ['float32'],
    },
    predictor: (column, opts) => predictor(x, column, opts),
    gradient: { available: false, reason: TREES_NO_GRADIENT },
    fastPath: () => ({ model: null, reason: 'a tree ensemble has no Dense first layer' }),
    trees: {
      available: true,
      trees: {
        ensemble: ens,
        inputPlayers: null,
        margin: (column) => {
          const cls = classOf(x, column)
          if (cls >= x.classes)
            throw new ModelError(
              `${source.name}: the model has ${x.classes} classes, not ${cls + 1}`,
            )
          return { output: ens.binary ? 0 : cls, sign: 1, offset: 0 }
        },
        inputs: (m) => Promise.resolve(m),
        pathDependentUnavailable: treeShapPathDependentUnavailable(ens),
      },
    },
    dispose: () => {},
  }
}

/** The tree evaluator as a runtime (see the module doc). */
export const treesRuntime: ModelRuntime = {
  name: treesEntry.name,
  backends: treesEntry.backends,
  schemaBound: false,
  sourceFromFiles: (files) =>
    Promise.resolve({ runtime: 'glassbox-trees', name: files.name, text: fileText(files.main) }),
  backendActivate: (name) =>
    name === 'cpu'
      ? Promise.resolve()
      : Promise.reject(new Error(`the tree evaluator runs on cpu only, not ${name}`)),
  gpuDevice: () => null,
  open: async (source) => {
    if (source.runtime !== 'glassbox-trees')
      throw new ModelError(`${source.name}: not an XGBoost JSON source`)
    let x: XgboostModel
    try {
      x = xgboostRead(source.text, source.name)
    } catch (e) {
      // The reader's messages already name the file and the field.
      if (e instanceof XgboostModelError || e instanceof TreeEnsembleError)
        throw new ModelError(e.message)
      throw e
    }
    const bytes = new TextEncoder().encode(source.text)
    const card = xgboostCard(x, source.name, bytes.byteLength, await sha256Hex(bytes))
    return xgboostLoadedModel(x, source, card)
  },
  memory: () => null,
}
