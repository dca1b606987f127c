// Where Chromium is: $CHROMIUM_PATH, then Debian's /usr/bin/chromium (and chromium-browser), then
// Playwright's own download. Returns null when none exists. Shared by playwright.config.ts and
// scripts/ensure-chromium.mjs.
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

export function chromiumPath() {
  const env = process.env.CHROMIUM_PATH
  if (env) return existsSync(env) ? env : null
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p
  try {
    const own = chromium.executablePath()
    if (own && existsSync(own)) return own
  } catch {
    // Playwright has no browser of its own here.
  }
  return null
}

/**
 * Features Playwright itself disables (playwright-core's chromiumSwitches.ts, 1.65). Chromium
 * keeps only the last --disable-features switch it is given, so ours (below) repeats these;
 * test/chromiumArgs.test.ts checks the list against the installed Playwright.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
]

/**
 * Browser UI that Chromium 156 preloads, even headless, for every new window: the omnibox popup
 * as a WebUI page in a renderer of its own. Per test page it cost more CPU than opening the demo
 * itself (a trace of one demo open: 5.4 s on that renderer's main thread against 3.7 s on the
 * app's), so the tests and benchmarks turn it off; nothing the app does uses it.
 */
export const PRELOADED_UI_FEATURES = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxFullPopup',
  'WebUIOmniboxAimPopup',
  'PreloadTopChromeWebUI',
]

/**
 * Chromium's switches for the e2e tests and the browser benchmarks: no sandbox (root in CI), no
 * QUIC, WebGPU enabled (on the software adapter where there is no GPU), and the preloaded browser
 * UI off (with Playwright's own disabled features kept).
 */
export function chromiumArgs() {
  return [
    '--no-sandbox',
    '--disable-quic',
    '--enable-unsafe-webgpu',
    `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...PRELOADED_UI_FEATURES].join(',')}`,
  ]
}
