import { attachScreenshot, expect, seriousViolations, test } from './fixtures.ts'

test('Overview: no serious or critical accessibility violations; screenshot saved', async ({
  page,
  app,
}, testInfo) => {
  await app.open()
  await expect(page.getByTestId('performance')).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await attachScreenshot(page, testInfo, 'overview')
})
