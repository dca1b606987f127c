import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { calibration } from '../../../src/core/calibration.ts'
import {
  WILSON_Z95,
  calibrationBins,
  calibrationByGroup,
  predictionHistogram,
  wilsonInterval,
} from '../../../src/core/views/calibrationView.ts'
import { columnTexts, labels, predictions, ref } from './goldenFixture.ts'

/** Random probabilities on a coarse grid (so ties and edge values occur) with labels. */
const sample = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1 })), {
    minLength: 0,
    maxLength: 200,
  })
  .map((r) => ({
    p: Float64Array.from(r, ([k]) => k / 40),
    y: Uint8Array.from(r, ([, b]) => b),
  }))

describe('wilsonInterval', () => {
  it('matches hand-computed 95% intervals', () => {
    // (k + z²/2)/(n + z²) ± z√(k(n−k)/n + z²/4)/(n + z²), evaluated in Python.
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.2775327998628892],
      [5, 10, 0.236593090512564, 0.7634069094874361],
      [10, 10, 0.7224672001371107, 1],
      [1, 3, 0.06149194472039615, 0.7923403991979523],
      [38, 68, 0.44081865304588186, 0.6705376603046981],
      [27, 1077, 0.017285729332966154, 0.0362294817543333],
    ]
    for (const [k, n, low, high] of cases) {
      const w = wilsonInterval(k, n)!
      expect(w.low, `${k}/${n} low`).toBeCloseTo(low, 12)
      expect(w.high, `${k}/${n} high`).toBeCloseTo(high, 12)
    }
    expect(WILSON_Z95).toBe(1.959963984540054)
  })

  it('is null for n = 0, a point for z = 0, and rejects k outside 0..n', () => {
    expect(wilsonInterval(0, 0)).toBeNull()
    expect(wilsonInterval(3, 12, 0)).toEqual({ low: 0.25, high: 0.25 })
    expect(() => wilsonInterval(4, 3)).toThrow(RangeError)
    expect(() => wilsonInterval(1.5, 3)).toThrow(RangeError)
  })

  it('contains k/n, stays in [0, 1] and narrows as n grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, f) => {
          const k = Math.round(f * n)
          const w = wilsonInterval(k, n)!
          const big = wilsonInterval(4 * k, 4 * n)!
          expect(w.low).toBeGreaterThanOrEqual(0)
          expect(w.high).toBeLessThanOrEqual(1)
          expect(w.low).toBeLessThanOrEqual(k / n + 1e-12)
          expect(w.high).toBeGreaterThanOrEqual(k / n - 1e-12)
          expect(big.high - big.low).toBeLessThan(w.high - w.low)
        },
      ),
    )
  })
})

describe('calibrationBins', () => {
  it('equals the golden calibration on the equal-width path (within 1e-6)', () => {
    const r = calibrationBins(predictions, labels)
    expect(r.strategy).toBe('width')
    expect(r.count).toBe(2000)
    expect(Math.abs(r.ece! - ref.calibration.ece)).toBeLessThan(1e-6)
    expect(Math.abs(r.mce! - ref.calibration.mce)).toBeLessThan(1e-6)
    expect(Math.abs(r.brier! - ref.metrics.brier)).toBeLessThan(1e-6)
    expect(Math.abs(r.logLoss! - ref.metrics.logLoss)).toBeLessThan(1e-6)
    expect(r.bins).toHaveLength(10)
    r.bins.forEach((b, k) => {
      const want = ref.calibration.bins[k]!
      expect(b.count).toBe(want.count)
      expect(b.lower).toBeCloseTo(want.lower, 15)
      expect(b.upper).toBeCloseTo(want.upper, 15)
      expect(Math.abs(b.meanPredicted! - want.meanPredicted!)).toBeLessThan(1e-6)
      expect(Math.abs(b.fractionPositive! - want.fractionPositive!)).toBeLessThan(1e-6)
      const w = wilsonInterval(Math.round(want.fractionPositive! * want.count), want.count)!
      expect(b.wilsonLow).toBe(w.low)
      expect(b.wilsonHigh).toBe(w.high)
    })
  })

  it('is exactly calibration() plus the intervals for equal-width bins', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 15 }), ({ p, y }, nBins) => {
        const c = calibration(p, y, nBins)
        const r = calibrationBins(p, y, { nBins })
        expect(r.ece).toBe(c.ece)
        expect(r.mce).toBe(c.mce)
        expect(r.bins.map(({ wilsonLow: _l, wilsonHigh: _h, ...b }) => b)).toEqual(c.bins)
        for (const b of r.bins) expect(b.wilsonLow === null).toBe(b.count === 0)
      }),
    )
  })

  it('gives equal-mass bins with near-equal counts on the golden predictions', () => {
    for (const nBins of [5, 10, 20]) {
      const r = calibrationBins(predictions, labels, { strategy: 'mass', nBins })
      expect(r.bins).toHaveLength(nBins)
      const counts = r.bins.map((b) => b.count)
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2000)
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
      expect(r.bins[0]!.lower).toBe(0)
      expect(r.bins.at(-1)!.upper).toBe(1)
      for (let k = 1; k < r.bins.length; k++) expect(r.bins[k]!.lower).toBe(r.bins[k - 1]!.upper)
    }
  })

  it('keeps ties in one bin, tiles [0, 1] and matches the ECE definition for equal-mass bins', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 12 }), ({ p, y }, nBins) => {
        fc.pre(p.length > 0)
        const r = calibrationBins(p, y, { strategy: 'mass', nBins })
        expect(r.bins.length).toBeGreaterThan(0)
        expect(r.bins.length).toBeLessThanOrEqual(nBins)
        expect(r.bins[0]!.lower).toBe(0)
        expect(r.bins.at(-1)!.upper).toBe(1)
        let ece = 0
        let total = 0
        for (const [k, b] of r.bins.entries()) {
          expect(b.count).toBeGreaterThan(0)
          if (k > 0) expect(b.lower).toBe(r.bins[k - 1]!.upper)
          // Members are exactly the predictions in (lower, upper] ([0, upper] for the first bin).
          const inBin = [...p.keys()].filter((i) =>
            k === 0 ? p[i]! <= b.upper : p[i]! > b.lower && p[i]! <= b.upper,
          )
          expect(inBin).toHaveLength(b.count)
          const mean = inBin.reduce((s, i) => s + p[i]!, 0) / b.count
          const frac = inBin.reduce((s, i) => s + y[i]!, 0) / b.count
          expect(b.meanPredicted).toBeCloseTo(mean, 12)
          expect(b.fractionPositive).toBeCloseTo(frac, 12)
          ece += (b.count / p.length) * Math.abs(mean - frac)
          total += b.count
        }
        expect(total).toBe(p.length)
        expect(r.ece).toBeCloseTo(ece, 12)
      }),
    )
  })

  it('puts a run of identical predictions in one bin', () => {
    const p = Float64Array.from({ length: 100 }, (_, i) => (i < 60 ? 0.3 : i / 100))
    const y = new Uint8Array(100)
    const r = calibrationBins(p, y, { strategy: 'mass', nBins: 10 })
    expect(r.bins[0]).toMatchObject({ lower: 0, upper: 0.3, count: 60 })
    expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(100)
    expect(r.bins.length).toBeLessThan(10)
  })

  it('has null scores and empty bins for empty input, with either strategy', () => {
    for (const strategy of ['width', 'mass'] as const) {
      const r = calibrationBins(new Float64Array(0), new Uint8Array(0), { strategy, nBins: 4 })
      expect(r).toMatchObject({ count: 0, ece: null, mce: null, brier: null, logLoss: null })
      expect(r.bins.map((b) => b.count)).toEqual([0, 0, 0, 0])
      expect(r.bins[0]!.wilsonLow).toBeNull()
    }
  })

  it('rejects bad input', () => {
    const y = Uint8Array.of(1)
    expect(() => calibrationBins(Float64Array.of(1.5), y)).toThrow(/not a probability/)
    expect(() => calibrationBins(Float64Array.of(0.5, 1.5), Uint8Array.of(1, 0))).toThrow(
      /^the model's prediction on data row 1 is 1\.5: not a probability in \[0, 1\]/,
    )
    expect(() => predictionHistogram(Float64Array.of(0.5, NaN))).toThrow(
      /^the model's prediction on data row 1 is NaN: not a number/,
    )
    expect(() => calibrationBins(Float64Array.of(0.5), y, { nBins: 0 })).toThrow(
      /^the number of bins must be a positive whole number, got 0$/,
    )
    expect(() => calibrationBins(Float64Array.of(0.5, 0.2), y)).toThrow(RangeError)
  })

  it('gives ECE ≈ 0 on a calibrated synthetic set', () => {
    const n = 20000
    const p = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n)
    // y = 1 for a share p of rows at each p: a deterministic, perfectly calibrated set.
    const y = Uint8Array.from(p, (v, i) => ((i * 0.6180339887) % 1 < v ? 1 : 0))
    for (const strategy of ['width', 'mass'] as const) {
      expect(calibrationBins(p, y, { strategy }).ece!).toBeLessThan(0.02)
    }
  })
})

describe('predictionHistogram', () => {
  it('counts every prediction once, with the reliability bins edge convention', () => {
    const h = predictionHistogram(Float64Array.of(0, 0.1, 0.1000001, 0.5, 1), 10)
    expect(h).toHaveLength(10)
    expect(h.map((b) => b.count)).toEqual([2, 1, 0, 0, 1, 0, 0, 0, 0, 1])
    expect(h[3]).toEqual({ lower: 0.3, upper: 0.4, count: 0 })
  })

  it('sits under the golden reliability bins with the same nBins', () => {
    const h = predictionHistogram(predictions, 10)
    expect(h.map((b) => b.count)).toEqual(ref.calibration.bins.map((b) => b.count))
    expect(predictionHistogram(predictions).reduce((s, b) => s + b.count, 0)).toBe(2000)
  })

  it('rejects values outside [0, 1] and bad bin counts', () => {
    expect(() => predictionHistogram(Float64Array.of(-0.1))).toThrow(RangeError)
    expect(() => predictionHistogram(Float64Array.of(0.1), 2.5)).toThrow(RangeError)
  })
})

describe('calibrationByGroup', () => {
  it('gives each group its own reliability, the groups adding up to the counts', () => {
    for (const attribute of ['sex', 'race']) {
      const groups = columnTexts(attribute)
      const byGroup = calibrationByGroup(predictions, labels, groups)
      expect(Object.keys(byGroup)).toEqual(Object.keys(ref.fairness[attribute]!.groups))
      let total = 0
      for (const [name, g] of Object.entries(byGroup)) {
        const idx = groups.flatMap((v, i) => (v === name ? [i] : []))
        const direct = calibration(
          Float32Array.from(idx, (i) => predictions[i]!),
          Uint8Array.from(idx, (i) => labels[i]!),
        )
        expect(g.count).toBe(idx.length)
        expect(g.ece).toBe(direct.ece)
        expect(g.small).toBe(idx.length < 30)
        total += g.count
      }
      expect(total).toBe(2000)
    }
  })

  it('flags small groups and uses their own quantiles for equal-mass bins', () => {
    const p = Float64Array.from({ length: 50 }, (_, i) => i / 50)
    const y = Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0))
    const groups = Array.from(p, (_, i) => (i < 10 ? 'b' : 'a'))
    const r = calibrationByGroup(p, y, groups, { strategy: 'mass', nBins: 5 })
    expect(Object.keys(r)).toEqual(['a', 'b'])
    expect(r.b!.small).toBe(true)
    expect(r.a!.small).toBe(false)
    expect(r.b!.bins.map((b) => b.count)).toEqual([2, 2, 2, 2, 2])
    expect(() => calibrationByGroup(p, y, ['a'])).toThrow(
      `${p.length} predictions but 1 group values: one group value per row is needed`,
    )
  })
})
