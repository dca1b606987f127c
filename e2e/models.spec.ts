/**
 * ONNX and XGBoost JSON models in the dashboard (issue 15): the "Adult — XGBoost" demo from its
 * button (card with trees and depth; TreeSHAP beside the probability SHAP, both equal to the
 * Python references; IG's unavailable note; the Data tab's row and what-if TreeSHAP), and a
 * scikit-learn random-forest pipeline exported by skl2onnx (columns mode, string inputs, a tree
 * ensemble) through the file input (card, probabilities, accuracy, interventional TreeSHAP,
 * calibration and fairness). References come from test/fixtures/models/*.reference.json
 * (float64, from Python), never from the page's code.
 */
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { calibrationBins } from '../src/core/views/calibrationView.ts'
import { App, expect, path, test } from './fixtures.ts'

/** What the tests read of a fixture's reference JSON. */
type TreeShapRef = { baseValue: number; shap: Record<string, number> }
type Reference = {
  proba: number[]
  margin?: number[]
  labels: number[]
  metrics: { accuracy: number }
  trees?: { count: number; maxDepth: number }
  explanations: Record<
    string,
    {
      prediction: number
      baseValue: number
      shap: Record<string, number>
      treeShap?: { interventional: TreeShapRef; pathDependent?: TreeShapRef }
    }
  >
}

const fixture = (f: string) => path('test/fixtures/models', f)
const reference = (name: string): Reference =>
  JSON.parse(readFileSync(fixture(`${name}.reference.json`), 'utf8')) as Reference

/** TreeSHAP in margin units: CONTRACTS §7 (1e-5); probability-space SHAP 1e-4. */
const TREE_TOL = 1e-5
const SHAP_TOL = 1e-4

/** The full-precision numbers of a values table (`data-value` by `data-feature`). */
async function tableValues(page: Page, testId: string): Promise<Record<string, number>> {
  return page.getByTestId(testId).evaluate((t) => {
    const out: Record<string, number> = {}
    for (const tr of t.querySelectorAll('tr[data-feature]')) {
      const td = tr.querySelector('td[data-value]')
      if (td) out[tr.getAttribute('data-feature')!] = Number(td.getAttribute('data-value'))
    }
    return out
  })
}

/** Every reference value is on the page within `tol` (a value the page omits counts as 0). */
function expectClose(shown: Record<string, number>, ref: Record<string, number>, tol: number) {
  for (const [k, v] of Object.entries(ref))
    expect(Math.abs((shown[k] ?? 0) - v), `${k}: page ${shown[k]} vs reference ${v}`).toBeLessThan(
      tol,
    )
}

/** Explains row `row` (SHAP, which brings TreeSHAP for tree models) on the Explain tab. */
async function explainRow(page: Page, row: number): Promise<void> {
  await page.getByTestId('explain-row').fill(String(row))
  await page.getByTestId('run-shap').click()
  await expect(page.getByTestId('explain-result')).toHaveAttribute('data-row', String(row))
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
}

/**
 * Explains row `row` and checks the page against the reference: probability SHAP (exact, 4,096
 * coalitions = 2^12, against the first 50 rows, as the reference) and each TreeSHAP flavour in
 * `kinds` with its base value.
 */
async function expectRowExplained(
  page: Page,
  ref: Reference,
  row: number,
  kinds: readonly ('interventional' | 'pathDependent')[],
): Promise<void> {
  const e = ref.explanations[String(row)]!
  await explainRow(page, row)
  expectClose(await tableValues(page, 'shap-table'), e.shap, SHAP_TOL)
  const base = Number(await page.getByTestId('shap-base').textContent())
  expect(Math.abs(base - e.baseValue)).toBeLessThan(SHAP_TOL)
  for (const k of kinds) {
    const want = e.treeShap![k]!
    const table = page.getByTestId(`treeshap-${k}`)
    expect(Math.abs(Number(await table.getAttribute('data-base')) - want.baseValue)).toBeLessThan(
      TREE_TOL,
    )
    expectClose(await tableValues(page, `treeshap-${k}`), want.shap, TREE_TOL)
  }
}

/** Opens the dashboard empty and loads `files` (fixture names) through the any-files input. */
async function loadFixture(app: App, files: string[], format: string): Promise<void> {
  await app.open('?demo=0')
  await app.loadFiles(files.map(fixture))
  await expect(app.el('model-format')).toHaveAttribute('data-format', format)
  await app.waitIdle()
}

test('the XGBoost demo: card, TreeSHAP beside probability SHAP, IG unavailable', async ({
  page,
  app,
}) => {
  const ref = reference('xgboost-binary')
  await app.open('?demo=0')
  await page.getByTestId('load-demo-xgboost').click()
  await expect(page.getByTestId('model-format')).toHaveAttribute('data-format', 'xgboost-json')
  await app.waitIdle()
  await expect(page.getByTestId('model-runtime')).not.toBeEmpty()
  await expect(page.getByTestId('model-trees')).toHaveAttribute('data-value', '100')
  await expect(page.getByTestId('model-max-depth')).toHaveAttribute('data-value', '6')
  // The demo's rows begin with the fixture's 400: same probabilities (CONTRACTS §5: 1e-6).
  const p = await app.api.predictions()
  for (const i of [0, 53, 101, 399]) expect(Math.abs(p[i]! - ref.proba[i]!)).toBeLessThan(1e-6)

  await app.openExplain()
  await expect(page.getByTestId('ig-unavailable')).toBeVisible()
  await expect(page.getByTestId('run-ig')).toBeDisabled()
  await expect(page.getByTestId('global-kind')).toHaveAttribute('data-method', 'treeShap')

  // TreeSHAP of the log-odds margin, both flavours, beside the probability SHAP.
  await expectRowExplained(page, ref, 53, ['interventional', 'pathDependent'])
  await expect(page.getByTestId('treeshap-interventional')).toContainText('log-odds margin')
  await expect(page.getByTestId('treeshap-waterfall')).toBeVisible()
  await expect(page.getByTestId('waterfall')).toBeVisible()
  await expect(page.getByTestId('treeshap-interventional-completeness')).toContainText('σ(margin)')
})

test('a scikit-learn random-forest pipeline (ONNX, columns mode) through the file input', async ({
  page,
  app,
}) => {
  const ref = reference('rf-pipeline')
  await loadFixture(app, ['rf-pipeline.onnx', 'rf-pipeline.schema.json', 'data.csv'], 'onnx')
  await expect(page.getByTestId('model-runtime')).toHaveText('onnxruntime-web')
  await expect(page.getByTestId('model-trees')).toHaveAttribute('data-value', '50')
  await expect(page.getByTestId('model-max-depth')).toHaveAttribute('data-value', '7')
  await expect(page.getByTestId('model-opsets')).toContainText('ai.onnx.ml')
  await expect(page.getByTestId('model-inputs').locator('li[data-name="country"]')).toHaveAttribute(
    'data-dtype',
    'string',
  )
  await expect(page.getByTestId('model-output')).toHaveAttribute('data-name', 'probabilities')
  await expect(
    page.getByTestId('model-operators').locator('li[data-op="TreeEnsembleClassifier"]'),
  ).toHaveAttribute('data-count', '1')
  const p = await app.api.predictions()
  expect(p).toHaveLength(ref.proba.length)
  for (const i of [0, 53, 283, 377]) expect(Math.abs(p[i]! - ref.proba[i]!)).toBeLessThan(1e-6)
  expect(Math.abs((await app.metric('accuracy')) - ref.metrics.accuracy)).toBeLessThan(1e-6)

  await app.openExplain()
  await expect(page.getByTestId('ig-unavailable')).toBeVisible()
  await expectRowExplained(page, ref, 283, ['interventional'])
  // An ONNX model has hit rates, not covers: no path-dependent TreeSHAP, and the tab says why.
  await expect(page.getByTestId('treeshap-pathDependent')).toHaveCount(0)
  await expect(page.getByTestId('treeshap-pd-unavailable')).toBeVisible()

  await app.openTab('Calibration')
  const cal = calibrationBins(Float32Array.from(ref.proba), Uint8Array.from(ref.labels))
  await expect
    .poll(async () => Number(await page.getByTestId('calib-ece').getAttribute('data-value')))
    .toBeCloseTo(cal.ece!, 5)
  await app.openTab('Fairness')
  await expect(page.getByTestId('fairness-view')).toBeVisible()
  await expect(page.getByTestId('fair-key')).not.toBeEmpty()
  await app.openTab('Compression')
  await expect(page.getByTestId('compression-unsupported')).toContainText('ONNX')
})

/** A bad input of test/fixtures/models/bad/expected.json and the message fragments it must give. */
type BadCase = { file: string; schema: string; stage: string; messageIncludes: string[] }

test('XGBoost JSON through the file input; each bad model is refused by name, the XGBoost model stays', async ({
  page,
  app,
}) => {
  const ref = reference('xgboost-binary')
  const files = ['xgboost-binary.json', 'xgboost-binary.schema.json', 'data.csv']
  await loadFixture(app, files, 'xgboost-json')
  expect(Math.abs((await app.metric('accuracy')) - ref.metrics.accuracy)).toBeLessThan(1e-6)
  const before = await app.api.predictions()
  await app.openExplain()
  await expect(page.getByTestId('treeshap-waterfall')).toBeVisible()

  const cases = (
    JSON.parse(readFileSync(fixture('bad/expected.json'), 'utf8')) as BadCase[]
  ).filter((c) => c.stage !== 'none')
  for (const c of cases) {
    const errors = await page.getByTestId('notice-error').count()
    await app.loadFiles([fixture(`bad/${c.file}`), fixture(`bad/${c.schema}`)])
    await expect(page.getByTestId('notice-error')).toHaveCount(errors + 1, { timeout: 60_000 })
    const text = (await app.notice('error').textContent()) ?? ''
    expect(text, c.file).toContain(c.file)
    for (const m of c.messageIncludes) expect(text, c.file).toContain(m)
    expect(text).toContain('the previously loaded model and data are still loaded')
    await app.waitIdle()
  }
  // The XGBoost model is still the one loaded, with the same predictions.
  await app.openTab('Overview')
  await expect(page.getByTestId('model-format')).toHaveAttribute('data-format', 'xgboost-json')
  expect(await app.api.predictions()).toEqual(before)
})

// One session of the XGBoost demo opened by ?demo=xgboost: its Data tab, its exported session
// restored elsewhere, then the Demo button back to the MLP.
test("?demo=xgboost: the Data tab's TreeSHAP, an exported session restored elsewhere, the Demo button back to the MLP", async ({
  page,
  app,
  newContext,
}) => {
  await app.open('?demo=xgboost')
  await expect(page.getByTestId('model-format')).toHaveAttribute('data-format', 'xgboost-json')
  await app.waitIdle()
  await test.step("the XGBoost demo's Data tab: the row's and the what-if's TreeSHAP beside their SHAP", async () => {
    const ref = reference('xgboost-binary')
    const want = ref.explanations['53']!.treeShap!.interventional
    await app.openTab('Data')
    await page.getByTestId('data-row-3').click()
    await expect(page.getByTestId('row-shap')).toBeVisible({ timeout: 30_000 })
    // The row's TreeSHAP: the reference's base value (same background) and margin (base + Σφ).
    const row = page.getByTestId('row-treeshap-interventional')
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(row).toContainText('Interventional TreeSHAP')
    await expect(row).toContainText('log-odds margin')
    expect(Math.abs(Number(await row.getAttribute('data-base')) - want.baseValue)).toBeLessThan(
      TREE_TOL,
    )
    expect(
      Math.abs(Number(await row.getAttribute('data-prediction')) - ref.margin![3]!),
    ).toBeLessThan(TREE_TOL)
    await expect(page.getByTestId('row-treeshap-pathDependent')).toContainText('Path-dependent')
    // The edited row's: σ(base + Σφ) is the what-if prediction (TreeSHAP is exact).
    await page.getByTestId('whatif-sex').selectOption({ label: 'Female' })
    const out = page.getByTestId('whatif-prediction')
    await expect(out).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
    await expect(page.getByTestId('whatif-shap')).toBeVisible()
    const edited = page.getByTestId('whatif-treeshap-interventional')
    await expect(edited).toBeVisible()
    await expect(edited).toContainText('Edited row (what-if): TreeSHAP, log-odds margin')
    expect(Math.abs(Number(await edited.getAttribute('data-base')) - want.baseValue)).toBeLessThan(
      TREE_TOL,
    )
    const margin = Number(await edited.getAttribute('data-prediction'))
    const p = Number(await out.getAttribute('data-value'))
    expect(Math.abs(1 / (1 + Math.exp(-margin)) - p)).toBeLessThan(1e-5)
    expect(Math.abs(margin - ref.margin![3]!)).toBeGreaterThan(1e-4)
  })
  await test.step('an exported session of the XGBoost demo restores the same model and numbers elsewhere', async () => {
    await app.openTab('Overview')
    const sha = await app.el('model-sha').textContent()
    const accuracy = await app.metric('accuracy')
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-session').click(),
    ])
    const zip = readFileSync((await dl.path())!)
    const other = await newContext()
    const fresh = new App(await other.newPage())
    await fresh.open('?demo=0')
    await fresh.el('input-any').setInputFiles({
      name: 'xgboost.glassbox.zip',
      mimeType: 'application/zip',
      buffer: zip,
    })
    await expect(fresh.el('model-format')).toHaveAttribute('data-format', 'xgboost-json')
    await fresh.waitIdle()
    await expect(fresh.el('model-sha')).toHaveText(sha!)
    expect(await fresh.metric('accuracy')).toBe(accuracy)
    await other.close()
  })
  await test.step('the Demo button still opens the MLP', async () => {
    await page.getByTestId('load-demo').click()
    await expect(page.getByTestId('model-format')).toHaveAttribute('data-format', 'layers-model')
    await app.waitIdle()
    await expect(page.getByTestId('model-trees')).toHaveCount(0)
  })
})
