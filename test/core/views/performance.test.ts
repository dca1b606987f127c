import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { performanceAt } from '../../../src/core/views/performance.ts'
import { calibration } from '../../../src/core/calibration.ts'
import { thresholdFreeMetrics } from '../../../src/core/metrics.ts'

const data = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1 })), {
    minLength: 2,
    maxLength: 60,
  })
  .map((r) => ({
    p: Float32Array.from(r, ([k]) => k / 20),
    y: Uint8Array.from(r, ([, b]) => b),
  }))

describe('performanceAt', () => {
  it('recounts the confusion at t (float64, row by row) and reuses the rest', () => {
    fc.assert(
      fc.property(data, fc.double({ min: 0, max: 1, noNaN: true }), ({ p, y }, t) => {
        const free = {
          free: thresholdFreeMetrics(p, y),
          roc: null,
          pr: null,
          averagePrecision: null,
          calibration: calibration(p, y),
        }
        const perf = performanceAt(free, p, y, t)
        let tp = 0
        let tn = 0
        for (let i = 0; i < p.length; i++) {
          if (p[i]! >= t && y[i]) tp++
          if (p[i]! < t && !y[i]) tn++
        }
        expect(perf.metrics.threshold).toBe(t)
        expect(perf.metrics.confusion.tp).toBe(tp)
        expect(perf.metrics.confusion.tn).toBe(tn)
        expect(perf.metrics.accuracy).toBeCloseTo((tp + tn) / p.length, 12)
        expect(perf.free).toBe(free.free)
        expect(perf.calibration).toBe(free.calibration)
        expect(performanceAt(perf, p, y, t)).toBe(perf)
      }),
    )
  })
})
