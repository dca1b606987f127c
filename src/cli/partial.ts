/**
 * The streamed audit's partial file (`glassbox audit --shard i/n --partial FILE`) and the merge of
 * partials into the report (`glassbox merge`). A partial is a checksummed envelope
 * (`envelopeWrite`): format `glassbox-audit-partial`, version 1, body
 * `{"head": report head, "explanations": shard 0's or null, "state": the AuditState's own
 * checksummed text, "load": the load notices' facts (./partLoad.ts; absent in older partials)}`. The merge refuses, naming the file, a partial that is corrupt (not JSON,
 * another format or version, a checksum mismatch), foreign (another model, schema, data or
 * settings), duplicated or missing (src/core/stream's shard checks).
 *
 * A drift's merged state between its out-of-distribution passes (`glassbox merge … --state F`,
 * ./driftMerge.ts) is the same file covering every shard, after pass 2 with the merged
 * calibration (`calibration`, the OOD pass partial's own checksummed text) in its body.
 */
import {
  type OodPassPart,
  auditStateFromJSON,
  auditStateMerge,
  auditStateOodPlan,
  auditStateSections,
  auditStateToJSON,
  envelopeRead,
  envelopeWrite,
  oodPassFromJSON,
  oodPassToJSON,
} from '../core/stream/index.ts'
import type { Report } from '../report/types.ts'
import { partLoadCombine, partLoadFromJSON, partLoadToJSON } from './partLoad.ts'
import type { AuditPart } from './streamAudit.ts'
import {
  quantPartFromJSON,
  quantPartToJSON,
  quantPartsCombine,
  quantSection,
} from './streamQuant.ts'

/** The partial's format name. */
export const AUDIT_PARTIAL_FORMAT = 'glassbox-audit-partial'
/** The partial's format version; a reader refuses any other. */
export const AUDIT_PARTIAL_VERSION = 1

/** A partial (or merged state) as a file holds it: a drift's state may carry pass 2's result. */
export type AuditPartFile = AuditPart & { calibration?: OodPassPart }

/** A partial's text. */
export function auditPartToJSON(part: AuditPartFile): string {
  const cal = part.calibration
    ? `,"calibration":${JSON.stringify(oodPassToJSON(part.calibration))}`
    : ''
  const quant = part.quantization
    ? `,"quantization":${JSON.stringify(quantPartToJSON(part.quantization))}`
    : ''
  const load = part.loadContext
    ? `,"load":${JSON.stringify(partLoadToJSON({ ...part, loadContext: part.loadContext }))}`
    : ''
  const body = `{"head":${JSON.stringify(part.head)},"explanations":${JSON.stringify(part.explanations)},"state":${JSON.stringify(auditStateToJSON(part.state))}${quant}${load}${cal}}`
  return `${envelopeWrite(AUDIT_PARTIAL_FORMAT, AUDIT_PARTIAL_VERSION, body)}\n`
}

/**
 * A partial read back.
 * @throws RangeError "NAME is corrupt: …" for anything but an intact partial of this version.
 */
export function auditPartFromJSON(text: string, name: string): AuditPartFile {
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
  const part: AuditPartFile = {
    head: head as Report,
    explanations: explanations as Report['explanations'] | null,
    state: auditStateFromJSON(body.state, name),
  }
  const quantize: unknown = (head as Partial<Report>).settings?.quantize ?? []
  if (!Array.isArray(quantize))
    throw new RangeError(`${name} is corrupt: settings.quantize is not a list`)
  if ((body.quantization !== undefined) !== quantize.length > 0)
    throw new RangeError(
      `${name} is corrupt: ${quantize.length ? 'its settings quantize but it has no quantization' : 'a quantization where none belongs'}`,
    )
  if (body.quantization !== undefined)
    part.quantization = quantPartFromJSON(body.quantization, name, part.state.settings.threshold)
  if (body.load !== undefined) Object.assign(part, partLoadFromJSON(body.load, name))
  if (body.calibration === undefined) return part
  const plan = auditStateOodPlan(part.state.settings.drift)
  const moments = part.state.drift?.moments
  if (typeof body.calibration !== 'string' || !plan || !moments)
    throw new RangeError(`${name} is corrupt: a calibration where none belongs`)
  const cal = oodPassFromJSON(body.calibration, name, plan, moments.model())
  if (cal.pass !== 'calibration')
    throw new RangeError(`${name} is corrupt: its calibration is of OOD pass "${cal.pass}"`)
  return { ...part, calibration: cal }
}

/** The lowest shard index a part covers. */
const firstShard = (p: AuditPart) => Math.min(...p.state.shards.map((s) => s.index))

/**
 * Named parts combined into one part covering all their shards: their states merged (refusals by
 * name), the head they share, shard 0's explanations, their load facts merged in shard order. The
 * same for any order of `parts`.
 * @throws RangeError naming the part that is foreign, duplicated or missing (or no parts).
 */
export function auditPartsCombine(parts: readonly { name: string; part: AuditPart }[]): AuditPart {
  const first = parts[0]
  if (!first) throw new RangeError('no partials given')
  const state = auditStateMerge(parts.map((p) => ({ name: p.name, state: p.part.state })))
  const head = JSON.stringify(first.part.head)
  for (const p of parts.slice(1))
    if (JSON.stringify(p.part.head) !== head)
      throw new RangeError(
        `${p.name} is foreign: its report head (model, data or settings) differs from ${first.name}'s`,
      )
  const zero = parts.find((p) => p.part.state.shards.some((s) => s.index === 0))!
  const load = partLoadCombine([...parts].sort((a, b) => firstShard(a.part) - firstShard(b.part)))
  const out: AuditPart = {
    head: first.part.head,
    explanations: zero.part.explanations,
    state,
    ...(load ?? {}),
  }
  if (first.part.head.settings.quantize.length)
    out.quantization = quantPartsCombine(
      parts.map((p) => ({ name: p.name, q: p.part.quantization })),
      zero.part.quantization,
    )
  return out
}

/**
 * The report of a complete part (`auditPartsCombine`'s): the head, the state's sections and the
 * explanations; a drift's `drift` section with `oodShare` (its OOD passes' share, or null).
 * @throws RangeError when the part lacks shards, or is a drift that plans an OOD share and
 *   `oodShare` is not given (its passes 2 and 3 are still to run).
 */
export function auditPartReport(part: AuditPart, oodShare?: number | null): Report {
  if (part.state.drift?.moments && oodShare === undefined)
    throw new RangeError(
      'this drift needs its out-of-distribution passes: merge with --state FILE, then run glassbox drift … --ood-pass 2 --state FILE (docs/scale.md)',
    )
  const sections = auditStateSections(part.state, { oodShare: oodShare ?? null })
  const report: Report = { ...part.head }
  if (sections.metrics) report.metrics = sections.metrics
  if (sections.calibration) report.calibration = sections.calibration
  if (sections.fairness) report.fairness = sections.fairness
  if (part.explanations) report.explanations = part.explanations
  if (sections.drift) report.drift = sections.drift
  if (part.quantization) report.quantization = quantSection(part.quantization)
  return report
}

/**
 * The report of named parts (`auditPartsCombine` then `auditPartReport`). The same bytes for any
 * order of `parts` and any number of shards.
 * @throws RangeError naming the part that is foreign, duplicated or missing (or no parts).
 */
export function auditPartsMerge(
  parts: readonly { name: string; part: AuditPart }[],
  oodShare?: number | null,
): Report {
  return auditPartReport(auditPartsCombine(parts), oodShare)
}
