/**
 * The whole drift comparison in one call, for the CLI and the browser's worker alike: feature
 * drift, prediction drift, performance / calibration / fairness side by side, out-of-distribution
 * rows, and the report section. The caller encodes both tables and predicts both (the core never
 * runs a model); everything here is deterministic for a given seed.
 */
import type { Labels, Scores } from '../metrics.ts'
import { type Schema, schemaOffsets } from '../schema.ts'
import { type Table, columnCell, tableColumn } from '../table.ts'
import type { Matrix } from '../types.ts'
import { type FeatureDrift, featureDrift } from './features.ts'
import { type OodResult, oodDetect, oodFit } from './ood.ts'
import {
  type PerformanceDrift,
  type PredictionDrift,
  performanceDrift,
  predictionDrift,
} from './prediction.ts'
import { type DriftSection, driftReportSection } from './report.ts'
import { dict } from '../dict.ts'

/** One side of the comparison. */
export type DriftSideInput = {
  table: Table
  /** Encoded rows (encodeTable(schema, table).x). */
  x: Matrix
  /** Predicted probability of the class of interest per row. */
  p: Scores
  /** Labels per row; null when the data has no target column. */
  labels: Labels | null
  /** Name used in messages, e.g. the file name. */
  source?: string
}

/** Options of {@link driftAnalyze}. */
export type DriftOptions = {
  /** Decision threshold for performance and fairness (default 0.5). */
  threshold?: number
  /** Seed of the OOD fit / calibration split (default 1). */
  seed?: number
  /** Significance level after Holm (default 0.05). */
  alpha?: number
  /** Most unusual current rows listed (default 10). */
  oodTop?: number
}

/** OOD summary: the detector's facts plus its verdict on the current rows. */
export type DriftOod = OodResult & {
  /** Ledoit–Wolf shrinkage of the covariance. */
  shrinkage: number
  fitRows: number
  calibrationRows: number
}

/** Everything the Monitoring view and the CLI show. */
export type DriftAnalysis = {
  features: FeatureDrift[]
  prediction: PredictionDrift
  performance: PerformanceDrift
  /** Null when the reference has fewer than 4 rows. */
  ood: DriftOod | null
  /** Report JSON v1 `drift`. */
  section: DriftSection
}

function sensitiveGroups(schema: Schema, table: Table): Record<string, string[]> {
  const out = dict<string[]>()
  for (const attr of schema.sensitive) {
    const col = tableColumn(table, attr)
    if (col) out[attr] = Array.from({ length: table.nRows }, (_, i) => columnCell(col, i))
  }
  return out
}

/**
 * Compares `cur` with `ref` under `schema` (see the module doc and each part's module).
 * @throws DataError / RangeError on unusable input (missing column, empty side, width mismatch).
 * @example const a = driftAnalyze(schema, { table, x, p, labels }, { table: t2, x: x2, p: p2, labels: null })
 */
export function driftAnalyze(
  schema: Schema,
  ref: DriftSideInput,
  cur: DriftSideInput,
  opts: DriftOptions = {},
): DriftAnalysis {
  if (ref.x.cols !== cur.x.cols)
    throw new RangeError(
      `the reference and the current data encode to different widths (${ref.x.cols} vs ${cur.x.cols} model inputs)`,
    )
  const features = featureDrift(schema, ref.table, cur.table, {
    ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
    ...(ref.source !== undefined ? { refSource: ref.source } : {}),
    ...(cur.source !== undefined ? { curSource: cur.source } : {}),
  })
  const prediction = predictionDrift(ref.p, cur.p)
  const performance = performanceDrift(
    { p: ref.p, y: ref.labels, groups: sensitiveGroups(schema, ref.table) },
    { p: cur.p, y: cur.labels, groups: sensitiveGroups(schema, cur.table) },
    {
      threshold: opts.threshold ?? 0.5,
      ...(ref.source !== undefined ? { refName: ref.source } : {}),
      ...(cur.source !== undefined ? { curName: cur.source } : {}),
    },
  )
  let ood: DriftOod | null = null
  if (ref.x.rows >= 4) {
    const model = oodFit(ref.x, {
      seed: opts.seed ?? 1,
      offsets: schemaOffsets(schema),
      features: schema.features.map((f) => f.name),
      categorical: schema.features.map((f) => f.type === 'categorical'),
    })
    ood = {
      ...oodDetect(model, cur.x, { top: opts.oodTop ?? 10 }),
      shrinkage: model.shrinkage,
      fitRows: model.fitRows.length,
      calibrationRows: model.calibrationRows.length,
    }
  }
  return {
    features,
    prediction,
    performance,
    ood,
    section: driftReportSection(features, prediction, ood ? ood.share95 : null),
  }
}
