/**
 * Scale: a CSV of 1,000,000 rows × 15 columns (the golden 2,000 rows repeated 500 times, written
 * to the OS temp folder at test time, never committed) loaded by path through the data file input
 * on the demo session. Measured and asserted:
 * - time from setInputFiles to the Overview's metrics and the Fairness tab's group table, ≤ 20 s;
 * - no main-thread long task over 200 ms while ingesting, nor in the Calibration, Fairness and
 *   Data views; the Explain tab (whose charts draw at most 1,000 sampled rows whatever the data
 *   size) no longer than 200 ms or than 1.5 × its longest task on the 2,000-row demo;
 * - memory: the summed PSS of every Chromium process of this test (browser, renderer with its
 *   workers, GPU, utilities — read from /proc/<pid>/smaps_rollup of the browser's process tree)
 *   sampled every 100 ms, peak ≤ 1.5 GB while ingesting and through the views; the Explain tab's
 *   jobs (SHAP, counterfactuals) after it are logged;
 * - the numbers: the rows are the golden 2,000 × 500, so accuracy, AUC, ECE and every rate of the
 *   fairness table equal the core's on the 2,000 rows (computed here in Node);
 * - the views stay responsive at a million rows and their sampled charts say the sample size.
 */
import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { writeSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Browser,
  type BrowserType,
  expect,
  test,
  type Page,
  type TestInfo,
} from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { calibrationBins } from '../src/core/views/calibrationView.ts'
import { fairnessTable, intersectionGroups } from '../src/core/views/fairnessView.ts'
import { coreNumbers, metricValue, openApp, path } from './fixtures.ts'

const ROWS = 1_000_000
const REPEAT = 500
/** The issue's targets. */
const MAX_SECONDS = 20
const MAX_TASK_MS = 200
const MAX_BYTES = 1.5e9
/** CONTRACTS §5: metrics, calibration and fairness within 1e-6 (AUC 1e-5 as the overview's). */
const TOL = 1e-6

/** The golden CSV repeated 500 times under the OS temp folder (reused when already written). */
function millionRowCsv(): string {
  const text = readFileSync(path('public/demo/data.csv'), 'utf8')
  const nl = text.indexOf('\n')
  const header = Buffer.from(text.slice(0, nl + 1))
  const body = Buffer.from(text.slice(nl + 1))
  const dir = join(tmpdir(), 'glassbox-e2e')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'adult-1m.csv')
  const size = header.length + body.length * REPEAT
  if (existsSync(file) && statSync(file).size === size) return file
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, header)
    for (let k = 0; k < REPEAT; k++) writeSync(fd, body)
  } finally {
    closeSync(fd)
  }
  return file
}

/** Parent pid of every process (from /proc/<pid>/stat). */
function parents(): Map<number, number> {
  const out = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      // pid (comm) state ppid …; comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      out.set(Number(d), ppid)
    } catch {
      // the process ended meanwhile
    }
  }
  return out
}

/** The Chromium processes in the tree of `root` (`root` included), or under this worker. */
function chromiumPids(root = process.pid): number[] {
  const pp = parents()
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of pp) children.set(ppid, [...(children.get(ppid) ?? []), pid])
  const out: number[] = []
  const stack = root === process.pid ? [...(children.get(root) ?? [])] : [root]
  while (stack.length) {
    const pid = stack.pop()!
    stack.push(...(children.get(pid) ?? []))
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')) out.push(pid)
    } catch {
      // ended
    }
  }
  return out
}

/**
 * A browser of its own for this test (the shared one carries the memory of earlier tests), and
 * the pid of its main process: the Chromium child of this worker that was not there before.
 */
async function ownBrowser(
  playwright: { chromium: BrowserType },
  testInfo: TestInfo,
): Promise<{ browser: Browser; root: number }> {
  const pp = parents()
  const before = new Set(chromiumPids())
  const browser = await playwright.chromium.launch(testInfo.project.use.launchOptions ?? {})
  const now = parents()
  const root = chromiumPids().find((pid) => !before.has(pid) && now.get(pid) === process.pid)
  if (root === undefined || pp.has(root)) throw new Error('could not find the browser process')
  return { browser, root }
}

/** Summed PSS and RSS (bytes) of `pids`, from smaps_rollup, and the PSS by process type. */
function memoryOf(pids: number[]): { pss: number; rss: number; byType: string } {
  let pss = 0
  let rss = 0
  const parts: string[] = []
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      const p = Number(/^Pss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) * 1024
      pss += p
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) * 1024
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser'
      if (p >= 2 ** 20) parts.push(`${type} ${(p / 2 ** 20).toFixed(0)}`)
    } catch {
      // ended or not readable
    }
  }
  return { pss, rss, byType: parts.join(', ') }
}

/** Samples the memory of browser `root`'s processes every 100 ms until stopped; keeps the peaks. */
function memorySampler(root: number) {
  let peak = { pss: 0, rss: 0, byType: '', processes: 0 }
  let phasePeak = 0
  let samples = 0
  const tick = () => {
    const pids = chromiumPids(root)
    const m = memoryOf(pids)
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

type W = { __longTasks: number[]; __loaf: string[]; __jobs: [number, string][] }
const clearLongTasks = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as W
    w.__longTasks = []
    w.__loaf = []
  })

/**
 * Long tasks since the last call, logged under `name` with the scripts of long frames and the
 * peak memory of the step.
 */
async function phase(
  page: Page,
  name: string,
  log: string[],
  memory: { phasePeak: () => number },
): Promise<number[]> {
  const { tasks, loaf } = await page.evaluate(() => {
    const w = window as unknown as W
    const out = { tasks: w.__longTasks, loaf: w.__loaf }
    w.__longTasks = []
    w.__loaf = []
    return out
  })
  log.push(
    `${name}: ${tasks.map((t) => t.toFixed(0)).join(', ') || 'none'}${loaf.length ? ` [${loaf.join('; ')}]` : ''} (peak ${mb(memory.phasePeak())})`,
  )
  return tasks
}
const maxOf = (xs: number[]) => Math.max(0, ...xs)
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`

/** The core's numbers on the golden 2,000 rows (equal to the million rows' by construction). */
async function goldenNumbers() {
  const csv = path('public/demo/data.csv')
  const schemaFile = path('public/demo/schema.json')
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

test('1,000,000 rows: parsed, scored and shown within the targets', async ({
  playwright,
}, testInfo) => {
  test.setTimeout(180_000)
  const { browser, root } = await ownBrowser(playwright, testInfo)
  try {
    const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL! })
    await millionRows(await context.newPage(), root)
  } finally {
    await browser.close()
  }
})

async function millionRows(page: Page, root: number): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as W
    w.__longTasks = []
    w.__loaf = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration)
    }).observe({ type: 'longtask', buffered: true })
    // The job bar's label over time: when each phase of the load (parse, predict, metrics) began.
    w.__jobs = []
    setInterval(() => {
      const label = document.querySelector('[data-testid="job"] .jobLabel')?.textContent ?? ''
      if (label !== (w.__jobs.at(-1)?.[1] ?? '')) w.__jobs.push([performance.now(), label])
    }, 20)
    // Diagnostics only: which scripts made a frame long (Long Animation Frames API).
    type Script = { invoker: string; sourceFunctionName: string; duration: number }
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { scripts: Script[] })[]) {
          if (e.duration < 150) continue
          const scripts = e.scripts
            .filter((x) => x.duration > 5)
            .map((x) => `${x.invoker}/${x.sourceFunctionName || '?'} ${x.duration.toFixed(0)}`)
          w.__loaf.push(`${e.duration.toFixed(0)} ms: ${scripts.join(', ') || 'rendering'}`)
        }
      }).observe({ type: 'long-animation-frame', buffered: true })
    } catch {
      // no LoAF in this browser
    }
  })
  const file = millionRowCsv()
  const core = await goldenNumbers()
  await openApp(page)
  // The Explain tab's charts cost the same at any row count (they draw ≤ 1,000 sampled rows): its
  // long tasks on the demo's 2,000 rows are the reference for the visit at a million rows.
  await clearLongTasks(page)
  await visitExplain(page, '2,000')
  const explainSmall = await phase(page, 'explain', [], { phasePeak: () => 0 })
  const memory = memorySampler(root)
  const baseline = memory.peak
  await clearLongTasks(page)

  // ---- ingest: parse, encode, predict, metrics; then the fairness table
  const pageT0 = await page.evaluate(() => {
    ;(window as unknown as W).__jobs = []
    return performance.now()
  })
  const t0 = Date.now()
  await page.getByTestId('input-data').setInputFiles(file)
  await expect(page.getByTestId('data-rows')).toContainText('1,000,000 × 15', { timeout: 60_000 })
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
  await expect(page.getByTestId('metric-accuracy')).toHaveAttribute('data-value', /\d/)
  const tScored = (Date.now() - t0) / 1000
  await page.getByTestId('tab-Fairness').click()
  await expect(page.getByTestId('fair-count-overall')).toHaveAttribute('data-value', String(ROWS), {
    timeout: 60_000,
  })
  const tFairness = (Date.now() - t0) / 1000
  const jobs = await page.evaluate(() => (window as unknown as W).__jobs)
  const phases = jobs
    .map(([t, label]) => `${((t - pageT0) / 1000).toFixed(1)} s ${label || '(done)'}`)
    .join(' → ')
  const ingestLog: string[] = []
  const ingestTasks = await phase(page, 'ingest', ingestLog, memory)
  const ingestPeak = memory.peak
  console.log(
    `1M rows: scored in ${tScored.toFixed(1)} s, fairness table in ${tFairness.toFixed(1)} s; ` +
      `phases: ${phases}; long tasks (ms): ${ingestLog.join('')}; ` +
      `Chromium PSS ${mb(baseline.pss)} before, peak ${mb(ingestPeak.pss)} (RSS ${mb(ingestPeak.rss)}, ${ingestPeak.processes} processes, PSS MiB by type: ${ingestPeak.byType})`,
  )

  // ---- the numbers equal the golden 2,000 rows'
  await expectNumber(page, 'fair-count-overall', ROWS, 0.5)
  for (const [name, g] of Object.entries(core.sex.groups)) {
    await expectNumber(page, `fair-count-${name}`, g.count * REPEAT, 0.5)
    await expectNumber(page, `fair-sel-${name}`, g.selectionRate)
    await expectNumber(page, `fair-tpr-${name}`, g.tpr)
    await expectNumber(page, `fair-fpr-${name}`, g.fpr)
    await expectNumber(page, `fair-acc-${name}`, g.accuracy)
    await expectNumber(page, `fair-base-${name}`, g.baseRate)
    await expectNumber(page, `fair-auc-${name}`, g.auc, 1e-5)
    await expectNumber(page, `fair-ece-${name}`, g.ece)
  }
  await page.getByTestId('tab-Overview').click()
  expect(Math.abs((await metricValue(page, 'accuracy')) - core.metrics.accuracy!)).toBeLessThan(TOL)
  expect(Math.abs((await metricValue(page, 'auc')) - core.metrics.rocAuc!)).toBeLessThan(1e-5)
  await expect(page.getByTestId('cm-tp')).toHaveText(
    (core.metrics.confusion.tp * REPEAT).toLocaleString('en-US'),
  )

  // ---- the views at a million rows (the checks above switched tabs already)
  const log: string[] = []
  const viewTasks: number[] = []
  const mark = async (name: string) => viewTasks.push(...(await phase(page, name, log, memory)))
  await mark('fairness table, back to the overview')
  await page.getByTestId('threshold').fill('0.4')
  await expect(page.getByTestId('metric-accuracy')).not.toHaveAttribute(
    'data-value',
    String(core.metrics.accuracy),
  )
  await page.getByTestId('threshold').fill('0.5')
  await expectNumber(page, 'metric-accuracy', core.metrics.accuracy)

  await mark('threshold')
  await page.getByTestId('tab-Calibration').click()
  await expect(page.getByTestId('calibration-view')).toBeVisible()
  await expectNumber(page, 'calib-ece', core.calibration.ece)
  await expect(page.getByTestId('calib-bin')).toHaveCount(10)
  await page.getByTestId('calib-strategy-mass').check()
  await expect(page.getByTestId('calib-bin').first()).toBeVisible()
  await page.getByTestId('calib-strategy-width').check()

  await mark('calibration')
  await page.getByTestId('tab-Fairness').click()
  await page.getByTestId('fair-attr-race').check()
  await expect(page.getByTestId('fair-key')).toHaveText('sex × race')
  await expect(page.getByTestId('fair-count-overall')).toHaveAttribute('data-value', String(ROWS))
  await page.getByTestId('fair-threshold').fill('0.35')
  await page.getByTestId('fair-attr-race').uncheck()

  await mark('fairness')
  await page.getByTestId('tab-Data').click()
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
    String(core.sex.groups['Female']!.count * REPEAT),
  )
  await page.getByTestId('cohort-input').fill('')
  await expect(page.getByTestId('cohort-count')).toHaveAttribute('data-value', String(ROWS))
  await page.getByTestId('sort-row').click()

  await mark('data')
  const viewsPeak = memory.peak

  await visitExplain(page, '1,000,000')
  const explainLog: string[] = []
  const explainLarge = await phase(page, 'explain', explainLog, memory)
  memory.stop()
  const peak = memory.peak
  console.log(
    `views at 1M rows, long tasks (ms) by step: ${log.join(' | ')}; peak Chromium PSS ${mb(viewsPeak.pss)} (${viewsPeak.byType}); ` +
      `Explain at 1M rows: ${explainLog.join('')}, at 2,000 rows: ${explainSmall.map((t) => t.toFixed(0)).join(', ') || 'none'}; ` +
      `peak Chromium PSS over the whole test ${mb(peak.pss)} (RSS ${mb(peak.rss)}, ${peak.byType}), ${memory.samples} samples`,
  )

  expect(tScored, 'seconds from setInputFiles to the metrics').toBeLessThanOrEqual(MAX_SECONDS)
  expect(tFairness, 'seconds to the fairness table').toBeLessThanOrEqual(MAX_SECONDS)
  expect(maxOf(ingestTasks), 'longest main-thread task while ingesting, ms').toBeLessThan(
    MAX_TASK_MS,
  )
  expect(maxOf(viewTasks), 'longest main-thread task in the views, ms').toBeLessThan(MAX_TASK_MS)
  // Explain: no longer than 200 ms, or than 1.5 × its own longest task on the 2,000-row demo.
  expect(maxOf(explainLarge), 'longest task in Explain at 1M rows, ms').toBeLessThan(
    Math.max(MAX_TASK_MS, 1.5 * maxOf(explainSmall)),
  )
  expect(ingestPeak.pss, 'peak memory while ingesting').toBeLessThanOrEqual(MAX_BYTES)
  expect(
    viewsPeak.pss,
    'peak memory through the Calibration, Fairness and Data views',
  ).toBeLessThanOrEqual(MAX_BYTES)
}

/** Opens the Explain tab, waits for its automatic row and global explanations, goes back. */
async function visitExplain(page: Page, rows: string): Promise<void> {
  await page.getByTestId('tab-Explain').click()
  await expect(page.getByTestId('explain-global').getByTestId('beeswarm')).toBeVisible({
    timeout: 90_000,
  })
  await expect(page.getByTestId('global-sample')).toContainText(
    new RegExp(`sample of [\\d,]+ of ${rows} rows`),
  )
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
  await page.getByTestId('tab-Overview').click()
  await expect(page.getByTestId('performance')).toBeVisible()
}
