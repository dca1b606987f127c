/**
 * The e2e `test`: Playwright's, extended with the page objects of e2e/pages.ts — `app` (open,
 * load, tabs, metrics; waits on the dashboard's state) and `api` (typed `window.__glassbox`) —
 * plus the core's own numbers for a model + CSV + schema, computed in Node with tfjs-cpu and
 * src/core, to compare against what the page shows.
 *
 * A new spec imports `test` and `expect` from here (never from '@playwright/test') and opens the
 * app with `app.open()`. Each test gets a fresh browser context whose probe cache already holds
 * the demo model's backend rates (measured once per run, e2e/globalSetup.ts), so opening the demo
 * skips the seconds-long measurement of every backend; a test of the measurement or of a first visit writes
 * `test.describe(() => { test.use({ measureBackends: true }); test(...) })`. Specs run in 2
 * Playwright workers (playwright.config.ts): a test must not depend on another spec file's state,
 * and one that starts a server of its own takes a port derived from GLASSBOX_E2E_PORT.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import AxeBuilder from '@axe-core/playwright'
import {
  type BrowserContext,
  type Locator,
  type Page,
  type TestInfo,
  test as base,
} from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { performanceMetrics, type PerformanceMetrics } from '../src/core/metrics.ts'
import { modelArtifacts } from '../src/model/artifacts.ts'
import { type TfModel, tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'
import { Api, App } from './pages.ts'
import {
  type ProbeSeed,
  measureProbeCache,
  seedProbeCache,
  sharedProbeCache,
} from './probeCache.ts'

export { expect } from '@playwright/test'
export { Api, App, GOLDEN_FILES, GOLDEN_SHA, type Tab } from './pages.ts'
export { bad, demo, golden, path, repeatedCsv } from './paths.ts'

/**
 * Options of the e2e `test` (set with `test.use`):
 * - `measureBackends` (default false): false starts each test's browser context with the
 *   backend rates of the demo model already in the probe cache, measured once per run
 *   (`probeCache`: e2e/globalSetup.ts, or the worker when run without it), so opening the demo
 *   activates the cached backend instead of spending seconds measuring cpu, wasm, webgl and
 *   webgpu again; true starts with an empty cache, as a
 *   first visit does (a spec about the measurement or the cache itself must set it).
 */
export type E2eOptions = { measureBackends: boolean }

/**
 * Playwright's `test` with the `app` and `api` page objects of the test's page, the
 * `measureBackends` option (see E2eOptions) and `newContext`: another context of the test's
 * browser (a second visitor, a fresh browser opening a link) with the same probe cache as the
 * test's own, as a browser on this device has.
 */
export const test = base.extend<
  {
    app: App
    api: Api
    newContext: () => Promise<BrowserContext>
  } & E2eOptions,
  { probeCache: ProbeSeed }
>({
  measureBackends: [false, { option: true }],
  probeCache: [
    async ({ browser }, use, workerInfo) => {
      await use(
        sharedProbeCache() ?? (await measureProbeCache(browser, workerInfo.project.use.baseURL)),
      )
    },
    { scope: 'worker' },
  ],
  context: async ({ context, measureBackends, probeCache }, use) => {
    if (!measureBackends) await seedProbeCache(context, probeCache)
    await use(context)
  },
  newContext: async ({ browser, measureBackends, probeCache }, use) => {
    const contexts: BrowserContext[] = []
    await use(async () => {
      // browser.newContext takes the project's context options (baseURL…) in a test.
      const context = await browser.newContext()
      contexts.push(context)
      if (!measureBackends) await seedProbeCache(context, probeCache)
      return context
    })
    await Promise.all(contexts.map((c) => c.close()))
  },
  app: async ({ page }, use) => {
    await use(new App(page))
  },
  api: async ({ app }, use) => {
    await use(app.api)
  },
})

/** The tfjs artifacts of a model directory: its model.json and the shards it lists. */
export function modelDirArtifacts(modelDir: string): ReturnType<typeof modelArtifacts> {
  const json = readFileSync(join(modelDir, 'model.json'), 'utf8')
  const manifest = JSON.parse(json) as { weightsManifest: { paths: string[] }[] }
  const shards = new Map<string, ArrayBuffer>()
  for (const p of manifest.weightsManifest.flatMap((g) => g.paths)) {
    const b = readFileSync(join(modelDir, p))
    shards.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
  }
  return modelArtifacts({ name: 'model.json', json }, shards)
}

/** The output column of the class of interest: the sigmoid unit, or class 1 of a 2-class softmax. */
export const outputColumn = (lm: TfModel): number => (lm.info.outputWidth === 1 ? 0 : 1)

/**
 * Runs `use` with the model of `modelDir` loaded in Node on tfjs-cpu, and disposes the model
 * afterwards (also when `use` throws).
 */
export async function withCoreModel<T>(
  modelDir: string,
  use: (lm: TfModel) => Promise<T>,
): Promise<T> {
  await tf.setBackend('cpu')
  const lm = await tfModelLoad(modelDirArtifacts(modelDir), 'model.json')
  try {
    return await use(lm)
  } finally {
    lm.model.dispose()
  }
}

/** Predictions and metrics of a model directory on a CSV, computed by the core in Node. */
export async function coreNumbers(
  modelDir: string,
  csvPath: string,
  schemaPath: string,
  threshold = 0.5,
): Promise<{ p: Float32Array; metrics: PerformanceMetrics }> {
  const enc = encodeTable(
    schemaParse(readFileSync(schemaPath, 'utf8')),
    parseCsvText(readFileSync(csvPath, 'utf8')),
  )
  const p = await withCoreModel(modelDir, (lm) => tfPredictFn(lm, outputColumn(lm))(enc.x))
  return { p, metrics: performanceMetrics(p, enc.labels!, threshold) }
}

/**
 * axe's serious and critical violations on the page (or inside `include`, a CSS selector), one
 * line each ("id (impact): help — targets"); the tests expect none.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page })
  const results = await (include ? builder.include(include) : builder).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
}

/** A full-page screenshot saved as `<name>.png` and attached to the test's report. */
export async function attachScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach(name, { path: file, contentType: 'image/png' })
}

/** Clicks `button` and returns the file it downloads: its suggested name and its text. */
export async function download(
  page: Page,
  button: Locator,
): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()])
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') }
}
