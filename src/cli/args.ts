/**
 * Argument helpers shared by every `glassbox` command: strict parsing with one-line usage
 * errors, and the validation of options the commands have in common.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { OUTPUT_KINDS, type OutputKind, isOutputKind } from '../core/output.ts'
import { type Gate, gateParse } from './gates.ts'
import { outputPathProblem } from './files.ts'
import { UsageError } from './load.ts'

/** node:util parseArgs in strict mode; its errors become one-line UsageErrors naming `command`. */
export function argsParse<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  command: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals, options })
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!
    const unknown = /Unknown option '([^']+)'/.exec(msg)
    if (unknown)
      throw new UsageError(`unknown option ${unknown[1]} (see glassbox ${command} --help)`)
    const positional = /Unexpected argument '([^']+)'/.exec(msg)
    if (positional)
      throw new UsageError(
        `unexpected argument "${positional[1]}" (options take the form --name value)`,
      )
    throw new UsageError(msg.replace(/^TypeError.*?: /, ''))
  }
}

/** Options every command takes (model, schema, outputs, threshold, class, seed, backend, gates). */
export const COMMON_OPTIONS = {
  model: { type: 'string' },
  schema: { type: 'string' },
  out: { type: 'string' },
  html: { type: 'string' },
  threshold: { type: 'string' },
  class: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** An integer option ≥ min. */
export function argInt(v: string, opt: string, min: number): number {
  if (!/^[-+]?\d+$/.test(v.trim())) throw new UsageError(`${opt} must be an integer (got "${v}")`)
  const n = Number(v)
  if (n < min) throw new UsageError(`${opt} must be ≥ ${min} (got ${n})`)
  return n
}

/** `--threshold` in [0, 1]. */
export function argThreshold(v: string): number {
  const t = Number(v)
  if (v.trim() === '' || !(t >= 0 && t <= 1))
    throw new UsageError(`--threshold must be a number in [0, 1] (got "${v}")`)
  return t
}

/** `--backend auto|wasm|cpu`. */
export function argBackend(v: string): string {
  if (!['auto', 'wasm', 'cpu'].includes(v))
    throw new UsageError(`--backend must be auto, wasm or cpu (got "${v}")`)
  return v
}

/** `--output probability|logit` (overrides the schema's `output.kind`); null when not given. */
export function argOutputKind(v: string | undefined): OutputKind | null {
  if (v === undefined) return null
  if (!isOutputKind(v))
    throw new UsageError(`--output must be ${OUTPUT_KINDS.join(' or ')} (got "${v}")`)
  return v
}

/** Every `--fail-on` expression parsed; a malformed one is a UsageError naming it. */
export function argGates(values: readonly string[] | undefined): Gate[] {
  return (values ?? []).map((g) => {
    try {
      return gateParse(g)
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
  })
}

/** An output file option (`--out`, `--html`), checked writable before any work is done. */
export function argOutput(v: string | undefined, opt: string): string | null {
  if (v === undefined) return null
  const problem = outputPathProblem(v)
  if (problem) throw new UsageError(`cannot write ${opt} ${v}: ${problem}`)
  return v
}
