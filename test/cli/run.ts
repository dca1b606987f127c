/**
 * `glassbox` in-process for the CLI tests: `main(argv)` with its output captured, as the bin runs
 * it (src/cli/bin.ts adds only the process's streams and exit code; test/cli/bin.test.ts runs the
 * real processes).
 */
import { main } from '../../src/cli/main.ts'

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
