/**
 * Streamed, sharded audits merged exactly (issue 18): mergeable accumulators for every report
 * section, their versioned serialization, and finalizers that give the report's sections exactly
 * as today's batch functions do. See docs in each module; the CLI drives `AuditState`:
 *
 * @example
 * const state = auditStateCreate(settings, identity, shard)
 * for await (const chunk of chunks) auditStateAdd(state, chunk) // { firstRow, p, y, table }
 * writeFileSync(partPath, auditStateToJSON(state))
 * // later, in the merge step:
 * const merged = auditStateMerge(paths.map((f) => ({ name: f, state: auditStateFromJSON(read(f), f) })))
 * Object.assign(report, auditStateSections(merged))
 */
export { base64Decode, base64Encode, textChecksum } from './codec.ts'
export { type CountsRun, ValueCounts, type ValueCountsJson } from './counts.ts'
export {
  type DriftFeatureSpec,
  type DriftOfSides,
  DriftSide,
  type DriftSideJson,
  driftOfSides,
} from './drift.ts'
export {
  driftHistogramOfCounts,
  ksOfCounts,
  meanOfCounts,
  predictionDriftOfCounts,
  psiNumericOfCounts,
  wasserstein1OfCounts,
} from './driftCounts.ts'
export {
  type Dyadic,
  dyadicAdd,
  dyadicDivToNumber,
  dyadicFromNumber,
  dyadicMul,
  dyadicParse,
  dyadicToNumber,
  dyadicToString,
} from './dyadic.ts'
export { ExactSums } from './exactSum.ts'
export { FairnessCells, type FairnessCellsJson, type GroupColumn } from './fairness.ts'
export { OodMoments, type OodPlan, oodFitMask, oodModelKey, oodPlanKey } from './ood.ts'
export {
  OOD_PASS_FORMAT,
  OOD_PASS_VERSION,
  type OodPassPart,
  oodPassFromJSON,
  oodPassMerge,
  oodPassToJSON,
} from './oodPartial.ts'
export { OodCalibration, OodCount } from './oodPasses.ts'
export { RowSample, rowHash, rowsDrawn } from './rows.ts'
export { STREAM_CALIBRATION_BINS, ScoreState, type ScoreStateJson } from './scores.ts'
export { type AuditSections, type SectionRates, auditStateSections } from './sections.ts'
export {
  type CoverageUnit,
  type ShardCoverage,
  type ShardInfo,
  shardCheck,
  shardFromJSON,
  shardsCheck,
} from './shards.ts'
export {
  type AuditChunk,
  type AuditDriftSettings,
  type AuditDriftState,
  type AuditIdentity,
  type AuditState,
  type AuditStateSettings,
  type ReferenceChunk,
  auditStateAdd,
  auditStateAddReference,
  auditStateCheckRows,
  auditStateCreate,
  auditStateMerge,
  auditStateOodPlan,
} from './state.ts'
export {
  AUDIT_STATE_FORMAT,
  AUDIT_STATE_VERSION,
  auditStateFromJSON,
  auditStateToJSON,
  envelopeRead,
  envelopeWrite,
} from './stateJson.ts'
