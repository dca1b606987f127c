/**
 * The output link (schema `output.kind: "logit"`, docs/contracts.md §1), applied once, at the
 * runtime seam: a model that outputs raw scores becomes, to everything above src/model, the same
 * network with its sigmoid (one unit) or softmax (k units) layer added. Its predictor, gradient
 * (of the probability, through the link: exact chain rule), Dense fast path, compressed variants
 * and TreeSHAP access are all wrapped here, so predictions, metrics, SHAP, IG, counterfactuals,
 * compression and drift never see a raw score. Under `probability` nothing is wrapped.
 */
import { type OutputKind, outputKindOf, sigmoid, softmaxRow } from '../core/output.ts'
import type { Schema } from '../core/schema.ts'
import type { FastModel } from '../core/shap/fast/model.ts'
import type { GradFn, Matrix, PredictFn } from '../core/types.ts'
import { type OutputColumn, outputColumn } from './card.ts'
import type {
  FastPath,
  Gradient,
  LoadedModel,
  ModelCompression,
  ModelRuntime,
  PredictOptions,
  VariantModel,
} from './runtime.ts'

const columns = (k: number): OutputColumn[] => Array.from({ length: k }, (_, j) => outputColumn(j))

/**
 * Probability of column `c` from the raw scores of every column (`z[j][i]` = score j of row i):
 * σ(z) for one unit, softmax(z)_c for k. Float64 inside, float32 out.
 */
function linkRows(z: readonly ArrayLike<number>[], c: number): Float32Array {
  const n = z[0]?.length ?? 0
  const out = new Float32Array(n)
  if (z.length === 1) {
    const z0 = z[0]!
    for (let i = 0; i < n; i++) out[i] = sigmoid(z0[i]!)
    return out
  }
  const row = new Float64Array(z.length)
  const p = new Float64Array(z.length)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < z.length; j++) row[j] = z[j]![i]!
    softmaxRow(row, p)
    out[i] = p[c]!
  }
  return out
}

/** The linked predict of column `c` from the raw predicts of every column. */
function linkedPredict(raw: readonly PredictFn[], c: number): PredictFn {
  return async (x) => linkRows(await Promise.all(raw.map((f) => f(x))), c)
}

/**
 * ∂p_c/∂x through the link: σ'(z)·∂z/∂x = p(1 − p)·g for one unit; for a softmax
 * p_c·(g_c − Σ_j p_j·g_j). Exact given the raw scores and raw gradients.
 */
function linkedGrad(rawP: readonly PredictFn[], rawG: readonly GradFn[], c: number): GradFn {
  return async (x: Matrix) => {
    const [z, g] = await Promise.all([
      Promise.all(rawP.map((f) => f(x))),
      Promise.all(rawG.map((f) => f(x))),
    ])
    const k = z.length
    const d = x.cols
    const out = new Float32Array(x.rows * d)
    const zi = new Float64Array(k)
    const p = new Float64Array(k)
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < k; j++) zi[j] = z[j]![i]!
      if (k === 1) p[0] = sigmoid(zi[0]!)
      else softmaxRow(zi, p)
      const pc = p[c]!
      for (let a = 0; a < d; a++) {
        const at = i * d + a
        let v: number
        if (k === 1) v = pc * (1 - pc) * g[0]!.data[at]!
        else {
          let mix = 0
          for (let j = 0; j < k; j++) mix += p[j]! * g[j]!.data[at]!
          v = pc * (g[c]!.data[at]! - mix)
        }
        out[at] = v
      }
    }
    return { data: out, rows: x.rows, cols: d }
  }
}

/** The fast path with the link after its tail (every column's tail for a softmax). */
function linkedFast(model: LoadedModel, k: number, c: number): FastPath {
  const raw = columns(k).map((j) => model.fastPath(j))
  const missing = raw.find((f) => !f.model)
  if (missing) return { model: null, reason: missing.reason }
  const tails = raw.map((f) => f.model!)
  const first = tails[0]!
  const fast: FastModel = {
    ...first,
    tail: async (z, n, out) => {
      const per = tails.map(() => new Float64Array(n))
      for (let j = 0; j < k; j++) await tails[j]!.tail(z, n, per[j]!)
      const p = linkRows(per, c)
      for (let i = 0; i < n; i++) out[i] = p[i]!
    },
    description: `${tails[c]?.description ?? first.description} → ${k === 1 ? 'sigmoid' : 'softmax'} (output.kind "logit")`,
  }
  return { model: fast, reason: null }
}

/** Compressed variants with the link applied to the variant's raw scores. */
function linkedCompression(cmp: ModelCompression, k: number): ModelCompression {
  return {
    baseBytes: () => cmp.baseBytes(),
    exportFiles: (id, baseName) => cmp.exportFiles(id, baseName),
    variant: async (id, column, calib) => {
      const made: VariantModel[] = []
      const drop = () => {
        for (const v of made) v.dispose()
      }
      try {
        for (const j of columns(k)) {
          const v = await cmp.variant(id, j, calib)
          if (typeof v === 'string') {
            drop()
            return v
          }
          made.push(v)
        }
      } catch (e) {
        drop()
        throw e
      }
      return {
        predict: linkedPredict(
          made.map((v) => v.predict),
          column,
        ),
        bytes: made[0]!.bytes,
        storage: made[0]!.storage,
        dispose: drop,
      }
    },
  }
}

/**
 * The model as the same network with its link layer added (see the module doc); the model itself
 * under `probability`. Output column c of the linked model = σ(score) (one unit, c = 0) or the
 * softmax's column c.
 * @example const m = modelWithOutput(await runtime.open(source, schema), 'logit')
 */
export function modelWithOutput(model: LoadedModel, kind: OutputKind): LoadedModel {
  if (kind === 'probability') return model
  const k = model.card.outputWidth
  const raw = (opts: PredictOptions | undefined) => columns(k).map((j) => model.predictor(j, opts))
  const g = model.gradient
  const gradient: Gradient = g.available
    ? {
        available: true,
        grad: (column, opts) =>
          linkedGrad(
            raw(opts),
            columns(k).map((j) => g.grad(j, opts)),
            column,
          ),
      }
    : g
  return {
    card: model.card,
    source: model.source,
    inputModes: model.inputModes,
    shape: model.shape,
    predictor: (column, opts) => linkedPredict(raw(opts), column),
    gradient,
    fastPath: (column) => linkedFast(model, k, column),
    ...(model.compression ? { compression: linkedCompression(model.compression, k) } : {}),
    // TreeSHAP explains the trees' margin, which the link added here does not change into.
    ...(model.trees
      ? {
          trees: {
            available: false,
            reason:
              'TreeSHAP explains the trees\' own margin; with output.kind "logit" the probability is a further link of the model\'s output',
          },
        }
      : {}),
    dispose: () => model.dispose(),
  }
}

/**
 * A runtime whose `open` returns models with the schema's output link applied: the one place the
 * link enters (src/model/registry.ts wraps every registered runtime).
 */
export function runtimeWithOutput(rt: ModelRuntime): ModelRuntime {
  return {
    name: rt.name,
    backends: rt.backends,
    schemaBound: rt.schemaBound,
    sourceFromFiles: (files) => rt.sourceFromFiles(files),
    backendActivate: (name) => rt.backendActivate(name),
    gpuDevice: () => rt.gpuDevice(),
    open: async (source, schema?: Schema) =>
      modelWithOutput(await rt.open(source, schema), outputKindOf(schema)),
    memory: () => rt.memory(),
  }
}
