/**
 * The checks the view-state table (src/core/viewState.ts) is built from: each takes an untrusted
 * value (parsed JSON) and the loaded session's context and returns the value to apply, or a
 * {@link ViewDrop} saying why it is refused. Checks never throw and never return a value outside
 * their bounds; records keyed by data names are built without a prototype.
 */
import { dict } from './dict.ts'
import type { Schema } from './schema.ts'
import { type NumberBound, SOURCE_URL_MAX, numberBoundProblem } from './viewLimits.ts'

/** What the loaded session lets a view name: its schema, row count, tabs and backends. */
export type ViewContext = {
  /** The loaded schema (null: nothing loaded, so no feature or column name is accepted). */
  readonly schema: Schema | null
  /** Rows of the loaded data (0: none, so no row is accepted). */
  readonly nRows: number
  /** The dashboard's tab names. */
  readonly tabs: readonly string[]
  /** The model backends this build knows. */
  readonly backends: readonly string[]
}

/** A refused field: `reason` completes "field X …" (e.g. "is above the maximum 20"). */
export class ViewDrop {
  constructor(readonly reason: string) {}
}

/** A field's check: the accepted value, or why it is dropped. */
export type ViewCheck<T> = (v: unknown, ctx: ViewContext) => T | ViewDrop

/** A short, bounded rendering of an untrusted value for a message. */
export function viewValueText(v: unknown): string {
  let s: string
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v))
  } catch {
    s = String(typeof v)
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s
}

const drop = (reason: string) => new ViewDrop(reason)

/** An object parsed from JSON (not an array, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A number within `b`. */
export const inBound =
  (b: NumberBound): ViewCheck<number> =>
  (v) => {
    const p = numberBoundProblem(v, b)
    return p === null ? (v as number) : drop(p)
  }

/** One of `values` (compared with ===). */
export const oneOf =
  <T>(values: readonly T[]): ViewCheck<T> =>
  (v) =>
    values.includes(v as T)
      ? (v as T)
      : drop(`${viewValueText(v)} is not one of ${values.map((x) => String(x)).join(', ')}`)

/** One of the names `ctx` lists (tabs, backends). */
export const oneOfCtx =
  (pick: (ctx: ViewContext) => readonly string[], what: string): ViewCheck<string> =>
  (v, ctx) =>
    typeof v === 'string' && pick(ctx).includes(v)
      ? v
      : drop(`${viewValueText(v)} is not a ${what} (${pick(ctx).join(', ')})`)

/** true or false. */
export const bool: ViewCheck<boolean> = (v) =>
  typeof v === 'boolean' ? v : drop(`${viewValueText(v)} is not true or false`)

/** null, or what `check` accepts. */
export const nullOr =
  <T>(check: ViewCheck<T>): ViewCheck<T | null> =>
  (v, ctx) =>
    v === null ? null : check(v, ctx)

/** `special` itself, or what `check` accepts. */
export const orValue =
  <T, S extends string | number>(special: S, check: ViewCheck<T>): ViewCheck<T | S> =>
  (v, ctx) =>
    v === special ? special : check(v, ctx)

/** A 0-based data row of the loaded table. */
export const dataRow: ViewCheck<number> = (v, ctx) => {
  if (ctx.nRows < 1) return drop('cannot name a row: no data is loaded')
  return inBound({ name: 'row', min: 0, max: ctx.nRows - 1, integer: true })(v, ctx)
}

/** A 0-based feature index of the loaded schema. */
export const featureIndex: ViewCheck<number> = (v, ctx) => {
  const m = ctx.schema?.features.length ?? 0
  if (m < 1) return drop('cannot name a feature: no schema is loaded')
  return inBound({ name: 'feature', min: 0, max: m - 1, integer: true })(v, ctx)
}

function nameIn(names: readonly string[] | undefined, what: string, v: unknown): string | ViewDrop {
  if (!names) return drop(`cannot name a ${what}: no schema is loaded`)
  if (typeof v !== 'string') return drop(`${viewValueText(v)} is not a ${what} name`)
  return names.includes(v) ? v : drop(`${viewValueText(v)} is not a ${what} of the loaded schema`)
}

/** A feature name of the loaded schema. */
export const featureName: ViewCheck<string> = (v, ctx) =>
  nameIn(
    ctx.schema?.features.map((f) => f.name),
    'feature',
    v,
  )

/** A sensitive column of the loaded schema. */
export const sensitiveName: ViewCheck<string> = (v, ctx) =>
  nameIn(ctx.schema?.sensitive, 'sensitive column', v)

/** An array whose every item `item` accepts, without duplicates; one bad item drops the field. */
export const listOf =
  <T>(item: ViewCheck<T>, maxItems = 1000): ViewCheck<T[]> =>
  (v, ctx) => {
    if (!Array.isArray(v)) return drop(`${viewValueText(v)} is not a list`)
    if (v.length > maxItems) return drop(`lists ${v.length} items (at most ${maxItems})`)
    const out: T[] = []
    for (const [i, x] of v.entries()) {
      const r = item(x, ctx)
      if (r instanceof ViewDrop) return drop(`item ${i}: ${r.reason}`)
      if (out.includes(r)) return drop(`item ${i}: ${viewValueText(x)} is listed twice`)
      out.push(r)
    }
    return out
  }

/** A string of at most `max` characters. */
export const text =
  (max: number): ViewCheck<string> =>
  (v) => {
    if (typeof v !== 'string') return drop(`${viewValueText(v)} is not text`)
    return v.length <= max ? v : drop(`is ${v.length} characters long (at most ${max})`)
  }

/**
 * A source URL a link may fetch: http(s), absolute or relative to the page, at most
 * {@link SOURCE_URL_MAX} characters. `javascript:`, `data:`, `file:`, `blob:` … are refused.
 */
export const sourceUrl: ViewCheck<string> = (v) => {
  if (typeof v !== 'string' || v === '') return drop(`${viewValueText(v)} is not a URL`)
  if (v.length > SOURCE_URL_MAX)
    return drop(`is ${v.length} characters long (at most ${SOURCE_URL_MAX})`)
  let u: URL
  try {
    u = new URL(v, 'http://page.invalid/')
  } catch {
    return drop(`${viewValueText(v)} is not a URL`)
  }
  return u.protocol === 'http:' || u.protocol === 'https:'
    ? v
    : drop(`${viewValueText(v)} is a ${u.protocol} URL (only http and https sources load)`)
}

/**
 * A record keyed by names `key` accepts, each value accepted by `value` (null prototype). One bad
 * key or value drops the whole record, naming it.
 */
export const recordOf =
  <T>(
    key: ViewCheck<string>,
    value: (v: unknown, name: string) => T | ViewDrop,
  ): ViewCheck<Record<string, T>> =>
  (v, ctx) => {
    if (!isRecord(v)) return drop(`${viewValueText(v)} is not an object`)
    const out = dict<T>()
    for (const [k, x] of Object.entries(v)) {
      const kk = key(k, ctx)
      if (kk instanceof ViewDrop) return drop(`key ${viewValueText(k)}: ${kk.reason}`)
      const r = value(x, k)
      if (r instanceof ViewDrop) return drop(`${viewValueText(k)}: ${r.reason}`)
      out[kk] = r
    }
    return out
  }
