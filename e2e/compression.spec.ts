import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { variantCompare } from '../src/core/quantize/compare.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { quantizedArtifacts } from '../src/model/quantizedArtifacts.ts'
import { tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import {
  attachScreenshot,
  demo,
  expect,
  modelDirArtifacts,
  path,
  test,
  withCoreModel,
} from './fixtures.ts'

/** float32 and uint8 predictions of the demo, and their comparison, computed by the core in Node. */
async function coreUint8() {
  const schema = schemaParse(readFileSync(demo('schema.json'), 'utf8'))
  const table = parseCsvText(readFileSync(demo('data.csv'), 'utf8'))
  const enc = encodeTable(schema, table)
  const dir = path('public/demo')
  return withCoreModel(dir, async (base) => {
    const q = await tfModelLoad(quantizedArtifacts(modelDirArtifacts(dir), 'uint8').artifacts, 'u8')
    try {
      const p0 = await tfPredictFn(base, 0)(enc.x)
      const p1 = await tfPredictFn(q, 0)(enc.x)
      return { p1, cmp: variantCompare({ p: p0 }, { p: p1 }, enc.labels, {}, 0.5) }
    } finally {
      q.model.dispose()
    }
  })
}

test('Compression: variants compared on the demo, uint8 matches the core, the results survive a reload, its download loads', async ({
  page,
  app,
  api,
}, testInfo) => {
  await app.open()
  await app.openTab('Compression')
  await page.getByTestId('run-compression').click()
  await expect(page.getByTestId('compression-table')).toBeVisible({ timeout: 90_000 })
  await app.waitIdle()
  for (const id of ['float16', 'uint8', 'int8', 'int4', 'prune50', 'prune80', 'int8act'])
    await expect(page.getByTestId(`variant-${id}`)).toBeVisible()
  // On a CPU backend the SHAP-stability rows (50) are split over the model worker pool.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency)
  await expect(page.getByTestId('compression-workers')).toHaveAttribute(
    'data-workers',
    String(Math.min(cores, 8, 10)),
  )
  const core = await coreUint8()
  const agreementText = await page.getByTestId('agreement-uint8').getAttribute('data-value')
  const agreement = Number(agreementText)
  const maxDiff = Number(await page.getByTestId('maxdiff-uint8').getAttribute('data-value'))
  expect(agreement).toBeCloseTo(core.cmp.agreement, 6)
  expect(Math.abs(maxDiff - core.cmp.maxAbsDiff)).toBeLessThan(1e-5)
  await expect(page.getByTestId('agreement-uint8')).toHaveText(core.cmp.agreement.toFixed(4))
  // The scatter labels every point (float32 too) and no two labels overlap, close points included.
  const labels = page.getByTestId('scatter-labels').locator('text')
  await expect(labels).toHaveCount(8)
  const boxes = await labels.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect()
      return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom, text: e.textContent }
    }),
  )
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1))
      expect(
        a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1,
        `labels ${a.text} and ${b.text} overlap`,
      ).toBe(false)
  await attachScreenshot(page, testInfo, 'compression')

  await test.step('compression results come back after a reload of the same session', async () => {
    // Let the persisted view catch up (it saves 300 ms after a change).
    await expect.poll(async () => (await app.persistedView())?.tab).toBe('Compression')
    await page.waitForTimeout(1000)
    await page.goto('/', { waitUntil: 'commit' })
    await app.waitIdle()
    await expect(app.el('main')).toHaveAttribute('data-tab', 'Compression')
    await expect(app.el('agreement-uint8')).toHaveAttribute('data-value', agreementText!)
    for (const id of ['float16', 'int8', 'int4', 'prune50', 'prune80', 'int8act'])
      await expect(page.getByTestId(`variant-${id}`)).toBeVisible()
    await expect(app.el('run-compression')).toBeEnabled()
  })

  // Download the uint8 variant (model.json + .bin) and load it back through the file input.
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-uint8-'))
  const downloads: string[] = []
  page.on('download', async (d) => {
    const to = join(dir, d.suggestedFilename())
    copyFileSync((await d.path())!, to)
    downloads.push(to)
  })
  await page.getByTestId('download-uint8').click()
  await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(2)
  const manifest = JSON.parse(
    readFileSync(
      downloads.find((f) => f.endsWith('.json'))!,
      'utf8',
    ),
  )
  expect(
    manifest.weightsManifest[0].weights.some(
      (w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8',
    ),
  ).toBe(true)
  await app.openTab('Overview')
  await app.loadFiles(downloads, 'model')
  // A lone model waits for its data (issue 17): use it with the loaded demo CSV and schema.
  await page.getByTestId('pending-use-loaded').click()
  await expect(page.getByTestId('model-card')).toContainText('uint8')
  await app.waitIdle()
  const p = await api.predictions()
  let m = 0
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i]! - core.p1[i]!))
  expect(m).toBeLessThan(1e-5)
})
