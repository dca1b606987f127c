/**
 * Steps shared by the e2e specs and the bench's page scenarios (bench/responsiveness*.ts): the
 * large CSVs, their ingest through the data input, and a visit of the Explain tab. The specs
 * assert what these steps lead to; the bench times them.
 */
import { expect } from '@playwright/test'
import type { App } from './pages.ts'
import { demo, golden, repeatedCsv } from './paths.ts'

/** Waits of a large load or a whole Explain run: hang guards, generous for a busy machine. */
const LARGE_MS = 180_000

/** Rows of the million-row CSV, and how many times the demo's 2,000 rows are repeated in it. */
export const MILLION_ROWS = 1_000_000
export const MILLION_REPEAT = 500

/** The demo's CSV repeated 500 times (1,000,000 rows × 15 columns) under the OS temp folder. */
export const millionRowCsv = (): string =>
  repeatedCsv(demo('data.csv'), MILLION_REPEAT, 'adult-1m.csv')

/** The golden CSV repeated 50 times (100,000 rows) under the OS temp folder. */
export const hundredThousandRowCsv = (): string =>
  repeatedCsv(golden('data.csv'), 50, 'adult-100k.csv')

/**
 * Loads the CSV `file` through the data input of the loaded session and waits until the Overview
 * scored it: the data card says `rows` (e.g. "1,000,000"), no job runs and the metrics have values.
 */
export async function ingestCsv(app: App, file: string, rows: string): Promise<void> {
  await app.loadFiles([file], 'data')
  await expect(app.el('data-rows')).toContainText(rows, { timeout: LARGE_MS })
  await expect(app.el('job')).toHaveCount(0, { timeout: LARGE_MS })
  await expect(app.el('metric-accuracy')).toHaveAttribute('data-value', /\d/)
}

/** Opens the Fairness tab and waits until its group table counts `rows` rows overall. */
export async function openFairnessTable(app: App, rows: number): Promise<void> {
  await app.openTab('Fairness')
  await expect(app.el('fair-count-overall')).toHaveAttribute('data-value', String(rows), {
    timeout: LARGE_MS,
  })
}

/**
 * Opens the Explain tab, waits for its automatic row and global explanations (whose sample line
 * names `rows`, e.g. "2,000"), and goes back to the Overview.
 */
export async function visitExplain(app: App, rows: string): Promise<void> {
  await app.openTab('Explain')
  await expect(app.el('explain-global').getByTestId('beeswarm')).toBeVisible({ timeout: LARGE_MS })
  await expect(app.el('global-sample')).toContainText(
    new RegExp(`sample of [\\d,]+ of ${rows} rows`),
  )
  await expect(app.el('job')).toHaveCount(0, { timeout: LARGE_MS })
  await app.openTab('Overview')
  await expect(app.el('performance')).toBeVisible()
}

/**
 * Runs in the page (`page.evaluate(fairnessSliderMoves, n)`): `n` moves of the scope bar's
 * threshold slider (0.20 … 0.78) made as a user makes them — the range input's value set and an
 * input event — each waiting until the charts show the new threshold (`fair-bars`'
 * data-threshold). React renders the numbers synchronously (urgent) and the charts in a deferred
 * render. Self-contained: it sees nothing of the module it comes from.
 * @returns per move, [ms until the numbers rendered, ms until the charts settled].
 */
export async function fairnessSliderMoves(n: number): Promise<[number, number][]> {
  const el = document.querySelector<HTMLInputElement>('[data-testid="threshold-range"]')!
  const bars = document.querySelector('[data-testid="fair-bars"]')!
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
  const out: [number, number][] = []
  for (let k = 0; k < n; k++) {
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
}
