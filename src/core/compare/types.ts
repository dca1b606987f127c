/**
 * Types of the comparison engine: its input (two models' probabilities on the same rows, labels,
 * groupings, options, optional explanations) and its output — docs/contracts.md §8's
 * `comparison` section without the challenger's identity, plus what the app's Compare view needs
 * beyond the report (the disagreeing rows, per-group rates, the tests' details).
 */
import type { FairnessSummary, GroupRates } from '../fairness.ts'
import type { Labels, Scores } from '../metrics.ts'
import type { Matrix } from '../types.ts'
import type { BootstrapMethod } from './bootstrap.ts'
import type { DelongTest } from './delong.ts'
import type { Grouping } from './groupings.ts'

/** The two models' SHAP values on the same seeded sample of rows. */
export type ExplanationInput = {
  /** Champion's φ, sampled rows × features (schema order). */
  readonly champion: Matrix
  /** Challenger's φ on the same rows and features. */
  readonly challenger: Matrix
  /** Feature names, one per column. */
  readonly features: readonly string[]
  /** k of the top-k overlap, a positive integer (capped at the feature count) [5]. */
  readonly k?: number
}

/** Everything {@link compareModels} takes. */
export type CompareInput = {
  /** f of the champion per row, probabilities in [0, 1] (float32 from the model, or float64). */
  readonly champion: Scores
  /** f of the challenger on the same rows. */
  readonly challenger: Scores
  /** Label per row (1 positive, 0 negative); null without a target column (see ModelComparison). */
  readonly labels: Labels | null
  /** Sensitive attribute → the group of each row (values or a dictionary-encoded column) [none]. */
  readonly groupings?: Readonly<Record<string, Grouping>>
  /** Predicted positive iff p ≥ threshold [0.5]. */
  readonly threshold?: number
  /** Seed of the paired bootstrap (the audit's `--seed`) [1]. */
  readonly seed?: number
  /** Bootstrap replicates; 0 = no bootstrap (every bootstrap ci null) [1000]. */
  readonly B?: number
  /** Coverage of the bootstrap intervals, in (0, 1) [0.95]. */
  readonly level?: number
  /** Bootstrap draws: 'rows' or 'counts' [rows up to 50,000 rows, counts above]. */
  readonly method?: BootstrapMethod
  /** SHAP values of both models, for `explanations` [absent: no explanations section]. */
  readonly explanations?: ExplanationInput
}

/** One number for both models, their difference and its interval (§8). */
export type MetricComparison = {
  champion: number | null
  challenger: number | null
  /** challenger − champion; null when either is null. */
  delta: number | null
  /** Interval of delta (see the metric); null when it cannot be estimated (see `reasons`). */
  ci: [number, number] | null
}

/** A metric with a paired test (accuracy: McNemar; ROC AUC: DeLong). */
export type TestedComparison = MetricComparison & {
  /** Two-sided p-value of "no difference"; null when the test cannot run (see `reasons`). */
  pValue: number | null
}

/** §8 `comparison.metrics`. */
export type ComparisonMetrics = {
  accuracy: TestedComparison
  rocAuc: TestedComparison
  logLoss: MetricComparison
  brier: MetricComparison
  ece: MetricComparison
}

/** §8 `comparison.fairness.<attr>`: every §2 disparity of both models. */
export type DisparityComparisons = Record<keyof FairnessSummary, MetricComparison>

/** §8 `comparison.explanations`. */
export type ExplanationSummary = {
  shapRankCorrelation: number | null
  topKOverlap: number | null
  k: number
  /** Rows whose explanations were compared (the seeded sample's size). */
  rows: number
}

/** docs/contracts.md §8's `comparison` section without `challenger` (the caller adds it). */
export type ComparisonSection = {
  /** Rows compared. */
  rows: number
  /** Share of rows with the same decision under both models, in [0, 1] (1 for no rows). */
  agreement: number
  /** Rows whose decisions differ. */
  disagreements: number
  metrics: ComparisonMetrics
  fairness: Record<string, DisparityComparisons>
  /** Present only when explanations were given. */
  explanations?: ExplanationSummary
}

/** The rate names compared per group. */
export type RateKey = 'selectionRate' | 'tpr' | 'fpr' | 'precision' | 'accuracy'

/** One group of a sensitive attribute under both models, for the Compare view. */
export type GroupComparison = {
  /** Rows in the group. */
  count: number
  /** Fewer than 30 rows (`FAIRNESS_SMALL_GROUP_ROWS`). */
  small: boolean
  champion: GroupRates
  challenger: GroupRates
  /** challenger − champion of each rate; null when either is null. */
  delta: Record<RateKey, number | null>
  /** Rows of the group whose decisions differ. */
  disagreements: number
  /** …of which the champion predicts positive and the challenger negative. */
  championOnlyPositive: number
  /** …of which the challenger predicts positive and the champion negative. */
  challengerOnlyPositive: number
}

/** Mean |φ| of one feature under both models. */
export type FeatureImportance = { feature: string; champion: number; challenger: number }

/** Everything {@link compareModels} measures: the §8 section and the Compare view's extras. */
export type ModelComparison = ComparisonSection & {
  threshold: number
  /** Indices of the rows whose decisions differ, ascending (the disagreement cohort). */
  disagreementRows: Int32Array
  /** Per attribute, per group (in `fairnessByGroup` order): both models' rates. */
  groups: Record<string, Record<string, GroupComparison>>
  /** Per feature (input order): both models' mean |φ|; null without explanations. */
  featureImportance: FeatureImportance[] | null
  /** McNemar's counts (b: champion right, challenger wrong; c: the reverse); null without labels. */
  mcnemar: { b: number; c: number; pValue: number } | null
  /** DeLong's test in full (se, reason); null without labels. */
  delong: DelongTest | null
  /** How the bootstrap ran; `defined` = replicates defining each statistic, by report path. */
  bootstrap: {
    B: number
    seed: number
    level: number
    method: BootstrapMethod
    defined: Record<string, number>
  }
  /** Why a value is null, by report path (e.g. "metrics.rocAuc.ci"). */
  reasons: Record<string, string>
}
