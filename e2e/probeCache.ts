/**
 * The backend probe cache every e2e context starts with (see `measureBackends` in fixtures.ts):
 * the demo opened once in a context of its own, so that the model worker measures every backend
 * and caches the rates in IndexedDB, and the records of that database read back. globalSetup.ts
 * measures it once per run and hands it to the Playwright workers in a file named by
 * GLASSBOX_E2E_PROBE_CACHE; a worker without that file measures it itself.
 *
 * A context is seeded by an init script (`seedProbeCache`) that writes the records into the
 * database before the page's own scripts run, not by Playwright's `storageState`: restoring
 * IndexedDB that way opens a page of its own in every new context (~0.5 CPU-seconds and ~0.3 s
 * per context on 2 cores, for ~100 contexts a run).
 */
import { existsSync, readFileSync } from 'node:fs'
import type { Browser, BrowserContext } from '@playwright/test'
import { PROBE_DB, PROBE_STORE } from '../src/workers/probeCache.ts'
import { App } from './pages.ts'

/** The probe cache of one origin: its records as [key, value] pairs. */
export type ProbeSeed = { origin: string; records: [string, unknown][] }

/** The environment variable naming the file of the run's probe cache (globalSetup.ts writes it). */
export const PROBE_CACHE_ENV = 'GLASSBOX_E2E_PROBE_CACHE'

/**
 * Opens the demo once in a context of its own (the probe measures every backend and caches the
 * rates in IndexedDB) and returns the records of the probe cache: nothing else of that context
 * (no localStorage, no persisted session) is kept.
 */
export async function measureProbeCache(
  browser: Browser,
  baseURL: string | undefined,
): Promise<ProbeSeed> {
  const context = await browser.newContext(baseURL === undefined ? {} : { baseURL })
  try {
    const app = new App(await context.newPage())
    await app.open()
    const records = await app.page.evaluate(
      ([db, store]) =>
        new Promise<[string, unknown][]>((resolve, reject) => {
          const open = indexedDB.open(db)
          open.onerror = () => reject(open.error)
          open.onsuccess = () => {
            const conn = open.result
            if (!conn.objectStoreNames.contains(store)) {
              conn.close()
              resolve([])
              return
            }
            const tx = conn.transaction(store)
            const keys = tx.objectStore(store).getAllKeys()
            const values = tx.objectStore(store).getAll()
            tx.onerror = () => reject(tx.error)
            tx.oncomplete = () => {
              conn.close()
              resolve(keys.result.map((k, i) => [String(k), values.result[i]]))
            }
          }
        }),
      [PROBE_DB, PROBE_STORE] as const,
    )
    if (records.length === 0)
      throw new Error(`the demo left no ${PROBE_DB} records: the probe cache cannot be seeded`)
    return { origin: new URL(app.page.url()).origin, records }
  } finally {
    await context.close()
  }
}

/**
 * Seeds `context` with `seed`: in every document of the seed's origin, before the page's scripts,
 * an init script creates the probe database with the records when the context has none yet (a
 * reload finds it and leaves it as the app left it). The model worker opens the database after
 * the page has created the worker, so its open request waits for this one's upgrade (IndexedDB
 * serves the open requests of one database in order) and finds the records.
 */
export async function seedProbeCache(context: BrowserContext, seed: ProbeSeed): Promise<void> {
  await context.addInitScript(
    ({ db, store, origin, records }) => {
      if (location.origin !== origin) return
      const open = indexedDB.open(db, 1)
      open.onupgradeneeded = () => {
        const s = open.result.createObjectStore(store)
        for (const [k, v] of records) s.put(v, k)
      }
      open.onsuccess = () => open.result.close()
    },
    { db: PROBE_DB, store: PROBE_STORE, ...seed },
  )
}

/** The run's probe cache measured by globalSetup.ts, or null when there is none. */
export function sharedProbeCache(): ProbeSeed | null {
  const file = process.env[PROBE_CACHE_ENV]
  if (!file || !existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeSeed
}
