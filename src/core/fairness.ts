/**
 * Group fairness of thresholded predictions, with fairlearn's definitions (docs/contracts.md §2).
 *
 * Per group: selectionRate = P(pred = 1), tpr = recall, fpr, precision, accuracy, each null on a
 * zero denominator. Disparities between groups: difference = max − min, ratio = min / max.
 *
 * Choice (fairlearn would propagate NaN): a spread or ratio is taken over the groups whose rate is
 * non-null, so a group without positives does not hide the TPR gap among the others. It is null
 * when no included group has the rate; a ratio is also null when the max is 0 (every group at 0).
 * The combined equalized-odds numbers take the max (difference) / min (ratio) over their non-null
 * TPR and FPR components, null when both are null. One group alone gives difference 0, ratio 1.
 */
import { type Confusion, type Labels, type Scores, metricsCheckInputs } from './metrics.ts'

/** Groups with fewer rows than this are flagged `small` (their rates are noisy). */
export const FAIRNESS_SMALL_GROUP_ROWS = 30

/** Confusion counts of one set of rows and the rates derived from them. */
export type GroupRates = Confusion & {
  /** Rows in the set. */
  count: number
  /** Share predicted positive, (tp + fp) / count; null when count = 0. */
  selectionRate: number | null
  /** True positive rate tp / (tp + fn); null when the set has no positive label. */
  tpr: number | null
  /** False positive rate fp / (fp + tn); null when the set has no negative label. */
  fpr: number | null
  /** tp / (tp + fp); null when nothing in the set is predicted positive. */
  precision: number | null
  /** (tp + tn) / count; null when count = 0. */
  accuracy: number | null
}

/** Rates of one group of a sensitive attribute. */
export type FairnessGroup = GroupRates & {
  /** True when the group has fewer than `FAIRNESS_SMALL_GROUP_ROWS` rows. */
  small: boolean
}

/** Disparity summaries between groups; each null when undefined (see module doc). */
export type FairnessSummary = {
  /** max − min selectionRate, in [0, 1]. */
  demographicParityDifference: number | null
  /** min / max selectionRate, in [0, 1]. */
  demographicParityRatio: number | null
  /** max(tpr spread, fpr spread), in [0, 1]. */
  equalizedOddsDifference: number | null
  /** min(tpr ratio, fpr ratio), in [0, 1]. */
  equalizedOddsRatio: number | null
  /** tpr spread (max − min tpr), in [0, 1]. */
  equalOpportunityDifference: number | null
}

/** Fairness of one sensitive attribute; see `fairnessByGroup`. */
export type Fairness = FairnessSummary & {
  /**
   * Rates per distinct group value, inserted in sorted (code-unit) order. Note that JavaScript
   * lists integer-like keys ('1', '10') first in numeric order whatever the insertion order.
   */
  groups: Record<string, FairnessGroup>
  /** Rates over all rows. */
  overall: GroupRates
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den
}

/**
 * Rates of one confusion matrix (fairlearn's per-group metrics), null on zero denominators.
 * @example groupRates({ tp: 1, fp: 0, tn: 3, fn: 1 }).tpr // 0.5
 */
export function groupRates(c: Confusion): GroupRates {
  const { tp, fp, tn, fn } = c
  const count = tp + fp + tn + fn
  return {
    count,
    selectionRate: ratio(tp + fp, count),
    tpr: ratio(tp, tp + fn),
    fpr: ratio(fp, fp + tn),
    precision: ratio(tp, tp + fp),
    accuracy: ratio(tp + tn, count),
    tp,
    fp,
    tn,
    fn,
  }
}

type Spread = { difference: number | null; ratio: number | null }

function spread(values: readonly (number | null)[]): Spread {
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v === null) continue
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  if (max === -Infinity) return { difference: null, ratio: null }
  return { difference: max - min, ratio: max === 0 ? null : min / max }
}

function combine(a: number | null, b: number | null, pickFn: (x: number, y: number) => number) {
  if (a === null) return b
  if (b === null) return a
  return pickFn(a, b)
}

/**
 * Disparity summaries over `groups` (see module doc for the null rules). With
 * `excludeSmall: true`, groups flagged `small` are left out: a "without small groups" companion
 * to the real values, which always include every group.
 * @returns all null when no group is included (e.g. every group is small and excluded).
 * @example fairnessSummary(fairness.groups, { excludeSmall: true }).demographicParityDifference
 */
export function fairnessSummary(
  groups: Readonly<Record<string, FairnessGroup>>,
  options: { readonly excludeSmall?: boolean } = {},
): FairnessSummary {
  const included = Object.values(groups).filter((g) => !(options.excludeSmall && g.small))
  const selection = spread(included.map((g) => g.selectionRate))
  const tpr = spread(included.map((g) => g.tpr))
  const fpr = spread(included.map((g) => g.fpr))
  return {
    demographicParityDifference: selection.difference,
    demographicParityRatio: selection.ratio,
    equalizedOddsDifference: combine(tpr.difference, fpr.difference, Math.max),
    equalizedOddsRatio: combine(tpr.ratio, fpr.ratio, Math.min),
    equalOpportunityDifference: tpr.difference,
  }
}

/**
 * Per-group rates and disparities of predictions `p >= threshold` against labels `y`, rows grouped
 * by `groups[i]` (the sensitive attribute's value of row i; '' is a group like any other).
 * Small groups stay in every number and are flagged; see `fairnessSummary` for the version
 * without them.
 * @returns for empty input: no groups, overall counts 0 with null rates, all summaries null.
 * @throws RangeError on mismatched lengths, a NaN score or threshold, or a label other than 0/1.
 * @example fairnessByGroup(predictions, labels, sexColumn, 0.5).demographicParityDifference
 */
export function fairnessByGroup(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  threshold = 0.5,
): Fairness {
  metricsCheckInputs('fairnessByGroup', p, y)
  if (groups.length !== p.length) {
    throw new RangeError(
      `${p.length} predictions but ${groups.length} group values: one group value per row is needed`,
    )
  }
  if (Number.isNaN(threshold)) throw new RangeError('the decision threshold is NaN')
  // Counts per group in the order [tp, fp, fn, tn].
  const counts = new Map<string, Float64Array>()
  for (let i = 0; i < p.length; i++) {
    const cell = (p[i]! >= threshold ? 0 : 2) + (y[i] ? 0 : 1)
    const g = groups[i]!
    let c = counts.get(g)
    if (c === undefined) {
      c = new Float64Array(4)
      counts.set(g, c)
    }
    c[cell]!++
  }
  return fairnessOfCounts(counts)
}

/**
 * `fairnessByGroup` of rows already counted: group value → its confusion cells in the order
 * [tp, fp, fn, tn] (the batch function counts them from the rows; the streamed audit,
 * src/core/stream, merges them from shards). Overall = the cells summed over the groups.
 * @returns as `fairnessByGroup`.
 * @example fairnessOfCounts(new Map([['a', [3, 1, 0, 5]]])).groups.a.tpr // 1
 */
export function fairnessOfCounts(counts: ReadonlyMap<string, ArrayLike<number>>): Fairness {
  const toConfusion = (c: ArrayLike<number>): Confusion => ({
    tp: c[0]!,
    fp: c[1]!,
    tn: c[3]!,
    fn: c[2]!,
  })
  const all = new Float64Array(4)
  for (const c of counts.values()) for (let k = 0; k < 4; k++) all[k]! += c[k]!
  const names = [...counts.keys()].sort()
  const byGroup: Record<string, FairnessGroup> = Object.fromEntries(
    names.map((name) => {
      const rates = groupRates(toConfusion(counts.get(name)!))
      return [name, { ...rates, small: rates.count < FAIRNESS_SMALL_GROUP_ROWS }]
    }),
  )
  return { groups: byGroup, overall: groupRates(toConfusion(all)), ...fairnessSummary(byGroup) }
}
