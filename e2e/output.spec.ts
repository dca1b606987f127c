/**
 * output.kind in the browser (docs/robustness.md, "Outputs are what they claim"): the logit copy
 * of the golden model (test/fixtures/golden/adult-logit) is refused under the loaded schema's
 * "probability" with the message that suggests `logit`, the earlier model and data staying loaded;
 * with its own schema saying "logit" it loads and shows the golden accuracy.
 */
import { readFileSync } from 'node:fs'
import { corpusCases, repoPath } from '../test/fixtures/inputs/corpus.ts'
import { expect, test } from './fixtures.ts'

const L = 'test/fixtures/golden/adult-logit'
const G = 'test/fixtures/golden/adult'
const reference = JSON.parse(readFileSync(repoPath(`${G}/reference.json`), 'utf8')) as {
  metrics: { accuracy: number }
}

test('a logit model: refused under "probability" with the remedy, loaded under "logit" with the golden accuracy', async ({
  page,
  app,
}) => {
  await app.open()
  const sha = await page.getByTestId('model-sha').textContent()
  const acc = await app.metric('accuracy')
  const refused = corpusCases.find((c) => c.id === 'reject-logit-as-probability')!

  await test.step('the model alone, under the demo schema: refused, the demo stays loaded', async () => {
    await app.loadFiles(
      [repoPath(`${L}/model.json`), repoPath(`${L}/group1-shard1of1.bin`)],
      'model',
    )
    const box = app.el('notice-error')
    await expect(box).toHaveCount(1)
    await expect(box).toContainText(refused.expected.message!)
    await expect(box).toContainText('the previously loaded model and data are still loaded')
    await app.waitIdle()
    await expect(page.getByTestId('model-sha')).toHaveText(sha!)
    expect(await app.metric('accuracy')).toBe(acc)
    await box.getByRole('button', { name: 'Dismiss' }).click()
  })

  await test.step('with its schema saying "logit" and the golden data: loads, golden accuracy', async () => {
    await app.loadFiles([
      repoPath(`${L}/model.json`),
      repoPath(`${L}/group1-shard1of1.bin`),
      repoPath(`${L}/schema.json`),
      repoPath(`${G}/data.csv`),
    ])
    await expect(page.getByTestId('model-sha')).not.toHaveText(sha!)
    await app.waitIdle()
    await expect(app.el('notice-error')).toHaveCount(0)
    expect(Math.abs((await app.metric('accuracy')) - reference.metrics.accuracy)).toBeLessThan(1e-6)
  })
})
