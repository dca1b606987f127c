import { readFileSync } from 'node:fs'
import { test, expect, type Page } from '@playwright/test'
import * as tf from '@tensorflow/tfjs'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../src/core/explain.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { modelArtifacts } from '../src/model/artifacts.ts'
import { tfGradFn, tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { auditDefaultRows } from '../src/report/audit.ts'
import { openApp, path, waitIdle } from './fixtures.ts'

/** Opens the Explain tab and waits for its automatic first run (default row, then global SHAP). */
async function openExplain(page: Page): Promise<void> {
  await page.getByTestId('tab-Explain').click()
  await expect(page.getByTestId('global-bar')).toBeVisible({ timeout: 60_000 })
  await waitIdle(page)
}

/** The core's SHAP and IG for one demo row, computed in Node with tfjs-cpu. */
async function coreExplain(row: number) {
  await tf.setBackend('cpu')
  const d = path('public/demo')
  const json = readFileSync(`${d}/model.json`, 'utf8')
  const bin = readFileSync(`${d}/group1-shard1of1.bin`)
  const lm = await tfModelLoad(
    modelArtifacts(
      { name: 'model.json', json },
      new Map([
        [
          'group1-shard1of1.bin',
          bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
        ],
      ]),
    ),
    'm',
  )
  const schema = schemaParse(readFileSync(`${d}/schema.json`, 'utf8'))
  const enc = encodeTable(schema, parseCsvText(readFileSync(`${d}/data.csv`, 'utf8')))
  const out = await explainRows(
    { schema, x: enc.x, values: enc.values, predict: tfPredictFn(lm, 0), grad: tfGradFn(lm, 0) },
    [row],
    { ...EXPLAIN_DEFAULTS, counterfactuals: 0, igSteps: 256 },
  )
  lm.model.dispose()
  return out[String(row)]!
}

test('SHAP, IG and counterfactuals on the demo through the UI match the core', async ({ page }) => {
  await openApp(page)
  await page.getByTestId('tab-Explain').click()
  const row = 1265
  await page.getByTestId('explain-row').fill(String(row))
  await page.getByTestId('explain-panel').getByText('Settings').click()
  await page.getByTestId('ig-steps').fill('256')
  await page.getByTestId('run-all').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', String(row))
  const core = await coreExplain(row)
  const shapCells = page.getByTestId('shap-table').locator('tbody tr')
  await expect(shapCells).toHaveCount(12)
  for (const [f, v] of Object.entries(core.shap!)) {
    const shown = Number(
      await page
        .getByTestId('shap-table')
        .locator(`tr[data-feature="${f}"] td[data-value]`)
        .getAttribute('data-value'),
    )
    expect(Math.abs(shown - v)).toBeLessThan(1e-4)
  }
  for (const [f, v] of Object.entries(core.ig!)) {
    const shown = Number(
      await page
        .getByTestId('ig-table')
        .locator(`tr[data-feature="${f}"] td[data-value]`)
        .getAttribute('data-value'),
    )
    expect(Math.abs(shown - v)).toBeLessThan(1e-4)
  }
  expect(
    Math.abs(Number(await page.getByTestId('shap-base').textContent()) - core.baseValue!),
  ).toBeLessThan(1e-4)
  // Counterfactuals: every answer valid and shown with its prediction.
  const items = page.getByTestId('cf-item')
  expect(await items.count()).toBeGreaterThan(0)
  for (const v of await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-valid'))))
    expect(v).toBe('true')
  await expect(page.getByTestId('cf-list')).not.toContainText(/\bsex:|\brace:/)
})

test('a long job shows progress, cancels promptly, and the app recovers', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] }
    w.__longTasks = []
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => w.__longTasks.push(e.duration)),
    ).observe({ type: 'longtask', buffered: true })
  })
  await openApp(page)
  await openExplain(page)
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []))
  await page.getByTestId('global-n').fill('2000')
  await page.getByTestId('explain-panel').getByText('Settings').click()
  await page.getByTestId('explain-panel').locator('select').first().selectOption('kmeans')
  await page.getByTestId('run-global').click()
  const job = page.getByTestId('job')
  await expect(job).toContainText(/SHAP/)
  await expect
    .poll(async () => Number(await job.locator('progress').getAttribute('value')), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0)
  // The page stays interactive while the worker computes.
  await page.getByTestId('explain-row').fill('45')
  await expect(page.getByTestId('explain-row')).toHaveValue('45')
  await expect(page.getByTestId('row-prediction')).not.toHaveText('—')
  const ms = await page.evaluate(async () => {
    const t0 = performance.now()
    ;(document.querySelector('[data-testid=cancel-job]') as HTMLButtonElement).click()
    await window.__glassbox!.numTensors() // queued behind the cancelled job: answers once it stopped
    return performance.now() - t0
  })
  console.log(`worker free ${ms.toFixed(0)} ms after cancel`)
  expect(ms).toBeLessThan(400)
  await expect(job).toHaveCount(0)
  await expect(page.getByTestId('notice-info').last()).toContainText('cancelled')
  // The cancelled job left the earlier (automatic, 200-row) result in place, not a partial one.
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 200 seeded rows')
  const tasks = await page.evaluate(
    () => (window as unknown as { __longTasks: number[] }).__longTasks,
  )
  expect(Math.max(0, ...tasks)).toBeLessThan(200)
  // Recovers: a short job runs to the end.
  await page.getByTestId('global-n').fill('20')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 20 seeded rows')
})

test('a new request supersedes the running one without stale results', async ({ page }) => {
  await openApp(page)
  await openExplain(page)
  await page.getByTestId('global-n').fill('2000')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('job')).toContainText(/SHAP/)
  // Loading stays possible during a job; the load supersedes (cancels) the global SHAP job.
  await page.getByTestId('load-demo').click()
  await expect(page.getByTestId('job')).toContainText(/Load|Pars|Predict|Measur/)
  // The new session clears the results; the Explain tab, still open, explains its default row and
  // a fresh 2000-row sample (the global row count stays as set) — never the superseded job's answer.
  await expect(page.getByTestId('global-table')).toHaveCount(0)
  const n = await page.evaluate(() => window.__glassbox!.state().data!.table.nRows)
  await expect(page.getByTestId('explain-result')).toHaveAttribute(
    'data-row',
    String(auditDefaultRows(n, 1)[0]),
    { timeout: 60_000 },
  )
  await page.getByTestId('cancel-job').click()
  await waitIdle(page)
  await page.waitForTimeout(500)
  await expect(page.getByTestId('global-table')).toHaveCount(0)
  // The next request's answer is for the row asked, never an earlier one.
  await page.getByTestId('explain-row').fill('7')
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '7')
})

test('a crashed model worker is restarted, the error shown, and work goes on', async ({ page }) => {
  await openApp(page)
  const acc = await page.getByTestId('metric-accuracy').textContent()
  await page.evaluate(() => window.__glassbox!.crashModelWorker())
  await expect(page.getByTestId('notice-error')).toContainText('restarted')
  await waitIdle(page)
  await expect(page.getByTestId('metric-accuracy')).toHaveText(acc!)
  await page.getByTestId('tab-Explain').click()
  await page.getByTestId('explain-row').fill('3')
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '3')
})
