/**
 * Pipeline gates (`--fail-on "PATH OP NUMBER"`, docs/contracts.md §3): PATH is dotted into the
 * report, with bracketed quoted keys for names that are not identifiers
 * (`fairness.race.groups["Amer-Indian-Eskimo"].tpr`); OP is < <= > >=. A gate FAILS when its
 * expression is true; a null value fails ("X is null"); an unknown path is a usage error.
 */

import { reportPathProblem } from '../report/paths.ts'
import type { CliIo } from './io.ts'

/** A gate's comparison. */
export type Op = '<' | '<=' | '>' | '>='
/** A parsed `--fail-on` gate: its text, the report path, the comparison and the number. */
export type Gate = { text: string; path: string[]; op: Op; value: number }
/** A gate evaluated on a report: the value found, whether it failed, the line to print. */
export type GateResult = { gate: Gate; actual: number | null; failed: boolean; message: string }

/** A gate that cannot be parsed or whose path is not in the report (exit 2). */
export class GateError extends Error {
  override name = 'GateError'
}

/** Splits `a.b["c d"][0].e` into ['a', 'b', 'c d', '0', 'e']. */
export function gatePathParse(path: string): string[] {
  const out: string[] = []
  let i = 0
  const s = path.trim()
  if (!s) throw new GateError('empty report path')
  while (i < s.length) {
    if (s[i] === '[') {
      const q = s[i + 1]
      if (q === '"' || q === "'") {
        const end = s.indexOf(q, i + 2)
        if (end < 0 || s[end + 1] !== ']')
          throw new GateError(`unclosed [${q} in report path ${path}`)
        out.push(s.slice(i + 2, end))
        i = end + 2
      } else {
        const end = s.indexOf(']', i)
        if (end < 0) throw new GateError(`unclosed [ in report path ${path}`)
        out.push(s.slice(i + 1, end).trim())
        i = end + 1
      }
    } else if (s[i] === '.') {
      i++
    } else {
      let j = i
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++
      out.push(s.slice(i, j))
      i = j
    }
  }
  if (out.some((p) => p === '')) throw new GateError(`bad report path ${path}`)
  return out
}

/** Parses one `--fail-on` expression; spaces around OP are optional. */
export function gateParse(text: string): Gate {
  const m = /^(.*?)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(
    text.trim(),
  )
  // An operator character left in PATH (outside quoted keys) is a doubled or unknown operator.
  if (!m || /[<>=!]/.test(m[1]!.replace(/\[(["']).*?\1\]/g, '')))
    throw new GateError(
      `bad --fail-on "${text}": expected "PATH OP NUMBER" with OP one of < <= > >=`,
    )
  const path = gatePathParse(m[1]!)
  const problem = reportPathProblem(path)
  if (problem) throw new GateError(`bad --fail-on "${text}": ${problem}`)
  return { text: text.trim(), path, op: m[2] as Op, value: Number(m[3]) }
}

/**
 * Evaluates a gate against a report object.
 * @throws GateError "unknown report path X" when the path does not exist, or when it names a
 *   section (not a number).
 */
export function gateEvaluate(gate: Gate, report: unknown): GateResult {
  let v: unknown = report
  const shown = gate.text.replace(/\s*(<=|>=|<|>)\s*.*$/, '')
  for (const key of gate.path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) {
      throw new GateError(`unknown report path ${shown}`)
    }
    v = (v as Record<string, unknown>)[key]
  }
  if (v === null)
    return { gate, actual: null, failed: true, message: `FAIL ${gate.text}: ${shown} is null` }
  if (typeof v !== 'number') throw new GateError(`report path ${shown} is not a number`)
  const hit =
    gate.op === '<'
      ? v < gate.value
      : gate.op === '<='
        ? v <= gate.value
        : gate.op === '>'
          ? v > gate.value
          : v >= gate.value
  return {
    gate,
    actual: v,
    failed: hit,
    message: `${hit ? 'FAIL' : 'pass'} ${gate.text} (${shown} = ${v})`,
  }
}

/**
 * Evaluates every gate against the report and lists them (passes on stdout unless `quiet`,
 * failures on stderr always).
 * @returns the exit code: 1 when any gate failed, else 0.
 * @throws GateError for an unknown report path.
 */
export function gatesApply(
  gates: readonly Gate[],
  report: unknown,
  io: CliIo,
  quiet: boolean,
): 0 | 1 {
  const results = gates.map((g) => gateEvaluate(g, report))
  for (const r of results)
    if (!quiet || r.failed) (r.failed ? io.stderr : io.stdout).write(`${r.message}\n`)
  return results.some((r) => r.failed) ? 1 : 0
}
