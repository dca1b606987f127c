/**
 * Scale: a CSV of 1,000,000 rows × 15 columns (the demo's 2,000 rows repeated 500 times, written
 * to the OS temp folder at test time, never committed) loaded by path through the data file input
 * on the demo session. Asserted:
 * - memory: the summed PSS of every Chromium process of this test (browser, renderer with its
 *   workers, GPU, utilities — read from /proc/<pid>/smaps_rollup of the browser's process tree)
 *   sampled every 100 ms, peak ≤ 1.5 GB while ingesting and through the views; the Explain tab's
 *   jobs (SHAP, counterfactuals) after it are logged;
 * - the numbers: the rows are the demo's 2,000 × 500, so accuracy, AUC, ECE and every rate of the
 *   fairness table equal the core's on the 2,000 rows (computed here in Node);
 * - the views work at a million rows and their sampled charts say the sample size.
 * How long the ingest takes (the issue's ≤ 20 s) and the main thread's longest tasks depend on the
 * machine's load: they are bench figures (bench/responsiveness.ts, `ui.million.*`), not asserted.
 */
import { readFileSync } from 'node:fs'
import type { Browser, BrowserType, Page, TestInfo } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { calibrationBins } from '../src/core/views/calibrationView.ts'
import { fairnessTable, intersectionGroups } from '../src/core/views/fairnessView.ts'
import { descendants } from '../bench/memory.ts'
import { App, coreNumbers, demo, expect, path, test } from './fixtures.ts'
import { seedProbeCache } from './probeCache.ts'
import {
  MILLION_REPEAT,
  MILLION_ROWS,
  ingestCsv,
  millionRowCsv,
  openFairnessTable,
  visitExplain,
} from './scenarios.ts'

/** The memory target. */
const MAX_BYTES = 1.5e9
/** CONTRACTS §5: metrics, calibration and fairness within 1e-6 (AUC 1e-5 as the overview's). */
const TOL = 1e-6

/** The parent pid of `pid` (from /proc/<pid>/stat; comm may hold spaces and parentheses). */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

const isChromium = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')
  } catch {
    return false
  }
}

/** The Chromium processes in the tree of `root` (`root` included), or under this worker. */
function chromiumPids(root?: number): number[] {
  const tree =
    root === undefined
      ? descendants(process.pid, new Set())
      : [root, ...descendants(root, new Set())]
  return tree.filter(isChromium)
}

/**
 * A browser of its own for this test (the shared one carries the memory of earlier tests), and
 * the pid of its main process: the Chromium child of this worker that was not there before.
 */
async function ownBrowser(
  playwright: { chromium: BrowserType },
  testInfo: TestInfo,
): Promise<{ browser: Browser; root: number }> {
  const before = new Set(chromiumPids())
  const browser = await playwright.chromium.launch(testInfo.project.use.launchOptions ?? {})
  const root = chromiumPids().find((pid) => !before.has(pid) && parentOf(pid) === process.pid)
  if (root === undefined) throw new Error('could not find the browser process')
  return { browser, root }
}

/** A process's memory as last read from smaps_rollup, and its resident size (statm) then. */
type ProcessMemory = { pss: number; rss: number; type: string; resident: number; readAt: number }

/** Resident pages of `pid` (/proc/<pid>/statm, cheap), or null when it has ended. */
function residentPages(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
  } catch {
    return null
  }
}

/**
 * Reading smaps_rollup walks a process's page tables: ~2 ms per Chromium process, ~30 ms for a
 * sample of the whole tree at a million rows, a quarter of a core at one sample per 100 ms. A
 * process whose resident size (statm, ~0.02 ms) moved by fewer pages than this since its last
 * read, and was read less than REREAD_MS ago, keeps that read's PSS.
 */
const REREAD_PAGES = 256 // 1 MiB of 4 KiB pages
const REREAD_MS = 1000

/**
 * Summed PSS and RSS (bytes) of `pids` from smaps_rollup and the PSS by process type; `cache`
 * keeps each process's last read (see REREAD_PAGES).
 */
function memoryOf(
  pids: number[],
  cache: Map<number, ProcessMemory>,
): { pss: number; rss: number; byType: string } {
  let pss = 0
  let rss = 0
  const parts: string[] = []
  const now = performance.now()
  for (const pid of pids) {
    const resident = residentPages(pid)
    if (resident === null) continue
    let m = cache.get(pid)
    if (!m || Math.abs(resident - m.resident) >= REREAD_PAGES || now - m.readAt >= REREAD_MS) {
      try {
        const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
        const type =
          m?.type ?? /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1]
        m = {
          pss: Number(/^Pss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) * 1024,
          rss: Number(/^Rss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) * 1024,
          type: type ?? 'browser',
          resident,
          readAt: now,
        }
        cache.set(pid, m)
      } catch {
        continue // ended or not readable
      }
    }
    pss += m.pss
    rss += m.rss
    if (m.pss >= 2 ** 20) parts.push(`${m.type} ${(m.pss / 2 ** 20).toFixed(0)}`)
  }
  return { pss, rss, byType: parts.join(', ') }
}

/** Samples the memory of browser `root`'s processes every 100 ms until stopped; keeps the peaks. */
function memorySampler(root: number) {
  let peak = { pss: 0, rss: 0, byType: '', processes: 0 }
  let phasePeak = 0
  let samples = 0
  const cache = new Map<number, ProcessMemory>()
  const tick = () => {
    const pids = chromiumPids(root)
    const m = memoryOf(pids, cache)
    samples++
    if (m.pss > peak.pss) peak = { ...m, processes: pids.length }
    phasePeak = Math.max(phasePeak, m.pss)
  }
  tick()
  const timer = setInterval(tick, 100)
  return {
    get peak() {
      return peak
    },
    get samples() {
      return samples
    },
    /** The peak PSS since the last call. */
    phasePeak: () => {
      const p = phasePeak
      phasePeak = 0
      return p
    },
    stop: () => clearInterval(timer),
  }
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`

/** The core's numbers on the demo's 2,000 rows (equal to the million rows' by construction). */
async function demoNumbers() {
  const csv = demo('data.csv')
  const schemaFile = demo('schema.json')
  const { p, metrics } = await coreNumbers(path('public/demo'), csv, schemaFile)
  const table = parseCsvText(readFileSync(csv, 'utf8'))
  const y = encodeTable(schemaParse(readFileSync(schemaFile, 'utf8')), table).labels!
  return {
    topPrediction: p.reduce((a, b) => Math.max(a, b), 0),
    metrics,
    calibration: calibrationBins(p, y, { strategy: 'width', nBins: 10 }),
    sex: fairnessTable(p, y, intersectionGroups(table, ['sex']), 0.5),
  }
}

/** Polls until the number behind `id` is within `tol` of `expected`. */
async function expectNumber(page: Page, id: string, expected: number | null, tol = TOL) {
  const el = page.getByTestId(id).first()
  if (expected === null) {
    await expect(el).toHaveAttribute('data-value', '')
    return
  }
  await expect
    .poll(async () => Math.abs(Number(await el.getAttribute('data-value')) - expected), {
      message: id,
    })
    .toBeLessThan(tol)
}

test('1,000,000 rows: parsed, scored and shown with the core’s numbers, within the memory target', async ({
  playwright,
  probeCache,
}, testInfo) => {
  test.setTimeout(600_000) // a hang guard: on a busy 2-core machine this test alone takes minutes
  const { browser, root } = await ownBrowser(playwright, testInfo)
  try {
    // A returning visitor's context, as every test's: the backend rates are already cached (the
    // device is the same for this browser), so opening the demo measures no backend.
    const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL! })
    await seedProbeCache(context, probeCache)
    await millionRows(new App(await context.newPage()), root)
  } finally {
    await browser.close()
  }
})

async function millionRows(app: App, root: number): Promise<void> {
  const page = app.page
  const file = millionRowCsv()
  const core = await demoNumbers()
  await app.open()
  await visitExplain(app, '2,000')
  const memory = memorySampler(root)
  const baseline = memory.peak

  // ---- ingest: parse, encode, predict, metrics; then the fairness table
  await ingestCsv(app, file, '1,000,000 × 15')
  await openFairnessTable(app, MILLION_ROWS)
  const ingestPeak = memory.peak
  console.log(
    `1M rows: Chromium PSS ${mb(baseline.pss)} before, peak ${mb(ingestPeak.pss)} while ingesting ` +
      `(RSS ${mb(ingestPeak.rss)}, ${ingestPeak.processes} processes, PSS MiB by type: ${ingestPeak.byType})`,
  )

  // ---- the numbers equal the demo's 2,000 rows'
  await expectNumber(page, 'fair-count-overall', MILLION_ROWS, 0.5)
  for (const [name, g] of Object.entries(core.sex.groups)) {
    await expectNumber(page, `fair-count-${name}`, g.count * MILLION_REPEAT, 0.5)
    await expectNumber(page, `fair-sel-${name}`, g.selectionRate)
    await expectNumber(page, `fair-tpr-${name}`, g.tpr)
    await expectNumber(page, `fair-fpr-${name}`, g.fpr)
    await expectNumber(page, `fair-acc-${name}`, g.accuracy)
    await expectNumber(page, `fair-base-${name}`, g.baseRate)
    await expectNumber(page, `fair-auc-${name}`, g.auc, 1e-5)
    await expectNumber(page, `fair-ece-${name}`, g.ece)
  }
  await app.openTab('Overview')
  expect(Math.abs((await app.metric('accuracy')) - core.metrics.accuracy!)).toBeLessThan(TOL)
  expect(Math.abs((await app.metric('auc')) - core.metrics.rocAuc!)).toBeLessThan(1e-5)
  await expect(page.getByTestId('cm-tp')).toHaveText(
    (core.metrics.confusion.tp * MILLION_REPEAT).toLocaleString('en-US'),
  )

  // ---- the views at a million rows (the checks above switched tabs already)
  const log: string[] = []
  const mark = (name: string) => log.push(`${name} ${mb(memory.phasePeak())}`)
  mark('fairness table, back to the overview')
  await app.setThreshold(0.4)
  await expect(page.getByTestId('metric-accuracy')).not.toHaveAttribute(
    'data-value',
    String(core.metrics.accuracy),
  )
  await app.setThreshold(0.5)
  await expectNumber(page, 'metric-accuracy', core.metrics.accuracy)

  mark('threshold')
  await app.openTab('Calibration')
  await expect(page.getByTestId('calibration-view')).toBeVisible()
  await expectNumber(page, 'calib-ece', core.calibration.ece)
  await expect(page.getByTestId('calib-bin')).toHaveCount(10)
  await page.getByTestId('calib-strategy-mass').check()
  await expect(page.getByTestId('calib-bin').first()).toBeVisible()
  await page.getByTestId('calib-strategy-width').check()

  mark('calibration')
  await app.openTab('Fairness')
  await page.getByTestId('fair-attr-race').check()
  await expect(page.getByTestId('fair-key')).toHaveText('sex × race')
  await expect(page.getByTestId('fair-count-overall')).toHaveAttribute(
    'data-value',
    String(MILLION_ROWS),
  )
  await app.setThreshold(0.35)
  await page.getByTestId('fair-attr-race').uncheck()

  mark('fairness')
  await app.openTab('Data')
  await expect(page.getByTestId('data-view')).toContainText('1,000,000 rows')
  const rendered = await page.locator('[data-testid^="data-row-"]').count()
  expect(rendered).toBeGreaterThan(0)
  expect(rendered).toBeLessThanOrEqual(80)
  await page.getByTestId('sort-prediction').click()
  await expect(
    page.locator('[role="columnheader"][aria-sort="descending"]').getByTestId('sort-prediction'),
  ).toBeVisible()
  // A million rows are ordered in the stats worker; then the top prediction comes first.
  await expect(page.getByTestId('data-sorting')).toHaveCount(0)
  await expect(
    page.locator('[role="row"][data-pos="0"]').locator('[role=gridcell]').nth(1),
  ).toHaveText(core.topPrediction.toFixed(4))
  await page.getByTestId('cohort-input').fill('sex = Female')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute(
    'data-value',
    String(core.sex.groups['Female']!.count * MILLION_REPEAT),
  )
  await page.getByTestId('cohort-input').fill('')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(MILLION_ROWS))
  await page.getByTestId('sort-row').click()

  mark('data')
  const viewsPeak = memory.peak

  await visitExplain(app, '1,000,000')
  mark('explain')
  memory.stop()
  const peak = memory.peak
  console.log(
    `views at 1M rows, peak Chromium PSS by step: ${log.join(' | ')}; peak through the views ${mb(viewsPeak.pss)} (${viewsPeak.byType}); ` +
      `peak over the whole test ${mb(peak.pss)} (RSS ${mb(peak.rss)}, ${peak.byType}), ${memory.samples} samples`,
  )

  expect(ingestPeak.pss, 'peak memory while ingesting').toBeLessThanOrEqual(MAX_BYTES)
  expect(
    viewsPeak.pss,
    'peak memory through the Calibration, Fairness and Data views',
  ).toBeLessThanOrEqual(MAX_BYTES)
}
