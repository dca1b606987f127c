/**
 * The `browserTrees` part of `npm run bench`: issue 15's browser figures. In headless Chromium on
 * the e2e build (bench/browser.ts builds and serves it):
 * - `browser.onnx.predict.<fixture>`: onnxruntime-web predict throughput in the model worker
 *   (`benchPredict`, timed by the worker, tiling excluded) for the 100-tree XGBoost export and the
 *   MLP of test/fixtures/models, loaded through the file input with their schema and data.csv, on
 *   every ONNX backend the worker reports available (wasm; webgpu where the page has an adapter);
 * - `browser.trees.treeShap.global1000`: global TreeSHAP of 1,000 rows of the "Adult — XGBoost"
 *   demo as the Explain tab runs it (the worker pool, a new seed each run so the cache never
 *   answers), page wall time; target ≤ 2 s (issue 15).
 */
import type { Page } from '@playwright/test'
import { join } from 'node:path'
import type { BackendName } from '../src/workers/protocol.ts'
import { BASE, chromiumPath, withBenchBrowser } from './browser.ts'
import { benchPredict, withTimeout } from './browserRequests.ts'
import { root } from './demo.ts'
import { type Figure, compareWith, failedFigure, figure } from './report.ts'
import { summarize } from './stats.ts'

const MODELS = join(root, 'test/fixtures/models')
/** The ONNX fixtures timed (as the Node figures `onnx.predict.*`). */
const ONNX_FIXTURES = ['xgboost-binary', 'mlp'] as const
/** Rows of one timed predict (data.csv tiled), as in Node. */
const PREDICT_ROWS = 40_000
const REPEATS = 5
const GLOBAL_ROWS = 1000
/** Issue 15's target for a 1,000-row global TreeSHAP in the browser, seconds. */
const GLOBAL_TARGET_S = 2
/** Seconds any one request may take before the figure fails. */
const LIMIT_S = 120

/** Waits until the page is ready, idle, and its model has `format`. */
async function waitLoaded(page: Page, format: string): Promise<void> {
  await page.waitForFunction(
    (f) => {
      const s = window.__glassbox?.state()
      return !!s && s.ready && !s.job && s.modelFacts?.card.format === f
    },
    format,
    { timeout: 180_000 },
  )
}

/** Predict throughput of one ONNX fixture on each available ONNX backend of the page. */
async function onnxFigures(page: Page, name: string, log: (s: string) => void): Promise<Figure[]> {
  await page.goto(`${BASE}/?demo=0`, { waitUntil: 'commit' })
  await page
    .getByTestId('input-any')
    .setInputFiles([`${name}.onnx`, `${name}.schema.json`, 'data.csv'].map((f) => join(MODELS, f)))
  await waitLoaded(page, 'onnx')
  const backends = await page.evaluate(() => window.__glassbox!.state().backends)
  const out: Figure[] = []
  const unavailable = backends
    .filter((b) => !b.available)
    .map((b) => `${b.name} unavailable: ${b.error ?? 'not reported'}`)
  for (const b of backends) {
    const meta = {
      name: `browser.onnx.predict.${name}`,
      backend: `onnxruntime-web ${b.name}`,
      where: 'browser' as const,
      unit: 'rows/s',
    }
    if (!b.available) {
      log(`browser ONNX ${name}: ${b.name} unavailable (${b.error ?? 'not reported'})`)
      continue
    }
    try {
      const active = await withTimeout(
        page.evaluate((n: BackendName) => window.__glassbox!.setBackend(n), b.name),
        LIMIT_S,
        `setBackend(${b.name})`,
      )
      if (active !== b.name) throw new Error(`setBackend(${b.name}) left ${active} active`)
      await benchPredict(page, PREDICT_ROWS, LIMIT_S) // warm-up
      const rates: number[] = []
      for (let k = 0; k < REPEATS; k++)
        rates.push(PREDICT_ROWS / (await benchPredict(page, PREDICT_ROWS, LIMIT_S)))
      const s = summarize(rates)
      log(`browser ONNX ${name} on ${b.name}: ${Math.round(s.median)} rows/s`)
      out.push(
        figure({
          ...meta,
          summary: s,
          stats: { rows: PREDICT_ROWS },
          note: [
            `${name}.onnx with its schema on data.csv tiled to ${PREDICT_ROWS.toLocaleString('en-US')} rows; the worker's benchPredict`,
            ...(b.detail ? [`adapter: ${b.detail}`] : []),
            ...unavailable,
          ].join('; '),
        }),
      )
    } catch (e) {
      out.push(failedFigure(meta, (e as Error).message))
    }
  }
  return out
}

/** Global TreeSHAP of 1,000 rows of the XGBoost demo through the page's worker pool. */
async function globalTreeShapFigure(page: Page, log: (s: string) => void): Promise<Figure> {
  await page.goto(`${BASE}/?demo=xgboost`, { waitUntil: 'commit' })
  await waitLoaded(page, 'xgboost-json')
  const run = (seed: number) =>
    withTimeout(
      page.evaluate(
        async ([n, s]) => {
          const t = performance.now()
          const g = await window.__glassbox!.globalShap({
            n,
            seed: s,
            background: { kind: 'first', k: 50 },
            budget: 4096,
          })
          return {
            seconds: (performance.now() - t) / 1000,
            method: g.method,
            cached: g.cached,
            rows: g.rows.length,
            workers: g.workers ?? 1,
          }
        },
        [GLOBAL_ROWS, seed] as const,
      ),
      LIMIT_S,
      `globalShap(${GLOBAL_ROWS})`,
    )
  await run(1000) // warm-up: the workers' explainers
  const seconds: number[] = []
  let workers = 1
  for (let k = 0; k < REPEATS; k++) {
    const r = await run(1001 + k)
    if (r.method !== 'treeShap' || r.cached || r.rows !== GLOBAL_ROWS)
      throw new Error(`globalShap answered ${r.method}, cached ${r.cached}, ${r.rows} rows`)
    seconds.push(r.seconds)
    workers = r.workers
  }
  const s = summarize(seconds)
  log(`browser global TreeSHAP of ${GLOBAL_ROWS} rows: ${s.median.toFixed(2)} s`)
  return figure({
    name: 'browser.trees.treeShap.global1000',
    backend: 'glassbox-trees',
    where: 'browser',
    unit: 's',
    summary: s,
    stats: { rows: GLOBAL_ROWS, workers, background: 50 },
    compare: (v) => [compareWith(v, 'target', 'issue 15', GLOBAL_TARGET_S, 's', 'atMost')],
    note: `"Adult — XGBoost" demo (100 trees), interventional TreeSHAP of the margin against the first 50 rows, the worker pool (${workers} workers), page wall time`,
  })
}

/** Every figure of the `browserTrees` part (none, with a log line, without Chromium). */
export async function browserTreeFigures(log: (s: string) => void): Promise<Figure[]> {
  const exe = chromiumPath()
  if (!exe) {
    log('browserTrees: Chromium not found, skipped')
    return []
  }
  return withBenchBrowser(exe, 'browserTrees', log, async (browser) => {
    const figures: Figure[] = []
    for (const name of ONNX_FIXTURES) {
      const page = await browser.newPage()
      figures.push(...(await onnxFigures(page, name, log)))
      await page.close()
    }
    const page = await browser.newPage()
    try {
      figures.push(await globalTreeShapFigure(page, log))
    } catch (e) {
      figures.push(
        failedFigure(
          {
            name: 'browser.trees.treeShap.global1000',
            backend: 'glassbox-trees',
            where: 'browser',
            unit: 's',
          },
          (e as Error).message,
        ),
      )
    }
    return figures
  })
}
