/**
 * Seeded bootstrap intervals for the fairness view's disparity summary. Rows are resampled with
 * replacement (not stratified by group), the five `fairnessSummary` numbers recomputed on each
 * replicate, and the percentile interval taken. A replicate only needs the groups × 4 table of
 * confusion-cell counts. Up to 50,000 rows it is n random row draws into that table: B = 1000
 * takes about 0.1 s on 2,000 rows (Node 20, one core). Beyond, n row draws per replicate would
 * take a minute for a million rows, so the table is drawn directly from its distribution — the
 * multinomial of n draws over the cells' shares, the very distribution the row draws have —
 * in O(cells · √n) per replicate (`multinomialDraw`). Run it in the worker once the threshold
 * settles.
 */
import {
  FAIRNESS_SMALL_GROUP_ROWS,
  type FairnessGroup,
  type FairnessSummary,
  fairnessByGroup,
  fairnessSummary,
  groupRates,
} from '../fairness.ts'
import type { Labels, Scores } from '../metrics.ts'
import { multinomialDraw } from '../binomial.ts'
import { rngFromSeed } from '../random.ts'
import { groupIndex } from './groups.ts'
import { dict } from '../dict.ts'

/** The five disparity numbers, in the order the summary shows them. */
export const DISPARITY_KEYS = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
] as const satisfies readonly (keyof FairnessSummary)[]

/** A point estimate with its bootstrap percentile interval. */
export type BootstrapInterval = {
  /** The value on the original rows (`fairnessSummary`); null when undefined there. */
  estimate: number | null
  /** Lower percentile ((1 − level)/2) of the replicates; null when no replicate defines it. */
  low: number | null
  /** Upper percentile ((1 + level)/2) of the replicates; null when no replicate defines it. */
  high: number | null
  /** Replicates in which the value was defined (non-null), out of B. */
  defined: number
}

/** Intervals of every disparity number. */
export type DisparityIntervals = Record<keyof FairnessSummary, BootstrapInterval>

/** Options of `fairnessBootstrap`. */
export type FairnessBootstrapOptions = {
  /** Number of replicates, a positive integer [1000]. */
  readonly B?: number
  /** Seed of the resampling (contracts §3 default) [1]. */
  readonly seed?: number
  /** Coverage of the interval, in (0, 1) [0.95]. */
  readonly level?: number
  /**
   * How a replicate is drawn: 'rows' (n row draws) or 'counts' (the cell counts' multinomial,
   * same distribution) [rows up to FAIRNESS_BOOTSTRAP_ROW_DRAWS_MAX rows, counts above].
   */
  readonly method?: 'rows' | 'counts'
}

/** Largest row count bootstrapped by drawing rows; above it the cell counts are drawn directly. */
export const FAIRNESS_BOOTSTRAP_ROW_DRAWS_MAX = 50_000

/** Result of `fairnessBootstrap`. */
export type FairnessBootstrap = {
  B: number
  seed: number
  level: number
  threshold: number
  /** Intervals with every group. */
  intervals: DisparityIntervals
  /** Intervals without the groups that are small (< 30 rows) in the original data. */
  withoutSmall: DisparityIntervals
}

/** Linear-interpolation quantile of ascending `sorted` (numpy's default), q in [0, 1]. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

function intervalsOf(
  estimate: FairnessSummary,
  draws: Float64Array[],
  defined: Int32Array,
  level: number,
): DisparityIntervals {
  const out = {} as DisparityIntervals
  DISPARITY_KEYS.forEach((key, m) => {
    const d = defined[m]!
    const sorted = draws[m]!.subarray(0, d).sort()
    out[key] = {
      estimate: estimate[key],
      low: d === 0 ? null : quantileSorted(sorted, (1 - level) / 2),
      high: d === 0 ? null : quantileSorted(sorted, (1 + level) / 2),
      defined: d,
    }
  })
  return out
}

/**
 * Bootstrap percentile intervals of the disparity summary at `threshold`: B replicates of n rows
 * drawn with replacement by `rngFromSeed(seed)`; in each, the groups' rates and
 * `fairnessSummary` are recomputed (a group absent from a replicate has null rates and drops out
 * of the spreads, as in fairnessSummary). The "without small groups" intervals leave out the
 * groups that are small in the original rows, in every replicate. Same inputs and seed → same
 * intervals. The percentile interval need not contain the estimate when the statistic is biased
 * (a max − min spread is biased upward for small groups).
 * @returns intervals with null ends when there are no rows.
 * @throws RangeError on mismatched lengths, bad labels, a NaN score or threshold, B not a
 *   positive integer or level outside (0, 1).
 * @example fairnessBootstrap(p, y, race, 0.5, { seed: 1 }).intervals.demographicParityDifference
 */
export function fairnessBootstrap(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  threshold = 0.5,
  options: FairnessBootstrapOptions = {},
): FairnessBootstrap {
  const B = options.B ?? 1000
  const seed = options.seed ?? 1
  const level = options.level ?? 0.95
  if (!Number.isInteger(B) || B < 1) {
    throw new RangeError(`the number of bootstrap draws must be a positive whole number, got ${B}`)
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`the confidence level must be strictly between 0 and 1, got ${level}`)
  }
  // Validates inputs and gives the point estimates.
  const point = fairnessByGroup(p, y, groups, threshold)
  const index = groupIndex(groups)
  const names = index.names
  const nGroups = names.length
  const small = index.rows.map((r) => r.length < FAIRNESS_SMALL_GROUP_ROWS)
  const n = p.length
  // cell[i] = group · 4 + [tp, fp, fn, tn] position of row i.
  const cell = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    cell[i] = index.of[i]! * 4 + (p[i]! >= threshold ? 0 : 2) + (y[i] ? 0 : 1)
  }
  const counts = new Float64Array(nGroups * 4)
  const draws = [
    DISPARITY_KEYS.map(() => new Float64Array(B)),
    DISPARITY_KEYS.map(() => new Float64Array(B)),
  ]
  const defined = [new Int32Array(DISPARITY_KEYS.length), new Int32Array(DISPARITY_KEYS.length)]
  const rng = rngFromSeed(seed)
  const record = (s: FairnessSummary, which: number) => {
    DISPARITY_KEYS.forEach((key, m) => {
      const v = s[key]
      if (v !== null) draws[which]![m]![defined[which]![m]!++] = v
    })
  }
  const byCounts =
    (options.method ?? (n > FAIRNESS_BOOTSTRAP_ROW_DRAWS_MAX ? 'counts' : 'rows')) === 'counts'
  const cellCounts = new Float64Array(nGroups * 4)
  for (let i = 0; i < n; i++) cellCounts[cell[i]!]!++
  for (let b = 0; b < B && n > 0; b++) {
    if (byCounts) multinomialDraw(rng, n, cellCounts, counts)
    else {
      counts.fill(0)
      for (let k = 0; k < n; k++) counts[cell[rng.int(n)]!]!++
    }
    const byGroup = dict<FairnessGroup>()
    for (let g = 0; g < nGroups; g++) {
      const c = counts.subarray(g * 4, g * 4 + 4)
      const rates = groupRates({ tp: c[0]!, fp: c[1]!, fn: c[2]!, tn: c[3]! })
      byGroup[names[g]!] = { ...rates, small: small[g]! }
    }
    record(fairnessSummary(byGroup), 0)
    record(fairnessSummary(byGroup, { excludeSmall: true }), 1)
  }
  return {
    B,
    seed,
    level,
    threshold,
    intervals: intervalsOf(point, draws[0]!, defined[0]!, level),
    withoutSmall: intervalsOf(
      fairnessSummary(point.groups, { excludeSmall: true }),
      draws[1]!,
      defined[1]!,
      level,
    ),
  }
}
