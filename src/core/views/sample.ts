/**
 * Seeded samples for charts that draw one mark per row (beeswarm, dependence plot): above a fixed
 * size a chart draws a reproducible sample and says so ("a sample of 1,000 of 20,000 rows"),
 * so drawing stays fast whatever the number of rows. Binned charts (histograms, reliability
 * diagrams) never sample: they summarise every row.
 */
import { rngFromSeed } from '../random.ts'

/** Rows a per-row chart draws at most. */
export const CHART_SAMPLE_ROWS = 1000

/**
 * Positions 0…n−1 to draw: null when n ≤ k (draw all), else k of them drawn without replacement
 * with `rngFromSeed(seed)`, ascending. Same (n, k, seed) → same sample.
 * @throws RangeError unless n and k are non-negative integers.
 * @example chartSample(20_000, 1000)!.length // 1000
 */
export function chartSample(n: number, k = CHART_SAMPLE_ROWS, seed = 1): Int32Array | null {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0)
    throw new RangeError(
      `the chart sample needs whole row counts ≥ 0, got ${n} rows and a sample of ${k}`,
    )
  if (n <= k) return null
  return rngFromSeed(seed).sampleWithoutReplacement(n, k).sort()
}
