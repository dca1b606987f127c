/**
 * Dataset schema v1 (docs/contracts.md §1): the mapping from raw CSV columns to the model's
 * encoded input, plus the label and the sensitive attributes.
 */

export type NumericFeature = { name: string; type: 'numeric'; mean: number; std: number }
export type CategoricalFeature = { name: string; type: 'categorical'; categories: string[] }
export type Feature = NumericFeature | CategoricalFeature

export type Schema = {
  schemaVersion: 1
  name: string
  target: { column: string; positive: string }
  features: Feature[]
  sensitive: string[]
  output: { kind: 'probability' }
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
