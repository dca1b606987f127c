import { describe, expect, it } from 'vitest'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import { rngFromSeed } from '../../../src/core/random.ts'
import {
  DISPARITY_KEYS,
  FAIRNESS_BOOTSTRAP_ROW_DRAWS_MAX,
  fairnessBootstrap,
} from '../../../src/core/views/fairnessBootstrap.ts'
import { columnTexts, labels, predictions } from './goldenFixture.ts'

describe('fairnessBootstrap', () => {
  const sex = columnTexts('sex')
  const race = columnTexts('race')

  it('is deterministic for a seed and changes with the seed', () => {
    const a = fairnessBootstrap(predictions, labels, sex, 0.5, { B: 200, seed: 7 })
    const b = fairnessBootstrap(predictions, labels, sex, 0.5, { B: 200, seed: 7 })
    const c = fairnessBootstrap(predictions, labels, sex, 0.5, { B: 200, seed: 8 })
    expect(a).toEqual(b)
    expect(a.intervals.demographicParityDifference.low).not.toBe(
      c.intervals.demographicParityDifference.low,
    )
  })

  // Its time (B = 1000 on 2,000 rows; cell counts at 60,000) is a bench figure:
  // bench/responsiveness.ts, core.fairnessBootstrap.*.
  it('gives 95% intervals around the golden point estimates (B = 1000)', () => {
    for (const groups of [sex, race]) {
      const r = fairnessBootstrap(predictions, labels, groups, 0.5)
      expect(r).toMatchObject({ B: 1000, seed: 1, level: 0.95, threshold: 0.5 })
      const point = fairnessByGroup(predictions, labels, groups, 0.5)
      for (const key of DISPARITY_KEYS) {
        const iv = r.intervals[key]
        expect(iv.estimate, key).toBe(point[key])
        expect(iv.defined, key).toBe(1000)
        expect(iv.low!, key).toBeLessThanOrEqual(iv.estimate!)
        expect(iv.high!, key).toBeGreaterThanOrEqual(iv.estimate!)
      }
    }
  })

  it('computes each replicate exactly as fairnessByGroup on the resampled rows', () => {
    // With B = 1 both percentiles are the single replicate's value.
    const seed = 42
    const rng = rngFromSeed(seed)
    const n = predictions.length
    const idx = Array.from({ length: n }, () => rng.int(n))
    const want = fairnessByGroup(
      Float32Array.from(idx, (i) => predictions[i]!),
      Uint8Array.from(idx, (i) => labels[i]!),
      idx.map((i) => race[i]!),
      0.4,
    )
    const r = fairnessBootstrap(predictions, labels, race, 0.4, { B: 1, seed })
    for (const key of DISPARITY_KEYS) {
      expect(r.intervals[key].low, key).toBe(want[key])
      expect(r.intervals[key].high, key).toBe(want[key])
    }
  })

  it('leaves the originally small groups out of the "without small groups" intervals', () => {
    const r = fairnessBootstrap(predictions, labels, race, 0.5, { B: 300, seed: 3 })
    const point = fairnessByGroup(predictions, labels, race, 0.5)
    const large = Object.values(point.groups).filter((g) => !g.small)
    const rates = large.map((g) => g.selectionRate!)
    const wo = r.withoutSmall.demographicParityDifference
    expect(wo.estimate).toBeCloseTo(Math.max(...rates) - Math.min(...rates), 15)
    expect(wo.low!).toBeLessThanOrEqual(wo.estimate!)
    expect(wo.high!).toBeGreaterThanOrEqual(wo.estimate!)
    // Fewer, larger groups: a narrower interval than with the small ones.
    const all = r.intervals.demographicParityDifference
    expect(wo.high! - wo.low!).toBeLessThan(all.high! - all.low!)
  })

  it('counts replicates where a value is undefined and handles empty input', () => {
    // Group b has one row, positive: its FPR is undefined in every replicate.
    const p = Float64Array.of(0.9, 0.1, 0.8, 0.7)
    const y = Uint8Array.of(1, 0, 0, 1)
    const r = fairnessBootstrap(p, y, ['a', 'a', 'a', 'b'], 0.5, { B: 50, seed: 1 })
    expect(r.intervals.demographicParityDifference.defined).toBe(50)
    const empty = fairnessBootstrap(new Float64Array(0), new Uint8Array(0), [], 0.5, { B: 10 })
    expect(empty.intervals.equalizedOddsRatio).toEqual({
      estimate: null,
      low: null,
      high: null,
      defined: 0,
    })
  })

  it('draws replicates as cell counts above 50,000 rows, agreeing with row draws', () => {
    // The golden rows × 30 (60,000): the multinomial of the cell counts is the distribution of the
    // row draws, so both methods give the same intervals up to Monte Carlo error.
    const k = 30
    const p = new Float32Array(predictions.length * k)
    const y = new Uint8Array(labels.length * k)
    const groups: string[] = []
    for (let r = 0; r < k; r++) {
      p.set(predictions, r * predictions.length)
      y.set(labels, r * labels.length)
      groups.push(...race)
    }
    expect(p.length).toBeGreaterThan(FAIRNESS_BOOTSTRAP_ROW_DRAWS_MAX)
    const counts = fairnessBootstrap(p, y, groups, 0.5, { B: 400, seed: 5 })
    expect(counts).toEqual(
      fairnessBootstrap(p, y, groups, 0.5, { B: 400, seed: 5, method: 'counts' }),
    )
    const rows = fairnessBootstrap(p, y, groups, 0.5, { B: 400, seed: 5, method: 'rows' })
    for (const key of DISPARITY_KEYS) {
      const a = counts.intervals[key]
      const b = rows.intervals[key]
      expect(a.estimate, key).toBe(b.estimate)
      expect(a.defined, key).toBe(b.defined)
      const width = b.high! - b.low!
      expect(Math.abs(a.low! - b.low!), key).toBeLessThanOrEqual(0.2 * width)
      expect(Math.abs(a.high! - b.high!), key).toBeLessThanOrEqual(0.2 * width)
    }
  })

  it('rejects bad options', () => {
    const p = Float64Array.of(0.5)
    const y = Uint8Array.of(1)
    expect(() => fairnessBootstrap(p, y, ['a'], 0.5, { B: 0 })).toThrow(RangeError)
    expect(() => fairnessBootstrap(p, y, ['a'], 0.5, { level: 1 })).toThrow(RangeError)
    expect(() => fairnessBootstrap(p, y, ['a', 'b'], 0.5)).toThrow(RangeError)
  })
})
