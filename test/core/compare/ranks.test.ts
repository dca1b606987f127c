import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scoreOrder } from '../../../src/core/compare/ranks.ts'

/** The stable ascending order by a comparator sort (the reference). */
const slowOrder = (v: ArrayLike<number>): number[] =>
  Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b)

describe('scoreOrder', () => {
  it('equals a stable comparator sort on any doubles (ties, signs, zeros, infinities)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, 1, -1, 0.5, Infinity, -Infinity, 5e-324, -5e-324),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (a) => {
        const v = Float64Array.from(a)
        // −0 and +0 compare equal: the comparator keeps them in index order, and so must we.
        return Array.from(scoreOrder(v)).join() === slowOrder(v).join()
      }),
      { numRuns: 300 },
    )
  })

  it('orders float32 scores (two radix passes) and plain arrays', () => {
    const p = Float32Array.of(0.5, 0.25, 0.5, 0.75, 0)
    expect(Array.from(scoreOrder(p))).toEqual([4, 1, 0, 2, 3])
    expect(Array.from(scoreOrder([3, -2, 3, 1e300]))).toEqual([1, 0, 2, 3])
    expect(scoreOrder([]).length).toBe(0)
  })
})
