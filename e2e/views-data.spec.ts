/**
 * The Data view on the demo: the virtualised table, the cohort filter (counts against the core's
 * own cohortMask in Node), a row's attribution and counterfactuals, and the what-if editor (the
 * page's new prediction against the model run in Node with tfjs-cpu), plus an axe scan and a
 * screenshot saved as a test artifact.
 */
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeFeatureMatrix, encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { matrix } from '../src/core/types.ts'
import { cohortMask, cohortParse, cohortRows } from '../src/core/views/cohort.ts'
import { tfPredictFn } from '../src/model/tfModel.ts'
import {
  type App,
  attachScreenshot,
  demo as demoFile,
  expect,
  outputColumn,
  path,
  seriousViolations,
  test,
  withCoreModel,
} from './fixtures.ts'

const FILTER = 'age > 40 and sex = Female'

/** The demo as the core sees it: table, schema, feature values and the rows of a cohort. */
function demo() {
  const table = parseCsvText(readFileSync(demoFile('data.csv'), 'utf8'))
  const schema = schemaParse(readFileSync(demoFile('schema.json'), 'utf8'))
  const enc = encodeTable(schema, table)
  const cohort = (text: string) =>
    cohortRows(
      cohortMask(
        cohortParse(
          text,
          table.columns.map((c) => c.name),
        ),
        table,
      ),
    )
  return { table, schema, enc, cohort }
}

/** The demo model's prediction for rows of feature values, in Node with tfjs-cpu. */
async function corePredict(rows: number[][]): Promise<Float32Array> {
  const { schema } = demo()
  const m = schema.features.length
  const x = encodeFeatureMatrix(schema, matrix(Float64Array.from(rows.flat()), rows.length, m))
  return withCoreModel(path('public/demo'), (lm) => tfPredictFn(lm, outputColumn(lm))(x))
}

async function openDataTab(app: App): Promise<void> {
  await app.open()
  await app.openTab('Data')
  await expect(app.el('data-view')).toBeVisible()
}

const count = async (page: Page) =>
  Number(await page.getByTestId('cohort-count').getAttribute('data-value'))

/** Data row indices of the rows the table has rendered. */
const renderedRows = (page: Page) =>
  page
    .getByTestId('data-table')
    .locator('[role=row][data-pos]')
    .evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-testid')!.slice('data-row-'.length))),
    )

// One session of the Data view: a cohort and a row, then every row again in the virtual table.
test('cohort filter, row explanation, what-if edit, axe and a screenshot; the table virtualises the rows', async ({
  page,
  app,
  api,
}, testInfo) => {
  const { enc, schema, cohort } = demo()
  const rows = cohort(FILTER)
  expect(rows.length).toBeGreaterThan(0)
  await openDataTab(app)

  // A valid filter: the count is the core's, and the table shows only the cohort's rows.
  await page.getByTestId('cohort-input').fill(FILTER)
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(rows.length))
  await expect(page.getByTestId('data-table')).toHaveAttribute('data-count', String(rows.length))
  const inCohort = new Set(rows)
  const shown = await renderedRows(page)
  expect(shown[0]).toBe(rows[0])
  for (const r of shown) expect(inCohort.has(r)).toBe(true)
  await expect(page.getByTestId('cohort-error')).toHaveCount(0)

  // A bad filter: a positioned error; the previous cohort stays.
  await page.getByTestId('cohort-input').fill('agee > 4')
  await expect(page.getByTestId('cohort-error')).toContainText('unknown column "agee"')
  await expect(page.getByTestId('cohort-error')).toContainText('character 1')
  expect(await count(page)).toBe(rows.length)

  // Clear, then the filter again with "restrict all views" on.
  await page.getByTestId('cohort-clear').click()
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', '2000')
  await page.getByTestId('cohort-input').fill(FILTER)
  await page.getByTestId('cohort-restrict').check()
  await expect(page.getByTestId('cohort-restrict')).toBeChecked()
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(rows.length))

  // Open the cohort's first row: prediction, attribution and counterfactuals.
  const r = rows[0]!
  const m = schema.features.length
  const rowValues = Array.from(enc.values.data.subarray(r * m, (r + 1) * m))
  const j = schema.features.findIndex((f) => f.name === 'capital_gain')
  const edited = rowValues.slice()
  edited[j] = 99999
  const [p0, p1] = await corePredict([rowValues, edited])
  await page.getByTestId(`data-row-${r}`).click()
  const detail = page.getByTestId('row-detail')
  await expect(detail).toHaveAttribute('data-row', String(r))
  expect(
    Math.abs(Number(await page.getByTestId('row-prediction').getAttribute('data-value')) - p0!),
  ).toBeLessThan(1e-5)
  await expect(page.getByTestId('row-shap')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('row-shap').locator('g[data-feature]').first()).toBeAttached()
  expect(
    Math.abs(Number(await page.getByTestId('row-shap').getAttribute('data-prediction')) - p0!),
  ).toBeLessThan(1e-5)
  await expect(page.getByTestId('row-cf')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  })
  const cfItems = page.getByTestId('row-cf-item')
  expect(await cfItems.count()).toBeGreaterThan(0)
  await expect(cfItems.first()).toContainText('→')
  await expect(cfItems.first()).toContainText('p = ')

  // What-if: capital_gain = 99999 gives the core's prediction for the edited row.
  const input = page.getByTestId('whatif-capital_gain')
  await expect(input).toHaveValue(String(rowValues[j]))
  await input.fill('99999')
  await input.press('Enter')
  const out = page.getByTestId('whatif-prediction')
  await expect(out).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
  const shownP = Number(await out.getAttribute('data-value'))
  expect(Math.abs(shownP - p1!)).toBeLessThan(1e-5)
  expect(Math.abs(shownP - p0!)).toBeGreaterThan(1e-4)
  await expect(page.getByTestId('whatif-shap')).toBeVisible()
  // How soon the worker answered (SHAP included) is a bench figure (bench/responsiveness.ts,
  // ui.whatIf.workerMs), not asserted here: it depends on the machine's load.
  // A categorical edit goes through the select.
  await page.getByTestId('whatif-sex').selectOption({ label: 'Male' })
  await expect(out).toHaveAttribute('data-status', 'done', { timeout: 30_000 })

  // Accessibility: no serious or critical violations in the view (the tab panel) with a row open.
  expect(await seriousViolations(page, '#view')).toEqual([])

  await attachScreenshot(page, testInfo, 'data-view')

  await test.step('the table virtualises the rows and scrolls to the last one', async () => {
    // Back to every row: the cohort cleared, the row closed.
    await page.getByTestId('cohort-clear').click()
    await page.getByTestId('row-close').click()
    await expect(page.getByTestId('row-detail')).toHaveCount(0)
    await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', '2000')
    const grid = page.getByTestId('data-table')
    await expect(grid).toHaveAttribute('aria-rowcount', '2001')
    await expect(page.getByTestId('data-row-0')).toBeVisible()
    expect((await renderedRows(page)).length).toBeLessThanOrEqual(60)
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect(page.getByTestId('data-row-1999')).toBeVisible()
    await expect(page.getByTestId('data-row-0')).toHaveCount(0)
    expect((await renderedRows(page)).length).toBeLessThanOrEqual(60)
    // The row shows the worker's prediction to 4 decimals.
    const p = (await api.predictions())[1999]!
    await expect(page.getByTestId('data-row-1999').locator('[role=gridcell]').nth(1)).toHaveText(
      p.toFixed(4),
    )
    // Keyboard: Home goes back to the first row, Down moves, Enter opens.
    await page.getByTestId('data-row-1999').focus()
    await page.keyboard.press('Home')
    await expect(page.getByTestId('data-row-0')).toBeFocused()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByTestId('data-row-1')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('row-detail')).toHaveAttribute('data-row', '1')
    // Closing hands focus back to the table.
    await page.getByTestId('row-close').click()
    await expect(page.getByTestId('row-detail')).toHaveCount(0)
    await expect(page.getByTestId('data-row-1')).toBeFocused()
    // Sorting by prediction puts the highest first.
    await page.getByTestId('sort-prediction').click()
    const preds = await api.predictions()
    const top = preds.indexOf(Math.max(...preds))
    expect((await renderedRows(page))[0]).toBe(top)
  })
})
