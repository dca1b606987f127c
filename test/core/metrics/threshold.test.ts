import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { logLoss, logLossRow } from '../../../src/core/metrics.ts'

describe('logLossRow', () => {
  it('is −ln p for a positive, −ln(1 − p) for a negative, p clipped to [1e-15, 1 − 1e-15]', () => {
    expect(logLossRow(0.5, 1)).toBeCloseTo(Math.LN2, 15)
    expect(logLossRow(0.25, 0)).toBeCloseTo(-Math.log(0.75), 15)
    expect(logLossRow(0, 1)).toBeCloseTo(-Math.log(1e-15), 12) // ≈ 34.54, not Infinity
    expect(logLossRow(1, 0)).toBeCloseTo(-Math.log(1e-15), 1)
  })

  it('averages to logLoss exactly (logLoss sums it in row order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 50,
        }),
        (rows) => {
          const p = Float64Array.from(rows, (r) => r[0])
          const y = Uint8Array.from(rows, (r) => (r[1] ? 1 : 0))
          let sum = 0
          for (let i = 0; i < p.length; i++) sum += logLossRow(p[i]!, y[i]!)
          return logLoss(p, y) === sum / p.length
        },
      ),
    )
  })
})
