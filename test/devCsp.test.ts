import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cspAllow, cspDev } from '../vite.config.ts'

/** index.html's policy, read here independently of vite.config.ts. */
const strict = /content="(default-src[^"]+)"/.exec(readFileSync('index.html', 'utf8'))![1]!

/** The policy as a map of directive → sources. */
const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  )

describe('cspAllow', () => {
  it('adds sources to an existing directive without repeating one', () => {
    expect(
      cspAllow("default-src 'self'; style-src 'self'", 'style-src', "'self'", "'nonce-a'"),
    ).toBe("default-src 'self'; style-src 'self' 'nonce-a'")
  })

  it('appends a directive the policy lacks', () => {
    expect(cspAllow("default-src 'self';", 'connect-src', 'ws:')).toBe(
      "default-src 'self'; connect-src ws:",
    )
  })
})

describe('cspDev', () => {
  it('is the strict policy plus the nonce on script-src and style-src, and nothing else', () => {
    const dev = directives(cspDev(strict, 'abc'))
    const prod = directives(strict)
    expect([...dev.keys()]).toEqual([...prod.keys()])
    for (const [name, sources] of prod) {
      const added = name === 'script-src' || name === 'style-src' ? ["'nonce-abc'"] : []
      expect(dev.get(name), name).toEqual([...sources, ...added])
    }
  })

  it('never loosens the strict policy with unsafe-inline', () => {
    expect(cspDev(strict, 'abc')).not.toContain('unsafe-inline')
  })
})
