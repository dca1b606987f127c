/**
 * Messages name the cause, in the browser (issue 16): a Keras model that TensorFlow.js cannot build
 * (a Normalization layer) is refused with TensorFlow.js's whole text on one line and what to do,
 * the same message as the CLI and the model worker give in Node (test/robustness/messages.test.ts),
 * and the demo stays loaded.
 */
import { SHAP_PATH_MARGIN } from '../src/core/shap/pathChoice.ts'
import { repoPath } from '../test/fixtures/inputs/corpus.ts'
import { expect, test } from './fixtures.ts'

const DIR = 'test/fixtures/messages/keras-normalization'

// One session: the refused model, then the Explain view of the demo it left loaded.
test('a Keras Normalization layer is refused with the whole error and the advice; the Explain view says which SHAP path ran', async ({
  page,
  app,
}) => {
  await app.open()
  await test.step('a Keras Normalization layer: the whole TensorFlow.js error and the advice, the demo kept', async () => {
    const sha = await page.getByTestId('model-sha').textContent()
    await app.loadFiles(
      [repoPath(`${DIR}/model.json`), repoPath(`${DIR}/group1-shard1of1.bin`)],
      'model',
    )
    const box = app.el('notice-error')
    await expect(box).toHaveCount(1)
    await expect(box).toContainText(
      'model.json: TensorFlow.js could not build the model (Unknown layer: Normalization. This may be due to one of the following reasons: 1. The layer is defined in Python',
    )
    await expect(box).toContainText(
      'is not registered properly with tf.serialization.registerClass().) — what to do: a Keras Normalization layer is not loadable in TensorFlow.js: drop it from the model and put its mean and standard deviation (√variance) in the schema',
    )
    await expect(box).toContainText('the previously loaded model and data are still loaded')
    await expect(page.getByTestId('model-sha')).toHaveText(sha!)
  })
  await test.step('the Explain view says which SHAP path ran, with its timings, and how IG refinement ended', async () => {
    await app.openTab('Explain')
    // The default row is explained on opening.
    const path = page.getByTestId('shap-path')
    await expect(path).toBeVisible({ timeout: 60_000 })
    const which = await path.getAttribute('data-path')
    expect(['fast', 'blackBox']).toContain(which)
    const text = (await path.textContent())!
    const m = /one row took ([\d.]+) ms on the fast path and ([\d.]+) ms on the black box/.exec(
      text,
    )
    if (m) {
      // The choice follows the timings it reports (shown to the ms: near the margin either way).
      const [fast, black] = [Number(m[1]), Number(m[2])]
      if (black + 1 < SHAP_PATH_MARGIN * fast) expect(which).toBe('blackBox')
      if (black > SHAP_PATH_MARGIN * fast + 1) expect(which).toBe('fast')
    }
    expect(text).toContain(
      which === 'fast' ? 'SHAP computed on the Dense fast path' : 'SHAP computed on the black box',
    )
    if (which === 'blackBox') expect(text).toContain('fast path skipped: ')
    const ig = page.getByTestId('ig-refinement')
    await expect(ig).toBeVisible()
    expect(['converged', 'cap']).toContain(await ig.getAttribute('data-stop'))
    await expect(ig).toContainText(
      /^Integrated gradients: \d+ steps, (converged|stopped at the cap)/,
    )
  })
})
