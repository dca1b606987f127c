/**
 * One audit's mergeable state (issue 18): what a shard of the data contributes to the report's
 * `metrics`, `calibration`, `fairness` (and, for a drift audit, `drift`) sections, with what
 * identifies the audit (model, schema, data, settings) and which shard it covers. A CLI streams
 * the data chunk by chunk into `auditStateAdd` (and the reference into `auditStateAddReference`),
 * writes the partial with `auditStateToJSON` (stateJson.ts), and `auditStateMerge` combines the
 * partials of all shards — refusing a foreign, duplicated, missing or corrupt one by name — into a
 * state whose `auditStateSections` (sections.ts) equal, byte for byte, those of a single process
 * over all rows: every number comes from exact integer counts or exact sums.
 */
import type { OodLayout } from '../drift/ood.ts'
import type { Scores } from '../metrics.ts'
import { type Table, tableColumn } from '../table.ts'
import type { Matrix } from '../types.ts'
import { readNumber } from './codec.ts'
import { type DriftFeatureSpec, DriftSide } from './drift.ts'
import { FairnessCells, type GroupColumn } from './fairness.ts'
import { OodMoments, type OodPlan } from './ood.ts'
import { ScoreState } from './scores.ts'
import { type ShardInfo, shardsCheck } from './shards.ts'

/** A drift audit's settings: the schema's features and, for the OOD share, pass 1's plan. */
export type AuditDriftSettings = {
  features: DriftFeatureSpec[]
  /**
   * The OOD detector's plan in JSON form (`nRows` = the reference's total rows, known up front),
   * or null: no OOD share (the section's `oodShare` is then null).
   */
  ood: {
    nRows: number
    seed: number
    offsets: number[]
    features: string[]
    categorical: boolean[]
    categoryFloor: number
  } | null
}

/** The settings the finalizers depend on (all shards must agree on them). */
export type AuditStateSettings = {
  /** Decision threshold (predicted positive iff p ≥ threshold). */
  threshold: number
  /** Output column of the class of interest (recorded; the scores are already that column). */
  classIndex: number
  /** Seed of every seeded choice (recorded so that a merge can check it). */
  seed: number
  /** Whether the data has labels (the target column): without, no metrics/calibration/fairness. */
  labelled: boolean
  /** Sensitive attributes whose columns the data has, in schema order. */
  sensitive: string[]
  /** Drift against a reference (`glassbox drift`); absent or null for a plain audit. */
  drift?: AuditDriftSettings | null
}

/**
 * What the audit is of, as opaque texts the caller computes (e.g. sha256 hex): keys such as
 * `model`, `schema`, `data`, `reference`, `settings`. Partials whose identities differ are foreign.
 */
export type AuditIdentity = Record<string, string>

/** A drift audit's extra state: both sides' counts and the OOD pass-1 moments. */
export type AuditDriftState = {
  readonly reference: DriftSide
  readonly current: DriftSide
  readonly moments: OodMoments | null
}

/** The mergeable state of one audit; build with `auditStateCreate`. */
export type AuditState = {
  readonly settings: AuditStateSettings
  readonly identity: AuditIdentity
  /** The shards this state covers (one for a shard's partial; all of them after a merge). */
  readonly shards: ShardInfo[]
  /** Rows added (of the audited data; a drift's current data). */
  rows: number
  /** Scores and labels; null when the data is unlabelled. */
  readonly scores: ScoreState | null
  /** Per sensitive attribute (labelled data only), in `settings.sensitive` order. */
  readonly fairness: Map<string, FairnessCells>
  /** Drift counts; null for a plain audit. */
  readonly drift: AuditDriftState | null
}

/** One chunk of consecutive rows of the audited data. */
export type AuditChunk = {
  /** Global 0-based index of the chunk's first row (for messages). */
  firstRow: number
  /** Probability of the class of interest per row. */
  p: Scores
  /** Labels per row (1 = positive); null exactly when the settings say unlabelled. */
  y: Uint8Array | null
  /**
   * The chunk's rows as a table: its sensitive columns are the groups (unless `groups` is given)
   * and, for a drift audit, its feature columns are counted.
   */
  table?: Table
  /** Each sensitive attribute's column for these rows; default: the table's columns. */
  groups?: ReadonlyMap<string, GroupColumn | readonly string[]>
}

/** The OOD plan of drift settings (layout arrays typed), or null. */
export function auditStateOodPlan(drift: AuditDriftSettings | null | undefined): OodPlan | null {
  const o = drift?.ood
  if (!o) return null
  const layout: OodLayout = {
    width: o.offsets[o.offsets.length - 1] ?? 0,
    offsets: Int32Array.from(o.offsets),
    features: [...o.features],
    categorical: [...o.categorical],
    categoryFloor: o.categoryFloor,
  }
  return { nRows: o.nRows, seed: o.seed, layout }
}

/**
 * An empty state for one shard.
 * @throws RangeError on a NaN threshold, a repeated sensitive attribute or a bad shard.
 * @example
 * const s = auditStateCreate(settings, { model: sha, schema: sh, data: dsha, settings: hash },
 *   { index: 0, count: 4, coverage: { data: { unit: 'rows', ranges: [[0, 2500]], total: 10000 } } })
 */
export function auditStateCreate(
  settings: AuditStateSettings,
  identity: AuditIdentity,
  shard: ShardInfo,
): AuditState {
  readNumber(settings.threshold, 'settings.threshold')
  if (new Set(settings.sensitive).size !== settings.sensitive.length)
    throw new RangeError('a sensitive attribute is listed twice')
  shardsCheck([{ part: 'this state', shard }], false)
  const drift = settings.drift ?? null
  const plan = auditStateOodPlan(drift)
  return {
    settings: { ...structuredClone(settings), drift },
    identity: Object.fromEntries(
      Object.keys(identity)
        .sort()
        .map((k) => [k, identity[k]!]),
    ),
    shards: [structuredClone(shard)],
    rows: 0,
    scores: settings.labelled ? new ScoreState() : null,
    fairness: new Map(
      settings.labelled
        ? settings.sensitive.map((a) => [a, new FairnessCells(settings.threshold)])
        : [],
    ),
    drift: drift && {
      reference: new DriftSide(drift.features),
      current: new DriftSide(drift.features),
      moments: plan && new OodMoments(plan),
    },
  }
}

/**
 * Adds a chunk of the audited data to the state. Everything is checked before anything is
 * counted, so a refused chunk leaves the state as it was.
 * @throws RangeError / DataError naming the row, column or attribute when the chunk does not fit
 *   the settings (labels missing or unexpected, a column missing) or a value is bad.
 */
export function auditStateAdd(state: AuditState, chunk: AuditChunk, source = 'the data'): void {
  const at = `${source}, chunk at row ${chunk.firstRow}`
  if ((chunk.y !== null) !== state.settings.labelled)
    throw new RangeError(
      `${at}: ${chunk.y ? 'has labels, but the audit is unlabelled' : 'has no labels'}`,
    )
  const groups = new Map<string, GroupColumn | readonly string[]>()
  for (const attr of state.fairness.keys()) {
    const g = chunk.groups?.get(attr) ?? (chunk.table && tableColumn(chunk.table, attr))
    if (!g) throw new RangeError(`${at}: no column "${attr}"`)
    groups.set(attr, g)
  }
  if (chunk.y) {
    ScoreState.check(chunk.p, chunk.y, chunk.firstRow)
    for (const g of groups.values()) FairnessCells.check(chunk.p, chunk.y, g)
  }
  if (state.drift) {
    if (!chunk.table) throw new RangeError(`${at}: a drift audit needs the chunk's table`)
    state.drift.current.add(chunk.table, chunk.p, chunk.firstRow, source)
  }
  if (chunk.y) {
    state.scores!.add(chunk.p, chunk.y, chunk.firstRow)
    for (const [attr, cells] of state.fairness) cells.add(chunk.p, chunk.y, groups.get(attr)!)
  }
  state.rows += chunk.p.length
}

/** One chunk of consecutive rows of a drift's reference data. */
export type ReferenceChunk = {
  /** Global 0-based index of the chunk's first row in the reference. */
  firstRow: number
  /** The rows as a table (feature columns by name). */
  table: Table
  /** The model's probability of the class of interest per row. */
  p: Scores
  /** The rows encoded as the model's input; needed when the settings plan an OOD share. */
  x?: Matrix
}

/**
 * Adds a chunk of the drift's reference data (its feature and prediction counts, and the OOD
 * pass-1 moments of its fit rows).
 * @throws RangeError / DataError naming the row or column, as `DriftSide.add` and
 *   `OodMoments.add`; RangeError when the audit is not a drift audit.
 */
export function auditStateAddReference(
  state: AuditState,
  chunk: ReferenceChunk,
  source = 'the reference data',
): void {
  const drift = state.drift
  if (!drift) throw new RangeError('reference rows were given to an audit without drift settings')
  if (drift.moments && chunk.x?.rows !== chunk.table.nRows)
    throw new RangeError(
      `${source}, chunk at row ${chunk.firstRow}: the OOD share needs the chunk's encoded rows`,
    )
  drift.reference.add(chunk.table, chunk.p, chunk.firstRow, source)
  if (drift.moments) drift.moments.add(chunk.x!, chunk.firstRow)
}

/** Checks that a state holds as many rows as its shards say they covered (when counted in rows). */
export function auditStateCheckRows(state: AuditState, what: string): void {
  const sides: [string, number][] = [['data', state.rows]]
  if (state.drift) sides.push(['reference', state.drift.reference.rows])
  for (const [name, rows] of sides) {
    let covered = 0
    let counted = true
    for (const shard of state.shards) {
      const c = shard.coverage[name]
      if (!c || c.unit !== 'rows') counted = false
      else for (const [a, b] of c.ranges) covered += b - a
    }
    if (counted && covered !== rows)
      throw new RangeError(
        `${what} holds ${rows} ${name} rows, but its shards cover ${covered} ${name} rows`,
      )
  }
}

function sameSettings(a: AuditStateSettings, b: AuditStateSettings): string | null {
  for (const k of ['threshold', 'classIndex', 'seed', 'labelled'] as const)
    if (!Object.is(a[k], b[k])) return `${k} ${String(b[k])} ≠ ${String(a[k])}`
  if (a.sensitive.join('\u0000') !== b.sensitive.join('\u0000'))
    return `sensitive [${b.sensitive.join(', ')}] ≠ [${a.sensitive.join(', ')}]`
  if (JSON.stringify(a.drift ?? null) !== JSON.stringify(b.drift ?? null))
    return 'the drift settings differ'
  return null
}

/**
 * Merges named partial states into one (none of them is changed). Refuses, naming the parts: a
 * foreign part (another identity — model, schema, data or settings hash — or other settings), a
 * shard that appears twice, rows covered twice, and — with `complete` (the default) — a missing
 * shard or uncovered rows. The result is the same state whatever the order of `parts`.
 * @throws RangeError with the reason.
 * @example auditStateMerge(files.map((f) => ({ name: f, state: auditStateFromJSON(read(f), f) })))
 */
export function auditStateMerge(
  parts: readonly { name: string; state: AuditState }[],
  options: { complete?: boolean } = {},
): AuditState {
  const first = parts[0]
  if (!first) throw new RangeError('no partial states given')
  for (const { name, state } of parts.slice(1)) {
    const keys = new Set([...Object.keys(first.state.identity), ...Object.keys(state.identity)])
    for (const k of keys) {
      const a = first.state.identity[k]
      const b = state.identity[k]
      if (a !== b)
        throw new RangeError(
          `${name} is foreign: its ${k} identity ${b ?? '(none)'} differs from ${first.name}'s ${a ?? '(none)'}`,
        )
    }
    const why = sameSettings(first.state.settings, state.settings)
    if (why)
      throw new RangeError(`${name} is foreign: its settings differ from ${first.name}'s (${why})`)
  }
  shardsCheck(
    parts.flatMap(({ name, state }) => state.shards.map((shard) => ({ part: name, shard }))),
    options.complete !== false,
  )
  for (const { name, state } of parts) auditStateCheckRows(state, `${name}`)
  const out = auditStateCreate(first.state.settings, first.state.identity, first.state.shards[0]!)
  out.shards.length = 0
  for (const { state } of parts) {
    out.shards.push(...state.shards.map((s) => structuredClone(s)))
    out.rows += state.rows
    if (state.scores) out.scores!.merge(state.scores)
    for (const [attr, cells] of state.fairness) out.fairness.get(attr)!.merge(cells)
    if (state.drift && out.drift) {
      out.drift.reference.merge(state.drift.reference)
      out.drift.current.merge(state.drift.current)
      if (state.drift.moments) out.drift.moments!.merge(state.drift.moments)
    }
  }
  out.shards.sort((a, b) => a.index - b.index)
  return out
}
