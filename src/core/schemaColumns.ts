/**
 * Schema inference for a model that takes one input per column (`"modelInput": "columns"`, e.g. a
 * scikit-learn Pipeline exported by skl2onnx): the features are the model's inputs, in its order,
 * each read from the CSV column of the same name; its dtype decides the type — a string input is
 * categorical (the column's distinct non-empty values), a numeric one numeric (the column's mean
 * and std kept for reference: in columns mode the model standardises itself). An input whose
 * column the CSV lacks, or a numeric input over a text column, has no inferred schema: the page
 * then opens the schema editor.
 */
import { DataError } from './encode.ts'
import type { Feature, Schema } from './schema.ts'
import { type InferChoices, columnProfile } from './schemaIo.ts'
import { type Table, tableColumn } from './table.ts'

/** A model input as its card lists it (name and element type, e.g. `float32`, `string`). */
export type ColumnInputSpec = { readonly name: string; readonly dtype: string }

const NUMERIC_DTYPES = /^(float|double|float16|float32|float64|bfloat16|u?int(8|16|32|64)|bool)$/

/**
 * The columns-mode schema for `inputs` over `table`, or why there is none.
 * @returns a schema (features = inputs in order, `modelInput: "columns"`), or a sentence naming
 *   the input that cannot be inferred.
 * @example schemaInferColumns(table, { target: 'income', positive: '>50K', sensitive: ['sex'] }, card.inputs)
 */
export function schemaInferColumns(
  table: Table,
  choices: InferChoices,
  inputs: readonly ColumnInputSpec[],
): Schema | string {
  const features: Feature[] = []
  for (const input of inputs) {
    const col = tableColumn(table, input.name)
    if (!col) return `the model's input "${input.name}" has no column of that name in the data`
    if (input.name === choices.target)
      return `the model's input "${input.name}" is the target column`
    const p = columnProfile(col, table.nRows)
    if (input.dtype === 'string') {
      if (p.categories.length === 0 && p.kind === 'categorical')
        return `column "${input.name}" has no non-empty values`
      const categories =
        p.kind === 'categorical'
          ? p.categories
          : col.values.filter((v) => v !== '').sort((a, b) => Number(a) - Number(b))
      features.push({ name: input.name, type: 'categorical', categories })
    } else if (NUMERIC_DTYPES.test(input.dtype)) {
      if (p.kind !== 'numeric')
        return `the model's input "${input.name}" is ${input.dtype} but its column holds text`
      features.push({
        name: input.name,
        type: 'numeric',
        ...(p.mean !== null && p.std !== null ? { mean: p.mean, std: p.std > 0 ? p.std : 1 } : {}),
      })
    } else
      return `the model's input "${input.name}" has an element type (${input.dtype}) a column cannot give`
  }
  if (features.length === 0) throw new DataError('schema inference: the model lists no inputs')
  return {
    schemaVersion: 1,
    name: choices.name ?? 'dataset',
    target: { column: choices.target, positive: choices.positive },
    features,
    sensitive: [...choices.sensitive],
    output: { kind: 'probability' },
    modelInput: 'columns',
  }
}
