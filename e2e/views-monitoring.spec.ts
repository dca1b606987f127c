/**
 * The Monitoring view on the demo: the drifted copy of the demo data (scripts/make-drifted.ts:
 * ages +8, 40% of Married-civ-spouse → Never-married, 15% of labels flipped) loaded as the
 * "current" data. The page's flags, ranking, performance drop, OOD rows and histogram export are
 * checked against the core's own driftAnalyze run in Node (tfjs-cpu, as the CLI's `drift`), plus
 * an axe scan and a screenshot; then an unlabelled current file says what cannot be judged.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { Locator } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { type DriftAnalysis, driftAnalyze } from '../src/core/drift/analyze.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { tfPredictFn } from '../src/model/tfModel.ts'
import {
  type App,
  attachScreenshot,
  demo,
  download,
  expect,
  outputColumn,
  path,
  seriousViolations,
  test,
  withCoreModel,
} from './fixtures.ts'

/** The core's comparison of the demo data (reference) with `currentCsv`, as the worker runs it. */
async function coreDrift(currentCsv: string): Promise<DriftAnalysis> {
  return withCoreModel(path('public/demo'), async (lm) => {
    const schema = schemaParse(readFileSync(demo('schema.json'), 'utf8'))
    const refTable = parseCsvText(readFileSync(demo('data.csv'), 'utf8'))
    const curTable = parseCsvText(currentCsv)
    const ref = encodeTable(schema, refTable)
    const cur = encodeTable(schema, curTable)
    const predict = tfPredictFn(lm, outputColumn(lm))
    return driftAnalyze(
      schema,
      { table: refTable, x: ref.x, p: await predict(ref.x), labels: ref.labels },
      { table: curTable, x: cur.x, p: await predict(cur.x), labels: cur.labels },
      { threshold: 0.5, seed: 1 },
    )
  })
}

const flagText = (f: DriftAnalysis['features'][number]) =>
  f.drifted ? 'drifted' : f.watch ? 'watch' : '—'

const value = async (l: Locator) => Number(await l.getAttribute('data-value'))

async function openMonitoring(app: App): Promise<void> {
  await app.open()
  await app.openTab('Monitoring')
  await expect(app.el('monitoring-empty')).toBeVisible()
}

// One session of the Monitoring view: the drifted sample, then an unlabelled file in its place.
test('drifted sample: features flagged and ranked, performance drop, OOD rows, export, axe, screenshot; then an unlabelled current file', async ({
  page,
  app,
}, testInfo) => {
  const core = await coreDrift(readFileSync(demo('drifted.csv'), 'utf8'))
  await openMonitoring(app)
  await page.getByTestId('load-drifted').click()
  const view = page.getByTestId('monitoring-view')
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('monitoring-sides')).toContainText('drifted.csv')

  // Summary: the core's numbers.
  expect(await value(page.getByTestId('drift-maxpsi'))).toBeCloseTo(core.section.maxPsi, 10)
  expect(await value(page.getByTestId('drift-ndrifted'))).toBe(
    core.features.filter((f) => f.drifted).length,
  )
  expect(await value(page.getByTestId('drift-cur-rows'))).toBe(2000)
  expect(await value(page.getByTestId('ood-share95'))).toBeCloseTo(core.ood!.share95, 12)
  expect(await value(page.getByTestId('ood-share99'))).toBeCloseTo(core.ood!.share99, 12)

  // Flags: age and marital status drifted, the rest as the core says; the table opens sorted by PSI.
  await expect(page.getByTestId('drift-flag-age')).toHaveText('drifted')
  await expect(page.getByTestId('drift-flag-marital_status')).toHaveText('drifted')
  for (const f of core.features) {
    await expect(page.getByTestId(`drift-flag-${f.feature}`)).toHaveText(flagText(f))
    expect(await value(page.getByTestId(`drift-psi-${f.feature}`))).toBeCloseTo(f.psi, 10)
  }
  const table = page.getByTestId('drift-table')
  const order = () =>
    table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-feature')))
  await expect.poll(async () => (await order()).slice(0, 2)).toEqual(['age', 'marital_status'])
  await page.getByTestId('drift-sort-feature').click()
  await expect.poll(async () => (await order())[0]).toBe('age')
  await page.getByTestId('drift-sort-feature').click()
  await expect.poll(async () => (await order())[0]).toBe('workclass')
  await expect(table).toHaveAttribute('data-sort', 'feature:desc')

  // Ranking by PSI × mean |φ|: needs global SHAP, computed from the view.
  const ranking = page.getByTestId('drift-ranking')
  await expect(ranking).toHaveAttribute('data-status', 'missing')
  await page.getByTestId('drift-importance-run').click()
  await expect(ranking).toHaveAttribute('data-status', 'done', { timeout: 90_000 })
  const ranked = await ranking
    .locator('li[data-feature]')
    .evaluateAll((els) =>
      els.map(
        (e) => [e.getAttribute('data-feature'), Number(e.getAttribute('data-score'))] as const,
      ),
    )
  expect(ranked.map(([f]) => f).slice(0, 2)).toEqual(['age', 'marital_status'])
  for (let i = 1; i < ranked.length; i++)
    expect(ranked[i]![1]).toBeLessThanOrEqual(ranked[i - 1]![1])

  // Performance: accuracy drops; reference and current as the core computes them.
  const perf = page.getByTestId('perf-drift')
  await expect(perf).toHaveAttribute('data-labelled', 'true')
  const acc = core.performance.metrics.find((m) => m.key === 'accuracy')!
  const accRef = await value(page.getByTestId('perf-accuracy-reference'))
  const accCur = await value(page.getByTestId('perf-accuracy-current'))
  expect(Math.abs(accRef - acc.reference!)).toBeLessThanOrEqual(1e-3)
  expect(Math.abs(accCur - acc.current!)).toBeLessThanOrEqual(1e-3)
  expect(accCur).toBeLessThan(accRef - 0.05)
  await expect(perf.locator('tr[data-metric=accuracy]')).toHaveAttribute('data-highlight', 'true')
  await expect(perf.locator('tr[data-metric=accuracy]')).toContainText('worse')
  await expect(page.getByTestId('perf-fair-sex')).toBeVisible()
  await expect(
    page.getByTestId('pred-histogram').locator('.recharts-bar-rectangle').first(),
  ).toBeAttached()

  // OOD rows: the core's most unusual rows in order, each with its top features.
  const ood = page.getByTestId('ood-rows')
  await expect(ood).toHaveAttribute('data-count', String(core.ood!.top.length))
  const rows = await ood
    .locator('tbody tr')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))))
  expect(rows).toEqual(core.ood!.top.map((t) => t.row))
  const first = core.ood!.top[0]!
  await expect(ood.locator(`tr[data-row="${first.row}"] li[data-feature]`).first()).toHaveAttribute(
    'data-feature',
    first.contributions[0]!.feature,
  )
  await expect(ood.locator(`tr[data-row="${first.row}"]`)).toContainText('less trustworthy')

  // The overlaid histogram of age (the most drifted feature, selected by default) and its CSV.
  const age = core.features.find((f) => f.feature === 'age')!
  const chart = page.getByTestId('chart-drift-histogram-age')
  await expect(chart.getByTestId('drift-histogram')).toHaveAttribute('data-mode', 'histogram')
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeAttached()
  const csv = await download(page, chart.getByTestId('export-csv'))
  expect(csv.name).toBe('drift-histogram-age.csv')
  const lines = csv.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
  expect(lines[0]).toBe('bin,low,high,reference_share,current_share')
  const h = age.histogram!
  expect(lines.length - 1).toBe(h.refShares.length)
  lines.slice(1).forEach((line, k) => {
    const cells = line.split(',')
    expect(Number(cells[1])).toBe(h.edges[k])
    expect(Number(cells[2])).toBe(h.edges[k + 1])
    expect(Number(cells[3])).toBe(h.refShares[k])
    expect(Number(cells[4])).toBe(h.curShares[k])
  })
  const refSum = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[3]), 0)
  expect(refSum).toBeCloseTo(1, 10)

  // A categorical feature: its categories, from the table.
  await table.locator('tr[data-feature=marital_status] th button').click()
  await expect(
    page.getByTestId('chart-drift-histogram-marital-status').getByTestId('drift-histogram'),
  ).toHaveAttribute('data-feature', 'marital_status')

  // Accessibility: no serious or critical violations in the view.
  expect(await seriousViolations(page, '#view')).toEqual([])

  await attachScreenshot(page, testInfo, 'monitoring-view')

  // The browser's audit report carries the same drift section.
  await app.openTab('Overview')
  await page.getByTestId('run-audit').click()
  await expect(page.getByTestId('download-report-json')).toBeVisible({ timeout: 60_000 })
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-report-json').click(),
  ])
  const report = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as {
    drift?: { maxPsi: number; features: Record<string, { drifted: boolean }> }
  }
  expect(report.drift!.maxPsi).toBeGreaterThan(0.2)
  expect(report.drift!.features.age!.drifted).toBe(true)

  await test.step('an unlabelled current file: drift is shown and the view says what cannot be judged', async () => {
    // drifted.csv without its target column (income, the last one).
    const text = readFileSync(demo('drifted.csv'), 'utf8')
    const header = text.split(/\r?\n/, 1)[0]!.split(',')
    const target = header.indexOf('income')
    expect(target).toBe(header.length - 1)
    const unlabelled = text
      .split(/\r?\n/)
      .filter((l) => l.length > 0)
      .map((l) => l.split(',').slice(0, target).join(','))
      .join('\n')
    const file = testInfo.outputPath('current-unlabelled.csv')
    writeFileSync(file, `${unlabelled}\n`)
    const core = await coreDrift(unlabelled)
    expect(core.performance.unlabelled).toBe(true)

    // The drifted sample is the current data: the unlabelled file takes its place.
    await app.openTab('Monitoring')
    await page.getByTestId('current-input').setInputFiles(file)
    await expect(page.getByTestId('monitoring-view')).toHaveAttribute('data-status', 'done', {
      timeout: 60_000,
    })
    await expect(page.getByTestId('monitoring-sides')).toContainText('current-unlabelled.csv')
    await expect(page.getByTestId('drift-cur-rows').locator('..')).toContainText('no labels')

    const perf = page.getByTestId('perf-drift')
    await expect(perf).toHaveAttribute('data-labelled', 'false')
    await expect(page.getByTestId('perf-unlabelled')).toContainText('cannot be judged')
    await expect(page.getByTestId('perf-unlabelled')).toContainText('Accuracy')
    await expect(page.getByTestId('perf-accuracy-reference')).toHaveCount(0)
    const ppr = core.performance.metrics.find((m) => m.key === 'predictedPositiveRate')!
    expect(
      Math.abs(
        (await value(page.getByTestId('perf-predictedPositiveRate-current'))) - ppr.current!,
      ),
    ).toBeLessThanOrEqual(1e-3)

    // Feature drift does not need labels.
    await expect(page.getByTestId('drift-flag-age')).toHaveText('drifted')
    expect(await value(page.getByTestId('drift-maxpsi'))).toBeCloseTo(core.section.maxPsi, 10)
    await expect(page.getByTestId('ood-rows')).toHaveAttribute(
      'data-count',
      String(core.ood!.top.length),
    )

    // A new reference (the demo loaded again) clears the result; the current data can be compared again.
    await page.getByTestId('load-demo').click()
    await expect(page.getByTestId('drift-stale')).toBeVisible({ timeout: 60_000 })
    await expect(page.getByTestId('monitoring-view')).toHaveAttribute('data-status', 'stale')
    await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
    await page.getByTestId('drift-rerun').click()
    await expect(page.getByTestId('monitoring-view')).toHaveAttribute('data-status', 'done', {
      timeout: 60_000,
    })
    await expect(page.getByTestId('perf-unlabelled')).toBeVisible()

    // Clear goes back to the empty state.
    await page.getByTestId('current-clear').click()
    await expect(page.getByTestId('monitoring-empty')).toBeVisible()
    await expect(page.getByTestId('monitoring-view')).toHaveAttribute('data-status', 'empty')
  })
})
