/**
 * The load notices' facts of a streamed run's part (src/core/loadChecks.ts): accumulated over the
 * chunks, carried by the partial file (body key `load`, docs/scale.md), merged across shards in
 * shard order, so `glassbox merge` prints and records the notices the single-process streamed run
 * does — a gate never passes on one-class labels without saying so.
 */
import {
  type EncodeFacts,
  type LoadTally,
  type NoticeSchema,
  encodeFactsMerge,
  loadTally,
  loadTallyMerge,
} from '../core/loadChecks.ts'
import type { Schema } from '../core/schema.ts'
import type { Table } from '../core/table.ts'
import type { SessionData } from '../session/session.ts'

/**
 * What the load notices of a shard's rows need: the encoding facts (unknown categorical values
 * summed over the chunks) and the label and group tally.
 */
export type StreamLoadFacts = { encode: EncodeFacts; tally: LoadTally }

/**
 * What a part's notices need besides the facts: the schema's names, and the names the notices are
 * prefixed with — the data's (a drift's current file) and a drift's reference file; null: none (an
 * audit's notices are not prefixed; an audit has no reference).
 */
export type LoadContext = { schema: NoticeSchema; current: string | null; reference: string | null }

/** The load facts of a part: its context, and each side's facts (absent: no rows in the shard). */
export type PartLoad = {
  loadContext: LoadContext
  load?: StreamLoadFacts
  loadReference?: StreamLoadFacts
}

/**
 * The facts so far (`acc`, null before the first chunk) with one more chunk's after them: its
 * table and its encoding under the session (`d`).
 */
export function streamLoadFactsAdd(
  acc: StreamLoadFacts | null,
  schema: Schema,
  table: Table,
  d: Pick<SessionData, 'encode' | 'labels'>,
): StreamLoadFacts {
  const tally = loadTally({ schema, table, labels: d.labels })
  return acc ? streamLoadFactsMerge(acc, { encode: d.encode, tally }) : { encode: d.encode, tally }
}

/** The facts of `a`'s rows followed by `b`'s. */
export function streamLoadFactsMerge(a: StreamLoadFacts, b: StreamLoadFacts): StreamLoadFacts {
  return { encode: encodeFactsMerge(a.encode, b.encode), tally: loadTallyMerge(a.tally, b.tally) }
}

/** The context of a run over `schema`: only the names the sentences read. */
export function loadContextOf(
  schema: Schema,
  current: string | null,
  reference: string | null,
): LoadContext {
  return {
    schema: {
      target: { column: schema.target.column, positive: schema.target.positive },
      features: schema.features.map((f) => ({ name: f.name })),
      sensitive: [...schema.sensitive],
    },
    current,
    reference,
  }
}

const factsJSON = (f: StreamLoadFacts | undefined) =>
  f
    ? {
        encode: f.encode,
        tally: {
          rows: f.tally.rows,
          positives: f.tally.positives,
          target: f.tally.target ? [...f.tally.target] : null,
          sensitive: [...f.tally.sensitive].map(([k, v]) => [k, [...v]]),
        },
      }
    : null

/** The partial body's `load` value of a part with load facts (a JSON value). */
export function partLoadToJSON(p: PartLoad): unknown {
  return {
    schema: p.loadContext.schema,
    current: p.loadContext.current,
    reference: p.loadContext.reference,
    facts: factsJSON(p.load),
    referenceFacts: factsJSON(p.loadReference),
  }
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v)
const isStrs = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string')
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const isNameOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string'

/** Value → count pairs (in order) as a map, or null when ill-typed or repeated. */
function countsOf(v: unknown): Map<string, number> | null {
  if (!Array.isArray(v)) return null
  const out = new Map<string, number>()
  for (const e of v) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || !isCount(e[1]))
      return null
    if (out.has(e[0])) return null
    out.set(e[0], e[1])
  }
  return out
}

/** One side's facts read back; throws `bad` on anything ill-typed. */
function factsOf(v: unknown, features: number, bad: (what: string) => Error): StreamLoadFacts {
  if (!isObj(v) || !isObj(v.encode) || !isObj(v.tally)) throw bad('facts are not an object')
  const e = v.encode
  const t = v.tally
  if (
    !Array.isArray(e.unknownCounts) ||
    e.unknownCounts.length !== features ||
    !e.unknownCounts.every(isCount) ||
    !isStrs(e.ignoredColumns) ||
    typeof e.missingTarget !== 'boolean' ||
    !isStrs(e.missingSensitive)
  )
    throw bad('encode facts are ill-typed')
  const target = t.target === null ? null : countsOf(t.target)
  if (!isCount(t.rows) || !(t.positives === null || isCount(t.positives)))
    throw bad('rows or positives are not counts')
  if ((t.target !== null && !target) || (t.positives === null) !== (t.target === null))
    throw bad('the target tally is ill-typed')
  if ((t.positives ?? 0) > t.rows) throw bad(`${String(t.positives)} positives of ${t.rows} rows`)
  const sensitive = new Map<string, Map<string, number>>()
  if (!Array.isArray(t.sensitive)) throw bad('the sensitive tally is not a list')
  for (const s of t.sensitive) {
    const counts = Array.isArray(s) && s.length === 2 ? countsOf(s[1]) : null
    if (!counts || typeof s[0] !== 'string' || sensitive.has(s[0]))
      throw bad('the sensitive tally is ill-typed')
    sensitive.set(s[0], counts)
  }
  const encode: EncodeFacts = {
    unknownCounts: e.unknownCounts,
    ignoredColumns: e.ignoredColumns,
    missingTarget: e.missingTarget,
    missingSensitive: e.missingSensitive,
  }
  return { encode, tally: { rows: t.rows, positives: t.positives, target, sensitive } }
}

/**
 * A partial body's `load` value read back.
 * @throws RangeError "NAME is corrupt: load facts …" when anything in it is ill-typed.
 */
export function partLoadFromJSON(v: unknown, name: string): PartLoad {
  const bad = (what: string) => new RangeError(`${name} is corrupt: load facts: ${what}`)
  if (!isObj(v) || !isObj(v.schema)) throw bad('not an object')
  const s = v.schema
  const target = s.target
  if (
    !isObj(target) ||
    typeof target.column !== 'string' ||
    typeof target.positive !== 'string' ||
    !Array.isArray(s.features) ||
    !s.features.every((f) => isObj(f) && typeof f.name === 'string') ||
    !isStrs(s.sensitive)
  )
    throw bad('the schema names are ill-typed')
  if (!isNameOrNull(v.current) || !isNameOrNull(v.reference))
    throw bad('the file names are ill-typed')
  const features = (s.features as { name: string }[]).map((f) => ({ name: f.name }))
  const out: PartLoad = {
    loadContext: {
      schema: {
        target: { column: target.column, positive: target.positive },
        features,
        sensitive: s.sensitive,
      },
      current: v.current,
      reference: v.reference,
    },
  }
  if (v.facts !== null) out.load = factsOf(v.facts, features.length, bad)
  if (v.referenceFacts !== null) out.loadReference = factsOf(v.referenceFacts, features.length, bad)
  return out
}

/** The facts of `sides` merged in order, skipping absent ones; undefined when all are absent. */
function factsFold(sides: readonly (StreamLoadFacts | undefined)[]): StreamLoadFacts | undefined {
  let acc: StreamLoadFacts | undefined
  for (const f of sides) if (f) acc = acc ? streamLoadFactsMerge(acc, f) : f
  return acc
}

/**
 * The load facts of parts given in shard order, merged: the first part's context, each side's
 * facts merged in that order. Null when no part carries facts (partials of an older Glassbox).
 * @throws RangeError naming a part without facts when another has them.
 */
export function partLoadCombine(
  parts: readonly { name: string; part: Partial<PartLoad> }[],
): PartLoad | null {
  const withFacts = parts.find((p) => p.part.loadContext)
  if (!withFacts) return null
  const without = parts.find((p) => !p.part.loadContext)
  if (without)
    throw new RangeError(
      `${without.name} is foreign: it carries no load facts, ${withFacts.name} does (partials of different Glassbox versions)`,
    )
  const out: PartLoad = { loadContext: withFacts.part.loadContext! }
  const load = factsFold(parts.map((p) => p.part.load))
  const loadReference = factsFold(parts.map((p) => p.part.loadReference))
  if (load) out.load = load
  if (loadReference) out.loadReference = loadReference
  return out
}
