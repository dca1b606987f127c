/**
 * Bring your own model, as a newcomer does it: on an empty dashboard (?demo=0) the German credit
 * fixture's model is loaded alone (it waits, saying for what), then its CSV without a schema; no
 * schema inferred from the CSV fits the model's 61 inputs, so the schema editor opens. The choices
 * a user would make — target and positive value, the features in the model's order, the training
 * means/stds and the category order, the sensitive columns — are typed in from the fixture's
 * schema.json, and applying gives the same accuracy, ROC AUC and predictions as loading the same
 * files with schema.json (and as the fixture's numpy/scikit-learn reference).
 */
import { readFileSync } from 'node:fs'
import type { Schema } from '../src/core/schema.ts'
import { type App, expect, path, test } from './fixtures.ts'

const german = (f: string): string => path('test/fixtures/german', f)
const MODEL = [german('model.json'), german('group1-shard1of1.bin')]
const schema = JSON.parse(readFileSync(german('schema.json'), 'utf8')) as Schema
const reference = JSON.parse(readFileSync(german('reference.json'), 'utf8')) as {
  metrics: { accuracy: number; rocAuc: number }
  predictions: number[]
}

/** Accuracy, ROC AUC and predictions of what is loaded. */
async function numbers(app: App): Promise<{ acc: number; auc: number; p: number[] }> {
  return {
    acc: await app.metric('accuracy'),
    auc: await app.metric('auc'),
    p: await app.api.predictions(),
  }
}

// One session: Start empty, German credit with its schema.json (the reference numbers), then,
// on a reload of the empty dashboard, the same files without a schema through the editor.
test('Start empty leaves the demo; German credit with schema.json gives the reference numbers, and without it the editor builds one that gives the same', async ({
  app,
  page,
}) => {
  await app.open()
  await app.el('start-empty').click()
  await expect(page).toHaveURL(/\?demo=0$/)
  await expect(app.el('empty-hint')).toBeVisible()
  await expect(app.el('main')).toHaveAttribute('data-ready', 'false')
  // The CSV and schema wait for a model, then the model comes.
  await app.loadFiles([german('data.csv'), german('schema.json')])
  await expect(app.el('pending')).toContainText(
    'data.csv (300 rows, 22 columns) and schema.json are loaded and wait for a model',
  )
  await app.loadFiles(MODEL, 'model')
  await app.waitIdle()
  const withSchema = await numbers(app)
  expect(withSchema.acc).toBeCloseTo(reference.metrics.accuracy, 9)
  expect(withSchema.auc).toBeCloseTo(reference.metrics.rocAuc, 5)
  withSchema.p.forEach((p, i) => expect(Math.abs(p - reference.predictions[i]!)).toBeLessThan(1e-5))

  await test.step('German credit without a schema: the editor builds one that gives the same numbers', async () => {
    await app.open('?demo=0')
    await app.loadFiles(MODEL, 'model')
    await expect(app.el('pending')).toContainText('(61 inputs) is loaded and waits for its data')
    await app.loadFiles([german('data.csv')], 'data')
    const editor = app.el('schema-editor')
    await expect(editor).toBeVisible()
    await expect(app.el('main')).toHaveAttribute('data-ready', 'false')
    // The first guesses: the target named like a label, its positive value; every other column a
    // feature in the CSV's order (the age band too: 63 inputs, 2 over the model's 61).
    await expect(app.el('editor-target')).toHaveValue('class')
    await expect(app.el('editor-positive')).toHaveValue('Good')
    await expect(app.el('editor-width')).toHaveText(
      "Encoded width 63: 2 inputs over the model's 61.",
    )
    await expect(app.el('editor-span-duration')).toHaveText('4')

    // Choosing the target as a feature is flagged.
    await app.el('editor-target').selectOption('age_group')
    await expect(app.el('editor-target-warning')).toContainText('“age_group” is also a feature')
    await app.el('editor-target').selectOption('class')
    await app.el('editor-positive').selectOption(schema.target.positive)

    await app.el('editor-remove-age_group').click()
    for (const [i, f] of schema.features.entries()) {
      await app.el(`editor-pos-${f.name}`).fill(String(i + 1))
      await app.el(`editor-pos-${f.name}`).press('Enter')
      if (f.type === 'numeric') {
        await app.el(`editor-mean-${f.name}`).fill(String(f.mean))
        await app.el(`editor-std-${f.name}`).fill(String(f.std))
      } else await app.el(`editor-categories-${f.name}`).fill(f.categories.join('\n'))
    }
    for (const name of ['personal_status', 'age_group']) {
      const box = app.el(`editor-sensitive-${name}`)
      if (schema.sensitive.includes(name)) await box.check()
      else await box.uncheck()
    }
    await expect(app.el('editor-width')).toHaveText(
      "Encoded width 61: matches the model's 61 inputs.",
    )
    await expect(app.el('editor-span-checking_status')).toHaveText('7–10')
    await expect(app.el('editor-problems')).toHaveCount(0)
    await page.setViewportSize({ width: 1440, height: 900 })
    await editor.screenshot({ path: test.info().outputPath('schema-editor.png') })

    const download = page.waitForEvent('download')
    await app.el('editor-download').click()
    const file = await (await download).path()
    const edited = JSON.parse(readFileSync(file, 'utf8')) as Schema
    expect(edited.features).toEqual(schema.features)
    expect(edited.target).toEqual(schema.target)
    expect([...edited.sensitive].sort()).toEqual([...schema.sensitive].sort())

    await app.el('editor-apply').click()
    await app.waitIdle()
    await expect(editor).toHaveCount(0)
    const edited2 = await numbers(app)
    expect(edited2.acc).toBe(withSchema.acc)
    expect(edited2.auc).toBe(withSchema.auc)
    expect(edited2.p).toEqual(withSchema.p)
  })
})
