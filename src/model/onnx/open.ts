/**
 * One call from ONNX bytes + schema to a runnable model: decode (read.ts), card and output
 * (card.ts), input plan for the schema's mode (columns.ts), TreeSHAP setup (trees.ts), and an
 * onnxruntime-web session (session.ts). Each step refuses with a ModelError naming `source`, so a
 * failed open leaves nothing behind (the session is created last).
 */
import type { Matrix } from '../../core/types.ts'
import { onnxCard, type OnnxCard } from './card.ts'
import {
  onnxPlanColumns,
  onnxPlanEncoded,
  type OnnxInputPlan,
  type OnnxSchemaFeature,
} from './columns.ts'
import { onnxModelRead, type OnnxModelRead } from './read.ts'
import {
  onnxPredict,
  onnxSessionCreate,
  type OnnxRuntimeOptions,
  type OnnxSession,
} from './session.ts'
import { onnxTreeSetup, type OnnxTreeSetup } from './trees.ts'

/** What the ONNX code needs of a schema: its input mode and features. */
export type OnnxSchemaLike = {
  modelInput?: 'encoded' | 'columns'
  features: readonly OnnxSchemaFeature[]
}

/** An opened ONNX model: decoded graph, card, input plan, TreeSHAP setup and a live session. */
export type OnnxOpened = {
  model: OnnxModelRead
  card: OnnxCard
  plan: OnnxInputPlan
  /** TreeSHAP's ensemble and input → player map, or why it is unavailable. */
  trees: OnnxTreeSetup
  session: OnnxSession
  features: readonly OnnxSchemaFeature[]
}

/** Encoded offsets of the features: feature j occupies [offsets[j], offsets[j + 1]). */
export function onnxFeatureOffsets(features: readonly OnnxSchemaFeature[]): Int32Array {
  const out = new Int32Array(features.length + 1)
  features.forEach(
    (f, j) => (out[j + 1] = out[j]! + (f.type === 'numeric' ? 1 : f.categories.length)),
  )
  return out
}

/**
 * Opens an ONNX model for a schema.
 * @throws ModelError naming `source` (see each step).
 * @example const m = await onnxOpen(bytes, 'rf.onnx', schema); const p = await onnxOpenedPredict(m, values, 1)
 */
export async function onnxOpen(
  bytes: Uint8Array,
  source: string,
  schema: OnnxSchemaLike,
  options: OnnxRuntimeOptions = {},
): Promise<OnnxOpened> {
  const model = onnxModelRead(bytes, source)
  const card = onnxCard(model, source)
  const offsets = onnxFeatureOffsets(schema.features)
  const plan =
    schema.modelInput === 'columns'
      ? onnxPlanColumns(model, schema.features, source)
      : onnxPlanEncoded(model, offsets[offsets.length - 1]!, source)
  const trees = onnxTreeSetup(model, plan, card.output, offsets)
  const session = await onnxSessionCreate(bytes, model, source, options)
  return { model, card, plan, trees, session, features: schema.features }
}

/**
 * Probability of the class of interest per row.
 * @param x the encoded matrix (encoded mode) or the feature values (columns mode).
 * @param classIndex the output column for an [N, k] output (k ≥ 2); an [N] or [N, 1] output is
 *   the positive class's probability and ignores it.
 */
export function onnxOpenedPredict(
  m: OnnxOpened,
  x: Matrix,
  classIndex: number,
  options: {
    chunkRows?: number
    signal?: AbortSignal
    onProgress?: (done: number, total: number) => void
  } = {},
): Promise<Float32Array> {
  return onnxPredict(m.session, m.plan, x, m.features, {
    output: m.card.output.name,
    column: classIndex,
    ...options,
  })
}
