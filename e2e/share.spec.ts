import { readFileSync } from 'node:fs'
import { test, expect, type Page } from '@playwright/test'
// lz-string is CommonJS: Node's ESM loader exposes it as a default export only.
import LZString from 'lz-string'
const { compressToEncodedURIComponent, decompressFromEncodedURIComponent } = LZString
import { golden, metricValue, openApp, waitIdle } from './fixtures.ts'

/** Waits until the URL hash carries the current view and returns the full link. */
async function currentLink(
  page: Page,
  check: (state: Record<string, unknown>) => boolean,
): Promise<string> {
  await expect
    .poll(
      async () => {
        const hash = await page.evaluate(() => location.hash)
        if (!hash.startsWith('#s=')) return false
        return check(JSON.parse(decompressFromEncodedURIComponent(hash.slice(3)) ?? 'null'))
      },
      { timeout: 15_000 },
    )
    .toBe(true)
  return page.url()
}

test('a copied link reopens the same view with the same numbers in a fresh browser', async ({
  page,
  browser,
}) => {
  await openApp(page)
  await page.getByTestId('threshold').fill('0.37')
  await expect.poll(() => page.evaluate(() => window.__glassbox!.state().threshold)).toBe(0.37)
  await page.getByTestId('tab-Data').click()
  await page.getByTestId('cohort-input').fill('age > 40 and sex = Female')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', /\d+/)
  const count = await page.getByTestId('cohort-count').getAttribute('data-value')
  await page.getByTestId('tab-Overview').click()
  const accuracy = await metricValue(page, 'accuracy')
  await page.getByTestId('tab-Calibration').click()
  const link = await currentLink(
    page,
    (s) =>
      s.tab === 'Calibration' &&
      s.threshold === 0.37 &&
      (s.cohort as { text: string }).text === 'age > 40 and sex = Female',
  )
  await page.getByTestId('copy-link').click()
  // Back and forward move through view changes.
  await page.getByTestId('tab-Fairness').click()
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(new URL(link).hash)
  await page.goBack()
  await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Calibration')
  await page.goForward()
  await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Fairness')

  const other = await browser.newContext()
  const fresh = await other.newPage()
  await fresh.goto(link, { waitUntil: 'commit' })
  await waitIdle(fresh)
  await expect(fresh.getByTestId('main')).toHaveAttribute('data-tab', 'Calibration')
  await fresh.getByTestId('tab-Overview').click()
  await expect(fresh.getByTestId('threshold')).toHaveValue('0.37')
  expect(await metricValue(fresh, 'accuracy')).toBe(accuracy)
  await fresh.getByTestId('tab-Data').click()
  await expect(fresh.getByTestId('cohort-count')).toHaveAttribute('data-value', count!)
  await other.close()
})

test('a link to another origin asks first and requests nothing until accepted', async ({
  page,
}) => {
  const foreign = 'http://127.0.0.1:4173/demo/'
  const state = {
    v: 1,
    src: {
      model: `${foreign}model.json`,
      data: `${foreign}data.csv`,
      schema: `${foreign}schema.json`,
    },
    classIndex: -1,
    threshold: 0.5,
    tab: 'Overview',
    localFiles: false,
  }
  const requests: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(`/#s=${compressToEncodedURIComponent(JSON.stringify(state))}`, {
    waitUntil: 'commit',
  })
  await expect(page.getByTestId('share-gate')).toBeVisible()
  await expect(page.getByTestId('share-gate')).toContainText('127.0.0.1:4173/demo/model.json')
  await page.waitForTimeout(1000)
  expect(requests.filter((u) => u.startsWith('http://127.0.0.1'))).toEqual([])
  await page.getByTestId('gate-reject').click()
  await expect(page.getByTestId('share-gate')).toHaveCount(0)
  await page.waitForTimeout(500)
  expect(requests.filter((u) => u.startsWith('http://127.0.0.1'))).toEqual([])
  // Accepting does fetch.
  await page.goto(`/?again=1#s=${compressToEncodedURIComponent(JSON.stringify(state))}`, {
    waitUntil: 'commit',
  })
  await page.getByTestId('gate-accept').click()
  await expect
    .poll(() => requests.some((u) => u.startsWith('http://127.0.0.1:4173/demo/model.json')))
    .toBe(true)
})

test('an exported session restores the same dashboard in a fresh browser', async ({
  page,
  browser,
}) => {
  await openApp(page)
  await page
    .getByTestId('input-any')
    .setInputFiles([
      golden('model.json'),
      golden('group1-shard1of1.bin'),
      golden('data.csv'),
      golden('schema.json'),
    ])
  await expect(page.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
  await waitIdle(page)
  await page.getByTestId('threshold').fill('0.6')
  await expect.poll(() => page.evaluate(() => window.__glassbox!.state().threshold)).toBe(0.6)
  const accuracy = await metricValue(page, 'accuracy')
  await page.waitForTimeout(600)
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-session').click(),
  ])
  const zip = (await dl.path())!
  expect(readFileSync(zip).subarray(0, 2).toString()).toBe('PK')

  const other = await browser.newContext()
  const fresh = await other.newPage()
  await fresh.goto('/?demo=0', { waitUntil: 'commit' })
  await fresh.getByTestId('input-any').setInputFiles({
    name: 'adult.glassbox.zip',
    mimeType: 'application/zip',
    buffer: readFileSync(zip),
  })
  await expect(fresh.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
  await waitIdle(fresh)
  await expect(fresh.getByTestId('threshold')).toHaveValue('0.6')
  expect(await metricValue(fresh, 'accuracy')).toBe(accuracy)
  // A damaged bundle is named as such.
  await fresh.getByTestId('input-any').setInputFiles({
    name: 'broken.zip',
    mimeType: 'application/zip',
    buffer: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]),
  })
  await expect(fresh.getByTestId('notice-error')).toContainText('Session bundle broken.zip')
  await other.close()
})

test('a reload mid-session loses nothing', async ({ page }) => {
  await openApp(page)
  await page
    .getByTestId('input-any')
    .setInputFiles([
      golden('model.json'),
      golden('group1-shard1of1.bin'),
      golden('data.csv'),
      golden('schema.json'),
    ])
  await expect(page.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
  await waitIdle(page)
  await page.getByTestId('threshold').fill('0.42')
  await page.getByTestId('tab-Calibration').click()
  await page.waitForTimeout(2500)
  await page.goto('/', { waitUntil: 'commit' })
  await waitIdle(page)
  await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Calibration')
  await page.getByTestId('tab-Overview').click()
  await expect(page.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
  await expect(page.getByTestId('threshold')).toHaveValue('0.42')
  // Start over forgets it.
  await page.getByTestId('start-over').click()
  await waitIdle(page)
  await expect(page.getByTestId('model-sha')).not.toHaveText(/^3c4cbb65/)
})
