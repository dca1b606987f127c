import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GOLDEN_AUDIT_FAST, expectOneLine, root } from './run.ts'

/** `npm run glassbox -- ARGS…` as a real process: `node --import tsx src/cli/bin.ts ARGS…`. */
function bin(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  )
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('the glassbox bin', () => {
  it('exits with main’s code: 0 ok, 1 a gate failed, 2 bad input, one line on stderr', () => {
    const audit = [...GOLDEN_AUDIT_FAST, '--quantize', 'none', '--quiet']
    const ok = bin(...audit, '--fail-on', 'metrics.accuracy<0.5')
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', ''])
    const failed = bin(...audit, '--fail-on', 'metrics.accuracy>0.5')
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^FAIL metrics\.accuracy>0\.5 \(metrics\.accuracy = 0\.852/)
    expectOneLine(bin('audit', '--model', 'nope.json'), /^glassbox: --data is required/)
  })

  it('builds to one JavaScript file with a shebang that runs the audit', () => {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'vite.cli.config.ts',
        '--logLevel',
        'error',
      ],
      { cwd: root },
    )
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>
    }
    const bin = join(root, pkg.bin.glassbox!)
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
    expect(statSync(bin).size).toBeGreaterThan(1000)
    const r = spawnSync(
      process.execPath,
      [bin, ...GOLDEN_AUDIT_FAST, '--fail-on', 'metrics.accuracy<0.85'],
      { encoding: 'utf8' },
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/accuracy 0\.8520/)
    expect(r.stdout).toMatch(/pass metrics\.accuracy<0\.85/)
  })
})
