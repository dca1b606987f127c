/**
 * Dataset schema v1 (docs/contracts.md §1, §7): the mapping from raw CSV columns to the model's
 * input, plus the label, the sensitive attributes and what the model outputs.
 */
import type { OutputKind } from './output.ts'

/**
 * A numeric feature. `mean`/`std` standardise it in the §1 encoding; a schema in `columns` mode
 * may leave them out (the model reads the raw value), and the encoding then uses the value as is
 * (mean 0, std 1).
 */
export type NumericFeature = {
  name: string
  type: 'numeric'
  mean?: number
  std?: number
  /** `columns` mode: the name of the model input the feature fills (default: its name). */
  input?: string
}
/** A categorical feature: one-hot over `categories` in listed order. */
export type CategoricalFeature = {
  name: string
  type: 'categorical'
  categories: string[]
  /** `columns` mode: the name of the model input the feature fills (default: its name). */
  input?: string
}
/** One feature of the schema (one SHAP player). */
export type Feature = NumericFeature | CategoricalFeature

/**
 * How the rows reach the model (contracts §7): `encoded` (one vector, the §1 encoding; the
 * default) or `columns` (one input per feature holding its raw value, as a scikit-learn pipeline
 * exported to ONNX reads them).
 */
export type SchemaModelInput = 'encoded' | 'columns'

/** A dataset schema v1. */
export type Schema = {
  schemaVersion: 1
  name: string
  target: { column: string; positive: string }
  features: Feature[]
  sensitive: string[]
  /** What the model outputs: probabilities, or raw scores Glassbox links (src/core/output.ts). */
  output: { kind: OutputKind }
  /** Absent = `encoded`. */
  modelInput?: SchemaModelInput
}

/** The standardisation of a numeric feature: its mean and std, or 0 and 1 when it has none. */
export function featureScale(f: NumericFeature): { mean: number; std: number } {
  return { mean: f.mean ?? 0, std: f.std ?? 1 }
}

/** Number of encoded inputs a feature occupies: 1 for numeric, |categories| for categorical. */
export function featureWidth(f: Feature): number {
  return f.type === 'numeric' ? 1 : f.categories.length
}

/** Total encoded width of the schema = the model's expected input width. */
export function schemaWidth(s: Schema): number {
  let w = 0
  for (const f of s.features) w += featureWidth(f)
  return w
}

/**
 * Offsets of each feature's block in the encoded row: feature i occupies
 * `[offsets[i], offsets[i + 1])`. Length = features.length + 1.
 */
export function schemaOffsets(s: Schema): Int32Array {
  const out = new Int32Array(s.features.length + 1)
  for (let i = 0; i < s.features.length; i++) out[i + 1] = out[i]! + featureWidth(s.features[i]!)
  return out
}

/** Names of the encoded inputs: `age`, `workclass=Private`, … in encoding order. */
export function encodedNames(s: Schema): string[] {
  const names: string[] = []
  for (const f of s.features) {
    if (f.type === 'numeric') names.push(f.name)
    else for (const c of f.categories) names.push(`${f.name}=${c}`)
  }
  return names
}
