/**
 * Validation of a report against the published JSON Schema (public/schema/report.v1.json), the
 * same file users validate against, so the schema and the code cannot drift apart.
 *
 * The schema is imported as a JSON module: Vite, vitest and tsx all inline it, so the browser
 * bundle needs no fetch and the CLI no file-system path.
 */
import Ajv2020 from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import schema from '../../public/schema/report.v1.json' with { type: 'json' }

/** Outcome of `reportValidate`: `errors` is empty iff `valid`. */
export type ReportValidation = { valid: boolean; errors: string[] }

let compiled: ValidateFunction | undefined

/** Compiles once, on first use (ajv code generation takes a few milliseconds). */
function validator(): ValidateFunction {
  if (compiled) return compiled
  // allErrors: list every problem, not only the first. strictNumbers: NaN and ±Infinity are not
  // numbers (JSON cannot carry them, so a report object holding one would not round-trip).
  // allowUnionTypes: `settings.igSteps` is integer | "auto" written as a type union.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictNumbers: true,
    allowUnionTypes: true,
  })
  compiled = ajv.compile(schema)
  return compiled
}

/** The message of one ajv error, with the offending name or allowed values spelled out. */
function message(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return `must NOT have additional property "${String(p.additionalProperty)}"`
    case 'required':
      return `must have required property "${String(p.missingProperty)}"`
    case 'type':
      return `must be ${String(p.type).split(',').join(' or ')}`
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`
    default:
      return e.message ?? 'is invalid'
  }
}

/**
 * One ajv error as `PATH MESSAGE`, PATH a JSON pointer ('/' for the document); errors from
 * `propertyNames` are about a key, not a value, and name it: `PATH key "K" MESSAGE`.
 */
function errorText(e: ErrorObject): string {
  const path = e.instancePath === '' ? '/' : e.instancePath
  return e.propertyName === undefined
    ? `${path} ${message(e)}`
    : `${path} key "${e.propertyName}" ${message(e)}`
}

/**
 * Checks `report` against report JSON v1 (contracts §4).
 * @returns `valid` and one message per problem, each starting with the JSON pointer of the
 *   offending value, e.g. `/metrics/accuracy must be number or null`,
 *   `/ must NOT have additional property "metric"`, `/model must have required property "sha256"`.
 *   Messages are deduplicated and keep ajv's order.
 * @example const { valid, errors } = reportValidate(JSON.parse(text))
 */
export function reportValidate(report: unknown): ReportValidation {
  const validate = validator()
  if (validate(report)) return { valid: true, errors: [] }
  // A bad key gives two errors: the key's own (kept, it names the key) and a summary one.
  const raw = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames')
  const errors = [...new Set(raw.map(errorText))]
  return { valid: false, errors: errors.length > 0 ? errors : ['/ is invalid'] }
}
