import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
// lz-string is CommonJS: Node's ESM loader exposes it as a default export only.
import LZString from 'lz-string'
const { compressToEncodedURIComponent, decompressFromEncodedURIComponent } = LZString
import { App, expect, test } from './fixtures.ts'

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

/** The golden fixture loaded over the demo, as a user picks it. */
async function openGolden(app: App): Promise<void> {
  await app.open()
  await app.loadGolden()
}

test('a copied link reopens the same view with the same numbers in a fresh browser', async ({
  page,
  app,
  api,
  newContext,
}) => {
  await app.open()
  await app.setThreshold(0.37)
  await expect.poll(() => api.state((s) => s.threshold)).toBe(0.37)
  await app.openTab('Data')
  await page.getByTestId('cohort-input').fill('age > 40 and sex = Female')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', /\d+/)
  const count = await page.getByTestId('cohort-count').getAttribute('data-value')
  await app.openTab('Overview')
  const accuracy = await app.metric('accuracy')
  await app.openTab('Calibration')
  const link = await currentLink(
    page,
    (s) =>
      s.tab === 'Calibration' &&
      s.threshold === 0.37 &&
      (s.cohort as { text: string }).text === 'age > 40 and sex = Female',
  )
  await page.getByTestId('copy-link').click()
  // Back and forward move through view changes.
  await app.openTab('Fairness')
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(new URL(link).hash)
  await page.goBack()
  await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Calibration')
  await page.goForward()
  await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Fairness')

  const other = await newContext()
  const fresh = new App(await other.newPage())
  await fresh.page.goto(link, { waitUntil: 'commit' })
  await fresh.waitIdle()
  await expect(fresh.el('main')).toHaveAttribute('data-tab', 'Calibration')
  await fresh.openTab('Overview')
  await expect(fresh.el('threshold')).toHaveValue('0.37')
  expect(await fresh.metric('accuracy')).toBe(accuracy)
  await fresh.openTab('Data')
  await expect(fresh.el('cohort-count')).toHaveAttribute('data-value', count!)
  await other.close()
})

test('a link to another origin asks first and requests nothing until accepted', async ({
  page,
  baseURL,
}) => {
  // The preview server under another name: a different origin that still answers.
  const host = `127.0.0.1:${new URL(baseURL!).port}`
  const foreign = `http://${host}/demo/`
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
  await expect(page.getByTestId('share-gate')).toContainText(`${host}/demo/model.json`)
  // The page has settled (no request for 500 ms) while asking: still nothing from the other origin.
  await page.waitForLoadState('networkidle')
  expect(requests.filter((u) => u.startsWith('http://127.0.0.1'))).toEqual([])
  await page.getByTestId('gate-reject').click()
  await expect(page.getByTestId('share-gate')).toHaveCount(0)
  await expect(page.getByTestId('notice-info').last()).toContainText('were not loaded')
  await page.waitForLoadState('networkidle')
  expect(requests.filter((u) => u.startsWith('http://127.0.0.1'))).toEqual([])
  // Accepting does fetch.
  await page.goto(`/?again=1#s=${compressToEncodedURIComponent(JSON.stringify(state))}`, {
    waitUntil: 'commit',
  })
  await page.getByTestId('gate-accept').click()
  await expect.poll(() => requests.some((u) => u.startsWith(`${foreign}model.json`))).toBe(true)
})

// One session of the golden fixture: exported and restored elsewhere, then reloaded here.
test('an exported session restores the same dashboard in a fresh browser; a reload mid-session loses nothing', async ({
  page,
  app,
  api,
  newContext,
}) => {
  await openGolden(app)
  await test.step('an exported session restores the same dashboard in a fresh browser', async () => {
    await app.setThreshold(0.6)
    await expect.poll(() => api.state((s) => s.threshold)).toBe(0.6)
    const accuracy = await app.metric('accuracy')
    // The view state the bundle takes (the link's) has the new threshold.
    await currentLink(page, (s) => s.threshold === 0.6)
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-session').click(),
    ])
    const zip = (await dl.path())!
    expect(readFileSync(zip).subarray(0, 2).toString()).toBe('PK')

    const other = await newContext()
    const fresh = new App(await other.newPage())
    await fresh.open('?demo=0')
    await fresh.el('input-any').setInputFiles({
      name: 'adult.glassbox.zip',
      mimeType: 'application/zip',
      buffer: readFileSync(zip),
    })
    await expect(fresh.el('model-sha')).toHaveText(/^3c4cbb65/)
    await fresh.waitIdle()
    await expect(fresh.el('threshold')).toHaveValue('0.6')
    expect(await fresh.metric('accuracy')).toBe(accuracy)
    // A damaged bundle is named as such.
    await fresh.el('input-any').setInputFiles({
      name: 'broken.zip',
      mimeType: 'application/zip',
      buffer: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]),
    })
    await expect(fresh.el('notice-error')).toContainText('Session bundle broken.zip')
    await other.close()
  })
  await test.step('a reload mid-session loses nothing', async () => {
    await app.setThreshold(0.42)
    await app.openTab('Calibration')
    // The session is saved for the reload once IndexedDB holds this view.
    await expect
      .poll(async () => {
        const v = await app.persistedView()
        return v && [v.tab, v.threshold]
      })
      .toEqual(['Calibration', 0.42])
    await page.goto('/', { waitUntil: 'commit' })
    await app.waitIdle()
    await expect(page.getByTestId('main')).toHaveAttribute('data-tab', 'Calibration')
    await app.openTab('Overview')
    await expect(page.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
    await expect(page.getByTestId('threshold')).toHaveValue('0.42')
    // Start over forgets it.
    await page.getByTestId('start-over').click()
    await app.waitIdle()
    await expect(page.getByTestId('model-sha')).not.toHaveText(/^3c4cbb65/)
  })
})
