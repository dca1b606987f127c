/**
 * `glassbox merge` over a drift's passes (docs/scale.md): the files given are partials of the
 * audit format (pass 1, or a merged state) and, between the out-of-distribution passes, OOD pass
 * partials (`glassbox-ood-pass`). What the merge gives depends on the stage the files reach:
 * - pass 1 partials without an OOD plan (or an audit's) → the report;
 * - pass 1 partials with an OOD plan → the merged state (`--state F`), read by pass 2;
 * - that state + every shard's pass 2 partial → the state with the merged calibration, read by
 *   pass 3;
 * - that state + every shard's pass 3 partial → the report, with the OOD share.
 * Each step refuses, by name, a partial that is missing, duplicated, foreign (another identity),
 * corrupt, or of the wrong pass for the stage.
 */
import {
  type AuditState,
  OOD_PASS_FORMAT,
  type OodCalibration,
  type OodCount,
  auditStateOodPlan,
  oodPassFromJSON,
  oodPassMerge,
} from '../core/stream/index.ts'
import type { LoadNotice } from '../core/loadChecks.ts'
import type { Report } from '../report/types.ts'
import { partNotices } from './notices.ts'
import {
  type AuditPartFile,
  auditPartFromJSON,
  auditPartReport,
  auditPartsCombine,
} from './partial.ts'

/** A file given to the merge: its name and text. */
export type MergeFile = { name: string; text: string }

/**
 * What the merge gives: the report and the load notices of the merged data (./notices.ts
 * partNotices; the caller prints them and records the warnings), or the merged state and the
 * command that reads it next.
 */
export type MergeResult =
  { report: Report; notices: LoadNotice[] } | { state: AuditPartFile; next: string }

/** The envelope's `format`, `body.pass` and `body.identity` of a text, when it parses. */
function peek(text: string): { format: unknown; pass: unknown; identity: unknown } {
  try {
    const doc = JSON.parse(text) as {
      format?: unknown
      body?: { pass?: unknown; identity?: unknown }
    }
    return { format: doc.format, pass: doc.body?.pass, identity: doc.body?.identity }
  } catch {
    return { format: null, pass: null, identity: null }
  }
}

const NEXT_PASS = {
  2: 'glassbox drift … --ood-pass 2 --state FILE --shard i/n --partial P (then merge FILE with those partials)',
  3: 'glassbox drift … --ood-pass 3 --state FILE --shard i/n --partial P (then merge FILE with those partials)',
} as const

/**
 * Refuses an OOD pass partial whose identity (read before its detector is checked, so that a
 * partial of another drift is called foreign, not corrupt) differs from the state's.
 */
function checkIdentity(state: AuditState, stateName: string, name: string, id: unknown) {
  const ids = (id && typeof id === 'object' ? id : {}) as Record<string, unknown>
  const keys = new Set([...Object.keys(state.identity), ...Object.keys(ids)])
  for (const k of keys)
    if (state.identity[k] !== ids[k])
      throw new RangeError(
        `${name} is foreign: its ${k} identity ${String(ids[k] ?? '(none)')} differs from ${stateName}'s ${state.identity[k] ?? '(none)'}`,
      )
}

/**
 * Merges the files (see the module doc).
 * @param wantState write the merged state (`--state`) instead of a report
 * @throws RangeError naming the refused file, or saying which pass must run next when a report
 *   is asked for too early.
 */
export function partsMerge(files: readonly MergeFile[], wantState: boolean): MergeResult {
  const oodFiles = files.filter((f) => peek(f.text).format === OOD_PASS_FORMAT)
  const parts = files
    .filter((f) => !oodFiles.includes(f))
    .map((f) => ({ name: f.name, part: auditPartFromJSON(f.text, f.name) }))
  if (!parts.length)
    throw new RangeError(
      `${files[0]?.name ?? 'nothing'} is an OOD pass partial: give the merged state file with the pass partials`,
    )
  const withCal = parts.find((p) => p.part.calibration)
  if (withCal && parts.length > 1)
    throw new RangeError(
      `${withCal.name} is a merged state after pass 2; it merges with pass 3 partials only`,
    )
  const part = auditPartsCombine(parts)
  const stateName = parts[0]!.name
  const plan = auditStateOodPlan(part.state.settings.drift)
  const moments = part.state.drift?.moments
  if (!plan || !moments) {
    if (oodFiles.length)
      throw new RangeError(`${oodFiles[0]!.name} is an OOD pass partial, but this audit has none`)
    return wantState
      ? { state: part, next: 'glassbox merge FILE --out report.json' }
      : { report: auditPartReport(part, null), notices: partNotices(part) }
  }
  const calibration = withCal?.part.calibration ?? null
  const want = calibration ? 'current' : 'calibration'
  for (const f of oodFiles) {
    const pass = peek(f.text).pass
    if (pass !== want && (pass === 'current' || pass === 'calibration'))
      throw new RangeError(
        `${f.name} is a pass ${pass === 'current' ? 3 : 2} partial, but ${stateName} ${calibration ? 'already holds the merged pass 2' : 'needs pass 2 first'}`,
      )
  }
  const model = calibration ? (calibration.state as OodCalibration).thresholds() : moments.model()
  const ood = oodFiles.map((f) => {
    checkIdentity(part.state, stateName, f.name, peek(f.text).identity)
    return { name: f.name, part: oodPassFromJSON(f.text, f.name, plan, model) }
  })
  if (!ood.length) {
    if (!wantState)
      throw new RangeError(
        `the drift's out-of-distribution share needs pass ${calibration ? 3 : 2}: merge with --state FILE, then run ${NEXT_PASS[calibration ? 3 : 2]}`,
      )
    return {
      state: { ...part, ...(calibration ? { calibration } : {}) },
      next: NEXT_PASS[calibration ? 3 : 2],
    }
  }
  const merged = oodPassMerge(ood)
  if (merged.pass === 'calibration') {
    ;(merged.state as OodCalibration).thresholds() // every calibration row scored, or refused
    if (!wantState)
      throw new RangeError(
        `the drift's out-of-distribution share needs pass 3: merge with --state FILE, then run ${NEXT_PASS[3]}`,
      )
    return { state: { ...part, calibration: merged }, next: NEXT_PASS[3] }
  }
  const count = merged.state as OodCount
  const shares = count.shares()
  if (shares.rows !== part.state.rows)
    throw new RangeError(
      `the pass 3 partials count ${shares.rows} current rows, the data has ${part.state.rows}`,
    )
  if (wantState) throw new RangeError('--state after pass 3: give --out for the report')
  return { report: auditPartReport(part, shares.share95), notices: partNotices(part) }
}
