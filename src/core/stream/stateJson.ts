/**
 * The serialized audit state (a partial): `{"format","version","checksum","body"}` where checksum
 * is a 64-bit FNV-1a of the body's JSON text, so that a partial altered or cut after writing is
 * refused. Typed arrays are base64; group values and categories are list entries, never object
 * keys. Reading checks every field and that the parts agree with each other, and names the field.
 */
import { readArray, readCount, readNumber, readObject, readString, textChecksum } from './codec.ts'
import { DriftSide } from './drift.ts'
import { FairnessCells } from './fairness.ts'
import { OodMoments } from './ood.ts'
import { ScoreState } from './scores.ts'
import { shardFromJSON, shardsCheck } from './shards.ts'
import {
  type AuditDriftSettings,
  type AuditIdentity,
  type AuditState,
  type AuditStateSettings,
  auditStateCheckRows,
  auditStateCreate,
  auditStateOodPlan,
} from './state.ts'

/** Format name and version of a serialized state. */
export const AUDIT_STATE_FORMAT = 'glassbox-audit-state'
/** Version of that format; a reader refuses any other. */
export const AUDIT_STATE_VERSION = 1

/**
 * `{"format","version","checksum","body"}` around a body's JSON text, the checksum taken over
 * that text as written (the layout every partial of the streamed audit has).
 */
export function envelopeWrite(format: string, version: number, body: string): string {
  return `{"format":"${format}","version":${version},"checksum":"${textChecksum(body)}","body":${body}}`
}

/**
 * The body of `envelopeWrite`'s text, after checking the format, version and checksum.
 * @throws RangeError saying what is wrong (not JSON, another format or version, a text that was
 *   reformatted or changed after writing).
 */
export function envelopeRead(
  text: string,
  format: string,
  version: number,
): Record<string, unknown> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new RangeError(`not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const o = readObject(doc, 'the file')
  if (o.format !== format)
    throw new RangeError(`format is ${JSON.stringify(o.format)}, not "${format}"`)
  if (o.version !== version)
    throw new RangeError(`version ${JSON.stringify(o.version)} is not ${version}`)
  const body = readObject(o.body, 'body')
  // The checksum covers the body's text as written (no re-serialization needed to check it).
  const head = new RegExp(
    `^\\{"format":"${format}","version":${version},"checksum":"([0-9a-f]{16})","body":`,
  ).exec(text)
  const trimmed = text.trimEnd()
  if (!head || !trimmed.endsWith('}'))
    throw new RangeError('not laid out as it was written (was it reformatted?)')
  if (head[1] !== textChecksum(trimmed.slice(head[0].length, -1)))
    throw new RangeError('checksum mismatch: the body was changed after it was written')
  return body
}

/**
 * The state as JSON text (see the module doc). Equal states give equal texts. A reader accepts
 * trailing white space (e.g. a final newline), nothing else added.
 * @example writeFileSync(`part-${i}.json`, auditStateToJSON(state))
 */
export function auditStateToJSON(state: AuditState): string {
  const d = state.drift
  const body = JSON.stringify({
    settings: state.settings,
    identity: state.identity,
    shards: state.shards,
    rows: state.rows,
    scores: state.scores ? state.scores.toJSON() : null,
    fairness: [...state.fairness].map(([attr, cells]) => [attr, cells.toJSON()]),
    drift: d && {
      reference: d.reference.toJSON(),
      current: d.current.toJSON(),
      moments: d.moments ? d.moments.toJSON() : null,
    },
  })
  return envelopeWrite(AUDIT_STATE_FORMAT, AUDIT_STATE_VERSION, body)
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

function parseDriftSettings(value: unknown): AuditDriftSettings | null {
  if (value === null || value === undefined) return null
  const o = readObject(value, 'settings.drift')
  const features = readArray(o.features, 'settings.drift.features').map((v, i) => {
    const w = `settings.drift.features[${i}]`
    const f = readObject(v, w)
    const kind = readString(f.kind, `${w}.kind`)
    if (kind !== 'numeric' && kind !== 'categorical')
      throw new RangeError(`${w}.kind: "${kind}" is not numeric or categorical`)
    const categories = readArray(f.categories, `${w}.categories`)
    return {
      name: readString(f.name, `${w}.name`),
      kind: kind as 'numeric' | 'categorical',
      categories: categories.map((c, k) => readString(c, `${w}.categories[${k}]`)),
    }
  })
  if (o.ood === null) return { features, ood: null }
  const d = readObject(o.ood, 'settings.drift.ood')
  const list = <T>(field: string, read: (v: unknown, w: string) => T): T[] =>
    readArray(d[field], `settings.drift.ood.${field}`).map((v, i) =>
      read(v, `settings.drift.ood.${field}[${i}]`),
    )
  const ood = {
    nRows: readCount(d.nRows, 'settings.drift.ood.nRows'),
    seed: readNumber(d.seed, 'settings.drift.ood.seed'),
    offsets: list('offsets', readCount),
    features: list('features', readString),
    categorical: list('categorical', (v, w) => {
      if (typeof v !== 'boolean') throw new RangeError(`${w}: expected a boolean`)
      return v
    }),
    categoryFloor: readNumber(d.categoryFloor, 'settings.drift.ood.categoryFloor'),
  }
  return { features, ood }
}

function parse(text: string): AuditState {
  const body = envelopeRead(text, AUDIT_STATE_FORMAT, AUDIT_STATE_VERSION)
  const s = readObject(body.settings, 'settings')
  if (typeof s.labelled !== 'boolean')
    throw new RangeError("the state's settings.labelled is not a boolean")
  const settings: AuditStateSettings = {
    threshold: readNumber(s.threshold, 'settings.threshold'),
    classIndex: readCount(s.classIndex, 'settings.classIndex'),
    seed: readNumber(s.seed, 'settings.seed'),
    labelled: s.labelled,
    sensitive: readArray(s.sensitive, 'settings.sensitive').map((a, i) =>
      readString(a, `settings.sensitive[${i}]`),
    ),
    drift: parseDriftSettings(s.drift),
  }
  const idObj = readObject(body.identity, 'identity')
  const identity: AuditIdentity = {}
  for (const k of Object.keys(idObj)) identity[k] = readString(idObj[k], `identity.${k}`)
  const shards = readArray(body.shards, 'shards').map((v, i) => shardFromJSON(v, `shards[${i}]`))
  if (shards.length === 0) throw new RangeError('the state lists no shards')
  const state = auditStateCreate(settings, identity, shards[0]!)
  state.shards.push(...shards.slice(1))
  shardsCheck(
    state.shards.map((shard) => ({ part: 'the file', shard })),
    false,
  )
  state.rows = readCount(body.rows, 'rows')
  if (settings.labelled) {
    const scores = ScoreState.fromJSON(body.scores, 'scores')
    if (scores.rows !== state.rows)
      throw new RangeError(`the score counts: ${scores.rows} rows, the state ${state.rows}`)
    state.scores!.merge(scores)
    const fair = readArray(body.fairness, 'fairness')
    if (fair.length !== settings.sensitive.length)
      throw new RangeError(
        `the fairness counts: ${fair.length} attributes, settings list ${settings.sensitive.length}`,
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
  } else if (body.scores !== null)
    throw new RangeError('the score counts: present in an unlabelled state')
  if (state.drift) {
    const d = readObject(body.drift, 'drift')
    const features = settings.drift!.features
    state.drift.reference.merge(DriftSide.fromJSON(d.reference, 'drift.reference', features))
    const current = DriftSide.fromJSON(d.current, 'drift.current', features)
    if (current.rows !== state.rows)
      throw new RangeError(
        `the current data's drift counts: ${current.rows} rows, the state ${state.rows}`,
      )
    state.drift.current.merge(current)
    const plan = auditStateOodPlan(settings.drift)
    if (plan) state.drift.moments!.merge(OodMoments.fromJSON(d.moments, 'drift.moments', plan))
  } else if (body.drift !== null) throw new RangeError('the drift counts: present in a plain audit')
  auditStateCheckRows(state, 'the state')
  return state
}
