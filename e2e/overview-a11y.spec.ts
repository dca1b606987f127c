import { test, expect } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { openApp } from './fixtures.ts'

test('Overview: no serious or critical accessibility violations; screenshot saved', async ({
  page,
}, testInfo) => {
  await openApp(page)
  await expect(page.getByTestId('performance')).toBeVisible()
  const axe = await new AxeBuilder({ page }).analyze()
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([])
  const file = testInfo.outputPath('overview.png')
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach('overview', { path: file, contentType: 'image/png' })
})
