import { describe, expect, it } from 'vitest'
import {
  COMPARE_BOOTSTRAP_ROW_DRAWS_MAX,
  pairedReplicates,
  percentileInterval,
} from '../../../src/core/compare/bootstrap.ts'
import { CELL_EXACT_DRAWS } from '../../../src/core/compare/bootstrapCounts.ts'
import { ROW_CELLS, cellTotalsOf, pairedRows } from '../../../src/core/compare/cells.ts'
import { groupingIndex } from '../../../src/core/compare/groupings.ts'
import { calibration } from '../../../src/core/calibration.ts'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import { accuracyAt, brier, logLoss } from '../../../src/core/metrics.ts'
import { rngFromSeed } from '../../../src/core/random.ts'
import { DISPARITY_KEYS } from '../../../src/core/views/fairnessBootstrap.ts'
import { type PairedData, at, pairedData } from './data.ts'

const T = 0.5

function rowsOf(d: PairedData, a: Float32Array = d.pA, b: Float32Array = d.pB) {
  const groupings = [
    { name: 'sex', ...groupingIndex('sex', d.sex, d.y.length) },
    { name: 'race', ...groupingIndex('race', d.race, d.y.length) },
  ]
  return pairedRows(a, b, d.y, groupings, T)
}

/** challenger − champion of every statistic on the rows `idx`, with the audit's own functions. */
function recompute(d: PairedData, idx: Int32Array): number[] {
  const a = at(d.pA, idx)
  const b = at(d.pB, idx)
  const y = Uint8Array.from(idx, (i) => d.y[i]!)
  const out = [
    accuracyAt(b, y, T)! - accuracyAt(a, y, T)!,
    logLoss(b, y)! - logLoss(a, y)!,
    brier(b, y)! - brier(a, y)!,
    calibration(b, y).ece! - calibration(a, y).ece!,
  ]
  for (const groups of [d.sex, d.race]) {
    const g = Array.from(idx, (i) => groups[i]!)
    const fa = fairnessByGroup(a, y, g, T)
    const fb = fairnessByGroup(b, y, g, T)
    for (const key of DISPARITY_KEYS) {
      const va = fa[key]
      const vb = fb[key]
      out.push(va === null || vb === null ? NaN : vb - va)
    }
  }
  return out
}

describe('pairedReplicates', () => {
  const d = pairedData(300, 3)
  const rows = rowsOf(d)

  it('equals an independent recomputation on the rows each replicate draws (rows method)', () => {
    const B = 25
    const reps = pairedReplicates(rows, { B, seed: 9 })
    expect(reps.method).toBe('rows')
    expect(reps.draws.length).toBe(4 + 2 * DISPARITY_KEYS.length)
    // The same stream: replicate b is draws b·n … (b + 1)·n − 1 of rng.int(n).
    const rng = rngFromSeed(9)
    const n = d.y.length
    for (let b = 0; b < B; b++) {
      const idx = Int32Array.from({ length: n }, () => rng.int(n))
      recompute(d, idx).forEach((want, s) => {
        const got = reps.draws[s]![b]!
        if (Number.isNaN(want)) expect(got, `stat ${s}, replicate ${b}`).toBeNaN()
        else expect(got, `stat ${s}, replicate ${b}`).toBeCloseTo(want, 12)
      })
    }
  })

  it('uses the same resample for both models: swapping them negates every replicate', () => {
    const swapped = pairedReplicates(rowsOf(d, d.pB, d.pA), { B: 40, seed: 2 })
    const reps = pairedReplicates(rows, { B: 40, seed: 2 })
    reps.draws.forEach((draws, s) =>
      draws.forEach((v, b) => {
        const w = swapped.draws[s]![b]!
        if (Number.isNaN(v)) expect(w).toBeNaN()
        else expect(w + v, `stat ${s}, replicate ${b}`).toBeCloseTo(0, 14) // sums may reorder
      }),
    )
  })

  it('gives exactly zero in every replicate for a model against itself, by both methods', () => {
    for (const method of ['rows', 'counts'] as const) {
      const reps = pairedReplicates(rowsOf(d, d.pA, d.pA), { B: 30, seed: 4, method })
      for (const draws of reps.draws)
        for (const v of draws) if (!Number.isNaN(v)) expect(v, method).toBe(0)
    }
  })

  it('draws cell totals with the mean and variance of row draws (counts method)', () => {
    const big = pairedData(6000, 5)
    const r = rowsOf(big)
    // The normal within-cell sums must be exercised: cells with more rows than the exact cut-off.
    const counts = cellTotalsOf(r).rowCounts
    let large = 0
    for (let c = 0; c < ROW_CELLS; c++) if (counts[c]! > CELL_EXACT_DRAWS) large++
    expect(large).toBeGreaterThan(10)
    const B = 1000
    const byRows = pairedReplicates(r, { B, seed: 11, method: 'rows' })
    const byCounts = pairedReplicates(r, { B, seed: 12, method: 'counts' })
    const moments = (v: Float64Array) => {
      const x = v.filter((t) => !Number.isNaN(t))
      const m = x.reduce((s, t) => s + t, 0) / x.length
      const sd = Math.sqrt(x.reduce((s, t) => s + (t - m) ** 2, 0) / (x.length - 1))
      return { m, sd, k: x.length }
    }
    byRows.draws.forEach((draws, s) => {
      const a = moments(draws)
      const b = moments(byCounts.draws[s]!)
      if (a.sd === 0) return expect(b.sd).toBe(0)
      // Monte Carlo error of a mean: sd/√B; of an sd: about sd/√(2B) (≈ 2.2% here).
      expect(Math.abs(a.m - b.m), `mean of stat ${s}`).toBeLessThan(
        (4 * Math.hypot(a.sd, b.sd)) / Math.sqrt(B),
      )
      expect(b.sd / a.sd, `sd of stat ${s}`).toBeGreaterThan(0.85)
      expect(b.sd / a.sd, `sd of stat ${s}`).toBeLessThan(1.18)
    })
  })

  it('chooses row draws up to the limit and cell totals above it', () => {
    expect(pairedReplicates(rows, { B: 1 }).method).toBe('rows')
    const big = pairedData(COMPARE_BOOTSTRAP_ROW_DRAWS_MAX + 1, 6)
    const reps = pairedReplicates(rowsOf(big), { B: 5, seed: 1 })
    expect(reps.method).toBe('counts')
    expect(reps.draws[0]!.every((v) => Number.isFinite(v))).toBe(true)
  })

  it('is deterministic for a seed, and B = 0 draws nothing', () => {
    const a = pairedReplicates(rows, { B: 20, seed: 7 })
    expect(pairedReplicates(rows, { B: 20, seed: 7 })).toEqual(a)
    expect(pairedReplicates(rows, { B: 20, seed: 8 }).draws[0]).not.toEqual(a.draws[0])
    const none = pairedReplicates(rows, { B: 0 })
    expect(none.draws.every((x) => x.length === 0)).toBe(true)
    expect(() => pairedReplicates(rows, { B: 1.5 })).toThrow(/B must be a non-negative integer/)
  })
})

describe('percentileInterval', () => {
  it('takes numpy’s linear quantiles of the defined replicates', () => {
    // np.quantile([1, 2, 3, 4, 5], [0.025, 0.975]) = [1.1, 4.9]
    const iv = percentileInterval(Float64Array.of(5, NaN, 1, 4, 2, 3), 0.95)
    expect(iv.defined).toBe(5)
    expect(iv.ci![0]).toBeCloseTo(1.1, 14)
    expect(iv.ci![1]).toBeCloseTo(4.9, 14)
    expect(percentileInterval(Float64Array.of(NaN, NaN))).toEqual({ ci: null, defined: 0 })
    expect(() => percentileInterval(Float64Array.of(1), 1)).toThrow(/level/)
  })
})
