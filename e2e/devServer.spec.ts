/**
 * `npm start` as the README says: the Vite dev server (`vite`, as the start script runs it minus
 * `--open`, on a port of its own) serves the dashboard styled, opens the demo, and the console
 * shows no error and no Content-Security-Policy violation, and the page loads once (on a fresh
 * clone too, where Vite bundles the dependencies cold). The page's policy comes from
 * index.html in both builds; the dev server adds only its nonce (vite.config.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect, path, test } from './fixtures.ts'

/** The dev server's port: the e2e port + 1000 (GLASSBOX_E2E_PORT lets checkouts test side by side). */
const PORT = Number(process.env.GLASSBOX_E2E_PORT ?? 4173) + 1000
const URL_ROOT = `http://localhost:${PORT}/`
/** Cold start: dependency pre-bundling and first transforms on a busy 2-core machine. */
const START_MS = 180_000

/** The value of palette custom property `name` (a #rrggbb colour) as computed style writes it. */
function paletteRgb(name: string): string {
  const css = readFileSync(path('src/ui/palette.css'), 'utf8')
  const hex = new RegExp(`${name}:\\s*#([0-9a-f]{6})`, 'i').exec(css)?.[1]
  if (!hex) throw new Error(`palette.css has no ${name}`)
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16))
  return `rgb(${r}, ${g}, ${b})`
}

let server: ChildProcess | null = null
let serverLog = ''

test.beforeAll(async () => {
  server = spawn(
    process.execPath,
    [path('node_modules/vite/bin/vite.js'), '--port', String(PORT), '--strictPort'],
    {
      cwd: path(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()))
  server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()))
  const until = Date.now() + START_MS
  for (;;) {
    if (server.exitCode !== null) throw new Error(`vite exited (${server.exitCode}):\n${serverLog}`)
    try {
      if ((await fetch(URL_ROOT)).ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`vite did not answer on ${URL_ROOT}:\n${serverLog}`)
    await new Promise((r) => setTimeout(r, 250))
  }
})

test.afterAll(() => {
  // The server runs in its own process group (detached): end the group, i.e. vite and its children.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM')
})

test('npm start serves the dashboard styled in one page load, opens the demo, and the console stays clean', async ({
  page,
}) => {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  // Violations are also reported as events (workers' and reports-only ones included in Chromium).
  await page.addInitScript(() => {
    // Every document this tab loads counts (a reload by the dependency optimizer included).
    sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') ?? 0) + 1))
    const w = window as unknown as { __csp: string[] }
    w.__csp = []
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    )
  })
  await page.goto(URL_ROOT, { waitUntil: 'commit' })
  await expect(page.getByTestId('main')).toHaveAttribute('data-ready', 'true', {
    timeout: START_MS,
  })
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: START_MS })
  // The demo is loaded: its 2,000 rows and the model's metrics are on the Overview.
  await expect(page.getByTestId('data-rows')).toContainText('2,000')
  await expect(page.getByTestId('metric-accuracy')).toHaveText(/^0\.\d{4}$/)

  // app.css applies: the page background, the top bar and a card's border are the palette's.
  const styles = await page.evaluate(() => {
    const css = (el: Element | null) => (el ? getComputedStyle(el) : null)
    return {
      page: css(document.documentElement)?.backgroundColor,
      topbar: css(document.querySelector('.topbar'))?.backgroundColor,
      cardBorder: css(document.querySelector('.card'))?.borderTopColor,
      cardBorderWidth: css(document.querySelector('.card'))?.borderTopWidth,
    }
  })
  expect(styles).toEqual({
    page: paletteRgb('--gb-gray-100'),
    topbar: paletteRgb('--gb-gray-900'),
    cardBorder: paletteRgb('--gb-gray-200'),
    cardBorderWidth: '1px',
  })
  // The page is served by the dev server (HMR client connected), with the dev policy in force.
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content')
  expect(policy).toMatch(/style-src 'self' 'nonce-[^']+'/)
  // The React refresh preamble (an inline script) ran: the policy let its nonce through.
  expect(
    await page.evaluate(() => typeof (window as { $RefreshSig$?: unknown }).$RefreshSig$),
  ).toBe('function')

  // One page load: the dependency scan found what the workers import before the page asked for
  // it (vite.config.ts's optimizeDeps.entries), so the optimizer never re-bundled and reloaded.
  expect(await page.evaluate(() => sessionStorage.getItem('loads'))).toBe('1')
  expect(serverLog).not.toMatch(/reloading/)

  const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)
  expect([...problems, ...csp.map((c) => `CSP: ${c}`)]).toEqual([])
})
