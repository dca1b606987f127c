/**
 * `glassbox` in-process for the CLI tests: `main(argv)` with its output captured, as the bin runs
 * it (src/cli/bin.ts adds only the process's streams and exit code; test/cli/bin.test.ts runs the
 * real processes).
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { main } from '../../src/cli/main.ts'

/** The repository's root directory. */
export const root = fileURLToPath(new URL('../../', import.meta.url))
/** The golden fixture's directory. */
export const G = join(root, 'test/fixtures/golden/adult')

/** `audit` of the golden model, data and schema. */
export const GOLDEN_AUDIT = [
  'audit',
  '--model',
  join(G, 'model.json'),
  '--data',
  join(G, 'data.csv'),
  '--schema',
  join(G, 'schema.json'),
]

/** … with every explainer off (the metrics and gates only). */
export const GOLDEN_AUDIT_FAST = [
  ...GOLDEN_AUDIT,
  '--no-shap',
  '--ig-steps',
  '0',
  '--counterfactuals',
  '0',
]

/** One command line's exit code and what it wrote. */
export type CliRun = { code: number; stdout: string; stderr: string }

/** Runs `glassbox ARGS…` in this process. */
export async function glassbox(...args: string[]): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
  })
  return { code, stdout, stderr }
}

/** A usage/input error: exit 2, exactly one line on stderr, no stack trace. */
export function expectOneLine(
  r: Pick<CliRun, 'stderr'> & { code: number | null },
  message: RegExp,
) {
  expect(r.code).toBe(2)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(message)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
