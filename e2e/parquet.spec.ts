/**
 * Parquet wherever a CSV is accepted (issue 18): the test fixtures' Adult rows as Parquet
 * (test/fixtures/parquet, written by parquet-wasm, an independent writer) load in the dashboard
 * through the file pickers, through a shared link and through a session bundle, with the same
 * numbers on screen as their CSV twin (adult.csv) — which are also the core's numbers for that CSV,
 * computed in Node. A damaged Parquet is refused by name with the earlier data still loaded.
 */
import { readFileSync } from 'node:fs'
import LZString from 'lz-string'
import { App, coreNumbers, demo, expect, path, test } from './fixtures.ts'

const { compressToEncodedURIComponent } = LZString

/** A file of the Parquet fixtures. */
const pq = (f: string): string => path('test/fixtures/parquet', f)
/** The demo's model and schema, which fit the fixtures' Adult columns. */
const DEMO_MODEL = [demo('model.json'), demo('group1-shard1of1.bin')]

/** Waits until the data named `name` is loaded with `rows` rows and the dashboard is idle. */
async function dataLoaded(app: App, name: string, rows: number): Promise<void> {
  // Ready first: the page's test API exists from then on (a link opens a page without it).
  await app.waitIdle()
  await expect
    .poll(() => app.api.state((s) => s.data && [s.data.name.split('/').pop(), s.data.table.nRows]))
    .toEqual([name, rows])
  await app.waitIdle()
}

/** Accuracy and ROC AUC as the Overview shows them (full precision). */
async function overview(app: App): Promise<{ accuracy: number; auc: number }> {
  await app.openTab('Overview')
  return { accuracy: await app.metric('accuracy'), auc: await app.metric('auc') }
}

/** The core's accuracy and AUC for the CSV twin, in Node (tfjs-cpu). */
async function twinNumbers(): Promise<{ accuracy: number; auc: number }> {
  const core = await coreNumbers(path('public/demo'), pq('adult.csv'), demo('schema.json'))
  return { accuracy: core.metrics.accuracy!, auc: core.metrics.rocAuc! }
}

/** Screen numbers equal the core's for the CSV twin (same tolerances as overview.spec.ts). */
function expectTwin(shown: { accuracy: number; auc: number }, core: typeof shown): void {
  expect(Math.abs(shown.accuracy - core.accuracy)).toBeLessThan(1e-6)
  expect(Math.abs(shown.auc - core.auc)).toBeLessThan(1e-5)
}

/** Loads the CSV twin through the data picker and expects the very same numbers as `shown`. */
async function expectCsvTwinShows(app: App, shown: { accuracy: number; auc: number }) {
  await app.loadFiles([pq('adult.csv')], 'data')
  await dataLoaded(app, 'adult.csv', 300)
  expect(await overview(app)).toEqual(shown)
}

test('a Parquet file loads through the pickers with the numbers of its CSV twin; a session bundle keeps it', async ({
  page,
  app,
  newContext,
}) => {
  await app.open('?demo=0')
  const core = await twinNumbers()
  await app.loadFiles([...DEMO_MODEL, pq('adult-snappy.parquet'), demo('schema.json')])
  await dataLoaded(app, 'adult-snappy.parquet', 300)
  const snappy = await overview(app)
  expectTwin(snappy, core)
  await expect(app.el('data-rows')).toContainText('300')

  await expectCsvTwinShows(app, snappy)

  // Another codec and row-group layout (zstd, data page v2) through the data picker.
  await app.loadFiles([pq('adult-zstd.parquet')], 'data')
  await dataLoaded(app, 'adult-zstd.parquet', 300)
  expect(await overview(app)).toEqual(snappy)

  // A truncated Parquet is refused by name; the zstd data stays loaded.
  await app.loadFiles([pq('adult-truncated.parquet')], 'data')
  await expect(app.notice('error').last()).toContainText('adult-truncated.parquet')
  await app.waitIdle()
  await dataLoaded(app, 'adult-zstd.parquet', 300)
  expect(await overview(app)).toEqual(snappy)

  await test.step('a session bundle keeps the Parquet data and restores the same numbers', async () => {
    await app.loadFiles([pq('adult-codecs.parquet')], 'data')
    await dataLoaded(app, 'adult-codecs.parquet', 300)
    const shown = await overview(app)
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-session').click(),
    ])
    const zip = readFileSync((await dl.path())!)

    const other = await newContext()
    const fresh = new App(await other.newPage())
    await fresh.open('?demo=0')
    await fresh.el('input-any').setInputFiles({
      name: 'adult.glassbox.zip',
      mimeType: 'application/zip',
      buffer: zip,
    })
    await dataLoaded(fresh, 'adult-codecs.parquet', 300)
    // The restored data is the Parquet file itself, byte for byte.
    const restored = await fresh.api.state((s) => s.data!.sha256)
    expect(restored).toBe(await app.api.state((s) => s.data!.sha256))
    expect(await overview(fresh)).toEqual(shown)
    await other.close()
  })
})

test('a shared link whose data is a Parquet URL shows the numbers of its CSV twin', async ({
  page,
  app,
  baseURL,
}) => {
  const core = await twinNumbers()
  // The preview server serves public/ only: the fixture is answered at a same-origin URL.
  const bytes = readFileSync(pq('adult-plain.parquet'))
  await page
    .context()
    .route('**/fixtures/adult-plain.parquet', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes }),
    )
  const origin = new URL(baseURL!).origin
  const state = {
    v: 1,
    src: {
      model: `${origin}/demo/model.json`,
      data: `${origin}/fixtures/adult-plain.parquet`,
      schema: `${origin}/demo/schema.json`,
    },
    classIndex: -1,
    threshold: 0.5,
    tab: 'Overview',
    localFiles: false,
  }
  await page.goto(`/#s=${compressToEncodedURIComponent(JSON.stringify(state))}`, {
    waitUntil: 'commit',
  })
  await dataLoaded(app, 'adult-plain.parquet', 300)
  const shown = await overview(app)
  expectTwin(shown, core)
  await expectCsvTwinShows(app, shown)
})

/** The Monitoring summary's numbers (data-value) once a comparison is done. */
async function driftNumbers(app: App): Promise<number[]> {
  await expect(app.el('monitoring-view')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  })
  const ids = ['drift-maxpsi', 'drift-ndrifted', 'drift-cur-rows', 'ood-share95', 'ood-share99']
  return Promise.all(ids.map(async (id) => Number(await app.el(id).getAttribute('data-value'))))
}

test('Monitoring takes a dropped Parquet as its current data, as its CSV twin', async ({
  page,
  app,
}) => {
  await app.open()
  await app.openTab('Monitoring')
  await expect(app.el('monitoring-empty')).toBeVisible()
  // Dropped on the page (not the zone): a single data file is the current data on this tab.
  const dt = await page.evaluateHandle(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const d = new DataTransfer()
      d.items.add(new File([bytes], name))
      return d
    },
    { b64: readFileSync(pq('drifted.parquet')).toString('base64'), name: 'drifted.parquet' },
  )
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt })
  await expect(app.el('monitoring-sides')).toContainText('drifted.parquet')
  const parquet = await driftNumbers(app)
  expect(parquet[2]).toBe(300)
  // The reference is still the demo's data: the drop did not replace it.
  expect(await app.api.state((s) => s.data!.table.nRows)).toBe(2000)

  await app.el('current-input').setInputFiles(pq('drifted.csv'))
  await expect(app.el('monitoring-sides')).toContainText('drifted.csv')
  expect(await driftNumbers(app)).toEqual(parquet)
})
