import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import { calibration, calibrationBinIndex } from '../../src/core/calibration.ts'

const golden = (name: string) => new URL(`../fixtures/golden/adult/${name}`, import.meta.url)

type Bin = {
  lower: number
  upper: number
  count: number
  meanPredicted: number | null
  fractionPositive: number | null
}
type Reference = {
  predictions: number[]
  calibration: { nBins: number; ece: number; mce: number; bins: Bin[] }
  quantization: Record<string, { ece: number; predictions: number[] }>
}

const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as Reference
const schema = JSON.parse(readFileSync(golden('schema.json'), 'utf8')) as {
  target: { column: string; positive: string }
}
const rows = Papa.parse<Record<string, string>>(readFileSync(golden('data.csv'), 'utf8'), {
  header: true,
  skipEmptyLines: true,
}).data
const labels = Uint8Array.from(rows, (r) =>
  r[schema.target.column] === schema.target.positive ? 1 : 0,
)

/** Seeded PRNG (mulberry32): uniform in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The contract's bin rule, by linear search over the float64 edges k/nBins. */
function binByDefinition(p: number, nBins: number): number {
  if (p <= 1 / nBins) return 0
  for (let k = 1; k < nBins; k++) if (p > k / nBins && p <= (k + 1) / nBins) return k
  return nBins - 1
}

/** The nearest doubles just below and above `x`. */
function neighbours(x: number): [number, number] {
  const f = new Float64Array([x])
  const b = new BigInt64Array(f.buffer)
  const up = new Float64Array(new BigInt64Array([b[0]! + (x >= 0 ? 1n : -1n)]).buffer)[0]!
  const down = new Float64Array(new BigInt64Array([b[0]! - (x > 0 ? 1n : -1n)]).buffer)[0]!
  return [down, up]
}

describe('calibration', () => {
  it('matches every golden bin, the ECE and the MCE with float32 predictions', () => {
    const c = calibration(Float32Array.from(ref.predictions), labels, ref.calibration.nBins)
    expect(c.bins.length).toBe(ref.calibration.bins.length)
    c.bins.forEach((bin, k) => {
      const want = ref.calibration.bins[k]!
      expect(bin.lower).toBe(want.lower)
      expect(bin.upper).toBe(want.upper)
      expect(bin.count, `bin ${k}`).toBe(want.count)
      expect(Math.abs(bin.meanPredicted! - want.meanPredicted!)).toBeLessThan(1e-6)
      expect(Math.abs(bin.fractionPositive! - want.fractionPositive!)).toBeLessThan(1e-6)
    })
    expect(Math.abs(c.ece! - ref.calibration.ece)).toBeLessThan(1e-6)
    expect(Math.abs(c.mce! - ref.calibration.mce)).toBeLessThan(1e-6)
  })

  it('matches the golden ECE of every quantized variant', () => {
    for (const [id, q] of Object.entries(ref.quantization)) {
      const c = calibration(Float32Array.from(q.predictions), labels)
      expect(Math.abs(c.ece! - q.ece), id).toBeLessThan(1e-6)
    }
  })

  it('gives a small ECE on perfectly calibrated synthetic data', () => {
    const next = rng(7)
    const n = 200_000
    const p = new Float64Array(n)
    const y = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      p[i] = next()
      y[i] = next() < p[i]! ? 1 : 0
    }
    expect(calibration(p, y).ece).toBeLessThan(0.01)
    // The same predictions against y ~ Bernoulli(p²) are badly calibrated.
    for (let i = 0; i < n; i++) y[i] = next() < p[i]! * p[i]! ? 1 : 0
    expect(calibration(p, y).ece).toBeGreaterThan(0.1)
  })

  it('lists every bin with null means and null ECE/MCE for empty input', () => {
    const c = calibration(new Float32Array(0), new Uint8Array(0))
    expect(c.ece).toBeNull()
    expect(c.mce).toBeNull()
    expect(c.bins.length).toBe(10)
    for (const bin of c.bins) {
      expect(bin).toMatchObject({ count: 0, meanPredicted: null, fractionPositive: null })
    }
  })

  it('puts equal predictions in one bin with ECE = MCE', () => {
    const c = calibration(Float64Array.of(0.7, 0.7, 0.7, 0.7), Uint8Array.of(1, 1, 1, 0))
    expect(c.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 4, 0, 0, 0])
    expect(c.ece).toBeCloseTo(0.05, 12)
    expect(c.mce).toBeCloseTo(0.05, 12)
  })

  it('has counts summing to n and 0 ≤ ECE ≤ MCE ≤ 1', () => {
    const sample = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), {
      minLength: 1,
      maxLength: 200,
    })
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 30 }), (pairs, nBins) => {
        const p = Float64Array.from(pairs, ([v]) => v)
        const y = Uint8Array.from(pairs, ([, b]) => (b ? 1 : 0))
        const c = calibration(p, y, nBins)
        expect(c.bins.length).toBe(nBins)
        expect(c.bins.reduce((s, b) => s + b.count, 0)).toBe(pairs.length)
        expect(c.ece!).toBeGreaterThanOrEqual(0)
        expect(c.ece!).toBeLessThanOrEqual(c.mce! + 1e-12)
        expect(c.mce!).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('rejects predictions outside [0, 1], NaN and a bad bin count', () => {
    expect(() => calibration(Float64Array.of(0.2, 1.5), Uint8Array.of(1, 1))).toThrow(
      "the model's prediction on data row 1 is 1.5: not a probability in [0, 1]",
    )
    expect(() => calibration(Float64Array.of(-0.1), Uint8Array.of(1))).toThrow(RangeError)
    expect(() => calibration(Float64Array.of(NaN), Uint8Array.of(1))).toThrow(
      "the model's prediction on data row 0 is NaN: not a number",
    )
    expect(() => calibration(Float64Array.of(0.5), Uint8Array.of(1), 0)).toThrow(/bins/)
    expect(() => calibration(Float64Array.of(0.5), Uint8Array.of(1), 2.5)).toThrow(/bins/)
  })
})

describe('calibrationBinIndex', () => {
  it('closes bins on the right and puts 0 in the first bin', () => {
    expect(calibrationBinIndex(0, 10)).toBe(0)
    expect(calibrationBinIndex(0.1, 10)).toBe(0)
    expect(calibrationBinIndex(Math.fround(0.1), 10)).toBe(1) // float32 0.1 is above 0.1
    expect(calibrationBinIndex(0.3, 10)).toBe(2)
    expect(calibrationBinIndex(0.1 + 0.2, 10)).toBe(3) // 0.30000000000000004
    expect(calibrationBinIndex(0.5, 10)).toBe(4)
    expect(calibrationBinIndex(1, 10)).toBe(9)
    expect(calibrationBinIndex(0.25, 1)).toBe(0)
  })

  it('agrees with the definition on every edge, its neighbours and random points', () => {
    for (let nBins = 1; nBins <= 40; nBins++) {
      for (let k = 0; k <= nBins; k++) {
        const edge = k / nBins
        for (const v of [edge, ...neighbours(edge)]) {
          if (v < 0 || v > 1) continue
          expect(calibrationBinIndex(v, nBins), `${v} in ${nBins} bins`).toBe(
            binByDefinition(v, nBins),
          )
        }
      }
    }
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (v, n) => {
          expect(calibrationBinIndex(v, n)).toBe(binByDefinition(v, n))
        },
      ),
    )
  })
})
