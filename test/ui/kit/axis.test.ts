import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { extent, niceAxis, tickText } from '../../../src/ui/kit/axis.ts'

/** Is s × 10^k for s in {1, 2, 2.5, 5} (up to rounding)? */
function isNiceStep(step: number): boolean {
  const e = Math.floor(Math.log10(step) + 1e-12)
  const m = step / 10 ** e
  return [1, 2, 2.5, 5, 10].some((s) => Math.abs(m - s) < 1e-6)
}

describe('niceAxis', () => {
  it('covers the range with evenly spaced nice ticks', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (lo, span, pad) => {
          const hi = lo + span
          const { domain, ticks } = niceAxis(lo, hi, pad)
          expect(domain).toEqual([ticks[0], ticks.at(-1)])
          expect(ticks[0]!).toBeLessThanOrEqual(lo + 1e-9 * Math.max(1, Math.abs(lo)))
          expect(ticks.at(-1)!).toBeGreaterThanOrEqual(hi - 1e-9 * Math.max(1, Math.abs(hi)))
          const step = ticks[1]! - ticks[0]!
          expect(isNiceStep(step)).toBe(true)
          for (let i = 1; i < ticks.length; i++)
            expect(Math.abs(ticks[i]! - ticks[i - 1]! - step)).toBeLessThan(step * 1e-6)
          expect(ticks.length).toBeLessThanOrEqual(12)
        },
      ),
    )
  })
  it('stops the padding at the clamp when the data are inside it', () => {
    expect(niceAxis(0.03, 0.91, 0.08, 5, [0, 1])).toEqual({
      domain: [0, 1],
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    })
  })
  it('widens a degenerate range and falls back to 0…1 for non-finite ends', () => {
    expect(niceAxis(2, 2).domain[0]).toBeLessThan(2)
    expect(niceAxis(2, 2).domain[1]).toBeGreaterThan(2)
    expect(niceAxis(NaN, 1)).toEqual({ domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] })
  })
})

describe('tickText', () => {
  it('prints as many decimals as the step needs', () => {
    expect(tickText([0, 0.25, 0.5])(0.25)).toBe('0.25')
    expect(tickText([0, 0.2, 0.4])(0.4)).toBe('0.4')
    expect(tickText([0, 10, 20])(20)).toBe('20')
    expect(tickText([-0.02, 0, 0.02])(1e-12)).toBe('0.00')
  })
})

describe('extent', () => {
  it('returns the minimum and maximum, or NaNs when empty', () => {
    expect(extent([3, -1, 2])).toEqual([-1, 3])
    expect(extent(new Float64Array(200_000).fill(1))).toEqual([1, 1])
    expect(extent([])).toEqual([NaN, NaN])
  })
})
