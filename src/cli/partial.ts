/**
 * The streamed audit's partial file (`glassbox audit --shard i/n --partial FILE`) and the merge of
 * partials into the report (`glassbox merge`). A partial is a checksummed envelope
 * (`envelopeWrite`): format `glassbox-audit-partial`, version 1, body
 * `{"head": report head, "explanations": shard 0's or null, "state": the AuditState's own
 * checksummed text}`. The merge refuses, naming the file, a partial that is corrupt (not JSON,
 * another format or version, a checksum mismatch), foreign (another model, schema, data or
 * settings), duplicated or missing (src/core/stream's shard checks).
 */
import {
  auditStateFromJSON,
  auditStateMerge,
  auditStateSections,
  auditStateToJSON,
  envelopeRead,
  envelopeWrite,
} from '../core/stream/index.ts'
import type { Report } from '../report/types.ts'
import type { AuditPart } from './streamAudit.ts'

/** The partial's format name. */
export const AUDIT_PARTIAL_FORMAT = 'glassbox-audit-partial'
/** The partial's format version; a reader refuses any other. */
export const AUDIT_PARTIAL_VERSION = 1

/** A partial's text. */
export function auditPartToJSON(part: AuditPart): string {
  const body = `{"head":${JSON.stringify(part.head)},"explanations":${JSON.stringify(part.explanations)},"state":${JSON.stringify(auditStateToJSON(part.state))}}`
  return `${envelopeWrite(AUDIT_PARTIAL_FORMAT, AUDIT_PARTIAL_VERSION, body)}\n`
}

/**
 * A partial read back.
 * @throws RangeError "NAME is corrupt: …" for anything but an intact partial of this version.
 */
export function auditPartFromJSON(text: string, name: string): AuditPart {
  let body: Record<string, unknown>
  try {
    body = envelopeRead(text.trimEnd(), AUDIT_PARTIAL_FORMAT, AUDIT_PARTIAL_VERSION)
  } catch (e) {
    throw new RangeError(`${name} is corrupt: ${(e as Error).message}`)
  }
  const head = body.head
  if (!head || typeof head !== 'object' || typeof body.state !== 'string')
    throw new RangeError(`${name} is corrupt: no report head or state`)
  const explanations = body.explanations
  if (explanations !== null && typeof explanations !== 'object')
    throw new RangeError(`${name} is corrupt: explanations are not an object`)
  return {
    head: head as Report,
    explanations: explanations as Report['explanations'] | null,
    state: auditStateFromJSON(body.state, name),
  }
}

/**
 * The report of named parts: their states merged (refusals by name), the head they share, shard
 * 0's explanations. The same bytes for any order of `parts` and any number of shards.
 * @throws RangeError naming the part that is foreign, duplicated or missing (or no parts).
 */
export function auditPartsMerge(parts: readonly { name: string; part: AuditPart }[]): Report {
  const first = parts[0]
  if (!first) throw new RangeError('merge: no partials given')
  const merged = auditStateMerge(parts.map((p) => ({ name: p.name, state: p.part.state })))
  const head = JSON.stringify(first.part.head)
  for (const p of parts.slice(1))
    if (JSON.stringify(p.part.head) !== head)
      throw new RangeError(
        `merge: ${p.name} is foreign: its report head (model, data or settings) differs from ${first.name}'s`,
      )
  const zero = parts.find((p) => p.part.state.shards.some((s) => s.index === 0))!
  const sections = auditStateSections(merged)
  const report: Report = { ...first.part.head }
  if (sections.metrics) report.metrics = sections.metrics
  if (sections.calibration) report.calibration = sections.calibration
  if (sections.fairness) report.fairness = sections.fairness
  if (zero.part.explanations) report.explanations = zero.part.explanations
  return report
}
