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
