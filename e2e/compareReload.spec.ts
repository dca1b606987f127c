/**
 * A reload keeps the comparison (issue 19): the tfjs demo (champion) against the XGBoost demo
 * (challenger), the challenger shown in every view, then a reload of the page without its link.
 * The session persisted in IndexedDB (src/state/persist.ts) brings back the same comparison, the
 * same model shown and the same roles: the champion is still the MLP, the challenger the XGBoost.
 */
import { type App, expect, test } from './fixtures.ts'

/** The Compare tab's figures and roles as the page shows them. */
async function compared(app: App) {
  await app.waitCompared()
  const ids = [
    'cmp-rows',
    'cmp-disagreements',
    'cmp-agreement',
    'cmp-metric-accuracy-champion',
    'cmp-metric-accuracy-challenger',
    'cmp-metric-accuracy-delta',
    'cmp-metric-accuracy-p',
    'cmp-metric-rocAuc-delta',
    'cmp-metric-rocAuc-p',
    'cmp-metric-ece-delta',
    'cmp-fair-sex-demographicParityDifference-delta',
  ]
  const values: Record<string, number | null> = {}
  for (const id of ids) values[id] = await app.dataValue(id)
  return {
    values,
    champion: await app.el('champion-name').textContent(),
    challenger: await app.el('challenger-name').textContent(),
    format: await app.el('challenger-status').getAttribute('data-format'),
  }
}

/** The model the Overview shows: its sha256 and accuracy. */
async function overview(app: App) {
  await app.openTab('Overview')
  return { sha: await app.el('model-sha').textContent(), accuracy: await app.metric('accuracy') }
}

test('a reload with the challenger shown: the same comparison, the same model shown, roles intact', async ({
  page,
  app,
}) => {
  await app.open()
  const champion = await overview(app)
  await app.loadDemoChallenger('xgboost', 'xgboost-json')
  await app.el('show-challenger').click()
  await expect(app.el('model-switch')).toHaveAttribute('data-shown', 'challenger')
  await app.waitIdle()
  const shown = await overview(app)
  expect(shown.sha).not.toBe(champion.sha)
  await app.openTab('Compare')
  const before = await compared(app)
  expect(before.format).toBe('xgboost-json')
  expect(before.values['cmp-disagreements']).toBeGreaterThan(0)
  expect(Math.abs(before.values['cmp-metric-accuracy-challenger']! - shown.accuracy)).toBeLessThan(
    1e-6,
  )

  // Saved (the view last, 300 ms after the change): the reload below opens what was saved.
  await expect
    .poll(async () => {
      const v = await app.persistedView()
      return v && [v.tab, v.show]
    })
    .toEqual(['Compare', 'challenger'])

  await page.goto('/', { waitUntil: 'commit' })
  await app.waitIdle()
  await expect(app.el('main')).toHaveAttribute('data-tab', 'Compare')
  await expect(app.el('model-switch')).toHaveAttribute('data-shown', 'challenger')
  expect(await compared(app)).toEqual(before)
  expect(await overview(app)).toEqual(shown)

  // The roles: showing the champion again shows the MLP, and the comparison keeps its numbers.
  await app.el('show-champion').click()
  await expect(app.el('model-switch')).toHaveAttribute('data-shown', 'champion')
  await app.waitIdle()
  expect(await overview(app)).toEqual(champion)
  await app.openTab('Compare')
  expect(await compared(app)).toEqual(before)
})
