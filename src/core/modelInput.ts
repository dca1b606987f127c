/**
 * How a row of feature values (numeric value or category index, schema order) becomes the row the
 * model reads, and which model inputs each player (schema feature) owns. Two modes (contracts
 * §7, the schema's `modelInput`):
 * - `encoded`: the §1 encoding — standardised numbers and one-hot blocks, `schemaWidth` inputs;
 *   a categorical player owns its whole one-hot block;
 * - `columns`: one input per feature holding the value itself (a category by its index, −1 when
 *   empty or unknown); every player owns one input.
 * Explanations, what-if and counterfactual searches build model rows through this map only, so a
 * model of either mode is explained by the same code.
 */
import { encodeFeatureValues } from './encode.ts'
import { type Schema, type SchemaModelInput, schemaOffsets, schemaWidth } from './schema.ts'
import { type Matrix, matrix } from './types.ts'

/** `encoded` (the §1 one-hot/standardised vector) or `columns` (one input per feature). */
export type ModelInputMode = SchemaModelInput

/** The map from feature values to model inputs. */
export type ModelInputMap = {
  readonly mode: ModelInputMode
  /** Model inputs per row. */
  readonly width: number
  /** Player j (schema feature j) owns inputs [offsets[j], offsets[j + 1]); length features + 1. */
  readonly offsets: Int32Array
  /** Writes one row of feature values as `width` model inputs into `out` from `offset`. */
  write(values: ArrayLike<number>, out: Float32Array | Float64Array, offset: number): void
}

/**
 * The input mode a schema asks for: its `modelInput` property (contracts §7), `encoded` when it
 * has none.
 */
export function schemaInputMode(schema: Schema): ModelInputMode {
  return schema.modelInput ?? 'encoded'
}

/**
 * The map of a schema in `mode`.
 * @example modelInputMap(schema, 'encoded').width === schemaWidth(schema)
 */
export function modelInputMap(schema: Schema, mode: ModelInputMode = 'encoded'): ModelInputMap {
  if (mode === 'encoded')
    return {
      mode,
      width: schemaWidth(schema),
      offsets: schemaOffsets(schema),
      write: (values, out, offset) => encodeFeatureValues(schema, values, out, offset),
    }
  const m = schema.features.length
  return {
    mode,
    width: m,
    offsets: Int32Array.from({ length: m + 1 }, (_, j) => j),
    write: (values, out, offset) => {
      for (let j = 0; j < m; j++) out[offset + j] = values[j]!
    },
  }
}

/**
 * Model rows (float32, rows × width) of feature-value rows (rows × features).
 * @throws RangeError when `values` has a column count other than the player count.
 */
export function modelInputRows(map: ModelInputMap, values: Matrix): Matrix {
  const m = map.offsets.length - 1
  if (values.cols !== m)
    throw new RangeError(`model input: ${values.cols} values per row for ${m} features`)
  const out = new Float32Array(values.rows * map.width)
  for (let i = 0; i < values.rows; i++)
    map.write(values.data.subarray(i * m, (i + 1) * m), out, i * map.width)
  return matrix(out, values.rows, map.width)
}
