/**
 * How schema features fill an ONNX model's inputs (docs/contracts.md §7, "Input modes"):
 * - `encoded`: one input [N, width], float32 or float64, filled with the §1 encoding;
 * - `columns`: one input per feature, named after it (or its `"input"` property), shape [N, 1]
 *   or [N]: a numeric feature fills float32 / float64 / int64 with its raw value, a categorical
 *   feature a string input with its category or an int64 input with its index in `categories`.
 * Every mismatch is refused with a message naming the file, the input and the feature.
 */
import { ModelError } from '../artifacts.ts'
import { onnxDtypeName, type OnnxDim } from './onnxTypes.ts'
import { onnxFeedInputs, type OnnxModelRead } from './read.ts'

/** What the ONNX code needs of a schema feature (a structural subset of schema v1's). */
export type OnnxSchemaFeature =
  | { name: string; type: 'numeric'; input?: string }
  | { name: string; type: 'categorical'; categories: readonly string[]; input?: string }

/** Dtypes a column can fill. */
export type OnnxColumnDtype = 'float32' | 'float64' | 'int64' | 'string'

/** One feature's input in columns mode. */
export type OnnxColumnInput = {
  /** Index of the schema feature. */
  feature: number
  /** The ONNX input's name. */
  input: string
  dtype: OnnxColumnDtype
  /** 2 for [N, 1], 1 for [N]. */
  rank: 1 | 2
}

/** How the rows reach the model: one encoded input, or one input per schema feature. */
export type OnnxInputPlan =
  | { mode: 'encoded'; input: string; dtype: 'float32' | 'float64'; width: number }
  | { mode: 'columns'; inputs: OnnxColumnInput[] }

const NUMERIC_DTYPES = new Set(['float32', 'float64', 'int64'])
const fmtShape = (s: OnnxDim[] | null): string =>
  s ? `[${s.map((d) => d ?? '?').join(', ')}]` : 'unknown'
const quoteList = (xs: string[]): string => xs.map((x) => `"${x}"`).join(', ')

function inputShape(v: ReturnType<typeof onnxFeedInputs>[number]): OnnxDim[] | null {
  return v.type?.kind === 'tensor' ? v.type.shape : null
}

function inputDtype(v: ReturnType<typeof onnxFeedInputs>[number]): string {
  return v.type?.kind === 'tensor' ? onnxDtypeName(v.type.elemType) : (v.type?.kind ?? 'unknown')
}

/**
 * The encoded-mode plan: the model must have exactly one float32/float64 input [N, width].
 * @throws ModelError naming `source` otherwise (several inputs suggest `"modelInput": "columns"`).
 */
export function onnxPlanEncoded(
  model: OnnxModelRead,
  width: number,
  source: string,
): OnnxInputPlan {
  const inputs = onnxFeedInputs(model.graph)
  if (inputs.length !== 1) {
    const hint =
      inputs.length > 1
        ? '; a model with one input per column needs "modelInput": "columns" in the schema'
        : ''
    throw new ModelError(
      `${source}: the model has ${inputs.length} inputs (${quoteList(inputs.map((v) => v.name))}); the encoded mode feeds one [N, ${width}] input${hint}`,
    )
  }
  const v = inputs[0]!
  const dtype = inputDtype(v)
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ModelError(
      `${source}: input "${v.name}" is ${dtype}; the encoded mode feeds float32 or float64`,
    )
  const shape = inputShape(v)
  if (shape && shape.length !== 2)
    throw new ModelError(
      `${source}: input "${v.name}" has shape ${fmtShape(shape)}; the encoded mode feeds [N, ${width}]`,
    )
  const cols = shape?.[1]
  if (typeof cols === 'number' && cols !== width)
    throw new ModelError(
      `${source}: input "${v.name}" has ${cols} columns; the schema encodes ${width}`,
    )
  return { mode: 'encoded', input: v.name, dtype, width }
}

/**
 * The columns-mode plan: every ONNX input matched to one feature and every feature to one input.
 * @throws ModelError naming `source` for an input matching no feature, a feature with no input,
 *   a dtype the column cannot fill (a categorical feature into a float input, a numeric feature
 *   into a string input, …) or an input shaped other than [N, 1] / [N].
 * @example onnxPlanColumns(model, schema.features, 'pipeline.onnx').inputs[0] // { feature: 0, input: 'age', dtype: 'float32', rank: 2 }
 */
export function onnxPlanColumns(
  model: OnnxModelRead,
  features: readonly OnnxSchemaFeature[],
  source: string,
): OnnxInputPlan {
  const inputs = onnxFeedInputs(model.graph)
  const byInput = new Map(features.map((f, j) => [f.input ?? f.name, j]))
  const filled = new Map<number, OnnxColumnInput>()
  for (const v of inputs) {
    const j = byInput.get(v.name)
    if (j === undefined)
      throw new ModelError(
        `${source}: ONNX input "${v.name}" matches no schema feature (features: ${quoteList(features.map((f) => f.name))}; a feature's "input" property names the input it fills)`,
      )
    const f = features[j]!
    const dtype = inputDtype(v)
    const ok =
      f.type === 'numeric' ? NUMERIC_DTYPES.has(dtype) : dtype === 'string' || dtype === 'int64'
    if (!ok) {
      const can =
        f.type === 'numeric'
          ? 'a float32, float64 or int64 input'
          : 'a string input (its category) or an int64 input (its index)'
      throw new ModelError(
        `${source}: ${f.type} feature "${f.name}" cannot fill ONNX input "${v.name}" of type ${dtype}; it fills ${can}`,
      )
    }
    const shape = inputShape(v)
    const rank = shape ? shape.length : 2
    if (
      (rank !== 1 && rank !== 2) ||
      (rank === 2 && shape && typeof shape[1] === 'number' && shape[1] !== 1)
    )
      throw new ModelError(
        `${source}: ONNX input "${v.name}" has shape ${fmtShape(shape)}; in columns mode each feature fills [N, 1]`,
      )
    filled.set(j, {
      feature: j,
      input: v.name,
      dtype: dtype as OnnxColumnDtype,
      rank: rank as 1 | 2,
    })
  }
  const missing = features.filter((_, j) => !filled.has(j))
  if (missing.length > 0) {
    const f = missing[0]!
    throw new ModelError(
      `${source}: schema feature "${f.name}" has no ONNX input${f.input ? ` named "${f.input}"` : ''} (inputs: ${quoteList(inputs.map((v) => v.name))})`,
    )
  }
  return { mode: 'columns', inputs: features.map((_, j) => filled.get(j)!) }
}
