/**
 * The page's own Content-Security-Policy, read from index.html. The browser side — a full session
 * under the policy with every request recorded, no violation, wasm still compiling in the model
 * worker — is e2e/robustness.spec.ts › "a full session requests nothing but its own origin …".
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { repoPath } from '../fixtures/inputs/corpus.ts'

describe('Content-Security-Policy', () => {
  it('index.html declares a CSP without inline script, allowing wasm compilation and same-origin workers', () => {
    const html = readFileSync(repoPath('index.html'), 'utf8')
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    expect(meta, 'no CSP meta in index.html').not.toBeNull()
    const policy = new Map(
      meta![1]!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k!, v]),
    )
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('script-src')).toContain("'self'")
    expect(policy.get('script-src')).toContain("'wasm-unsafe-eval'")
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'")
    expect(policy.get('script-src')).not.toContain("'unsafe-eval'")
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    // The meta must come before any script, and no inline script may exist.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'))
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i)
  })
})
