/**
 * The Monitoring view's table order, ranking and selection over a drift comparison's features,
 * and the out-of-distribution flag of a current row. Pure: the store holds the comparison, these
 * read it.
 */
import type { OodResult } from '../drift/ood.ts'
import { type DriftRank, driftRanking } from '../drift/ranking.ts'
import type { FeatureDrift } from '../drift/features.ts'
import { dict } from '../dict.ts'

/** Columns of the feature drift table that can be sorted. */
export const DriftSortKeys = [
  'feature',
  'kind',
  'psi',
  'ks',
  'chi2',
  'pAdjusted',
  'wasserstein',
  'flag',
] as const
/** A sortable column of the feature drift table. */
export type DriftSortKey = (typeof DriftSortKeys)[number]
/** The drift table's order: a column and a direction. */
export type DriftSort = { key: DriftSortKey; dir: 'asc' | 'desc' }

/** Severity for sorting by flag: drifted 2, watch 1, none 0. */
const severity = (f: FeatureDrift) => (f.drifted ? 2 : f.watch ? 1 : 0)

function sortValue(f: FeatureDrift, key: DriftSortKey): number | string | null {
  switch (key) {
    case 'feature':
      return f.feature
    case 'kind':
      return f.kind
    case 'flag':
      return severity(f) * 1e6 + f.psi
    default:
      return f[key]
  }
}

/**
 * The features in table order for `sort` (ties by feature name; nulls, e.g. KS of a categorical
 * feature, last in either direction). Returns a new array.
 * @example driftSortFeatures(features, { key: 'psi', dir: 'desc' })[0]?.feature
 */
export function driftSortFeatures(
  features: readonly FeatureDrift[],
  sort: DriftSort,
): FeatureDrift[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...features].sort((a, b) => {
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1
    } else if (va !== vb) return (va < vb ? -1 : 1) * sign
    return a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0
  })
}

/** Global importance by feature: mean |φ| of a global SHAP result, in `featureNames` order. */
export type GlobalImportance = {
  readonly featureNames: readonly string[]
  readonly meanAbs: ArrayLike<number>
}

/**
 * Features ranked by PSI × global importance (mean |φ| by feature name; a feature missing from
 * `global` counts 0) through the core's driftRanking.
 * @returns null without a global SHAP result.
 */
export function driftRankingWith(
  features: readonly FeatureDrift[],
  global: GlobalImportance | null,
): DriftRank[] | null {
  if (!global) return null
  const importance = dict<number>()
  global.featureNames.forEach((name, i) => (importance[name] = global.meanAbs[i] ?? 0))
  return driftRanking(features, importance)
}

/**
 * The feature the chart shows: the chosen one when the comparison has it, else the one with the
 * largest PSI (the first of equal ones).
 * @returns null for no features.
 */
export function driftSelected(
  features: readonly FeatureDrift[],
  chosen: string | null,
): FeatureDrift | null {
  return (
    features.find((f) => f.feature === chosen) ??
    features.reduce<FeatureDrift | null>((best, f) => (!best || f.psi > best.psi ? f : best), null)
  )
}

/**
 * Whether row `row` of the CURRENT data is out of distribution: its Mahalanobis distance from the
 * reference is above the reference's 95th percentile (`level: 'p99'`: above the 99th). The
 * reference rows are the detector's own data and are never flagged.
 * @returns false without a detector result or for a row it does not have.
 * @example oodRowFlag(result.analysis.ood, 17, 'p99')
 */
export function oodRowFlag(
  ood: OodResult | null,
  row: number,
  level: 'p95' | 'p99' = 'p95',
): boolean {
  const score = ood?.scores[row]
  return ood !== null && score !== undefined && score > ood.thresholds[level]
}

/** The OOD distance of current row `row`; null when unknown (see {@link oodRowFlag}). */
export function oodRowScore(ood: OodResult | null, row: number): number | null {
  return ood?.scores[row] ?? null
}
