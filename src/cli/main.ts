/**
 * `glassbox` — the dashboard's audit and drift checks, headless, for pipelines (docs/contracts.md
 * §3). `main` runs one command line and returns its exit code: 0 ok, 1 a gate failed, 2 bad
 * input or usage (one line, no stack trace). Importing this module does nothing; the bin
 * (src/cli/bin.ts) calls it with the process's arguments, tests call it in-process.
 */
import { audit } from './audit.ts'
import { COMPARE_USAGE, compare } from './compare.ts'
import { DRIFT_USAGE, drift } from './drift.ts'
import { type CliIo, processIo } from './io.ts'
import { UsageError } from './load.ts'
import { MERGE_USAGE, merge } from './merge.ts'
import { AUDIT_USAGE } from './options.ts'

const USAGE = `usage: glassbox <command> [options]

commands:
  audit    performance, calibration, fairness and explanations of a model on a dataset
  drift    how a current dataset has shifted from a reference one, for a model
  compare  a challenger model against the champion on the same data, with paired tests
  merge    the report of a sharded audit from its partials (docs/scale.md)

${AUDIT_USAGE}

${DRIFT_USAGE}

${COMPARE_USAGE}

${MERGE_USAGE}`

/** Errors that are the user's input, printed without the "error:" prefix. */
const INPUT_ERRORS = [
  'UsageError',
  'DataError',
  'ModelError',
  'GateError',
  'RangeError',
  'ValueError',
]

/**
 * Runs one `glassbox` command line (the arguments after the program name).
 * @returns the exit code; every failure is one line on `io.stderr`.
 * @example process.exitCode = await main(['audit', '--model', 'm.json', '--data', 'd.csv', '--schema', 's.json'])
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(`${USAGE}\n`)
      return cmd === undefined ? 2 : 0
    }
    if (cmd === 'audit') return await audit(rest, io)
    if (cmd === 'drift') return await drift(rest, io)
    if (cmd === 'compare') return await compare(rest, io)
    if (cmd === 'merge') return await merge(rest, io)
    throw new UsageError(
      `unknown command "${cmd}" (available: audit, drift, compare, merge; see glassbox --help)`,
    )
  } catch (e) {
    const err = e as Error
    const known = INPUT_ERRORS.includes(err.name)
    io.stderr.write(
      `glassbox: ${known ? '' : 'error: '}${(err.message || String(e)).split('\n')[0]}\n`,
    )
    return 2
  }
}
