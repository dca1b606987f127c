/**
 * VariantTally (src/core/stream/quantization.ts): against a float64 brute force written here, the
 * same for any split of the rows into merged tallies, and exact through its JSON form.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VariantTally } from '../../../src/core/stream/quantization.ts'

const scores = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n })

const pairs = fc
  .integer({ min: 0, max: 60 })
  .chain((n) => fc.tuple(scores(n), scores(n), fc.array(fc.nat({ max: n }), { maxLength: 4 })))

describe('VariantTally', () => {
  it('gives the brute-force agreement, max and mean |Δp|, for any split into merged tallies', () => {
    fc.assert(
      fc.property(pairs, ([a, b, cutsRaw]) => {
        const n = a.length
        let dis = 0
        let max = 0
        let sum = 0
        for (let i = 0; i < n; i++) {
          if (a[i]! >= 0.4 !== b[i]! >= 0.4) dis++
          max = Math.max(max, Math.abs(b[i]! - a[i]!))
          sum += Math.abs(b[i]! - a[i]!)
        }
        const whole = new VariantTally(0.4)
        whole.add(Float64Array.from(a), Float64Array.from(b))
        const cuts = [0, ...[...cutsRaw].sort((x, y) => x - y), n]
        const merged = new VariantTally(0.4)
        for (let k = cuts.length - 2; k >= 0; k--) {
          const t = new VariantTally(0.4)
          t.add(a.slice(cuts[k], cuts[k + 1]), b.slice(cuts[k], cuts[k + 1]))
          const back = VariantTally.fromJSON(JSON.parse(JSON.stringify(t.toJSON())), 't', 0.4)
          merged.merge(back)
        }
        for (const t of [whole, merged]) {
          expect(t.n).toBe(n)
          expect(t.agreement()).toBe(n === 0 ? 1 : (n - dis) / n)
          expect(t.maxAbsDiff).toBe(max)
          const want = n === 0 ? 0 : sum / n
          expect(Math.abs(t.meanAbsDiff() - want)).toBeLessThanOrEqual(
            1e-12 * Math.max(want, 1e-300),
          )
        }
        expect(JSON.stringify(merged.toJSON())).toBe(JSON.stringify(whole.toJSON()))
      }),
      { numRuns: 200 },
    )
  })

  it('refuses mismatched rows, non-finite scores and malformed JSON by name', () => {
    const t = new VariantTally(0.5)
    expect(() => t.add([0.1, 0.2], [0.1])).toThrow(/2 float32 scores but 1 variant scores/)
    expect(() => t.add([0.1], [Number.NaN])).toThrow(/row 0 has a score that is not a finite/)
    expect(() => VariantTally.fromJSON({ n: 1, tally: [2, 0, ['0']] }, 'v', 0.5)).toThrow(
      /v: the tally's counts are inconsistent/,
    )
    expect(() => VariantTally.fromJSON({ n: 1 }, 'v', 0.5)).toThrow(/v\.tally: expected a list/)
    expect(() => t.merge(new VariantTally(0.4))).toThrow(/threshold 0.4/)
  })
})
