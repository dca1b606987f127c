/**
 * Playwright's global setup (after the web server is up, before any worker starts): measures the
 * probe cache once for the whole run (probeCache.ts) and leaves it in a temporary file for the
 * workers, which would otherwise each open the demo and measure every backend at the same time
 * (16–18 s at the start of a run on 2 cores). The teardown removes the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FullConfig, chromium } from '@playwright/test'
import { PROBE_CACHE_ENV, measureProbeCache } from './probeCache.ts'

export default async function globalSetup(config: FullConfig): Promise<() => void> {
  const use = config.projects[0]!.use
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-e2e-probe-'))
  const browser = await chromium.launch(use.launchOptions ?? {})
  try {
    const seed = await measureProbeCache(browser, use.baseURL)
    const file = join(dir, 'probe-cache.json')
    writeFileSync(file, JSON.stringify(seed))
    process.env[PROBE_CACHE_ENV] = file
  } finally {
    await browser.close()
  }
  return () => rmSync(dir, { recursive: true, force: true })
}
