import { attachScreenshot, test } from './fixtures.ts'

test('screens', async ({ page, app }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await app.open()
  await attachScreenshot(page, testInfo, 'overview')
  await app.openExplain()
  await attachScreenshot(page, testInfo, 'explain')
  for (const t of ['Calibration', 'Fairness', 'Data', 'Compression', 'Monitoring'] as const) {
    await app.openTab(t)
    await page.waitForTimeout(4000)
    await attachScreenshot(page, testInfo, t)
  }
})
