import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  chromiumArgs,
  PLAYWRIGHT_DISABLED_FEATURES,
  PRELOADED_UI_FEATURES,
  // @ts-expect-error plain .mjs helper shared with playwright.config.ts
} from '../scripts/chromium-path.mjs'

/** Every .js file under `dir`. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return jsFiles(p)
    return p.endsWith('.js') ? [p] : []
  })
}

/**
 * The features the installed Playwright disables when it launches Chromium: the string array
 * assigned to `disabledFeatures` in playwright-core's chromiumSwitches (bundled into lib/).
 */
function playwrightDisabledFeatures(): string[] {
  const lib = join(
    dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')),
    'lib',
  )
  for (const file of jsFiles(lib)) {
    const text = readFileSync(file, 'utf8')
    const at = text.indexOf('disabledFeatures = [')
    if (at < 0) continue
    const body = text.slice(at, text.indexOf(']', at))
    return [...body.replace(/\/\/.*$/gm, '').matchAll(/"([^"]+)"|'([^']+)'/g)].map(
      (m) => m[1] ?? m[2]!,
    )
  }
  throw new Error(
    `no "disabledFeatures = [" in playwright-core's lib/ (${lib}): read how this Playwright sets --disable-features`,
  )
}

describe('Chromium switches of the e2e tests and benchmarks', () => {
  it('keep every feature Playwright disables (Chromium keeps only the last --disable-features)', () => {
    expect([...PLAYWRIGHT_DISABLED_FEATURES].sort()).toEqual(playwrightDisabledFeatures().sort())
  })

  it('pass one --disable-features with Playwright’s features and the preloaded browser UI', () => {
    const args = chromiumArgs() as string[]
    const disable = args.filter((a) => a.startsWith('--disable-features='))
    expect(disable).toHaveLength(1)
    const features = disable[0]!.slice('--disable-features='.length).split(',')
    expect(features).toEqual([...PLAYWRIGHT_DISABLED_FEATURES, ...PRELOADED_UI_FEATURES])
    expect(args).toContain('--enable-unsafe-webgpu')
  })
})
