/**
 * Report JSON v1 (docs/contracts.md §4): what `glassbox audit --out` writes and what the browser
 * exports. Sections whose work was not asked for are absent. JSON Schema:
 * public/schema/report.v1.json.
 */
import type { RowExplanation } from '../core/explain.ts'
import type { ReportComparison } from './compare.ts'
import type { QuantizationReportEntry } from '../core/quantize/compare.ts'

/** One group's (or the overall) rates; null on a zero denominator. */
export type ReportRates = {
  count: number
  selectionRate: number | null
  tpr: number | null
  fpr: number | null
  precision: number | null
  accuracy: number | null
}

/** `fairness.<attr>`: groups, overall and the disparities (contracts §2). */
export type ReportFairnessAttr = {
  groups: Record<string, ReportRates & { small: boolean }>
  overall: ReportRates
  demographicParityDifference: number | null
  demographicParityRatio: number | null
  equalizedOddsDifference: number | null
  equalizedOddsRatio: number | null
  equalOpportunityDifference: number | null
}

/** A `quantization.<id>` entry: the core's comparison summary (quantizationReportEntry). */
export type ReportQuantization = QuantizationReportEntry

/** `drift.features.<feature>`. */
export type ReportDriftFeature = {
  psi: number
  ks: number | null
  pValue: number | null
  wasserstein: number | null
  chi2: number | null
  drifted: boolean
}

/** The reviewer's decision ('' = none yet). */
export type ReportDecision =
  '' | 'approved' | 'approved with conditions' | 'rejected' | 'needs more work'
/** The reviewer's record. */
export type ReportReview = { reviewer: string; decision: ReportDecision; notes: string }

/**
 * `model`: the audited model's identity (contracts §4, §7). The runtime and tree fields are absent
 * for TensorFlow.js models, whose reports stay as they were before other runtimes existed.
 */
export type ReportModel = {
  sha256: string
  /** `layers-model` | `graph-model` | `onnx` | `xgboost-json`. */
  format: string
  inputs: number
  parameters: number
  bytes: number
  /** `onnxruntime-web` or `glassbox-trees`; absent = `tfjs`. */
  runtime?: string
  /** Number of trees of a tree ensemble. */
  trees?: number
  /** Depth of the deepest leaf (the root at depth 0) of a tree ensemble. */
  maxDepth?: number
  /** Why a tree model's rows have no `treeShap` (an op mixing columns, …). */
  treeShapUnavailable?: string
  /** Why the rows have no `ig` (the runtime has no gradients). */
  igUnavailable?: string
}

/** Report JSON v1 (contracts §4). */
export type Report = {
  reportVersion: 1
  tool: { name: 'glassbox'; version: string }
  model: ReportModel
  data: { sha256: string; rows: number }
  settings: {
    threshold: number
    classIndex: number
    rows: number[]
    background: { kind: string; k: number }
    budget: number
    seed: number
    igSteps: number | 'auto'
    igMethod: string
    igBaseline: string
    counterfactuals: number
    quantize: string[]
    backend: string
    /** TreeSHAP kinds computed (`--tree-shap`); present for models that offer TreeSHAP. */
    treeShap?: string[]
    /**
     * The cohort every section was computed on: its predicate and row count (absent: every row
     * of the data). `rows` and the `explanations` keys are rows of the data file all the same.
     */
    cohort?: { predicate: string; rows: number }
  }
  metrics?: {
    accuracy: number | null
    rocAuc: number | null
    logLoss: number | null
    brier: number | null
  }
  calibration?: {
    ece: number | null
    mce: number | null
    bins: {
      lower: number
      upper: number
      count: number
      meanPredicted: number | null
      fractionPositive: number | null
    }[]
  }
  fairness?: Record<string, ReportFairnessAttr>
  explanations?: Record<string, RowExplanation>
  quantization?: Record<string, ReportQuantization>
  /** The reviewer's record, from the dashboard. */
  review?: ReportReview
  drift?: {
    features: Record<string, ReportDriftFeature>
    maxPsi: number
    prediction: { psi: number; ks: number | null }
    oodShare: number | null
  }
  /** §8: the challenger against this report's model (glassbox compare). */
  comparison?: ReportComparison
}
