import { test, expect, type Page } from '@playwright/test'
import { openApp } from './fixtures.ts'

const predictions = (page: Page) => page.evaluate(() => window.__glassbox!.predictions()!)

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

test('switching backend gives the same predictions within 1e-5', async ({ page }) => {
  await openApp(page)
  const first = await page.getByTestId('active-backend').textContent()
  const base = await predictions(page)
  for (const name of ['cpu', 'webgl', 'webgpu', 'wasm'].filter((n) => n !== first)) {
    const row = page.getByTestId(`backend-${name}`)
    if (!(await row.getByRole('button', { name: 'Use' }).count())) continue // unavailable in this browser
    await row.getByRole('button', { name: 'Use' }).click()
    await expect(page.getByTestId('active-backend')).toHaveText(name, { timeout: 60_000 })
    expect(maxDiff(await predictions(page), base)).toBeLessThan(1e-5)
  }
})

test('WebGPU device loss falls back with a visible notice', async ({ page }) => {
  await openApp(page)
  const row = page.getByTestId('backend-webgpu')
  // playwright.config.ts launches Chromium with --enable-unsafe-webgpu, so a WebGPU adapter
  // (SwiftShader's software fallback at the least) must exist: its absence is a failure.
  await expect(row).not.toContainText('unavailable')
  const base = await predictions(page)
  if ((await page.getByTestId('active-backend').textContent()) !== 'webgpu') {
    await row.getByRole('button', { name: 'Use' }).click()
    await expect(page.getByTestId('active-backend')).toHaveText('webgpu', { timeout: 60_000 })
  }
  await page.evaluate(() => window.__glassbox!.loseDevice())
  await expect(page.getByTestId('notice-warning')).toContainText(
    /GPU device lost.*switched from webgpu to/,
  )
  await expect(page.getByTestId('active-backend')).not.toHaveText('webgpu')
  await expect(page.getByTestId('backend-webgpu')).toContainText('device lost')
  expect(maxDiff(await predictions(page), base)).toBeLessThan(1e-5)
})
