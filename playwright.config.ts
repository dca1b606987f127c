import { availableParallelism } from 'node:os'
import { defineConfig } from '@playwright/test'
// @ts-expect-error plain .mjs helper shared with scripts/ensure-chromium.mjs
import { chromiumArgs, chromiumPath } from './scripts/chromium-path.mjs'

const executablePath = (chromiumPath as () => string | null)() ?? undefined
/** Port of the preview server (GLASSBOX_E2E_PORT lets two checkouts test side by side). */
const port = Number(process.env.GLASSBOX_E2E_PORT ?? 4173)
/**
 * Playwright workers (browsers testing side by side): GLASSBOX_E2E_WORKERS, else 2 where there
 * are 2 cores or more. Much of a test is waiting on the page (worker round trips, renders), so a
 * second browser fills the idle core; each spec file still runs in order in one worker.
 */
const workers = Number(process.env.GLASSBOX_E2E_WORKERS ?? Math.min(2, availableParallelism()))
/**
 * `vite build --mode e2e` into dist-e2e/, unless GLASSBOX_E2E_PREBUILT=1 says it is already built
 * from this tree (scripts/test.mjs builds it while typecheck and lint run).
 */
const build = process.env.GLASSBOX_E2E_PREBUILT === '1' ? '' : 'npx vite build --mode e2e && '

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Measures the backend probe cache once for the run (e2e/probeCache.ts).
  globalSetup: './e2e/globalSetup.ts',
  // Hang guards, not speed checks: generous enough that a machine several times oversubscribed
  // (a 2-core runner at load 20+) still finishes every test; timings are bench figures.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    headless: true,
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: (chromiumArgs as () => string[])(),
    },
  },
  webServer: {
    // The e2e build (into dist-e2e/) installs window.__glassbox and the workers' debug commands.
    command: `${build}npx vite preview --mode e2e --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
  },
})
