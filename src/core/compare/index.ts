/**
 * Comparing two models on the same rows (docs/contracts.md §8): `compareModels` and the
 * statistics it is built from, for the CLI's `glassbox compare`, the report and the app's Compare
 * view.
 */
export { compareModels, comparisonSection } from './compare.ts'
export {
  type BootstrapMethod,
  COMPARE_BOOTSTRAP_ROW_DRAWS_MAX,
  type PairedBootstrapOptions,
  type PairedReplicates,
  type PercentileInterval,
  pairedReplicates,
  percentileInterval,
} from './bootstrap.ts'
export { type PairedRows, pairedRows } from './cells.ts'
export { type DelongTest, Z_95, delongTest, normalTest, normalTwoSidedP } from './delong.ts'
export {
  type ExplanationAgreement,
  attributionTopK,
  compareSampleRows,
  explanationAgreement,
  meanAbsAttribution,
} from './explanations.ts'
export { type Grouping, type GroupingIndex, groupingIndex } from './groupings.ts'
export { binomialHalfCdf, mcnemarExact } from './mcnemar.ts'
/** The engine's input and output types (CompareInput, ModelComparison, ComparisonSection, …). */
export type * from './types.ts'
