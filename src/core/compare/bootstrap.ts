/**
 * The paired bootstrap of a comparison (docs/contracts.md §8): B resamples of the n rows with
 * replacement, seeded with the project's generator (`rngFromSeed(seed)`), the *same* resample for
 * both models; in each, challenger − champion of accuracy, log loss, Brier, ECE and every
 * fairness disparity of every attribute (`pairedDeltas`), and the percentile interval of each.
 *
 * Up to {@link COMPARE_BOOTSTRAP_ROW_DRAWS_MAX} rows a replicate is n row draws, `rng.int(n)`
 * each, in order — replicate b uses draws b·n … (b + 1)·n − 1 of the stream, so a test can redraw
 * the very same rows. Above, the replicate is drawn from the cell totals' distribution
 * (`bootstrapCounts.ts`: exact for the counts, the standard normal approximation for within-cell
 * sums of more than 64 draws), in O(cells · √n) per replicate instead of O(n).
 */
import { quantileLinear } from '../drift/special.ts'
import { type Rng, rngFromSeed } from '../random.ts'
import { countsReplicate, countsSampler } from './bootstrapCounts.ts'
import {
  type CellTotals,
  type PairedRows,
  ROW_VALUES,
  cellTotalsEmpty,
  pairedDeltas,
  pairedStatCount,
} from './cells.ts'

/** Largest row count bootstrapped by drawing rows; above it the cell totals are drawn. */
export const COMPARE_BOOTSTRAP_ROW_DRAWS_MAX = 50_000

/** How replicates are drawn: n row draws, or the cell totals' distribution. */
export type BootstrapMethod = 'rows' | 'counts'

/** Options of {@link pairedReplicates}. */
export type PairedBootstrapOptions = {
  /** Replicates, a non-negative integer (0 = no bootstrap) [1000]. */
  readonly B?: number
  /** Seed of `rngFromSeed` [1]. */
  readonly seed?: number
  /** [rows up to COMPARE_BOOTSTRAP_ROW_DRAWS_MAX rows, counts above]. */
  readonly method?: BootstrapMethod
}

/** The replicates of every statistic; see {@link pairedReplicates}. */
export type PairedReplicates = {
  readonly B: number
  readonly seed: number
  readonly method: BootstrapMethod
  /** draws[s][b] = statistic s (`pairedDeltas` order) in replicate b; NaN where undefined. */
  readonly draws: Float64Array[]
}

/**
 * One replicate of n row draws (`rng.int(n)` each, in order) into `t`: the draws are tallied per
 * row first (`hits`, one random write each), then the rows are added in order, each times its
 * tally — the same totals as adding draw by draw, up to float rounding, with sequential reads.
 */
function rowsReplicate(rows: PairedRows, rng: Rng, t: CellTotals, hits: Int32Array): void {
  const { n, rowCell, values } = rows
  const { rowCounts, rowSums, attrCounts } = t
  const cells = rows.attributes.map((a) => a.cell)
  rowCounts.fill(0)
  rowSums.fill(0)
  for (const c of attrCounts) c.fill(0)
  hits.fill(0)
  for (let k = 0; k < n; k++) hits[rng.int(n)]!++
  for (let i = 0; i < n; i++) {
    const h = hits[i]!
    if (h === 0) continue
    const c = rowCell[i]!
    rowCounts[c]! += h
    const o = i * ROW_VALUES
    const q = c * ROW_VALUES
    rowSums[q]! += h * values[o]!
    rowSums[q + 1]! += h * values[o + 1]!
    rowSums[q + 2]! += h * values[o + 2]!
    rowSums[q + 3]! += h * values[o + 3]!
  }
  cells.forEach((cell, a) => {
    const counts = attrCounts[a]!
    for (let i = 0; i < n; i++) counts[cell[i]!]! += hits[i]!
  })
}

/**
 * B paired bootstrap replicates of every `pairedDeltas` statistic.
 * @throws RangeError when B is not a non-negative integer.
 * @example pairedReplicates(rows, { B: 1000, seed: 1 }).draws[0] // accuracy differences
 */
export function pairedReplicates(
  rows: PairedRows,
  options: PairedBootstrapOptions = {},
): PairedReplicates {
  const B = options.B ?? 1000
  const seed = options.seed ?? 1
  if (!Number.isInteger(B) || B < 0)
    throw new RangeError(`the number of bootstrap draws B must be a non-negative integer, got ${B}`)
  const n = rows.n
  const method = options.method ?? (n > COMPARE_BOOTSTRAP_ROW_DRAWS_MAX ? 'counts' : 'rows')
  const S = pairedStatCount(rows)
  const draws = Array.from({ length: S }, () => new Float64Array(B).fill(NaN))
  if (n === 0 || B === 0) return { B, seed, method, draws }
  const rng = rngFromSeed(seed)
  const t = cellTotalsEmpty(rows)
  const out = new Float64Array(S)
  const sampler = method === 'counts' ? countsSampler(rows) : null
  const hits = sampler ? new Int32Array(0) : new Int32Array(n)
  for (let b = 0; b < B; b++) {
    if (sampler) countsReplicate(rows, sampler, rng, t)
    else rowsReplicate(rows, rng, t, hits)
    pairedDeltas(rows, t, out)
    for (let s = 0; s < S; s++) draws[s]![b] = out[s]!
  }
  return { B, seed, method, draws }
}

/** A percentile interval and how many replicates defined the statistic. */
export type PercentileInterval = {
  /** [(1 − level)/2, (1 + level)/2] quantiles of the defined replicates; null when none is. */
  ci: [number, number] | null
  /** Replicates in which the statistic was defined (not NaN), out of B. */
  defined: number
}

/**
 * The percentile interval of one statistic's replicates (NaN = undefined, left out), quantiles by
 * numpy's default linear rule (`quantileLinear`).
 * @throws RangeError when level is outside (0, 1).
 * @example percentileInterval(replicates.draws[0], 0.95).ci
 */
export function percentileInterval(draws: Float64Array, level = 0.95): PercentileInterval {
  if (!(level > 0 && level < 1))
    throw new RangeError(`the confidence level must be in (0, 1), got ${level}`)
  const defined = draws.filter((v) => !Number.isNaN(v)).sort()
  if (defined.length === 0) return { ci: null, defined: 0 }
  return {
    ci: [quantileLinear(defined, (1 - level) / 2), quantileLinear(defined, (1 + level) / 2)],
    defined: defined.length,
  }
}
