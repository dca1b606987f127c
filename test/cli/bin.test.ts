import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const G = join(root, 'test/fixtures/golden/adult')

describe('the glassbox bin', () => {
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
      [
        bin,
        'audit',
        '--model',
        join(G, 'model.json'),
        '--data',
        join(G, 'data.csv'),
        '--schema',
        join(G, 'schema.json'),
        '--no-shap',
        '--ig-steps',
        '0',
        '--counterfactuals',
        '0',
        '--fail-on',
        'metrics.accuracy<0.85',
      ],
      { encoding: 'utf8' },
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/accuracy 0\.8520/)
    expect(r.stdout).toMatch(/pass metrics\.accuracy<0\.85/)
  })
})
