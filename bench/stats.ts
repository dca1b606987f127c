/**
 * Pure bookkeeping of the bench (no clocks, no I/O; unit-tested in test/bench): summaries of
 * repeats, the 60 s budget rule and the repeat policy.
 *
 * Budget rule: every figure has a budget of {@link FIGURE_BUDGET_S} seconds per backend. Before
 * a figure runs, one run's seconds are estimated (model rows ÷ the backend's measured rows/s, or
 * a measured unit × units); when the estimate exceeds the budget the figure is recorded as
 * `{ skipped: true, estimateS }` instead of being run. A figure that runs does one warm-up run,
 * then repeats while they fit (see {@link anotherRepeat}).
 */

/** Seconds one figure may take per backend (the rule). */
export const FIGURE_BUDGET_S = 60

/** min / median / max (and mean) of a list of measurements. */
export type Summary = { n: number; min: number; median: number; max: number; mean: number }

/** Median of a list (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Arithmetic mean (NaN when empty). */
export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN
}

/**
 * Summary of measurements, each divided by `per` (e.g. seconds of a call of 8 rows → per row).
 * @throws RangeError on an empty list, a non-finite value or a non-positive `per`.
 */
export function summarize(xs: readonly number[], per = 1): Summary {
  if (xs.length === 0) throw new RangeError('summarize: no measurements')
  if (!(per > 0)) throw new RangeError(`summarize: per must be > 0, got ${per}`)
  if (xs.some((x) => !Number.isFinite(x)))
    throw new RangeError('summarize: a measurement is not finite')
  const v = xs.map((x) => x / per)
  return { n: v.length, min: Math.min(...v), median: median(v), max: Math.max(...v), mean: mean(v) }
}

/**
 * Throughput summary of repeats that each processed `rows` rows in `seconds[i]`: rows/s, so the
 * slowest repeat gives `min` and the fastest `max`.
 */
export function rateSummary(rows: number, seconds: readonly number[]): Summary {
  if (seconds.some((s) => !(s > 0))) throw new RangeError('rateSummary: a time is not positive')
  return summarize(
    seconds.map((s) => rows / s),
    1,
  )
}

/**
 * Ratio summary: each measurement over a reference (e.g. SHAP seconds of each row over the median
 * predict floor), the reference scaled per item by `scale[i]` when given (e.g. that row's own
 * model rows over the floor's rows, so that each row is compared with the floor of its rows).
 */
export function ratioSummary(
  xs: readonly number[],
  reference: number,
  scale?: readonly number[],
): Summary {
  if (!(reference > 0))
    throw new RangeError(`ratioSummary: reference must be > 0, got ${reference}`)
  if (!scale) return summarize(xs, reference)
  if (scale.length < xs.length || scale.some((k) => !(k > 0)))
    throw new RangeError('ratioSummary: one positive scale per measurement')
  return summarize(xs.map((x, i) => x / (reference * scale[i]!)))
}

/**
 * One run's seconds estimated from a throughput: `modelRows` rows at `rowsPerSec`, plus fixed
 * seconds. null when the rate is unknown (not measured, zero or not finite).
 */
export function estimateFromRate(
  modelRows: number,
  rowsPerSec: number | null | undefined,
  fixedS = 0,
): number | null {
  if (!(typeof rowsPerSec === 'number' && Number.isFinite(rowsPerSec) && rowsPerSec > 0))
    return null
  if (!(modelRows >= 0)) throw new RangeError(`estimateFromRate: bad row count ${modelRows}`)
  return modelRows / rowsPerSec + fixedS
}

/**
 * One run's seconds estimated from a measured unit: `units` × `unitS` (e.g. 1,000 rows × the
 * measured seconds per row). null when the unit was not measured.
 */
export function estimateFromUnit(units: number, unitS: number | null | undefined): number | null {
  if (!(typeof unitS === 'number' && Number.isFinite(unitS) && unitS >= 0)) return null
  return units * unitS
}

/**
 * One run's seconds at `units` from measured (units, seconds) points of the same work at other
 * sizes: a power law t = a·n^b through the two largest points, the exponent kept in [1, 2] (work
 * never scales better than linearly here; a bigger job can scale worse, e.g. through memory).
 * One point: linear. null without points.
 */
export function estimateScaled(
  points: readonly { units: number; seconds: number }[],
  units: number,
): number | null {
  const ok = points
    .filter((p) => p.units > 0 && Number.isFinite(p.seconds) && p.seconds > 0)
    .sort((a, b) => a.units - b.units)
  if (ok.length === 0) return null
  const hi = ok[ok.length - 1]!
  if (ok.length === 1 || units <= hi.units) {
    const near = ok.find((p) => p.units >= units) ?? hi
    return (near.seconds / near.units) * units
  }
  const lo = ok[ok.length - 2]!
  const raw =
    lo.units === hi.units ? 1 : Math.log(hi.seconds / lo.seconds) / Math.log(hi.units / lo.units)
  const b = Math.min(2, Math.max(1, raw))
  return hi.seconds * (units / hi.units) ** b
}

/** Sum of estimates; null when any part is unknown. */
export function estimateSum(parts: readonly (number | null)[]): number | null {
  let s = 0
  for (const p of parts) {
    if (p === null || !Number.isFinite(p)) return null
    s += p
  }
  return s
}

/** The budget decision of a figure before it runs. */
export type BudgetDecision =
  { run: true; estimateS: number | null } | { run: false; skipped: true; estimateS: number }

/**
 * Runs a figure unless one run's estimate exceeds the budget. An unknown estimate (null) runs:
 * there is nothing to skip on, and the first run's time is then checked by the caller.
 */
export function budgetDecide(
  estimateS: number | null,
  budgetS: number = FIGURE_BUDGET_S,
): BudgetDecision {
  if (!(budgetS > 0)) throw new RangeError(`budgetDecide: budget must be > 0, got ${budgetS}`)
  if (estimateS === null || !Number.isFinite(estimateS)) return { run: true, estimateS: null }
  return estimateS > budgetS ? { run: false, skipped: true, estimateS } : { run: true, estimateS }
}

/** How many repeats a figure wants and how long they may take. */
export type RepeatPolicy = {
  /** Repeats wanted even past `capS`, as long as the figure stays within `budgetS`. */
  minRepeats: number
  /** Never more repeats than this. */
  maxRepeats: number
  /** Soft cap: seconds of repeats (warm-up excluded) after which no further repeat starts. */
  capS: number
  /** The figure's hard budget (warm-up included). */
  budgetS: number
}

/** Repeats of a figure unless its kind says otherwise. */
export const DEFAULT_POLICY: RepeatPolicy = {
  minRepeats: 3,
  maxRepeats: 5,
  capS: 10,
  budgetS: FIGURE_BUDGET_S,
}

/**
 * Whether another repeat starts, given the repeats done (seconds each), the seconds spent on them
 * and the seconds the figure has spent in all (warm-up included). The first repeat always runs; a
 * later one when fewer than `maxRepeats` were done and the next one (expected to take the median
 * so far) ends within `capS` of repeats, or — while fewer than `minRepeats` were done — within
 * the figure's `budgetS` overall.
 */
export function anotherRepeat(
  done: readonly number[],
  repeatSpentS: number,
  totalSpentS: number,
  policy: RepeatPolicy,
): boolean {
  if (done.length === 0) return true
  if (done.length >= policy.maxRepeats) return false
  const next = median(done)
  if (repeatSpentS + next <= policy.capS) return true
  return done.length < policy.minRepeats && totalSpentS + next <= policy.budgetS
}
