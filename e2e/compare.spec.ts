/**
 * The Compare tab (issue 19): the tfjs demo (champion) against the XGBoost demo (challenger) on
 * the demo's rows. The numbers are checked against `glassbox compare` on the same files, written
 * by the CLI in Node (test/fixtures/compare/demo-mlp-vs-xgboost.report.json, made with
 * `npx tsx src/cli/bin.ts compare --model public/demo/model.json --challenger
 * public/demo-xgboost/model.json --data public/demo/data.csv --schema public/demo/schema.json
 * --quantize none --counterfactuals 0 --ig-steps 0 --rows 0 --out …`). Then the disagreement
 * cohort opens in the Data view, a copied link reproduces the comparison in a fresh browser
 * context, and the model against itself gives zero deltas and p-values 1.
 */
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import LZString from 'lz-string'
import { App, expect, test } from './fixtures.ts'

const { decompressFromEncodedURIComponent } = LZString

type Cmp = { champion: number; challenger: number; delta: number; ci: [number, number] }
type CliComparison = {
  rows: number
  agreement: number
  disagreements: number
  metrics: Record<string, Cmp & { pValue?: number }>
  fairness: Record<string, Record<string, Cmp>>
  explanations: { shapRankCorrelation: number; topKOverlap: number; k: number; rows: number }
}
const cli = (
  JSON.parse(
    readFileSync(
      new URL('../test/fixtures/compare/demo-mlp-vs-xgboost.report.json', import.meta.url),
      'utf8',
    ),
  ) as { comparison: CliComparison }
).comparison

/** Every number of one comparison row as the view shows it (data-value / data-lo / data-hi). */
async function row(app: App, id: string) {
  const num = async (attr: string, el: string) => {
    const v = await app.el(el).getAttribute(attr)
    return v === null || v === '' ? null : Number(v)
  }
  return {
    champion: await app.dataValue(`${id}-champion`),
    challenger: await app.dataValue(`${id}-challenger`),
    delta: await app.dataValue(`${id}-delta`),
    lo: await num('data-lo', `${id}-ci`),
    hi: await num('data-hi', `${id}-ci`),
    p: (await app.el(`${id}-p`).count()) ? await app.dataValue(`${id}-p`) : null,
  }
}

/** Each value within `tol` of the CLI's (contracts §5: metrics 1e-6, ROC AUC 1e-5). */
function expectClose(
  got: Awaited<ReturnType<typeof row>>,
  want: Cmp & { pValue?: number },
  tol: number,
) {
  expect(Math.abs(got.champion! - want.champion)).toBeLessThan(tol)
  expect(Math.abs(got.challenger! - want.challenger)).toBeLessThan(tol)
  expect(Math.abs(got.delta! - want.delta)).toBeLessThan(tol)
  expect(Math.abs(got.lo! - want.ci[0])).toBeLessThan(tol)
  expect(Math.abs(got.hi! - want.ci[1])).toBeLessThan(tol)
  if (want.pValue !== undefined)
    expect(Math.abs(got.p! - want.pValue) / want.pValue).toBeLessThan(1e-3)
}

/** Waits until the URL hash carries `check`'s view and returns the full link. */
async function currentLink(page: Page, check: (s: Record<string, unknown>) => boolean) {
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

test('the XGBoost demo against the tfjs demo: intervals as the CLI, the disagreement cohort, a link that reproduces it', async ({
  page,
  app,
  newContext,
}) => {
  await app.open()
  await app.loadDemoChallenger('xgboost', 'xgboost-json')
  await expect(app.el('champion-name')).not.toBeEmpty()

  expect(await app.dataValue('cmp-rows')).toBe(cli.rows)
  expect(await app.dataValue('cmp-disagreements')).toBe(cli.disagreements)
  expect(await app.dataValue('cmp-agreement')).toBeCloseTo(cli.agreement, 12)
  expectClose(await row(app, 'cmp-metric-accuracy'), cli.metrics['accuracy']!, 1e-6)
  expectClose(await row(app, 'cmp-metric-rocAuc'), cli.metrics['rocAuc']!, 1e-5)
  expectClose(await row(app, 'cmp-metric-ece'), cli.metrics['ece']!, 1e-6)
  const dpd = cli.fairness['sex']!['demographicParityDifference']!
  expectClose(await row(app, 'cmp-fair-sex-demographicParityDifference'), dpd, 1e-6)
  // Per-group rows sum to the disagreements.
  const groups = app.page.locator('[data-testid^="cmp-group-sex-"][data-testid$="-disagreements"]')
  const perGroup = await groups.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-value'))),
  )
  expect(perGroup.reduce((a, b) => a + b, 0)).toBe(cli.disagreements)

  // The agreement of explanations on the same seeded sample as the CLI's.
  await app.el('cmp-explain').click()
  await expect(app.el('cmp-shap-rank')).toHaveAttribute('data-value', /\d/, { timeout: 180_000 })
  expect(await app.dataValue('cmp-shap-rank')).toBeCloseTo(cli.explanations.shapRankCorrelation, 6)
  expect(await app.dataValue('cmp-topk')).toBe(cli.explanations.topKOverlap)

  // The disagreeing rows open in the Data view as the cohort.
  await app.el('cmp-open-disagreements').click()
  await expect(app.el('main')).toHaveAttribute('data-tab', 'Data')
  await expect(app.el('cohort-count')).toHaveAttribute('data-value', String(cli.disagreements))
  await expect(app.el('data-table')).toHaveAttribute('data-count', String(cli.disagreements))

  // Back to every row; the link carries the challenger and the tab.
  await app.el('cohort-clear').click()
  await expect(app.el('cohort-count')).toHaveAttribute('data-value', String(cli.rows))
  await app.openTab('Compare')
  await app.waitCompared()
  const accuracyDelta = await app.dataValue('cmp-metric-accuracy-delta')
  const aucP = await app.dataValue('cmp-metric-rocAuc-p')
  const link = await currentLink(
    page,
    (s) =>
      s.tab === 'Compare' &&
      typeof (s.src as { challenger?: string }).challenger === 'string' &&
      (s.src as { challenger: string }).challenger.endsWith('demo-xgboost/model.json'),
  )
  await page.getByTestId('copy-link').click()

  const other = await newContext()
  const fresh = new App(await other.newPage())
  await fresh.page.goto(link, { waitUntil: 'commit' })
  await fresh.waitIdle()
  await expect(fresh.el('main')).toHaveAttribute('data-tab', 'Compare')
  await expect(fresh.el('challenger-status')).toHaveAttribute('data-format', 'xgboost-json')
  await fresh.waitCompared()
  expect(await fresh.dataValue('cmp-disagreements')).toBe(cli.disagreements)
  expect(await fresh.dataValue('cmp-metric-accuracy-delta')).toBe(accuracyDelta)
  expect(await fresh.dataValue('cmp-metric-rocAuc-p')).toBe(aucP)
  await other.close()
})

// One session: the demo against itself, then the XGBoost demo loaded in its place.
test('the model against itself, then the XGBoost demo shown through the scope bar’s switch', async ({
  app,
}) => {
  await app.open()
  await test.step('the model against itself: zero deltas, agreement 1, p-values 1', async () => {
    await app.loadDemoChallenger('mlp', 'layers-model')
    expect(await app.dataValue('cmp-disagreements')).toBe(0)
    expect(await app.dataValue('cmp-agreement')).toBe(1)
    for (const m of ['accuracy', 'rocAuc', 'logLoss', 'brier', 'ece'])
      expect(await app.dataValue(`cmp-metric-${m}-delta`)).toBe(0)
    expect(await app.dataValue('cmp-metric-accuracy-p')).toBe(1)
    expect(await app.dataValue('cmp-metric-rocAuc-p')).toBe(1)
    await expect(app.el('cmp-open-disagreements')).toBeDisabled()
  })
  await test.step('the scope bar’s switch shows the challenger in every view, and the champion again', async () => {
    await app.loadDemoChallenger('xgboost', 'xgboost-json')
    await app.el('show-challenger').click()
    await expect(app.el('model-switch')).toHaveAttribute('data-shown', 'challenger')
    await app.waitIdle()
    await app.openTab('Overview')
    expect(
      Math.abs((await app.metric('accuracy')) - cli.metrics['accuracy']!.challenger),
    ).toBeLessThan(1e-6)
    // The Compare tab keeps its roles.
    await app.openTab('Compare')
    await app.waitCompared()
    expect(await app.dataValue('cmp-metric-accuracy-delta')).toBeCloseTo(
      cli.metrics['accuracy']!.delta,
      9,
    )
    await app.el('show-champion').click()
    await expect(app.el('model-switch')).toHaveAttribute('data-shown', 'champion')
    await app.waitIdle()
    await app.openTab('Overview')
    expect(
      Math.abs((await app.metric('accuracy')) - cli.metrics['accuracy']!.champion),
    ).toBeLessThan(1e-6)
  })
})
