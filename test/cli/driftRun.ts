/**
 * Helpers of the streamed and sharded drift tests: `glassbox` in-process with a chosen
 * environment (for `--shard auto`), and the `drift` command line of the demo model.
 */
import { join } from 'node:path'
import { expect } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { root } from './run.ts'

/** The demo model and schema, the model of every drift test here. */
export const DEMO_MODEL = [
  '--model',
  join(root, 'public/demo/model.json'),
  '--schema',
  join(root, 'public/demo/schema.json'),
]

/** Runs `glassbox ARGS…` in this process with `env` as its environment. */
export async function runEnv(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env,
  })
  return { code, stdout, stderr }
}

/** `runEnv` expecting exit 0 and nothing on stderr. */
export async function runOk(args: string[], env: Record<string, string> = {}) {
  const r = await runEnv(args, env)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r
}

/** `glassbox drift` of the demo model on `reference` → `current` (cpu backend), then `extra`. */
export const driftArgs = (reference: string, current: string, extra: string[] = []) => [
  'drift',
  ...DEMO_MODEL,
  '--reference',
  reference,
  '--current',
  current,
  '--backend',
  'cpu',
  ...extra,
]
