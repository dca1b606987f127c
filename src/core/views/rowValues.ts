/**
 * One data row as the Data view edits and explains it: its feature values (numeric value, or
 * category index with −1 = unknown, as src/core/encode.ts encodes them), their text, and the
 * explanation settings of a request about the row.
 */
import { parseNumericCell } from '../encode.ts'
import type { ExplainSettings } from '../explain.ts'
import type { Schema } from '../schema.ts'
import { type Table, columnCell, tableColumn } from '../table.ts'

/**
 * Feature values of one data row in schema order: the number of a numeric cell (NaN when it does
 * not parse — encodeTable rejects such data, so a loaded session has none), the category index of
 * a categorical one (−1 for an empty or unknown category, or a column the table lacks).
 * @example rowFeatureValues(schema, table, 0) // [39, 4, …]
 */
export function rowFeatureValues(schema: Schema, table: Table, row: number): number[] {
  return schema.features.map((f) => {
    const col = tableColumn(table, f.name)
    const cell = col ? columnCell(col, row) : ''
    if (f.type === 'numeric') return parseNumericCell(cell) ?? Number.NaN
    return f.categories.indexOf(cell)
  })
}

/**
 * The text of feature `j`'s value `v`: the number, or the category (`(unknown)` for −1).
 * @throws TypeError when the schema has no feature `j`.
 */
export function featureValueText(schema: Schema, j: number, v: number): string {
  const f = schema.features[j]!
  if (f.type === 'numeric') return String(v)
  return f.categories[v] ?? '(unknown)'
}

/** The part of a row's explanation a request asks for. */
export type RowPartKind = 'shap' | 'counterfactuals'

/**
 * Settings of a request about a row: the user's explanation settings (background, budget, seed,
 * counterfactual count) and `threshold`, with only the asked-for part switched on (no IG; 4
 * counterfactuals when the user asked for none).
 */
export function rowPartSettings(
  kind: RowPartKind,
  settings: ExplainSettings,
  threshold: number,
): ExplainSettings {
  return {
    ...settings,
    threshold,
    shap: kind === 'shap',
    igSteps: 0,
    counterfactuals: kind === 'counterfactuals' ? settings.counterfactuals || 4 : 0,
  }
}

/**
 * Whether a part computed with `used` differs from what `settings` and `threshold` ask for now
 * (SHAP does not depend on the threshold; counterfactuals do).
 * @returns false when nothing was computed (`used` null).
 */
export function rowPartStale(
  kind: RowPartKind,
  used: ExplainSettings | null,
  settings: ExplainSettings,
  threshold: number,
): boolean {
  if (!used) return false
  const want = rowPartSettings(kind, settings, threshold)
  const pick = (s: ExplainSettings) =>
    kind === 'shap'
      ? [s.background, s.budget, s.seed]
      : [s.background, s.seed, s.threshold, s.counterfactuals, s.counterfactualConstraints ?? null]
  return JSON.stringify(pick(used)) !== JSON.stringify(pick(want))
}

/** The smallest and largest value a numeric feature takes in the data. */
export type FeatureRange = { min: number; max: number }

/**
 * Per feature in schema order, the range of its values in `table` — what the what-if editor
 * accepts (the model was never shown values outside it). null for a categorical feature, a
 * column the table lacks, or one without a single number. One pass over the column's distinct
 * values, not its rows.
 * @example featureRanges(schema, table)[0] // { min: 17, max: 90 } for age
 */
export function featureRanges(schema: Schema, table: Table): (FeatureRange | null)[] {
  return schema.features.map((f) => {
    const col = f.type === 'numeric' ? tableColumn(table, f.name) : undefined
    if (!col) return null
    let min = Infinity
    let max = -Infinity
    for (const text of col.values) {
      const v = parseNumericCell(text)
      if (v === null) continue
      if (v < min) min = v
      if (v > max) max = v
    }
    return min <= max ? { min, max } : null
  })
}
