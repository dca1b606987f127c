/**
 * Thresholds in the fairness view: a precomputed index that gives every group's rates at any
 * threshold in O(groups · log n) (the live slider), rates under per-group thresholds, and two
 * helpers that pick per-group thresholds equalising TPR (equal opportunity) or selection rate
 * (demographic parity) and report the accuracy that costs.
 *
 * Every rate is exactly what `fairnessByGroup` gives for the same decisions: predicted positive
 * iff p ≥ the row's group threshold, compared in float64.
 */
import {
  FAIRNESS_SMALL_GROUP_ROWS,
  type Fairness,
  type FairnessGroup,
  fairnessByGroup,
  fairnessSummary,
  groupRates,
} from '../fairness.ts'
import { type Labels, type Scores, metricsCheckInputs } from '../metrics.ts'
import { groupIndex, groupsCheckLength } from './groups.ts'
import { dict } from '../dict.ts'

/** Sorted scores per group; see `fairnessIndex`. */
export type FairnessIndex = {
  /** Group values in sorted (code-unit) order, as fairnessByGroup lists them. */
  readonly names: string[]
  /** `positive[g]` = scores of group g's positive rows, ascending (float64). */
  readonly positive: Float64Array[]
  /** `negative[g]` = scores of group g's negative rows, ascending (float64). */
  readonly negative: Float64Array[]
}

/** Rates under per-group thresholds, with the overall accuracy. */
export type FairnessAtThresholds = Fairness & {
  /** Overall (tp + tn) / n under these thresholds; null for empty input. */
  accuracy: number | null
}

/** Per-group thresholds chosen by a helper, and what they do; see `thresholdsEqualOpportunity`. */
export type GroupThresholds = {
  criterion: 'equalOpportunity' | 'demographicParity'
  /** The single threshold the search starts from (groups without a choice keep it). */
  threshold: number
  /** The rate every group is brought close to; null when undefined (then nothing moves). */
  target: number | null
  /** Threshold per group (+Infinity = predict no row of the group positive). */
  thresholds: Record<string, number>
  /** The rate each group reaches (TPR or selection rate); null where undefined. */
  rates: Record<string, number | null>
  /** Overall accuracy under `thresholds`; null for empty input. */
  accuracy: number | null
  /** Overall accuracy under the single `threshold`. */
  baselineAccuracy: number | null
  /** accuracy − baselineAccuracy (negative = the accuracy the equalisation costs). */
  accuracyChange: number | null
  /** Every rate and disparity under `thresholds`. */
  fairness: Fairness
}

/** Options of the threshold helpers. */
export type ThresholdSearchOptions = {
  /** The single threshold of the view [0.5]. */
  readonly threshold?: number
  /** Rate to reach in every group [the overall rate at `threshold`]. */
  readonly target?: number
}

/** Number of values of ascending `a` below `t` (first index with a[i] ≥ t). */
function countBelow(a: Float64Array, t: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Precomputes every group's positive and negative scores, sorted, so that `fairnessIndexAt`
 * answers any threshold in O(groups · log n) without touching the rows. Build: O(n log n).
 * @throws RangeError on mismatched lengths, a NaN score or a label other than 0/1.
 * @example const index = fairnessIndex(p, y, sexColumn); fairnessIndexAt(index, 0.3)
 */
export function fairnessIndex(p: Scores, y: Labels, groups: readonly string[]): FairnessIndex {
  metricsCheckInputs('fairnessIndex', p, y)
  groupsCheckLength(p, groups)
  const index = groupIndex(groups)
  const positive: Float64Array[] = []
  const negative: Float64Array[] = []
  for (const rows of index.rows) {
    let nPos = 0
    for (let k = 0; k < rows.length; k++) nPos += y[rows[k]!]!
    const pos = new Float64Array(nPos)
    const neg = new Float64Array(rows.length - nPos)
    for (let k = 0, a = 0, b = 0; k < rows.length; k++) {
      const i = rows[k]!
      if (y[i]) pos[a++] = p[i]!
      else neg[b++] = p[i]!
    }
    positive.push(pos.sort())
    negative.push(neg.sort())
  }
  return { names: index.names, positive, negative }
}

function checkThreshold(t: number, group?: string): void {
  if (Number.isNaN(t))
    throw new RangeError(
      group === undefined
        ? 'the decision threshold is NaN'
        : `the decision threshold of group "${group}" is NaN`,
    )
}

/**
 * Rates and disparities from the index at `threshold`, or at `perGroup[name]` for the groups it
 * names (names that are not groups are ignored). Equals `fairnessByGroup` (single threshold) and
 * `fairnessAtThresholds` (per-group) exactly.
 * @throws RangeError when a threshold is NaN.
 * @example fairnessIndexAt(index, 0.5, { Female: 0.35 }).equalOpportunityDifference
 */
export function fairnessIndexAt(
  index: FairnessIndex,
  threshold = 0.5,
  perGroup: Readonly<Record<string, number>> = {},
): Fairness {
  checkThreshold(threshold)
  const groups = dict<FairnessGroup>()
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  index.names.forEach((name, g) => {
    const t = Object.hasOwn(perGroup, name) ? perGroup[name]! : threshold
    checkThreshold(t, name)
    const pos = index.positive[g]!
    const neg = index.negative[g]!
    const c = {
      fn: countBelow(pos, t),
      tp: pos.length - countBelow(pos, t),
      tn: countBelow(neg, t),
      fp: neg.length - countBelow(neg, t),
    }
    tp += c.tp
    fp += c.fp
    tn += c.tn
    fn += c.fn
    const rates = groupRates(c)
    groups[name] = { ...rates, small: rates.count < FAIRNESS_SMALL_GROUP_ROWS }
  })
  return { groups, overall: groupRates({ tp, fp, tn, fn }), ...fairnessSummary(groups) }
}

/**
 * Rates and disparities when group g's rows are predicted positive iff p ≥ thresholds[g]
 * (groups not named use `threshold`; names that are not groups are ignored). Computed with
 * `fairnessByGroup` on the 0/1 decisions.
 * @throws RangeError on mismatched lengths, bad labels, a NaN score or threshold.
 * @example fairnessAtThresholds(p, y, sex, { Female: 0.4, Male: 0.55 }).accuracy
 */
export function fairnessAtThresholds(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  thresholds: Readonly<Record<string, number>>,
  threshold = 0.5,
): FairnessAtThresholds {
  metricsCheckInputs('fairnessAtThresholds', p, y)
  groupsCheckLength(p, groups)
  checkThreshold(threshold)
  for (const [name, t] of Object.entries(thresholds)) checkThreshold(t, name)
  const decision = new Uint8Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const g = groups[i]!
    const t = Object.hasOwn(thresholds, g) ? thresholds[g]! : threshold
    decision[i] = p[i]! >= t ? 1 : 0
  }
  const f = fairnessByGroup(decision, y, groups, 0.5)
  return { ...f, accuracy: f.overall.accuracy }
}

/** Distinct values of two ascending arrays, descending. */
function distinctDescending(a: Float64Array, b: Float64Array): number[] {
  const out: number[] = []
  let i = a.length - 1
  let j = b.length - 1
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? b[j]! : j < 0 ? a[i]! : Math.max(a[i]!, b[j]!)
    out.push(v)
    while (i >= 0 && a[i] === v) i--
    while (j >= 0 && b[j] === v) j--
  }
  return out
}

/** Closer than this to the target counts as equally close (rates are ratios of counts). */
const RATE_TIE = 1e-12

/**
 * The search behind `thresholdsEqualOpportunity` / `thresholdsDemographicParity` on a prebuilt
 * index (the view keeps one per attribute for the slider): O(n log n) over all groups.
 * @throws RangeError when the threshold or target is NaN.
 * @example thresholdsFromIndex(index, 'equalOpportunity', { threshold: 0.4 }).thresholds
 */
export function thresholdsFromIndex(
  index: FairnessIndex,
  criterion: GroupThresholds['criterion'],
  options: ThresholdSearchOptions = {},
): GroupThresholds {
  const threshold = options.threshold ?? 0.5
  checkThreshold(threshold)
  const base = fairnessIndexAt(index, threshold)
  const rateOf = (tp: number, fp: number, nPos: number, n: number): number | null =>
    criterion === 'equalOpportunity'
      ? nPos === 0
        ? null
        : tp / nPos
      : n === 0
        ? null
        : (tp + fp) / n
  const overall = base.overall
  const target =
    options.target ?? rateOf(overall.tp, overall.fp, overall.tp + overall.fn, overall.count)
  if (target !== null && Number.isNaN(target)) throw new RangeError('the target rate is NaN')
  const thresholds = dict<number>()
  const rates = dict<number | null>()
  index.names.forEach((name, g) => {
    const pos = index.positive[g]!
    const neg = index.negative[g]!
    const n = pos.length + neg.length
    let best = threshold
    let bestRate = rateOf(
      pos.length - countBelow(pos, threshold),
      neg.length - countBelow(neg, threshold),
      pos.length,
      n,
    )
    if (target !== null && bestRate !== null) {
      let bestGap = Infinity
      let bestCorrect = -1
      // Candidates from the highest threshold down: +Infinity (nobody selected), then each
      // distinct score. Ties in |rate − target| go to the more accurate one, then the higher.
      for (const t of [Infinity, ...distinctDescending(pos, neg)]) {
        const tp = pos.length - countBelow(pos, t)
        const tn = countBelow(neg, t)
        const rate = rateOf(tp, neg.length - tn, pos.length, n)!
        const gap = Math.abs(rate - target)
        const correct = tp + tn
        if (gap < bestGap - RATE_TIE || (gap <= bestGap + RATE_TIE && correct > bestCorrect)) {
          best = t
          bestRate = rate
          bestGap = Math.min(gap, bestGap)
          bestCorrect = correct
        }
      }
    }
    thresholds[name] = best
    rates[name] = bestRate
  })
  const fairness = fairnessIndexAt(index, threshold, thresholds)
  const accuracy = fairness.overall.accuracy
  const baselineAccuracy = base.overall.accuracy
  return {
    criterion,
    threshold,
    target,
    thresholds,
    rates,
    accuracy,
    baselineAccuracy,
    accuracyChange:
      accuracy === null || baselineAccuracy === null ? null : accuracy - baselineAccuracy,
    fairness,
  }
}

/**
 * Per-group thresholds for equal opportunity: each group gets the threshold, among +Infinity and
 * its distinct scores, whose TPR is closest to `target` (default: the overall TPR at the single
 * threshold); equally close candidates go to the one with more correct decisions in the group,
 * then the higher threshold. A group without positive rows (TPR undefined) keeps the single
 * threshold, as do all groups when the target is undefined (no positive row at all). TPR moves
 * in steps of 1/positives, so small groups can only come near the target.
 * @throws RangeError on mismatched lengths, bad labels, a NaN score, threshold or target.
 * @example thresholdsEqualOpportunity(p, y, race, { threshold: 0.5 }).accuracyChange
 */
export function thresholdsEqualOpportunity(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  options: ThresholdSearchOptions = {},
): GroupThresholds {
  return thresholdsFromIndex(fairnessIndex(p, y, groups), 'equalOpportunity', options)
}

/**
 * Per-group thresholds for demographic parity: like `thresholdsEqualOpportunity` with the
 * selection rate P(p ≥ t) in place of TPR; the default target is the overall selection rate at
 * the single threshold. Every group has a selection rate, so every group moves.
 * @throws RangeError on mismatched lengths, bad labels, a NaN score, threshold or target.
 * @example thresholdsDemographicParity(p, y, sex).thresholds.Female
 */
export function thresholdsDemographicParity(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  options: ThresholdSearchOptions = {},
): GroupThresholds {
  return thresholdsFromIndex(fairnessIndex(p, y, groups), 'demographicParity', options)
}
