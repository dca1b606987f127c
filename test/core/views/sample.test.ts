import { describe, expect, it } from 'vitest'
import { CHART_SAMPLE_ROWS, chartSample } from '../../../src/core/views/sample.ts'

describe('chartSample', () => {
  it('draws everything up to k rows', () => {
    expect(chartSample(0)).toBeNull()
    expect(chartSample(CHART_SAMPLE_ROWS)).toBeNull()
    expect(chartSample(5, 5)).toBeNull()
  })

  it('draws k distinct ascending positions, the same for the same seed', () => {
    const a = chartSample(50_000, 700, 3)!
    expect(a).toHaveLength(700)
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!)
    expect(a[0]!).toBeGreaterThanOrEqual(0)
    expect(a.at(-1)!).toBeLessThan(50_000)
    expect(chartSample(50_000, 700, 3)).toEqual(a)
    expect(chartSample(50_000, 700, 4)).not.toEqual(a)
    expect(chartSample(1_000_001)).toHaveLength(CHART_SAMPLE_ROWS)
  })

  it('spreads over the whole range (each tenth holds about a tenth)', () => {
    const s = chartSample(100_000, 1000)!
    const tenths = new Array<number>(10).fill(0)
    for (const i of s) tenths[Math.floor(i / 10_000)]!++
    for (const t of tenths) expect(t).toBeGreaterThan(60)
  })

  it('rejects negative or fractional sizes', () => {
    expect(() => chartSample(-1)).toThrow(RangeError)
    expect(() => chartSample(10, 2.5)).toThrow(RangeError)
  })
})
