/**
 * The scope bar: the cohort restricts the Overview's metrics and the audit report (which records
 * the predicate and the row count); the numbers are checked against the core's in Node on the
 * cohort's rows, picked from the CSV text (not by the cohort code).
 */
import { readFileSync } from 'node:fs'
import { performanceMetrics } from '../src/core/metrics.ts'
import type { Report } from '../src/report/types.ts'
import { reportValidate } from '../src/report/validate.ts'
import { coreNumbers, download, expect, golden, test } from './fixtures.ts'

/** The golden rows whose sex is Female, from the CSV text (no quoting in this file). */
function femaleRows(): number[] {
  const lines = readFileSync(golden('data.csv'), 'utf8').trimEnd().split('\n')
  const sex = lines[0]!.split(',').indexOf('sex')
  return lines
    .slice(1)
    .map((l, i) => (l.split(',')[sex] === 'Female' ? i : -1))
    .filter((i) => i >= 0)
}

test('the cohort restricts the Overview metrics and the audit, which records it', async ({
  page,
  app,
}) => {
  test.setTimeout(180_000)
  const rows = femaleRows()
  const all = await coreNumbers(golden(''), golden('data.csv'), golden('schema.json'), 0.5)
  const labels = readFileSync(golden('data.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => (l.endsWith('>50K') ? 1 : 0))
  const want = performanceMetrics(
    Float32Array.from(rows, (i) => all.p[i]!),
    Uint8Array.from(rows, (i) => labels[i]!),
    0.5,
  )
  await app.open('?demo=0')
  await app.loadGolden()
  expect(Math.abs((await app.metric('accuracy')) - all.metrics.accuracy!)).toBeLessThan(1e-6)
  await page.getByTestId('cohort-input').fill('sex = Female')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(rows.length))
  await expect(page.getByTestId('performance-scope')).toContainText(
    `The cohort “sex = Female”: ${rows.length} rows`,
  )
  await expect.poll(() => app.metric('accuracy')).toBeCloseTo(want.accuracy!, 6)
  expect(Math.abs((await app.metric('auc')) - want.rocAuc!)).toBeLessThan(1e-5)

  await page.getByTestId('run-audit').click()
  await expect(page.getByTestId('report-summary')).toContainText(
    `cohort “sex = Female”: ${rows.length} of 2,000 rows`,
    { timeout: 120_000 },
  )
  const { text } = await download(page, page.getByTestId('download-report-json'))
  const report = JSON.parse(text) as Report
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  expect(report.settings.cohort).toEqual({ predicate: 'sex = Female', rows: rows.length })
  expect(report.data.rows).toBe(2000)
  expect(Math.abs(report.metrics!.accuracy! - want.accuracy!)).toBeLessThan(1e-6)
  for (const r of report.settings.rows) expect(rows).toContain(r)
  expect(Object.keys(report.fairness!.sex!.groups)).toEqual(['Female'])

  // Not restricting every view: the Overview is back on every row.
  await page.getByTestId('cohort-restrict').uncheck()
  await expect(page.getByTestId('performance-scope')).toContainText('All 2,000 rows')
  expect(Math.abs((await app.metric('accuracy')) - all.metrics.accuracy!)).toBeLessThan(1e-6)
})

test('the scope bar shows per-group thresholds and says which views ignore the cohort', async ({
  page,
  app,
}) => {
  await app.open('?demo=0')
  await app.loadGolden()
  const bar = page.getByTestId('scope-bar')
  await expect(bar.getByTestId('scope-group-thresholds')).toContainText('none')
  await app.openTab('Monitoring')
  await expect(page.getByTestId('scope-note')).toContainText('the cohort does not apply')
  await app.openTab('Compression')
  await expect(page.getByTestId('scope-note')).toContainText('the cohort does not apply')
  await app.openTab('Fairness')
  await app.setThreshold(0.4)
  await expect(bar.getByTestId('threshold')).toHaveValue('0.4')
  // A cohort of one sex grouped by sex: nothing to compare, so n/a rather than 0 and 1.
  await page.getByTestId('cohort-input').fill('sex = Female')
  await expect(page.getByTestId('fair-dpd')).toHaveText('n/a')
  await expect(page.getByTestId('fair-dpr')).toHaveText('n/a')
  // A value in the wrong case matches nothing, and the bar says which value exists.
  await page.getByTestId('cohort-input').fill('sex = female')
  await page.getByTestId('cohort-input').press('Enter')
  await expect(page.getByTestId('cohort-hint')).toContainText('did you mean "Female"?')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', '0')
})

test('a tab clicked while a reload restores the session is not undone by the restore', async ({
  page,
  app,
}) => {
  await app.open()
  await app.loadGolden()
  await app.openTab('Calibration')
  await expect.poll(async () => (await app.persistedView())?.tab).toBe('Calibration')
  await page.goto('/', { waitUntil: 'commit' })
  // The restore loads the saved files for a few seconds: the user picks Data meanwhile.
  await expect(app.el('job')).toBeVisible()
  await app.el('tab-Data').click()
  await app.waitIdle()
  await expect(app.el('main')).toHaveAttribute('data-tab', 'Data')
  await app.openTab('Overview')
  await expect(app.el('model-sha')).toHaveText(/^3c4cbb65/)
})
