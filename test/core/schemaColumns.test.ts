/**
 * Schema inference for models with one input per column (issue 15): the logistic-regression
 * pipeline exported by skl2onnx, inferred from its ONNX inputs (names and dtypes, as its card
 * lists them) and data.csv alone, predicts exactly as with its committed schema (probabilities
 * within 1e-6 of scikit-learn's); an input without a column of its name is named.
 */
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { schemaInferColumns } from '../../src/core/schemaColumns.ts'
import { classRequest } from '../../src/model/card.ts'
import { sessionOpen } from '../../src/session/session.ts'
import { type Reference, readJson } from '../model/onnx/fixtures.ts'
import { MODELS_DIR, fixtureData, fixtureModel, fixtureSchema } from '../session/fixtureSession.ts'

type CardRef = { card: { inputs: { name: string; dtype: string }[] } }
const choices = { target: 'income', positive: '>50K', sensitive: ['sex', 'race'] }

describe('schemaInferColumns', () => {
  test('the logreg pipeline: the inferred schema predicts as the committed one', async () => {
    const ref = readJson<Reference & CardRef & { proba: number[] }>(
      join(MODELS_DIR, 'logreg-pipeline.reference.json'),
    )
    const data = fixtureData()
    const inferred = schemaInferColumns(data.table, choices, ref.card.inputs)
    if (typeof inferred === 'string') throw new Error(inferred)
    const committed = fixtureSchema(ref)
    expect(inferred.modelInput).toBe('columns')
    expect(inferred.features.map((f) => [f.name, f.type])).toEqual(
      committed.features.map((f) => [f.name, f.type]),
    )
    const model = await fixtureModel('logreg-pipeline.onnx', inferred)
    try {
      const s = await sessionOpen(model, inferred, data, classRequest(null), {
        schemaName: 'inferred',
      })
      const p = await s.predict(s.x)
      expect(p.length).toBe(ref.proba.length)
      let worst = 0
      p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.proba[i]!))))
      expect(worst).toBeLessThan(1e-6)
    } finally {
      model.dispose()
    }
  }, 60_000)

  test('an input the CSV has no column for, or a numeric input over text, is named', () => {
    const { table } = fixtureData()
    expect(
      schemaInferColumns(table, choices, [
        { name: 'age', dtype: 'float32' },
        { name: 'country', dtype: 'string' },
      ]),
    ).toBe(`the model's input "country" has no column of that name in the data`)
    expect(schemaInferColumns(table, choices, [{ name: 'sex', dtype: 'float32' }])).toBe(
      `the model's input "sex" is float32 but its column holds text`,
    )
    expect(schemaInferColumns(table, choices, [{ name: 'income', dtype: 'string' }])).toBe(
      `the model's input "income" is the target column`,
    )
  })
})
