/**
 * What a model's output is (dataset schema v1 `output.kind`, docs/contracts.md §1) and the link
 * Glassbox applies to raw scores: `probability` — the model outputs a sigmoid unit or a softmax
 * and every value must lie in [0, 1]; `logit` — it outputs raw scores and Glassbox applies the
 * sigmoid (one unit) or the softmax (k units) itself. Also the one message builder for an output
 * that is not what the schema claims, so the CLI and the page say the same words. Pure.
 */
import type { Schema } from './schema.ts'

/** The kinds of model output a schema may declare. */
export const OUTPUT_KINDS = ['probability', 'logit'] as const

/** `probability` (a sigmoid or softmax output) or `logit` (raw scores; Glassbox adds the link). */
export type OutputKind = (typeof OUTPUT_KINDS)[number]

/** True for a known output kind. */
export const isOutputKind = (v: unknown): v is OutputKind =>
  typeof v === 'string' && (OUTPUT_KINDS as readonly string[]).includes(v)

/** The schema's output kind (`probability` when a schema says nothing). */
export const outputKindOf = (schema: Pick<Schema, 'output'> | undefined): OutputKind =>
  schema?.output.kind ?? 'probability'

/** The schema with `output.kind` replaced (the CLI's `--output`); the same object when unchanged. */
export function schemaWithOutput<S extends Pick<Schema, 'output'>>(schema: S, kind: OutputKind): S {
  return schema.output.kind === kind ? schema : { ...schema, output: { kind } }
}

/**
 * The logistic sigmoid 1/(1 + e^−z) in float64, computed without overflow for either sign.
 * σ(±∞) = 1 / 0; σ(NaN) = NaN.
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

/**
 * Softmax probabilities of one row of k raw scores, in float64 (max-shifted, so large scores do
 * not overflow), written into `out`. A row holding NaN gives NaN everywhere; a row whose maximum
 * is +∞ gives its +∞ entries equal shares and every other entry 0.
 */
export function softmaxRow(z: ArrayLike<number>, out: Float64Array): void {
  const k = z.length
  let m = -Infinity
  for (let j = 0; j < k; j++) m = Math.max(m, z[j]!)
  if (Number.isNaN(m) || Array.prototype.some.call(z, Number.isNaN)) {
    out.fill(NaN)
    return
  }
  if (m === Infinity) {
    let n = 0
    for (let j = 0; j < k; j++) n += z[j] === Infinity ? 1 : 0
    for (let j = 0; j < k; j++) out[j] = z[j] === Infinity ? 1 / n : 0
    return
  }
  let sum = 0
  for (let j = 0; j < k; j++) sum += out[j] = Math.exp(z[j]! - m)
  for (let j = 0; j < k; j++) out[j]! /= sum
}

/** Who and what an output message names. */
export type OutputNaming = {
  /** The model's file name, URL or path. */
  model: string
  /** The dataset's file name, URL or path. */
  data: string
  /** Global 0-based index of `p[0]` when `p` is one chunk of a larger file [0]. */
  firstRow?: number
}

const LOGIT_HINT =
  'If the model outputs raw scores (logits), set "output": {"kind": "logit"} in the schema (CLI: --output logit) and Glassbox applies the sigmoid or softmax itself'

/** Final activations whose values are not probabilities (a model card names them lower case). */
export const NON_PROBABILITY_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'tanh']

/**
 * The up-front refusal of a model whose card names a final activation that cannot give
 * probabilities, under `probability` ({@link outputUnboundedMessage}); null otherwise (an
 * unknown activation is left to the every-row check).
 */
export function outputActivationProblem(
  model: string,
  activation: string,
  kind: OutputKind,
): string | null {
  return kind === 'probability' && NON_PROBABILITY_ACTIVATIONS.includes(activation)
    ? outputUnboundedMessage(model, activation)
    : null
}

/**
 * The error a TensorFlow.js model whose last layer is already a sigmoid or softmax gets under
 * `logit` (Glassbox would apply the link a second time: every prediction silently squeezed).
 * @example outputDoubleLinkMessage('m.json', 'sigmoid')
 */
export function outputDoubleLinkMessage(model: string, activation: string): string {
  return `${model}: the output layer's activation is already "${activation}", so its values are probabilities, but the schema's output.kind is "logit" (Glassbox would apply the ${activation} a second time). Use "output": {"kind": "probability"} (CLI: --output probability).`
}

/**
 * The error a model whose final activation is linear or unbounded gets under `probability`,
 * before anything is predicted (the same words in the CLI and the page).
 * @example outputUnboundedMessage('m.json', 'linear')
 */
export function outputUnboundedMessage(model: string, activation: string): string {
  return `${model}: the output layer's activation is "${activation}", so its values are not probabilities, but the schema's output.kind is "probability". ${LOGIT_HINT}.`
}

/**
 * Checks predictions of data rows against the output kind: NaN is an error under either kind;
 * under `probability` so is ±∞ or any value outside [0, 1] (a logit-linked output is in [0, 1] by
 * construction). Rows are 0-based data rows (header excluded), as in the report.
 * @returns null when every value is fine, else one message naming the model, the first bad row
 *   and its value, how many rows more are bad, and (under `probability`) the `logit` remedy.
 * @example outputCheck(Float32Array.of(0.2, 3.5), 'probability', { model: 'm.json', data: 'd.csv' })
 */
export function outputCheck(
  p: ArrayLike<number>,
  kind: OutputKind,
  naming: OutputNaming,
): string | null {
  const bad = (v: number) => Number.isNaN(v) || (kind === 'probability' && !(v >= 0 && v <= 1))
  let first = -1
  let count = 0
  for (let i = 0; i < p.length; i++) {
    if (!bad(p[i]!)) continue
    if (first < 0) first = i
    count++
  }
  if (first < 0) return null
  const v = p[first]!
  const row = (naming.firstRow ?? 0) + first
  const more = count > 1 ? ` and ${count - 1} more row${count > 2 ? 's' : ''}` : ''
  const where = `${naming.model} outputs ${v} for row ${row} of ${naming.data}${more}`
  if (Number.isNaN(v))
    return `${where}: the model's output is not a number; check its weights and the scale of its inputs.`
  return `${where}: the schema's output.kind is "probability", which needs a value in [0, 1] on every row. ${LOGIT_HINT}.`
}
