/**
 * Drift between a reference and a current dataset: per-feature tests, prediction and
 * performance drift, out-of-distribution rows, ranking by importance and the report section.
 */
export {
  type DriftAnalysis,
  type DriftOod,
  type DriftOptions,
  type DriftSideInput,
  driftAnalyze,
} from './analyze.ts'
export { type ChiSquareResult, chiSquare } from './chiSquare.ts'
export { type SymmetricEigen, symmetricEigen } from './eigen.ts'
export {
  DRIFT_ALPHA,
  type DriftHistogram,
  type FeatureDrift,
  type FeatureDriftOptions,
  driftHistogram,
  featureDrift,
  tableNumericColumn,
  tableValueCounts,
} from './features.ts'
export { kolmogorovSf, smirnovSf } from './kolmogorov.ts'
export { type KsResult, ksTwoSample, wasserstein1 } from './ks.ts'
export {
  type OodContribution,
  type OodFitOptions,
  type OodModel,
  type OodResult,
  type OodRow,
  oodContributions,
  oodDetect,
  oodFit,
  oodScore,
} from './ood.ts'
export {
  LABELLED_METRICS,
  type MetricChange,
  type PerformanceDrift,
  type PerformanceSideInput,
  type PredictionDrift,
  performanceDrift,
  predictionDrift,
} from './prediction.ts'
export {
  PSI_DRIFT,
  PSI_EPS,
  PSI_UNSEEN,
  PSI_WATCH,
  type PsiBins,
  type PsiCategorical,
  psiBinCounts,
  psiCategorical,
  psiEdges,
  psiFromCounts,
  psiNumeric,
} from './psi.ts'
export { type DriftRank, driftRanking, shapMeanAbs } from './ranking.ts'
export { type DriftSection, driftReportSection } from './report.ts'
export { chiSquareSf, gammaQ, holm, logGamma, quantileLinear, roundHalfEven } from './special.ts'
