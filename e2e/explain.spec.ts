import { readFileSync } from 'node:fs'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../src/core/explain.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { tfGradFn, tfPredictFn } from '../src/model/tfModel.ts'
import { auditDefaultRows } from '../src/report/audit.ts'
import { demo, expect, path, test, withCoreModel } from './fixtures.ts'

/** The core's SHAP and IG for one demo row, computed in Node with tfjs-cpu. */
async function coreExplain(row: number) {
  const schema = schemaParse(readFileSync(demo('schema.json'), 'utf8'))
  const enc = encodeTable(schema, parseCsvText(readFileSync(demo('data.csv'), 'utf8')))
  const out = await withCoreModel(path('public/demo'), (lm) =>
    explainRows(
      { schema, x: enc.x, values: enc.values, predict: tfPredictFn(lm, 0), grad: tfGradFn(lm, 0) },
      [row],
      { ...EXPLAIN_DEFAULTS, counterfactuals: 0, igSteps: 256 },
    ),
  )
  return out[String(row)]!
}

// One session of the Explain tab, one step per behaviour: the core's numbers for a row, locks in
// the counterfactual search, then the K-medoids background shared by a row and global SHAP.
test('the Explain tab on the demo: SHAP, IG and counterfactuals match the core, locked features stay, one background', async ({
  page,
  app,
}) => {
  await app.open()
  await test.step('SHAP, IG and counterfactuals on the demo through the UI match the core', async () => {
    await app.openTab('Explain')
    const row = 1265
    await page.getByTestId('explain-row').fill(String(row))
    await page.getByTestId('explain-row').press('Enter')
    await page.getByTestId('explain-panel').getByText('Settings').click()
    await page.getByTestId('ig-steps').fill('256')
    await page.getByTestId('ig-steps').press('Enter')
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
  await test.step('a feature locked in the Explain tab never changes in the counterfactuals shown', async () => {
    await app.openExplain()
    // Sensitive attributes start locked; the others are free.
    await expect(page.getByTestId('cf-lock-sex')).toBeChecked()
    await expect(page.getByTestId('cf-lock-race')).toBeChecked()
    await expect(page.getByTestId('cf-lock-age')).not.toBeChecked()
    await app.fillNumber('explain-row', 1265)
    await page.getByTestId('run-cf').click()
    await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '1265')
    await expect(page.getByTestId('cf-item').first()).toBeVisible()
    // The feature the free search changes most: lock it and search again.
    const counts = new Map<string, number>()
    for (const fs of await app.counterfactualChanges())
      for (const f of fs) counts.set(f, (counts.get(f) ?? 0) + 1)
    const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1])
    expect(top).toBeDefined()
    await app.lockForCounterfactuals(top![0], true)
    await page.getByTestId('run-cf').click()
    await expect(page.getByTestId('cf-locked')).toContainText(top![0])
    await app.waitIdle()
    const after = await app.counterfactualChanges()
    expect(after.length).toBeGreaterThan(0)
    for (const fs of after) expect(fs).not.toContain(top![0])
    for (const fs of after) expect(fs).not.toContain('sex')
  })
  await test.step('the same SHAP settings give the same base value to a row and to global SHAP', async () => {
    // Settings is still open from the first step.
    await page.getByTestId('bg-kind').selectOption('kmeans')
    await app.fillNumber('bg-k', 20)
    await app.fillNumber('explain-seed', 7)
    await app.fillNumber('explain-row', 45)
    await page.getByTestId('run-shap').click()
    await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '45')
    const row = Number(await page.getByTestId('shap-base').getAttribute('data-value'))
    await app.fillNumber('global-n', 50)
    await page.getByTestId('run-global').click()
    await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 50 seeded rows')
    const global = Number(await page.getByTestId('global-base').getAttribute('data-value'))
    // One background (K-medoids K = 20, seed 7) for both: the same E f, not 0.2653 vs 0.2252.
    expect(Number.isFinite(row)).toBe(true)
    expect(Math.abs(global - row)).toBeLessThan(1e-6)
  })
})

test('a long job shows progress, cancels, and the app recovers', async ({ page, app, api }) => {
  await app.open()
  await app.openExplain()
  await page.getByTestId('global-n').fill('2000')
  await page.getByTestId('global-n').press('Enter')
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
  await page.getByTestId('explain-row').press('Enter')
  await expect(page.getByTestId('explain-row')).toHaveValue('45')
  await expect(page.getByTestId('row-prediction')).not.toHaveText('—')
  // Cancel: a request queued behind the cancelled job is answered, so the worker is free again.
  // (How soon, and the main thread's longest task meanwhile, are bench figures:
  // bench/responsiveness.ts, ui.cancel.workerFreeMs and ui.globalShap.longestTaskMs.)
  await page.getByTestId('cancel-job').click()
  await api.call('numTensors')
  await expect(job).toHaveCount(0)
  await expect(page.getByTestId('notice-info').last()).toContainText('cancelled')
  // The cancelled job left the earlier (automatic, 200-row) result in place, not a partial one.
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 200 seeded rows')
  // Recovers: a short job runs to the end.
  await page.getByTestId('global-n').fill('20')
  await page.getByTestId('global-n').press('Enter')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 20 seeded rows')
})

test('a new request supersedes the running one without stale results', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  await app.openExplain()
  await page.getByTestId('global-n').fill('2000')
  await page.getByTestId('global-n').press('Enter')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('job')).toContainText(/SHAP/)
  // Every label the job bar shows from now on: the load's job may last less than a second, shorter
  // than an assertion's polling interval, before the Explain tab starts its own jobs again.
  await page.evaluate(() => {
    const w = window as unknown as { __jobLabels: string[] }
    w.__jobLabels = []
    const record = () => {
      const label = document.querySelector('[data-testid="job"] .jobLabel')?.textContent
      if (label && w.__jobLabels.at(-1) !== label) w.__jobLabels.push(label)
    }
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    })
  })
  // Loading stays possible during a job; the load supersedes (cancels) the global SHAP job.
  await page.getByTestId('load-demo').click()
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __jobLabels: string[] }).__jobLabels))
    .toContainEqual(expect.stringMatching(/Load|Pars|Predict|Measur/))
  // The new session clears the results; the Explain tab, still open, explains its default row and
  // a fresh 2000-row sample (the global row count stays as set) — never the superseded job's answer.
  await expect(page.getByTestId('global-table')).toHaveCount(0)
  const n = await api.state((s) => s.data!.table.nRows)
  await expect(page.getByTestId('explain-result')).toHaveAttribute(
    'data-row',
    String(auditDefaultRows(n, 1)[0]),
    { timeout: 60_000 },
  )
  await page.getByTestId('cancel-job').click()
  await app.waitIdle()
  // Nothing of the cancelled job arrives later: the worker answers a request queued behind it,
  // and the page renders two frames after that answer.
  await api.call('numTensors')
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  )
  await expect(page.getByTestId('global-table')).toHaveCount(0)
  // The next request's answer is for the row asked, never an earlier one.
  await page.getByTestId('explain-row').fill('7')
  await page.getByTestId('explain-row').press('Enter')
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '7')
})

test('a crashed model worker is restarted, the error shown, and work goes on', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  const acc = await page.getByTestId('metric-accuracy').textContent()
  await api.call('crashModelWorker')
  await expect(page.getByTestId('notice-error')).toContainText('restarted')
  await app.waitIdle()
  await expect(page.getByTestId('metric-accuracy')).toHaveText(acc!)
  await app.openTab('Explain')
  await page.getByTestId('explain-row').fill('3')
  await page.getByTestId('explain-row').press('Enter')
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', '3')
})
