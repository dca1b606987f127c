/**
 * The backend probe cache every e2e context starts with (see `measureBackends` in fixtures.ts):
 * the demo opened once in a context of its own, so that the model worker measures every backend
 * and caches the rates in IndexedDB, and that context's storage reduced to the `glassbox-probe`
 * database. globalSetup.ts measures it once per run and hands it to the Playwright workers in a
 * file named by GLASSBOX_E2E_PROBE_CACHE; a worker without that file measures it itself.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { Browser, BrowserContext } from '@playwright/test'
import { App } from './pages.ts'

/** A browser context's storage as `browser.newContext({ storageState })` takes it. */
export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>

/** The IndexedDB database where the model worker caches backend rates (src/workers/model.worker.ts). */
const PROBE_DB = 'glassbox-probe'

/** The environment variable naming the file of the run's probe cache (globalSetup.ts writes it). */
export const PROBE_CACHE_ENV = 'GLASSBOX_E2E_PROBE_CACHE'

/**
 * Opens the demo once in a context of its own (the probe measures every backend and caches the
 * rates in IndexedDB) and returns that context's storage reduced to the probe cache: no cookies,
 * no localStorage, no persisted session, only the `glassbox-probe` database.
 */
export async function measureProbeCache(
  browser: Browser,
  baseURL: string | undefined,
): Promise<StorageState> {
  const context = await browser.newContext(baseURL === undefined ? {} : { baseURL })
  try {
    await new App(await context.newPage()).open()
    // Playwright's types leave the IndexedDB snapshot out (it is opaque); only its name is read.
    const state = (await context.storageState({ indexedDB: true })) as {
      origins: (StorageState['origins'][number] & { indexedDB?: { name: string }[] })[]
    }
    const origins = state.origins.map((o) => ({
      ...o,
      localStorage: [],
      indexedDB: (o.indexedDB ?? []).filter((db) => db.name === PROBE_DB),
    }))
    if (!origins.some((o) => o.indexedDB.length))
      throw new Error(`the demo left no ${PROBE_DB} database: the probe cache cannot be seeded`)
    return { cookies: [], origins }
  } finally {
    await context.close()
  }
}

/** The run's probe cache measured by globalSetup.ts, or null when there is none. */
export function sharedProbeCache(): StorageState | null {
  const file = process.env[PROBE_CACHE_ENV]
  if (!file || !existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8')) as StorageState
}
