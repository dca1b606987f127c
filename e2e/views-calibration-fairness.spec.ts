/**
 * The Calibration and Fairness views on the demo in Chromium: the numbers on screen equal the
 * core's (computed here in Node with tfjs-cpu), the threshold slider updates the fairness numbers
 * live, bootstrap intervals arrive from the stats worker, the helpers set per-group thresholds,
 * charts export as SVG and CSV, axe finds no serious or critical violation, and a screenshot of
 * each view is kept as a test artifact.
 */
import { readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { calibrationBins, calibrationByGroup } from '../src/core/views/calibrationView.ts'
import { fairnessBootstrap } from '../src/core/views/fairnessBootstrap.ts'
import { thresholdsEqualOpportunity } from '../src/core/views/fairnessThresholds.ts'
import {
  disparitySummary,
  fairnessTable,
  intersectionGroups,
} from '../src/core/views/fairnessView.ts'
import { coreNumbers, golden, openApp, path, waitIdle } from './fixtures.ts'

/** CONTRACTS §5: metrics, calibration and fairness within 1e-6. */
const TOL = 1e-6

type Core = { p: Float32Array; y: Uint8Array; sex: string[]; race: string[]; sexRace: string[] }
const cores = new Map<string, Promise<Core>>()

/** Predictions (tfjs-cpu in Node), labels and sensitive columns of a model + CSV + schema. */
function coreData(dir: string, csv: string, schemaFile: string): Promise<Core> {
  const key = `${dir}|${csv}`
  let c = cores.get(key)
  if (!c) {
    c = (async () => {
      const { p } = await coreNumbers(dir, csv, schemaFile)
      const table = parseCsvText(readFileSync(csv, 'utf8'))
      const y = encodeTable(schemaParse(readFileSync(schemaFile, 'utf8')), table).labels!
      return {
        p,
        y,
        sex: intersectionGroups(table, ['sex']),
        race: intersectionGroups(table, ['race']),
        sexRace: intersectionGroups(table, ['sex', 'race']),
      }
    })()
    cores.set(key, c)
  }
  return c
}

const demoCore = () =>
  coreData(path('public/demo'), path('public/demo/data.csv'), path('public/demo/schema.json'))

/** The exact number behind a test id (its data-value). */
async function value(page: Page, id: string): Promise<number> {
  const v = await page.getByTestId(id).first().getAttribute('data-value')
  if (v === null || v === '') throw new Error(`${id} has no value`)
  return Number(v)
}

/** Polls until the number behind `id` is within TOL of `expected`. */
async function expectValue(
  page: Page,
  id: string,
  expected: number | null,
  tol = TOL,
): Promise<void> {
  if (expected === null) {
    await expect(page.getByTestId(id).first()).toHaveAttribute('data-value', '')
    return
  }
  await expect
    .poll(async () => Math.abs((await value(page, id)) - expected), { message: id })
    .toBeLessThan(tol)
}

/** Axe: no serious or critical violations. */
async function expectAccessible(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).include('#view').analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  })
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.help}`)).toEqual([])
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach(name, { path: file, contentType: 'image/png' })
}

/** Clicks an export button of the chart `chart` and returns the downloaded text. */
async function download(
  page: Page,
  chart: string,
  kind: 'svg' | 'csv',
): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`chart-${chart}`).getByTestId(`export-${kind}`).click(),
  ])
  const file = await dl.path()
  return { name: dl.suggestedFilename(), text: readFileSync(file, 'utf8') }
}

test.describe('Calibration view', () => {
  test('shows the core’s ECE, bins and per-group ECE; bin settings update it; exports; a11y', async ({
    page,
  }, testInfo) => {
    await openApp(page)
    const core = await demoCore()
    await page.getByTestId('tab-Calibration').click()
    const ref = calibrationBins(core.p, core.y)
    await expectValue(page, 'calib-ece', ref.ece)
    await expect(page.getByTestId('calib-ece')).toHaveText(ref.ece!.toFixed(4))
    await expectValue(page, 'calib-mce', ref.mce)
    await expectValue(page, 'calib-brier', ref.brier)
    await expectValue(page, 'calib-logloss', ref.logLoss)
    await expect(page.getByTestId('calib-bin')).toHaveCount(10)

    // Per-group ECE for every sensitive attribute.
    const bySex = calibrationByGroup(core.p, core.y, core.sex)
    for (const [g, r] of Object.entries(bySex))
      await expectValue(page, `calib-group-ece-sex-${g}`, r.ece)
    const byRace = calibrationByGroup(core.p, core.y, core.race)
    for (const [g, r] of Object.entries(byRace))
      await expectValue(page, `calib-group-ece-race-${g}`, r.ece)

    await expectAccessible(page, testInfo, 'calibration')
    await screenshot(page, testInfo, 'calibration')

    // Equal-mass bins, then 15 of them: the table and ECE follow the core.
    await page.getByTestId('calib-strategy-mass').check()
    const mass = calibrationBins(core.p, core.y, { strategy: 'mass' })
    await expect(page.getByTestId('calib-bin')).toHaveCount(mass.bins.length)
    await expectValue(page, 'calib-ece', mass.ece)
    await page.getByTestId('calib-nbins').fill('15')
    const mass15 = calibrationBins(core.p, core.y, { strategy: 'mass', nBins: 15 })
    await expect(page.getByTestId('calib-bin')).toHaveCount(mass15.bins.length)
    await expectValue(page, 'calib-ece', mass15.ece)
    const firstCount = await page.getByTestId('calib-bin-count').first().getAttribute('data-value')
    expect(Number(firstCount)).toBe(mass15.bins[0]!.count)
    const bySex15 = calibrationByGroup(core.p, core.y, core.sex, { strategy: 'mass', nBins: 15 })
    await expectValue(page, 'calib-group-ece-sex-Female', bySex15.Female!.ece)

    // Exports: the picture as SVG (with its title), the data as CSV.
    const svg = await download(page, 'reliability-diagram', 'svg')
    expect(svg.name).toBe('reliability-diagram.svg')
    expect(svg.text).toContain('<svg')
    expect(svg.text).toContain('Reliability diagram')
    const csv = await download(page, 'reliability-diagram', 'csv')
    const lines = csv.text.trim().split('\r\n')
    expect(lines[0]).toBe(
      'bin,lower,upper,count,meanPredicted,fractionPositive,wilsonLow,wilsonHigh',
    )
    expect(lines).toHaveLength(mass15.bins.length + 1)
    expect(Number(lines[1]!.split(',')[3])).toBe(mass15.bins[0]!.count)
    expect(Math.abs(Number(lines[1]!.split(',')[4]) - mass15.bins[0]!.meanPredicted!)).toBeLessThan(
      TOL,
    )
  })
})

test.describe('Fairness view', () => {
  test('disparities match the core at 0.5 and, live, at 0.35; bootstrap intervals arrive', async ({
    page,
  }, testInfo) => {
    await openApp(page)
    const core = await demoCore()
    await page.getByTestId('tab-Fairness').click()
    for (const [attr, groups] of [
      ['sex', core.sex],
      ['race', core.race],
    ] as const) {
      const s = disparitySummary(fairnessTable(core.p, core.y, groups, 0.5))
      await expectValue(page, `fair-dpd-${attr}`, s.demographicParityDifference)
      await expectValue(page, `fair-eod-${attr}`, s.equalizedOddsDifference)
    }
    const s5 = disparitySummary(fairnessTable(core.p, core.y, core.sex, 0.5))
    await expectValue(page, 'fair-dpd', s5.demographicParityDifference)
    await expect(page.getByTestId('fair-dpd')).toContainText(
      s5.demographicParityDifference!.toFixed(4),
    )
    await expect(page.getByTestId('fair-four-fifths')).toHaveAttribute(
      'data-value',
      String(s5.fourFifthsFlag),
    )

    // Move the threshold: every number is the core's at 0.35.
    await page.getByTestId('fair-threshold').fill('0.35')
    const t35 = fairnessTable(core.p, core.y, core.sex, 0.35)
    const s35 = disparitySummary(t35)
    await expectValue(page, 'fair-dpd', s35.demographicParityDifference)
    await expectValue(page, 'fair-dpr', s35.demographicParityRatio)
    await expectValue(page, 'fair-eod', s35.equalizedOddsDifference)
    await expectValue(page, 'fair-eor', s35.equalizedOddsRatio)
    await expectValue(page, 'fair-eopd', s35.equalOpportunityDifference)
    await expectValue(page, 'fair-dpd-nosmall', s35.withoutSmall.demographicParityDifference)
    for (const [g, r] of Object.entries(t35.groups)) {
      await expectValue(page, `fair-count-${g}`, r.count, 0.5)
      await expectValue(page, `fair-base-${g}`, r.baseRate)
      await expectValue(page, `fair-sel-${g}`, r.selectionRate)
      await expectValue(page, `fair-tpr-${g}`, r.tpr)
      await expectValue(page, `fair-fpr-${g}`, r.fpr)
      await expectValue(page, `fair-fnr-${g}`, r.fnr)
      await expectValue(page, `fair-prec-${g}`, r.precision)
      await expectValue(page, `fair-acc-${g}`, r.accuracy)
      await expectValue(page, `fair-auc-${g}`, r.auc, 1e-5)
      await expectValue(page, `fair-ece-${g}`, r.ece)
    }
    const r35 = disparitySummary(fairnessTable(core.p, core.y, core.race, 0.35))
    await expectValue(page, 'fair-dpd-race', r35.demographicParityDifference)
    // The Overview's threshold is the same one.
    expect(await page.evaluate(() => window.__glassbox!.state().threshold)).toBe(0.35)

    // Seeded bootstrap (B = 1000) in the stats worker once the threshold settles.
    await expect(page.getByTestId('fair-boot-status')).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    })
    const boot = fairnessBootstrap(core.p, core.y, core.sex, 0.35, { B: 1000, seed: 1 })
    const ci = page.getByTestId('fair-dpd-ci')
    const low = Number(await ci.getAttribute('data-low'))
    const high = Number(await ci.getAttribute('data-high'))
    expect(Math.abs(low - boot.intervals.demographicParityDifference.low!)).toBeLessThan(TOL)
    expect(Math.abs(high - boot.intervals.demographicParityDifference.high!)).toBeLessThan(TOL)
    expect(low).toBeLessThanOrEqual(s35.demographicParityDifference!)
    const ms = Number(await page.getByTestId('fair-boot-status').getAttribute('data-ms'))
    testInfo.annotations.push({
      type: 'bootstrap',
      description: `B = 1000 for sex, race, (no intersection) in ${ms.toFixed(0)} ms (worker)`,
    })
    console.log(`bootstrap (2 groupings, B = 1000, 2,000 rows): ${ms.toFixed(1)} ms in the worker`)
  })

  test('intersection sex × race, equal-opportunity helper, exports, a11y and screenshot', async ({
    page,
  }, testInfo) => {
    await openApp(page)
    const core = await demoCore()
    await page.getByTestId('tab-Fairness').click()
    await page.getByTestId('fair-threshold').fill('0.35')
    await page.getByTestId('fair-attr-race').check()
    await expect(page.getByTestId('fair-key')).toHaveText('sex × race')
    const t = fairnessTable(core.p, core.y, core.sexRace, 0.35)
    await expect(page.getByTestId('fair-groups')).toHaveAttribute(
      'data-groups',
      String(Object.keys(t.groups).length),
    )
    await expect(page.getByTestId('fair-row-Female × White')).toBeVisible()
    await expectValue(page, 'fair-sel-Female × White', t.groups['Female × White']!.selectionRate)
    const s = disparitySummary(t)
    await expectValue(page, 'fair-dpd', s.demographicParityDifference)
    await expectValue(page, 'fair-dpd-sex × race', s.demographicParityDifference)
    await expect(page.getByTestId('fair-small-groups')).toContainText(s.smallGroups[0]!)
    await expectValue(page, 'fair-dpd-nosmall', s.withoutSmall.demographicParityDifference)
    await expect(page.getByTestId('fair-boot-status')).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    })
    const boot = fairnessBootstrap(core.p, core.y, core.sexRace, 0.35)
    expect(
      Math.abs(
        Number(await page.getByTestId('fair-eod-ci').getAttribute('data-high')) -
          boot.intervals.equalizedOddsDifference.high!,
      ),
    ).toBeLessThan(TOL)

    // Equal-opportunity helper: per-group thresholds and the accuracy they cost.
    const eo = thresholdsEqualOpportunity(core.p, core.y, core.sexRace, { threshold: 0.35 })
    await expectValue(page, 'fair-helper-eo-change', eo.accuracyChange)
    await page.getByTestId('fair-helper-eo-apply').click()
    await expect(page.getByTestId('fair-applied')).toHaveAttribute(
      'data-criterion',
      'equalOpportunity',
    )
    for (const [g, th] of Object.entries(eo.thresholds)) {
      if (Number.isFinite(th)) await expectValue(page, `fair-gthr-${g}`, th)
      else
        await expect(page.getByTestId(`fair-gthr-${g}`)).toHaveAttribute('data-value', 'Infinity')
    }
    await expectValue(page, 'fair-acc-applied', eo.accuracy)
    await expectValue(page, 'fair-acc-change', eo.accuracyChange)
    await expectValue(page, 'fair-eopd', eo.fairness.equalOpportunityDifference)
    await expectValue(page, 'fair-dpd', eo.fairness.demographicParityDifference)
    await expect(page.getByTestId('fair-boot-status')).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    })
    await expect(page.getByTestId('fair-eopd-ci')).toHaveAttribute('data-low', /\d/)

    await expectAccessible(page, testInfo, 'fairness')
    await screenshot(page, testInfo, 'fairness')

    // Export the selection-rate chart: SVG with its title, CSV with the core's numbers.
    const chart = 'selectionRate-by-sex-race'
    const svg = await download(page, chart, 'svg')
    expect(svg.text).toContain('<svg')
    expect(svg.text).toContain('Selection rate by sex × race')
    const csv = await download(page, chart, 'csv')
    const lines = csv.text.trim().split('\r\n')
    expect(lines[0]).toBe('group,selectionRate,overall,count,small,threshold')
    const row = lines.find((l) => l.startsWith('Female × White,'))!.split(',')
    expect(
      Math.abs(Number(row[1]) - eo.fairness.groups['Female × White']!.selectionRate!),
    ).toBeLessThan(TOL)

    await page.getByTestId('fair-thresholds-clear').click()
    await expect(page.getByTestId('fair-applied')).toHaveAttribute('data-criterion', '')
    await expectValue(page, 'fair-dpd', s.demographicParityDifference)
  })

  test('a threshold move costs at most 50 ms on the demo (predictions not recomputed)', async ({
    page,
  }, testInfo) => {
    await openApp(page)
    await page.getByTestId('tab-Fairness').click()
    await expect(page.getByTestId('fairness-view')).toBeVisible()
    const predictions = await page.evaluate(() => window.__glassbox!.state().predictions)
    const timings: Record<string, [number, number][]> = {}
    for (const grouping of ['sex', 'sex × race']) {
      if (grouping === 'sex × race') await page.getByTestId('fair-attr-race').check()
      await expect(page.getByTestId('fair-key')).toHaveText(grouping)
      // Each move: set the range input as a user would; React renders the numbers synchronously
      // (urgent) and the charts in a deferred render (settled = the charts show the new rates).
      timings[grouping] = await page.evaluate(async () => {
        const el = document.querySelector<HTMLInputElement>('[data-testid="fair-threshold-range"]')!
        const bars = document.querySelector('[data-testid="fair-bars"]')!
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
        const out: [number, number][] = []
        for (let k = 0; k < 60; k++) {
          const v = (0.2 + (k % 30) * 0.02).toFixed(2)
          const t0 = performance.now()
          setValue.call(el, v)
          el.dispatchEvent(new Event('input', { bubbles: true }))
          void document.body.offsetHeight
          const urgent = performance.now() - t0
          while (bars.getAttribute('data-threshold') !== String(Number(v)))
            await new Promise((r) => setTimeout(r, 0))
          void document.body.offsetHeight
          out.push([urgent, performance.now() - t0])
          await new Promise((r) => requestAnimationFrame(() => r(null)))
        }
        return out
      })
    }
    // The predictions array is the same object: nothing was re-predicted.
    expect(await page.evaluate(() => window.__glassbox!.state().predictions)).toEqual(predictions)
    const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.floor(a.length * f)]!
    for (const [g, ms] of Object.entries(timings)) {
      const urgent = ms.map((m) => m[0])
      const settled = ms.map((m) => m[1])
      const line =
        `slider move (${g}): numbers median ${q(urgent, 0.5).toFixed(1)} ms, p95 ${q(urgent, 0.95).toFixed(1)} ms; ` +
        `charts settled median ${q(settled, 0.5).toFixed(1)} ms, p95 ${q(settled, 0.95).toFixed(1)} ms`
      console.log(line)
      testInfo.annotations.push({ type: 'timing', description: line })
      expect(q(urgent, 0.5)).toBeLessThanOrEqual(50)
    }
    await waitIdle(page)
  })
})

test.describe('cohort restriction', () => {
  test('both views use only the cohort’s rows', async ({ page }) => {
    await openApp(page)
    const core = await demoCore()
    const rows = core.sex.flatMap((v, i) => (v === 'Female' ? [i] : []))
    const p = Float32Array.from(rows, (i) => core.p[i]!)
    const y = Uint8Array.from(rows, (i) => core.y[i]!)
    const race = rows.map((i) => core.race[i]!)
    await page.getByTestId('tab-Data').click()
    await page.getByTestId('cohort-input').fill('sex = Female')
    await expect(page.getByTestId('cohort-count')).toHaveAttribute(
      'data-value',
      String(rows.length),
    )
    await page.getByTestId('tab-Calibration').click()
    await expectValue(page, 'calib-ece', calibrationBins(p, y).ece)
    await expectValue(page, 'calib-group-ece-race-White', calibrationByGroup(p, y, race).White!.ece)
    await page.getByTestId('tab-Fairness').click()
    await expect(page.getByTestId('fair-groups')).toHaveAttribute('data-groups', '1')
    const s = disparitySummary(fairnessTable(p, y, race, 0.5))
    await expectValue(page, 'fair-dpd-race', s.demographicParityDifference)
    await expectValue(page, 'fair-count-overall', rows.length, 0.5)
  })
})

test.describe('golden fixture', () => {
  test('calibration and fairness numbers match reference.json within CONTRACTS §5', async ({
    page,
  }) => {
    const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as {
      calibration: { ece: number }
      fairness: Record<
        string,
        {
          demographicParityDifference: number
          equalizedOddsDifference: number
          groups: Record<string, { tpr: number | null }>
        }
      >
    }
    await openApp(page)
    await page
      .getByTestId('input-any')
      .setInputFiles([
        golden('model.json'),
        golden('group1-shard1of1.bin'),
        golden('data.csv'),
        golden('schema.json'),
      ])
    await expect(page.getByTestId('model-sha')).toHaveText(/^3c4cbb65/)
    await waitIdle(page)
    await page.getByTestId('tab-Calibration').click()
    await expectValue(page, 'calib-ece', ref.calibration.ece)
    await page.getByTestId('tab-Fairness').click()
    await page.getByTestId('fair-threshold').fill('0.5')
    for (const [attr, f] of Object.entries(ref.fairness)) {
      await expectValue(page, `fair-dpd-${attr}`, f.demographicParityDifference)
      await expectValue(page, `fair-eod-${attr}`, f.equalizedOddsDifference)
    }
    for (const [g, r] of Object.entries(ref.fairness.sex!.groups))
      await expectValue(page, `fair-tpr-${g}`, r.tpr)
  })
})
