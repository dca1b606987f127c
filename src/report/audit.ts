/**
 * The audit: every number of report JSON v1 (docs/contracts.md §4) from a loaded model and
 * dataset, through src/core only. The CLI calls it in Node; the browser's worker calls it for
 * the JSON / HTML export. No formula lives here: this module only assembles core results.
 */
import { calibration } from '../core/calibration.ts'
import {
  EXPLAIN_DEFAULTS,
  type ExplainSettings,
  type TreeShapExplain,
  explainRows,
  treeShapKindsOf,
} from '../core/explain.ts'
import type { TreeShapKind } from '../core/tree/explain.ts'
import { fairnessByGroup } from '../core/fairness.ts'
import { brier, confusionAt, logLoss, rocAuc } from '../core/metrics.ts'
import { rngFromSeed } from '../core/random.ts'
import type { Schema } from '../core/schema.ts'
import { type Table, columnCell, tableColumn } from '../core/table.ts'
import type { CheckCancel, GradFn, Matrix, PredictFn, ProgressFn } from '../core/types.ts'
import type { ModelInputMap } from '../core/modelInput.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import { fairnessSectionOf } from '../core/stream/sections.ts'
import type { Report, ReportFairnessAttr } from './types.ts'
import type { FastModel } from '../core/shap/fast/model.ts'
import { dict } from '../core/dict.ts'

/** The report's `tool.version`. */
export const TOOL_VERSION = '0.1.0'

/**
 * Audit options (CLI flags, contracts §3); defaults in AUDIT_DEFAULTS. The class of interest is
 * not one: it belongs to the session (its model and class request), and the report's
 * `settings.classIndex` is the session's class label.
 */
export type AuditSettings = ExplainSettings & {
  /** Explained rows; null = 8 rows ≥ 50 drawn with the seed. */
  rows: number[] | null
  /** Compression variants compared with the model (none: no `quantization` section). */
  quantize: QuantSchemeId[]
  backend: string
  /**
   * A cohort predicate (`age > 40 and sex = Female`): the audit runs on the rows it selects and
   * the report records it (auditFull, src/report/cohort.ts); absent or blank = every row.
   */
  cohort?: string
}

/** Contracts §3 defaults. */
export const AUDIT_DEFAULTS: AuditSettings = {
  ...EXPLAIN_DEFAULTS,
  rows: null,
  quantize: ['float16', 'uint8'],
  backend: 'auto',
}

/** What auditRun reads: a session's data, model calls and identity (auditFull builds it). */
export type AuditInput = {
  schema: Schema
  table: Table
  /** The model's input rows and the feature values (a session's, src/session). */
  x: Matrix
  values: Matrix
  labels: Uint8Array | null
  predict: PredictFn
  /** Needed when IG is asked for. */
  grad?: GradFn | null
  model: Report['model']
  dataSha256: string
  /** The class of interest (report `settings.classIndex`). */
  classLabel: number
  /** Exact fast path for Dense first layers (src/core/shap/fast); null/absent = black box. */
  fast?: FastModel | null
  /** Why `fast` is null, for the report's `shapPath.reason`. */
  fastUnavailable?: string | null
  /** Feature values → model inputs and the players' inputs; default the schema's encoding. */
  input?: ModelInputMap
  /** f of every row when already known (skips predicting them again). */
  predictions?: Float32Array
  /** TreeSHAP of a tree model (contracts §7): the kinds it offers and their explainer. */
  treeShap?: { kinds: readonly TreeShapKind[]; explain: TreeShapExplain }
  /** Why the model has no gradients: IG is skipped (no `ig` in the rows). */
  igUnavailable?: string | null
}

/**
 * The default explained rows: `count` distinct rows ≥ 50 (past the default background) drawn
 * with the seed, sorted. Fewer when the data is small; rows < 50 only when there are no others.
 */
export function auditDefaultRows(nRows: number, seed: number, count = 8): number[] {
  const lo = nRows > 50 ? 50 : 0
  const n = nRows - lo
  const k = Math.min(count, n)
  if (k <= 0) return []
  const picked = rngFromSeed(seed).sampleWithoutReplacement(n, k)
  return Array.from(picked, (r) => r + lo).sort((a, b) => a - b)
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v

/** JSON has no NaN/Infinity: map them to null everywhere in an explanation. */
export function sanitize<T>(v: T): T {
  if (typeof v === 'number') return finiteOrNull(v) as T
  if (Array.isArray(v)) return v.map(sanitize) as T
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sanitize(x)])) as T
  }
  return v
}

/** Runs the whole audit and returns the report (sections not asked for are absent). */
export async function auditRun(
  input: AuditInput,
  settings: AuditSettings = AUDIT_DEFAULTS,
  hooks: { onProgress?: ProgressFn; checkCancel?: CheckCancel; chunkRows?: number } = {},
): Promise<Report> {
  const { schema, table, x, labels } = input
  const n = x.rows
  const rows = settings.rows ?? auditDefaultRows(n, settings.seed)
  for (const r of rows) {
    if (!(Number.isInteger(r) && r >= 0 && r < n))
      throw new RangeError(`row ${r} is outside the data (0..${n - 1})`)
  }
  const t = settings.threshold
  hooks.onProgress?.(0, 1000)
  const p = input.predictions ?? (await input.predict(x))
  const report: Report = {
    reportVersion: 1,
    tool: { name: 'glassbox', version: TOOL_VERSION },
    model: input.model,
    data: { sha256: input.dataSha256, rows: n },
    settings: {
      threshold: t,
      classIndex: input.classLabel,
      rows,
      background: { kind: settings.background.kind, k: settings.background.k },
      budget: settings.budget,
      seed: settings.seed,
      igSteps: settings.igSteps,
      igMethod: settings.igMethod,
      igBaseline: settings.igBaseline,
      counterfactuals: settings.counterfactuals,
      quantize: settings.quantize,
      backend: settings.backend,
    },
  }
  const tree = input.treeShap
  if (tree)
    report.settings.treeShap = tree.kinds.filter((k) => treeShapKindsOf(settings).includes(k))
  if (labels) {
    const c = confusionAt(p, labels, t)
    report.metrics = {
      accuracy: n ? (c.tp + c.tn) / n : null,
      rocAuc: rocAuc(p, labels),
      logLoss: logLoss(p, labels),
      brier: brier(p, labels),
    }
    report.calibration = calibration(p, labels)
    const fairness = dict<ReportFairnessAttr>()
    for (const attr of schema.sensitive) {
      const col = tableColumn(table, attr)
      if (!col) continue
      const groups = Array.from({ length: n }, (_, i) => columnCell(col, i))
      fairness[attr] = fairnessSectionOf(fairnessByGroup(p, labels, groups, t))
    }
    if (Object.keys(fairness).length) report.fairness = fairness
  }
  const wantsExplanations =
    settings.shap ||
    (settings.igSteps !== 0 && !input.igUnavailable) ||
    settings.counterfactuals > 0 ||
    (!!tree && (report.settings.treeShap?.length ?? 0) > 0)
  if (wantsExplanations && rows.length) {
    const ex = await explainRows(
      {
        schema,
        x,
        values: input.values,
        predict: input.predict,
        ...(input.grad ? { grad: input.grad } : {}),
        predictions: p,
        ...(input.fast ? { fast: input.fast } : {}),
        ...(input.fastUnavailable ? { fastUnavailable: input.fastUnavailable } : {}),
        ...(input.input ? { input: input.input } : {}),
        ...(tree ? { treeShap: tree.explain } : {}),
        ...(input.igUnavailable ? { igUnavailable: input.igUnavailable } : {}),
      },
      rows,
      { ...settings, threshold: t },
      {
        ...(hooks.onProgress
          ? {
              onProgress: (d: number, tot: number) =>
                hooks.onProgress!(Math.round(50 + (950 * d) / tot), 1000),
            }
          : {}),
        ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
        ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
      },
    )
    report.explanations = sanitize(ex)
  }
  hooks.onProgress?.(1000, 1000)
  return report
}
