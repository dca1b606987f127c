/**
 * The Explain view on the demo, driven in Chromium: the default row explained on opening, its
 * waterfall ending at the prediction, SHAP next to IG with their Spearman agreement (checked
 * against the core), the global charts, the dependence colour picker, SVG and CSV exports,
 * Kernel SHAP error bars, an axe scan and a screenshot.
 */
import { readFileSync } from 'node:fs'
import type { Locator } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { attributionAgreement } from '../src/core/views/rank.ts'
import { auditDefaultRows } from '../src/report/audit.ts'
import { attachScreenshot, demo, download, expect, seriousViolations, test } from './fixtures.ts'

/** data-value of every row of a values table, keyed by data-feature. */
async function tableValues(table: Locator): Promise<Record<string, number>> {
  const pairs = await table
    .locator('tbody tr[data-feature]')
    .evaluateAll((trs) =>
      trs.map(
        (tr) =>
          [
            tr.getAttribute('data-feature')!,
            Number(tr.querySelector('td[data-value]')!.getAttribute('data-value')),
          ] as const,
      ),
    )
  return Object.fromEntries(pairs)
}

test('Explain view: default row, waterfall, agreement, global charts, exports, Kernel SHAP, axe, screenshot', async ({
  page,
  app,
  api,
}, testInfo) => {
  await app.open()
  await app.openTab('Explain')
  await expect(page.getByTestId('explain-view')).toBeVisible()

  // The default row (the audit's first row) is explained without a click.
  const n = await api.state((s) => s.data!.table.nRows)
  const row = auditDefaultRows(n, 1)[0]!
  const wf = page.getByTestId('waterfall')
  await expect(wf).toHaveAttribute('data-row', String(row), { timeout: 60_000 })
  await expect(page.getByTestId('explain-row')).toHaveValue(String(row))
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', String(row))
  // 12 features: the 10 largest |φ| on their own, the other 2 folded.
  await expect(wf.locator('.recharts-bar-rectangle')).toHaveCount(11)
  await expect(wf).toContainText('other 2 features')
  // The waterfall ends at the prediction shown (exact SHAP: efficiency holds to float precision).
  const final = Number(await wf.getAttribute('data-final'))
  const shown = Number(await page.getByTestId('explain-prediction').textContent())
  const p = (await api.predictions())[row]!
  expect(Math.abs(final - p)).toBeLessThan(1e-5)
  expect(Math.abs(shown - p)).toBeLessThan(5e-5)
  await expect(page.getByTestId('waterfall-final')).toHaveText(shown.toFixed(4))
  await expect(wf).toContainText('exact Shapley values')
  // Raw values in the step labels, e.g. "age = 39".
  const rawAge = await api.run((g, r) => {
    const c = g.state().data!.table.columns.find((x) => x.name === 'age')!
    return c.values[c.codes[r]!]!
  }, row)
  await expect(
    page.getByTestId('shap-table').locator('tr[data-feature="age"] td').first(),
  ).toHaveText(rawAge)
  // Tooltip with the exact φ on hover.
  await wf.locator('.recharts-bar-rectangle').first().hover()
  await expect(wf.locator('.chartTooltip')).toContainText('φ')
  // Keyboard: the chart surface is focusable.
  await expect(wf.locator('svg.recharts-surface').first()).toHaveAttribute('tabindex', '0')

  // SHAP next to IG: Spearman's ρ as the core computes it from the values shown.
  const agreement = page.getByTestId('shap-ig-agreement')
  await expect(agreement).toContainText('Spearman ρ')
  const shap = await tableValues(page.getByTestId('shap-table'))
  const ig = await tableValues(page.getByTestId('ig-table'))
  const core = attributionAgreement(shap, ig)
  expect(
    Math.abs(Number(await agreement.getAttribute('data-value')) - core.spearman!),
  ).toBeLessThan(1e-9)
  await expect(agreement).toHaveAttribute('data-agree', String(core.top.agree))
  await expect(page.getByTestId(core.top.agree ? 'top-agree' : 'top-disagree')).toBeVisible()
  await expect(page.getByTestId('shap-kind')).toHaveText('SHAP: exact')
  await expect(page.getByTestId('ig-info')).toContainText(/IG: \d+ steps · gap/)
  await expect(page.getByTestId('cf-list')).toBeVisible()

  // Global charts (200 rows by default).
  await expect(page.getByTestId('global-bar')).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('global-bar').locator('.recharts-bar-rectangle')).toHaveCount(12)
  const bee = page.getByTestId('beeswarm')
  await expect(bee).toHaveAttribute('data-dots', String(200 * 12))
  await expect(bee.locator('circle[data-i]')).toHaveCount(200 * 12)
  // Hover and keyboard give the exact values of a dot.
  await bee.locator('circle[data-i]').nth(7).hover({ force: true })
  await expect(bee.locator('.dotTip')).toContainText('φ: ')
  await page.mouse.move(0, 0)
  await expect(bee.locator('.dotTip')).toHaveCount(0)
  await bee.locator('svg.recharts-surface').focus()
  await page.keyboard.press('ArrowRight')
  await expect(bee.locator('.dotTip')).toContainText(/^Row \d+/)
  await expect(bee).toContainText('feature value')
  const dep = page.getByTestId('dependence')
  await expect(dep.locator('circle[data-i]')).toHaveCount(200)
  // Another colour feature: the title and the data follow.
  const before = await dep.getAttribute('data-color')
  const options = await page
    .getByTestId('dependence-color')
    .locator('option')
    .evaluateAll((os) => os.map((o) => o.textContent!))
  const next = options.find((o) => o !== before && o !== '(no colour)')!
  await page.getByTestId('dependence-color').selectOption({ label: next })
  await expect(dep).toHaveAttribute('data-color', next)
  await expect(dep).toContainText(`coloured by ${next}`)
  const depCsv = await download(page, dep.getByTestId('export-csv'))
  expect(depCsv.text.split(/\r?\n/)[0]).toContain(next)

  // Waterfall exports: the SVG carries the bars, labels and legend; the CSV adds up.
  const svg = await download(page, wf.getByTestId('export-svg'))
  expect(svg.name).toBe(`waterfall-row-${row}.svg`)
  expect(svg.text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  expect(svg.text).toContain(`age = ${rawAge}`)
  expect(svg.text).toContain('other 2 features')
  expect(svg.text).toContain('raises the prediction')
  expect(svg.text).toContain(`f(x) = ${p.toFixed(3)}`)
  const csv = await download(page, wf.getByTestId('export-csv'))
  expect(csv.name).toBe(`waterfall-row-${row}.csv`)
  const t = parseCsvText(csv.text.replace(/^\uFEFF/, ''))
  const col = (name: string) => {
    const c = t.columns.find((x) => x.name === name)!
    return Array.from(c.codes, (k) => c.values[k]!)
  }
  expect(t.columns.map((c) => c.name)).toEqual([
    'step',
    'label',
    'features',
    'phi',
    'std_err',
    'start',
    'end',
  ])
  expect(t.nRows).toBe(13) // base, 11 steps, prediction
  const steps = col('step')
  const phi = col('phi').map(Number)
  const end = col('end').map(Number)
  expect(steps[0]).toBe('base value')
  expect(steps[12]).toBe('prediction')
  const sum = phi.slice(1, 12).reduce((a, b) => a + b, 0)
  expect(Math.abs(end[0]! + sum - end[11]!)).toBeLessThan(1e-12)
  expect(Math.abs(end[11]! - final)).toBeLessThan(1e-12)
  expect(Math.abs(end[12]! - p)).toBeLessThan(1e-5)
  expect(col('label')).toContain(`age = ${rawAge}`)

  // Kernel SHAP (budget below 2^12 − 2): the estimate is labelled and carries error bars.
  await page.getByTestId('explain-panel').getByText('Settings').click()
  await page.getByTestId('shap-budget').fill('500')
  await page.getByTestId('shap-budget').press('Enter')
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('shap-kind')).toHaveText('Kernel SHAP estimate')
  await expect(page.getByTestId('shap-ig')).toHaveAttribute('data-kernel', 'true')
  expect(await page.getByTestId('shap-ig').locator('.recharts-errorBar').count()).toBeGreaterThan(0)
  await expect(page.getByTestId('shap-ig')).toContainText('Kernel SHAP estimate ± 1.96 s.e.')
  await expect(page.getByTestId('shap-ig')).toContainText('budget 500 coalitions')
  // IG kept from the first run: the agreement is still shown.
  await expect(agreement).toContainText('Spearman ρ')

  // Accessibility of the view (the tab panel, its folded tables and keys opened): no serious or
  // critical violations.
  await page.getByText('SHAP and IG values as tables').click()
  await page.getByText('Mean |φ| as a table').click()
  await page.getByText('Colours of categorical features').click()
  await expect(page.getByTestId('global-table')).toBeVisible()
  expect(await seriousViolations(page, '#view')).toEqual([])

  await page.mouse.move(0, 0)
  await attachScreenshot(page, testInfo, 'explain-view')
})

test('global SHAP samples from the cohort the views are restricted to; a beeswarm dot opens its row', async ({
  page,
  app,
}) => {
  const table = parseCsvText(readFileSync(demo('data.csv'), 'utf8'))
  const sex = table.columns.find((c) => c.name === 'sex')!
  const female = new Set<number>()
  for (let r = 0; r < table.nRows; r++) if (sex.values[sex.codes[r]!] === 'Female') female.add(r)
  await app.open()
  await app.openTab('Data')
  await page.getByTestId('cohort-input').fill('sex = Female')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(female.size))
  await app.openTab('Explain')
  const global = page.getByTestId('explain-global')
  await expect(page.getByTestId('beeswarm')).toBeVisible({ timeout: 60_000 })
  await expect(global).toContainText(
    `seeded sample from the cohort “sex = Female” (${female.size} rows)`,
  )
  await expect(page.getByTestId('beeswarm')).toContainText('from the cohort “sex = Female”')
  const csv = await download(page, page.getByTestId('beeswarm').getByTestId('export-csv'))
  const t = parseCsvText(csv.text)
  const rowCol = t.columns.find((c) => c.name === 'row')!
  const rows = new Set(Array.from(rowCol.codes, (k) => Number(rowCol.values[k])))
  expect(rows.size).toBe(200)
  for (const r of rows) expect(female.has(r)).toBe(true)
  // Another cohort: the charts say they are stale until recomputed.
  await app.openTab('Data')
  await page.getByTestId('cohort-input').fill('sex = Male')
  await app.openTab('Explain')
  await expect(global.locator('.staleNote')).toContainText('cohort changed')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('beeswarm')).toContainText('from the cohort “sex = Male”')
  await expect(global.locator('.staleNote')).toHaveCount(0)

  await test.step('clicking a beeswarm dot opens its row in the Data view', async () => {
    const dot = app.el('beeswarm-dots').locator('.dotLayer circle').last() // drawn last: on top
    await dot.hover()
    const tip = app.el('beeswarm-dots').locator('text', { hasText: /^Row \d+$/ })
    const row = Number((await tip.first().textContent())!.slice(4))
    expect(female.has(row)).toBe(false) // a row of the cohort sampled: sex = Male
    await dot.click()
    await expect(app.el('main')).toHaveAttribute('data-tab', 'Data')
    await expect(page.getByTestId('row-detail')).toHaveAttribute('data-row', String(row))
  })
})
