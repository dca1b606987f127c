/**
 * Number fields behave (issue 17): every number input is the kit's NumberField — what is typed is
 * committed on Enter or blur, never half-typed, and text the field refuses stays uncommitted with
 * a message next to it. The cases the issue names: 512 typed into Budget (1612 before), age "abc"
 * and −5 in the what-if editor, a per-group threshold of 2, and the shared threshold.
 */
import { readFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { tableColumn } from '../src/core/table.ts'
import { type Api, type App, demo, expect, test } from './fixtures.ts'

/** Types `text` key by key into `field` (its text selected first), as a user does. */
async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click()
  await field.press('ControlOrMeta+a')
  await field.pressSequentially(text)
}

// One session goes through every field in turn (each a step), as a user trying each would: the
// demo is opened once.
test('number fields commit on Enter or blur and refuse what they cannot take', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  await test.step('Budget takes 512 as typed, refuses 5 with a message, and Escape restores it', () =>
    budgetAndSteps(page, app, api))
  await test.step('the what-if editor refuses age "abc" and −5 (outside the data) and takes 45', () =>
    whatIfAge(page, app))
  await test.step('a per-group threshold of 2 and a shared threshold of 1.5 are refused with a message', () =>
    thresholds(page, app, api))
})

/** Explain's settings: SHAP budget and IG steps. */
async function budgetAndSteps(page: Page, app: App, api: Api): Promise<void> {
  await app.openTab('Explain')
  await page.locator('.explainSettings summary').click()
  const budget = page.getByTestId('shap-budget')
  await typeInto(budget, '512')
  // Nothing is committed while typing.
  expect((await api.call('view')).explain.budget).toBe(4096)
  await budget.press('Tab')
  await expect(budget).toHaveValue('512')
  expect((await api.call('view')).explain.budget).toBe(512)

  await typeInto(budget, '5')
  await budget.press('Enter')
  await expect(page.getByTestId('shap-budget-error')).toHaveText(
    'Budget must be between 16 and 1048576 (got 5)',
  )
  await expect(budget).toHaveAttribute('aria-invalid', 'true')
  expect((await api.call('view')).explain.budget).toBe(512)
  await budget.press('Escape')
  await expect(budget).toHaveValue('512')
  await expect(page.getByTestId('shap-budget-error')).toHaveCount(0)

  // IG steps takes a whole number or "auto".
  const steps = page.getByTestId('ig-steps')
  await typeInto(steps, 'many')
  await steps.press('Enter')
  await expect(page.getByTestId('ig-steps-error')).toHaveText(
    'IG steps: “many” is not a number (or auto)',
  )
  await typeInto(steps, '256')
  await steps.press('Enter')
  expect((await api.call('view')).explain.igSteps).toBe(256)
}

/** The Data tab's what-if editor, on row 3's age. */
async function whatIfAge(page: Page, app: App): Promise<void> {
  const ages = tableColumn(parseCsvText(readFileSync(demo('data.csv'), 'utf8')), 'age')!.values.map(
    Number,
  )
  const [lo, hi] = [Math.min(...ages), Math.max(...ages)]
  await app.openTab('Data')
  await page.getByTestId('data-row-3').click()
  await expect(page.getByTestId('row-detail')).toHaveAttribute('data-row', '3')
  const age = page.getByTestId('whatif-age')
  const out = page.getByTestId('whatif-prediction')
  const before = await age.inputValue()

  await typeInto(age, 'abc')
  await age.press('Enter')
  await expect(page.getByTestId('whatif-age-error')).toHaveText('age: “abc” is not a number')
  await expect(out).toHaveAttribute('data-status', 'original')

  await typeInto(age, '-5')
  await age.press('Tab')
  await expect(page.getByTestId('whatif-age-error')).toHaveText(
    `age must be between ${lo} and ${hi} (the range in the data) (got -5)`,
  )
  await expect(out).toHaveAttribute('data-status', 'original')
  await age.press('Escape')
  await expect(age).toHaveValue(before)

  const next = Number(before) === 45 ? '46' : '45'
  await typeInto(age, next)
  await age.press('Enter')
  await expect(page.getByTestId('whatif-age-error')).toHaveCount(0)
  await expect(out).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
}

/** Fairness's per-group threshold for Female, and the scope bar's shared threshold. */
async function thresholds(page: Page, app: App, api: Api): Promise<void> {
  await app.openTab('Fairness')
  const female = page.getByTestId('fair-gthr-Female')
  await typeInto(female, '2')
  await female.press('Enter')
  await expect(page.getByTestId('fair-gthr-Female-error')).toHaveText(
    'Threshold for Female must be between 0 and 1 (got 2)',
  )
  expect((await api.call('view')).groupThresholds).toEqual({})
  await typeInto(female, '0.3')
  await female.press('Enter')
  await expect(female).toHaveAttribute('data-value', '0.3')
  expect((await api.call('view')).groupThresholds.sex?.thresholds).toEqual({ Female: 0.3 })

  const shared = app.el('threshold')
  await typeInto(shared, '1.5')
  await shared.press('Enter')
  await expect(app.el('threshold-error')).toHaveText('Threshold must be between 0 and 1 (got 1.5)')
  expect(await api.state((s) => s.threshold)).toBe(0.5)
  await typeInto(shared, '0.42')
  await shared.press('Tab')
  await expect.poll(() => api.state((s) => s.threshold)).toBe(0.42)
}
