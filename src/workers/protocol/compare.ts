/**
 * The model worker's messages for comparing two models (issue 19): a challenger opened on the
 * champion's data and schema next to it, the comparison of the two on the rows in view, and the
 * report's `comparison` section. Types only (both sides import them).
 */
import type { ExplainSettings } from '../../core/explain.ts'
import type { CalibrationBin } from '../../core/calibration.ts'
import type { ModelComparison } from '../../core/compare/types.ts'
import type { ClassRequest, ModelCard, ModelInfo } from '../../model/card.ts'
import type { AuditSettings } from '../../report/audit.ts'
import type { ReportComparison } from '../../report/compare.ts'
import type { NoFields } from './common.ts'
import type { LoadResult, ModelInput } from './model.ts'

/** Result of `challengerLoad`: the challenger's card and its predictions of every row. */
export type ChallengerLoadResult = {
  /** The model card's summary as the page shows it. */
  model: ModelInfo
  card: ModelCard
  /** f of the challenger per data row (clipped into [0, 1], like the champion's). */
  predictions: Float32Array
  /** Why integrated gradients are unavailable for it; null when they are. */
  igUnavailable: string | null
}

/** What a `compare` request asks for (the scope bar's rows and threshold, the seeds). */
export type CompareRequest = {
  /** Data rows compared (the cohort's, ascending); null = every row. */
  rows: Int32Array | null
  /** Predicted positive iff p ≥ threshold. */
  threshold: number
  /** Seed of the paired bootstrap and of the explained sample. */
  seed: number
  /** Bootstrap replicates (0 = none). */
  B: number
  /**
   * SHAP of both models on a seeded sample of `rows` of the compared rows (background, budget and
   * fast path as in the settings); null = no explanation agreement.
   */
  explain: { rows: number; k: number; settings: ExplainSettings } | null
}

/** Result of `compare`: the engine's comparison (row indices are data rows) and both calibrations. */
export type CompareResult = ModelComparison & {
  /** The 10 §2 calibration bins of each model on the compared rows; null without labels. */
  calibration: { champion: CalibrationBin[]; challenger: CalibrationBin[] } | null
  /** Worker wall time, ms. */
  ms: number
}

/** The model worker's comparison requests by command (merged into ModelRequests). */
export type CompareRequests = {
  /** Opens a challenger model on the session's data and schema (the champion is untouched). */
  challengerLoad: { model: ModelInput; cls: ClassRequest }
  /** Forgets the challenger (its model is disposed). */
  challengerClear: NoFields
  /** Champion vs challenger on the rows in view. */
  compare: CompareRequest
  /** The report's `comparison` section of the whole data (the CLI's `glassbox compare`). */
  compareReport: { settings: AuditSettings }
  /** Swaps the session and the challenger (the views show the other model); roles stay. */
  challengerSwap: NoFields
}

/** The model worker's comparison results by command. */
export type CompareResults = {
  challengerLoad: ChallengerLoadResult
  challengerClear: true
  compare: CompareResult
  compareReport: ReportComparison
  challengerSwap: LoadResult
}
