/**
 * Partials of the out-of-distribution passes 2 and 3 (oodPasses.ts) with the same protection as
 * the audit state's: a checksummed envelope, the audit's identity, the shards covered; a merge
 * refuses a foreign part (another identity, pass or detector), a duplicated or missing shard and a
 * corrupt file, by name. Pass 2 (`calibration`) covers reference rows, pass 3 (`current`) the
 * audited data's rows.
 */
import type { OodModel } from '../drift/ood.ts'
import { readArray, readObject, readString } from './codec.ts'
import type { OodPlan } from './ood.ts'
import { OodCalibration, OodCount } from './oodPasses.ts'
import { type ShardInfo, shardFromJSON, shardsCheck } from './shards.ts'
import type { AuditIdentity } from './state.ts'
import { envelopeRead, envelopeWrite } from './stateJson.ts'

/** Format name and version of a serialized OOD pass partial. */
export const OOD_PASS_FORMAT = 'glassbox-ood-pass'
/** Version of that format; a reader refuses any other. */
export const OOD_PASS_VERSION = 1

/** A partial of pass 2 or 3. */
export type OodPassPart =
  | { pass: 'calibration'; identity: AuditIdentity; shards: ShardInfo[]; state: OodCalibration }
  | { pass: 'current'; identity: AuditIdentity; shards: ShardInfo[]; state: OodCount }

/** The partial as JSON text (a checksummed envelope). */
export function oodPassToJSON(part: OodPassPart): string {
  const body = JSON.stringify({
    pass: part.pass,
    identity: part.identity,
    shards: part.shards,
    state: part.state.toJSON(),
  })
  return envelopeWrite(OOD_PASS_FORMAT, OOD_PASS_VERSION, body)
}

/**
 * Reads `oodPassToJSON`'s text back under the detector every part must share: pass 2 parts need
 * pass 1's detector (`OodMoments.model()`), pass 3 parts the one with thresholds
 * (`OodCalibration.thresholds()`).
 * @throws RangeError "NAME is corrupt: …" or "NAME … another detector".
 */
export function oodPassFromJSON(
  text: string,
  name: string,
  plan: OodPlan,
  model: OodModel,
): OodPassPart {
  try {
    const body = envelopeRead(text, OOD_PASS_FORMAT, OOD_PASS_VERSION)
    const idObj = readObject(body.identity, 'identity')
    const identity: AuditIdentity = {}
    for (const k of Object.keys(idObj)) identity[k] = readString(idObj[k], `identity.${k}`)
    const shards = readArray(body.shards, 'shards').map((v, i) => shardFromJSON(v, `shards[${i}]`))
    if (body.pass === 'calibration')
      return {
        pass: 'calibration',
        identity,
        shards,
        state: OodCalibration.fromJSON(body.state, 'state', plan, model),
      }
    if (body.pass === 'current')
      return {
        pass: 'current',
        identity,
        shards,
        state: OodCount.fromJSON(body.state, 'state', model),
      }
    throw new RangeError(`pass ${JSON.stringify(body.pass)} is not "calibration" or "current"`)
  } catch (e) {
    throw new RangeError(`${name} is corrupt: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * Merges the partials of one pass over all shards (none of them is changed).
 * @throws RangeError naming the part: another pass or identity, a shard twice or missing.
 */
export function oodPassMerge(parts: readonly { name: string; part: OodPassPart }[]): OodPassPart {
  const first = parts[0]
  if (!first) throw new RangeError('no partial states given')
  for (const { name, part } of parts) {
    if (part.pass !== first.part.pass)
      throw new RangeError(
        `${name} is of OOD pass "${part.pass}", ${first.name} of "${first.part.pass}"`,
      )
    const keys = new Set([...Object.keys(first.part.identity), ...Object.keys(part.identity)])
    for (const k of keys) {
      if (part.identity[k] !== first.part.identity[k])
        throw new RangeError(
          `${name} is foreign: its ${k} identity ${part.identity[k] ?? '(none)'} differs from ${first.name}'s ${first.part.identity[k] ?? '(none)'}`,
        )
    }
  }
  shardsCheck(
    parts.flatMap(({ name, part }) => part.shards.map((shard) => ({ part: name, shard }))),
    true,
  )
  const shards = parts.flatMap(({ part }) => part.shards.map((s) => structuredClone(s)))
  shards.sort((a, b) => a.index - b.index)
  if (first.part.pass === 'calibration') {
    const m = first.part.state
    const state = new OodCalibration(m.plan, m.model)
    for (const { part } of parts) state.merge(part.state as OodCalibration)
    return { pass: 'calibration', identity: first.part.identity, shards, state }
  }
  const state = new OodCount(first.part.state.model)
  for (const { part } of parts) state.merge(part.state as OodCount)
  return { pass: 'current', identity: first.part.identity, shards, state }
}
