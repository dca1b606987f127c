/**
 * One audit's mergeable state (issue 18): what a shard of the data contributes to the report's
 * `metrics`, `calibration` and `fairness` sections, with what identifies the audit (model, schema,
 * data, settings) and which shard it covers. A CLI streams the data chunk by chunk into
 * `auditStateAdd`, writes the partial with `auditStateToJSON`, and `auditStateMerge` combines the
 * partials of all shards — refusing a foreign, duplicated, missing or corrupt one by name — into
 * a state whose `auditStateSections` equal, byte for byte, those of a single process over all rows
 * (every number comes from exact integer counts or exact sums; see scores.ts and fairness.ts).
 */
import { type Scores } from '../metrics.ts'
import { readArray, readCount, readNumber, readObject, readString, textChecksum } from './codec.ts'
import { FairnessCells, type GroupColumn } from './fairness.ts'
import { ScoreState } from './scores.ts'
import { type ShardInfo, shardFromJSON, shardsCheck } from './shards.ts'

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
}

/**
 * What the audit is of, as opaque texts the caller computes (e.g. sha256 hex): keys such as
 * `model`, `schema`, `data`, `settings`. Partials whose identities differ are foreign to each other.
 */
export type AuditIdentity = Record<string, string>

/** Format name and version of a serialized state. */
export const AUDIT_STATE_FORMAT = 'glassbox-audit-state'
export const AUDIT_STATE_VERSION = 1

/** The mergeable state of one audit; build with `auditStateCreate`. */
export type AuditState = {
  readonly settings: AuditStateSettings
  readonly identity: AuditIdentity
  /** The shards this state covers (one for a shard's partial; all of them after a merge). */
  readonly shards: ShardInfo[]
  /** Rows added. */
  rows: number
  /** Scores and labels; null when the data is unlabelled. */
  readonly scores: ScoreState | null
  /** Per sensitive attribute (labelled data only), in `settings.sensitive` order. */
  readonly fairness: Map<string, FairnessCells>
}

/** One chunk of consecutive rows. */
export type AuditChunk = {
  /** Global 0-based index of the chunk's first row (for messages). */
  firstRow: number
  /** Probability of the class of interest per row. */
  p: Scores
  /** Labels per row (1 = positive); null exactly when the settings say unlabelled. */
  y: Uint8Array | null
  /** Each sensitive attribute's column for these rows (every attribute of the settings). */
  groups: ReadonlyMap<string, GroupColumn | readonly string[]>
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
    throw new RangeError('settings.sensitive: an attribute is listed twice')
  shardsCheck([{ part: 'this state', shard }], false)
  return {
    settings: { ...settings, sensitive: [...settings.sensitive] },
    identity: Object.fromEntries(
      Object.keys(identity)
        .sort()
        .map((k) => [k, identity[k]!]),
    ),
    shards: [shard],
    rows: 0,
    scores: settings.labelled ? new ScoreState() : null,
    fairness: new Map(
      settings.labelled
        ? settings.sensitive.map((a) => [a, new FairnessCells(settings.threshold)])
        : [],
    ),
  }
}

/**
 * Adds a chunk of rows to the state.
 * @throws RangeError naming the row or attribute when the chunk does not fit the settings (labels
 *   missing or unexpected, an attribute's column missing) or a value is bad.
 */
export function auditStateAdd(state: AuditState, chunk: AuditChunk): void {
  const n = chunk.p.length
  if ((chunk.y !== null) !== state.settings.labelled)
    throw new RangeError(
      `audit chunk at row ${chunk.firstRow}: ${chunk.y ? 'has labels, but the audit is unlabelled' : 'has no labels'}`,
    )
  for (const attr of state.fairness.keys()) {
    const g = chunk.groups.get(attr)
    if (!g) throw new RangeError(`audit chunk at row ${chunk.firstRow}: no column for "${attr}"`)
  }
  if (chunk.y) {
    state.scores!.add(chunk.p, chunk.y, chunk.firstRow)
    for (const [attr, cells] of state.fairness) cells.add(chunk.p, chunk.y, chunk.groups.get(attr)!)
  }
  state.rows += n
}

/** Checks that a state holds as many rows as its shards say they covered (when counted in rows). */
function checkRowsCovered(state: AuditState, what: string): void {
  let covered = 0
  for (const shard of state.shards) {
    const c = shard.coverage.data
    if (!c || c.unit !== 'rows') return
    for (const [a, b] of c.ranges) covered += b - a
  }
  if (covered !== state.rows)
    throw new RangeError(`${what} holds ${state.rows} rows, but its shards cover ${covered} rows`)
}

function sameSettings(a: AuditStateSettings, b: AuditStateSettings): string | null {
  for (const k of ['threshold', 'classIndex', 'seed', 'labelled'] as const)
    if (!Object.is(a[k], b[k])) return `${k} ${String(b[k])} ≠ ${String(a[k])}`
  if (a.sensitive.join('\u0000') !== b.sensitive.join('\u0000'))
    return `sensitive [${b.sensitive.join(', ')}] ≠ [${a.sensitive.join(', ')}]`
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
  if (!first) throw new RangeError('merge: no partial states given')
  for (const { name, state } of parts.slice(1)) {
    const keys = new Set([...Object.keys(first.state.identity), ...Object.keys(state.identity)])
    for (const k of keys) {
      const a = first.state.identity[k]
      const b = state.identity[k]
      if (a !== b)
        throw new RangeError(
          `merge: ${name} is foreign: its ${k} identity ${b ?? '(none)'} differs from ${first.name}'s ${a ?? '(none)'}`,
        )
    }
    const why = sameSettings(first.state.settings, state.settings)
    if (why)
      throw new RangeError(
        `merge: ${name} is foreign: its settings differ from ${first.name}'s (${why})`,
      )
  }
  shardsCheck(
    parts.flatMap(({ name, state }) => state.shards.map((shard) => ({ part: name, shard }))),
    options.complete !== false,
  )
  for (const { name, state } of parts) checkRowsCovered(state, `merge: ${name}`)
  const out = auditStateCreate(first.state.settings, first.state.identity, first.state.shards[0]!)
  out.shards.length = 0
  for (const { state } of parts) {
    out.shards.push(...state.shards.map((s) => structuredClone(s)))
    out.rows += state.rows
    if (state.scores) out.scores!.merge(state.scores)
    for (const [attr, cells] of state.fairness) out.fairness.get(attr)!.merge(cells)
  }
  out.shards.sort((a, b) => a.index - b.index)
  return out
}

/**
 * The state as JSON text: `{"format","version","checksum","body"}` where checksum is a 64-bit
 * FNV-1a of the body's JSON text, so that a partial altered or cut after writing is refused.
 * Typed arrays are base64; group values are list entries, never object keys.
 */
export function auditStateToJSON(state: AuditState): string {
  const body = JSON.stringify({
    settings: state.settings,
    identity: state.identity,
    shards: state.shards,
    rows: state.rows,
    scores: state.scores ? state.scores.toJSON() : null,
    fairness: [...state.fairness].map(([attr, cells]) => [attr, cells.toJSON()]),
  })
  return `{"format":"${AUDIT_STATE_FORMAT}","version":${AUDIT_STATE_VERSION},"checksum":"${textChecksum(body)}","body":${body}}`
}

/**
 * Reads `auditStateToJSON`'s text back, checking everything.
 * @param name the part's name (e.g. its file) for messages.
 * @throws RangeError "NAME is corrupt: …" (not JSON, wrong format or version, checksum mismatch,
 *   a field missing or malformed, parts that disagree).
 */
export function auditStateFromJSON(text: string, name: string): AuditState {
  try {
    return parse(text)
  } catch (e) {
    throw new RangeError(`${name} is corrupt: ${e instanceof Error ? e.message : String(e)}`)
  }
}

function parse(text: string): AuditState {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new RangeError(`not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const o = readObject(doc, 'the file')
  if (o.format !== AUDIT_STATE_FORMAT)
    throw new RangeError(`format is ${JSON.stringify(o.format)}, not "${AUDIT_STATE_FORMAT}"`)
  if (o.version !== AUDIT_STATE_VERSION)
    throw new RangeError(`version ${JSON.stringify(o.version)} is not ${AUDIT_STATE_VERSION}`)
  const body = readObject(o.body, 'body')
  if (o.checksum !== textChecksum(JSON.stringify(body)))
    throw new RangeError('checksum mismatch: the body was changed after it was written')
  const s = readObject(body.settings, 'settings')
  const settings: AuditStateSettings = {
    threshold: readNumber(s.threshold, 'settings.threshold'),
    classIndex: readCount(s.classIndex, 'settings.classIndex'),
    seed: readNumber(s.seed, 'settings.seed'),
    labelled: s.labelled === true,
    sensitive: readArray(s.sensitive, 'settings.sensitive').map((a, i) =>
      readString(a, `settings.sensitive[${i}]`),
    ),
  }
  if (typeof s.labelled !== 'boolean') throw new RangeError('settings.labelled: expected a boolean')
  const idObj = readObject(body.identity, 'identity')
  const identity: AuditIdentity = {}
  for (const k of Object.keys(idObj)) identity[k] = readString(idObj[k], `identity.${k}`)
  const shards = readArray(body.shards, 'shards').map((v, i) => shardFromJSON(v, `shards[${i}]`))
  if (shards.length === 0) throw new RangeError('shards: none listed')
  const state = auditStateCreate(settings, identity, shards[0]!)
  state.shards.push(...shards.slice(1))
  shardsCheck(
    state.shards.map((shard) => ({ part: 'the file', shard })),
    false,
  )
  state.rows = readCount(body.rows, 'rows')
  checkRowsCovered(state, 'the state')
  if (settings.labelled) {
    const scores = ScoreState.fromJSON(body.scores, 'scores')
    if (scores.rows !== state.rows)
      throw new RangeError(`scores: ${scores.rows} rows, the state ${state.rows}`)
    state.scores!.merge(scores)
    const fair = readArray(body.fairness, 'fairness')
    if (fair.length !== settings.sensitive.length)
      throw new RangeError(
        `fairness: ${fair.length} attributes, settings list ${settings.sensitive.length}`,
      )
    fair.forEach((entry, i) => {
      const e = readArray(entry, `fairness[${i}]`)
      const attr = settings.sensitive[i]!
      if (e[0] !== attr) throw new RangeError(`fairness[${i}]: expected attribute "${attr}"`)
      const cells = FairnessCells.fromJSON(e[1], `fairness.${attr}`, settings.threshold)
      if (cells.rows !== state.rows)
        throw new RangeError(`fairness.${attr}: ${cells.rows} rows, the state ${state.rows}`)
      state.fairness.get(attr)!.merge(cells)
    })
  } else if (body.scores !== null) throw new RangeError('scores: present in an unlabelled state')
  return state
}

/** A rate row of the report (`ReportRates` in src/report/types.ts). */
export type SectionRates = {
  count: number
  selectionRate: number | null
  tpr: number | null
  fpr: number | null
  precision: number | null
  accuracy: number | null
}

/**
 * The report sections a state gives, structurally identical to `Report`'s `metrics`,
 * `calibration` and `fairness` (src/report/types.ts; the core does not import the report layer,
 * test/core/stream checks that the types stay assignable) plus the data's row count.
 */
export type AuditSections = {
  rows: number
  metrics?: {
    accuracy: number | null
    rocAuc: number | null
    logLoss: number | null
    brier: number | null
  }
  calibration?: {
    ece: number | null
    mce: number | null
    bins: {
      lower: number
      upper: number
      count: number
      meanPredicted: number | null
      fractionPositive: number | null
    }[]
  }
  fairness?: Record<
    string,
    {
      groups: Record<string, SectionRates & { small: boolean }>
      overall: SectionRates
      demographicParityDifference: number | null
      demographicParityRatio: number | null
      equalizedOddsDifference: number | null
      equalizedOddsRatio: number | null
      equalOpportunityDifference: number | null
    }
  >
}

const rates = (g: SectionRates): SectionRates => ({
  count: g.count,
  selectionRate: g.selectionRate,
  tpr: g.tpr,
  fpr: g.fpr,
  precision: g.precision,
  accuracy: g.accuracy,
})

/**
 * The report's `metrics`, `calibration` and `fairness` sections from a complete state, exactly as
 * src/report/audit.ts builds them from the batch functions (absent without labels; `fairness`
 * absent when no sensitive attribute is present).
 * @throws RangeError when the state lacks shards (a partial cannot make a report).
 * @example Object.assign(report, auditStateSections(auditStateMerge(parts)))
 */
export function auditStateSections(state: AuditState): AuditSections {
  shardsCheck(
    state.shards.map((shard) => ({ part: 'the state', shard })),
    true,
  )
  const out: AuditSections = { rows: state.rows }
  const scores = state.scores
  if (!scores) return out
  const n = state.rows
  const c = scores.confusionAt(state.settings.threshold)
  out.metrics = {
    accuracy: n ? (c.tp + c.tn) / n : null,
    rocAuc: scores.ranking(2).rocAuc,
    logLoss: scores.logLoss(),
    brier: scores.brier(),
  }
  out.calibration = scores.calibration()
  const fairness: NonNullable<AuditSections['fairness']> = {}
  for (const [attr, cells] of state.fairness) {
    const f = cells.fairness()
    Object.defineProperty(fairness, attr, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: {
        groups: Object.fromEntries(
          Object.entries(f.groups).map(([k, g]) => [k, { ...rates(g), small: g.small }]),
        ),
        overall: rates(f.overall),
        demographicParityDifference: f.demographicParityDifference,
        demographicParityRatio: f.demographicParityRatio,
        equalizedOddsDifference: f.equalizedOddsDifference,
        equalizedOddsRatio: f.equalizedOddsRatio,
        equalOpportunityDifference: f.equalOpportunityDifference,
      },
    })
  }
  if (Object.keys(fairness).length) out.fairness = fairness
  return out
}
