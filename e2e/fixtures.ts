/**
 * Shared e2e helpers: paths of fixture files, the core's own numbers for a model + CSV + schema
 * (computed in Node with tfjs-cpu and src/core, to compare against what the page shows), and
 * page helpers that wait on the dashboard's readiness.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { expect, type Page } from '@playwright/test'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { performanceMetrics, type PerformanceMetrics } from '../src/core/metrics.ts'
import { modelArtifacts } from '../src/model/artifacts.ts'
import { tfModelLoad, tfPredictFn } from '../src/model/tfModel.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const path = (...p: string[]) => join(root, ...p)
export const golden = (f: string) => path('test/fixtures/golden/adult', f)
export const bad = (f: string) => path('e2e/fixtures/bad', f)

/** Predictions and metrics of a model directory on a CSV, computed by the core in Node. */
export async function coreNumbers(
  modelDir: string,
  csvPath: string,
  schemaPath: string,
  threshold = 0.5,
): Promise<{ p: Float32Array; metrics: PerformanceMetrics }> {
  await tf.setBackend('cpu')
  const json = readFileSync(join(modelDir, 'model.json'), 'utf8')
  const manifest = JSON.parse(json) as { weightsManifest: { paths: string[] }[] }
  const shards = new Map<string, ArrayBuffer>()
  for (const p of manifest.weightsManifest.flatMap((g) => g.paths)) {
    const b = readFileSync(join(modelDir, p))
    shards.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
  }
  const lm = await tfModelLoad(modelArtifacts({ name: 'model.json', json }, shards), 'model.json')
  const enc = encodeTable(
    schemaParse(readFileSync(schemaPath, 'utf8')),
    parseCsvText(readFileSync(csvPath, 'utf8')),
  )
  const p = await tfPredictFn(lm, lm.info.outputWidth === 1 ? 0 : 1)(enc.x)
  lm.model.dispose()
  return { p, metrics: performanceMetrics(p, enc.labels!, threshold) }
}

/** Opens the app and waits until a model and data are loaded and backends measured. */
export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`, { waitUntil: 'commit' })
  if (!query.includes('demo=0')) await waitIdle(page)
}

/** Waits until the dashboard is ready and no job runs. */
export async function waitIdle(page: Page): Promise<void> {
  await expect(page.getByTestId('main')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 })
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
}

/** The exact value behind a metric tile (data-value holds full precision). */
export async function metricValue(page: Page, id: string): Promise<number> {
  const v = await page.getByTestId(`metric-${id}`).getAttribute('data-value')
  return Number(v)
}
