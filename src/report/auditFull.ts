/**
 * The whole audit of a session — report JSON v1 with its `quantization` section — for the CLI
 * (`glassbox audit`, and `glassbox drift` with every explainer off) and the model worker (the
 * page's report export) alike: auditRun's sections, then the compression comparison of the
 * variants the settings ask for, with the audit's threshold, seed, background and budget.
 */
import type { CheckCancel } from '../core/types.ts'
import { type ModelCard, modelTreeFacts } from '../model/card.ts'
import {
  COMPRESSION_DEFAULTS,
  type CompressionResult,
  compressionRun,
  sensitiveGroups,
} from '../model/compression.ts'
import { quantizationReportEntry } from '../core/quantize/compare.ts'
import type { Session } from '../session/session.ts'
import { type AuditSettings, auditRun } from './audit.ts'
import { auditCohort, cohortPositions, cohortReport, cohortSession } from './cohort.ts'
import type { Report, ReportQuantization } from './types.ts'

/** Progress of an audit: its own sections, then the compression comparison. */
export type AuditPhase = 'audit' | 'quantization'

/** Progress (by phase), cancel and chunk size of an audit. */
export type AuditHooks = {
  onProgress?: (done: number, total: number, phase: AuditPhase) => void
  checkCancel?: CheckCancel
  /** Rows per model call for explanation jobs. */
  chunkRows?: number
}

/**
 * The report's `model` section of a model card (contracts §4, §7): a TensorFlow.js model's is as
 * before other runtimes existed; others add `runtime`, a tree ensemble `trees` and `maxDepth`, and
 * the reasons TreeSHAP or IG are unavailable when they are.
 */
export function reportModel(
  card: ModelCard,
  why: { treeShapUnavailable?: string | null; igUnavailable?: string | null } = {},
): Report['model'] {
  const trees = modelTreeFacts(card)
  return {
    sha256: card.sha256,
    format: card.format,
    inputs: card.inputWidth,
    parameters: card.parameters,
    bytes: card.bytes,
    ...(card.runtime !== 'tfjs' ? { runtime: card.runtime } : {}),
    ...(trees ? { trees: trees.count, maxDepth: trees.maxDepth } : {}),
    ...(why.treeShapUnavailable ? { treeShapUnavailable: why.treeShapUnavailable } : {}),
    ...(why.igUnavailable ? { igUnavailable: why.igUnavailable } : {}),
  }
}

/** The report's `quantization` section from a comparison. */
export function compressionReportSection(r: CompressionResult): Record<string, ReportQuantization> {
  return Object.fromEntries(
    r.variants.map((v) => [v.id, quantizationReportEntry(v.comparison, v.bytes)]),
  )
}

/**
 * Audits a session: metrics, calibration, fairness and explanations (auditRun), plus the
 * `quantization` section when `settings.quantize` names schemes — on the rows of
 * `settings.cohort` only when it is set (src/report/cohort.ts; `predictions` are then ignored).
 * @param predictions f of every row of the session's data when already known (not re-predicted).
 * @throws ModelError when variants are asked of a model whose runtime builds none.
 * @example const report = await auditFull(session, { ...AUDIT_DEFAULTS, backend: 'wasm' })
 */
export async function auditFull(
  s: Session,
  settings: AuditSettings,
  hooks: AuditHooks = {},
  predictions?: Float32Array,
): Promise<Report> {
  const predicate = settings.cohort?.trim()
  if (!predicate) return auditAll(s, settings, hooks, predictions)
  const c = auditCohort(s, predicate)
  const { cohort: _, ...rest } = settings
  const rows = settings.rows && cohortPositions(c, settings.rows)
  const report = await auditAll(cohortSession(s, c), { ...rest, rows }, hooks)
  return cohortReport(report, c, s.table.nRows)
}

/** auditFull on every row of `s`. */
async function auditAll(
  s: Session,
  settings: AuditSettings,
  hooks: AuditHooks,
  predictions?: Float32Array,
): Promise<Report> {
  const phase = (p: AuditPhase) =>
    hooks.onProgress
      ? (done: number, total: number) => hooks.onProgress!(done, total, p)
      : undefined
  const common = {
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
    ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
  }
  const auditProgress = phase('audit')
  const report = await auditRun(
    {
      schema: s.schema,
      table: s.table,
      x: s.x,
      values: s.values,
      labels: s.labels,
      predict: s.predict,
      grad: s.grad,
      model: reportModel(s.model.card, {
        treeShapUnavailable: s.treeShap.status === 'unavailable' ? s.treeShap.reason : null,
        igUnavailable: s.gradUnavailable,
      }),
      dataSha256: s.dataSha256,
      classLabel: s.classLabel,
      fast: settings.fastPath === false ? null : s.fast,
      fastUnavailable: settings.fastPath === false ? 'the fast path was turned off' : s.fastReason,
      input: s.input,
      ...(predictions ? { predictions } : {}),
      ...(s.treeShap.status === 'available' ? { treeShap: s.treeShap } : {}),
      igUnavailable: s.gradUnavailable,
    },
    settings,
    { ...common, ...(auditProgress ? { onProgress: auditProgress } : {}) },
  )
  if (!settings.quantize.length) return report
  const quantProgress = phase('quantization')
  const r = await compressionRun(
    s.model,
    {
      schema: s.schema,
      x: s.x,
      labels: s.labels,
      groups: sensitiveGroups(s.schema, s.table),
      offsets: s.input.offsets,
    },
    {
      ...COMPRESSION_DEFAULTS,
      ids: settings.quantize,
      column: s.column,
      threshold: settings.threshold,
      seed: settings.seed,
      background: settings.background,
      budget: settings.budget,
      latencyRepeats: 1,
    },
    { ...common, ...(quantProgress ? { onProgress: quantProgress } : {}) },
  )
  return { ...report, quantization: compressionReportSection(r) }
}
