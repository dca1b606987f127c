import { describe, expect, it } from 'vitest'
import { mlpCreate, mlpProbability } from '../../../src/core/mlp.ts'
import {
  activationFakeQuant,
  activationGrid,
  activationRanges,
  int8ActModel,
  matrixRows,
  mlpFakeQuantProbability,
  mlpForwardHooked,
  mlpWeightTensors,
  mlpWithWeights,
} from '../../../src/core/quantize/activations.ts'
import { quantizeVariant } from '../../../src/core/quantize/schemes.ts'
import { variantCompare } from '../../../src/core/quantize/compare.ts'
import { matrix } from '../../../src/core/types.ts'
import { goldenAdult } from '../explainFixture.ts'

const g = goldenAdult()

// x → relu([x, −x] + [0, 1]) → linear sum
const tiny = mlpCreate([
  { inputs: 1, units: 2, kernel: [1, -1], bias: [0, 1], activation: 'relu' },
  { inputs: 2, units: 1, kernel: [1, 1], bias: [0], activation: 'linear' },
])

describe('mlpForwardHooked', () => {
  it('equals mlpProbability bit for bit without a hook (golden model, all rows)', () => {
    const p = mlpForwardHooked(g.mlp, g.enc.x, () => {})
    expect(Array.from(p)).toEqual(Array.from(mlpProbability(g.mlp, g.enc.x)))
  })

  it('lets the hook rewrite a layer’s outputs before the next layer', () => {
    const x = matrix(Float64Array.of(2, -3), 2, 1)
    const seen: number[][] = []
    const p = mlpForwardHooked(tiny, x, (l, a) => {
      seen.push(Array.from(a))
      if (l === 0) a.fill(1)
    })
    expect(seen[0]).toEqual([2, 0, 0, 4]) // row 0: relu(2, −1); row 1: relu(−3, 4)
    expect(Array.from(p)).toEqual([2, 2])
  })
})

describe('activationRanges', () => {
  it('records each layer’s output min/max, widened to include 0', () => {
    const x = matrix(Float64Array.of(2, -3, 0.5), 3, 1)
    expect(activationRanges(tiny, x)).toEqual([
      { min: 0, max: 4 },
      { min: 0, max: 4 }, // outputs 2, 4, 1.5
    ])
    expect(activationRanges(tiny, matrix(new Float64Array(0), 0, 1))).toEqual([
      { min: 0, max: 0 },
      { min: 0, max: 0 },
    ])
  })
})

describe('activationGrid / activationFakeQuant', () => {
  it('builds the nudged asymmetric grid (hand-computed)', () => {
    // [−0.09375, 15.84375]: scale 15.9375/255 = 0.0625, zp = round(1.5) = 2, min′ = −0.125
    const grid = activationGrid({ min: -0.09375, max: 15.84375 })
    expect(grid).toEqual({ scale: 0.0625, min: -0.125, lo: 0, hi: 255 })
    expect(activationFakeQuant(0, grid)).toBe(0) // 0 is exact
    expect(activationFakeQuant(0.03125, grid)).toBe(0) // 2.5 → 2
    expect(activationFakeQuant(0.09375, grid)).toBe(0.125) // 3.5 → 4
    expect(activationFakeQuant(100, grid)).toBe(15.8125) // clipped to code 255
    expect(activationFakeQuant(-5, grid)).toBe(-0.125) // clipped to code 0
  })

  it('widens a range without 0 and supports the symmetric grid', () => {
    expect(activationGrid({ min: 1, max: 2.55 })).toEqual({
      scale: 2.55 / 255,
      min: 0,
      lo: 0,
      hi: 255,
    })
    const sym = activationGrid({ min: -1, max: 127 / 64 }, 'symmetric')
    expect(sym).toEqual({ scale: 1 / 64, min: 0, lo: -127, hi: 127 })
    expect(activationFakeQuant(-5, sym)).toBe(-127 / 64)
    expect(activationFakeQuant(2.5 / 64, sym)).toBe(2 / 64)
    const zero = activationGrid({ min: 0, max: 0 })
    expect(activationFakeQuant(3, zero)).toBe(0)
  })
})

describe('mlpFakeQuantProbability', () => {
  it('quantizes hidden outputs, and the output only when asked', () => {
    const x = matrix(Float64Array.of(0.3), 1, 1)
    // Layer 0 outputs (0.3, 0.7) on a grid of step 4/255: 0.3 → 19·4/255, 0.7 → 45·4/255
    const ranges = [
      { min: 0, max: 4 },
      { min: 0, max: 4 },
    ]
    const step = 4 / 255
    const p = mlpFakeQuantProbability(tiny, ranges, x)
    expect(p[0]).toBeCloseTo(19 * step + 45 * step, 14)
    const pOut = mlpFakeQuantProbability(tiny, ranges, x, { quantizeOutput: true })
    expect(pOut[0]).toBeCloseTo(64 * step, 14)
    expect(() => mlpFakeQuantProbability(tiny, ranges.slice(1), x)).toThrow(/ranges/)
  })
})

describe('mlpWeightTensors / mlpWithWeights', () => {
  it('round-trips a float32 network', () => {
    const t = mlpWeightTensors(g.mlp)
    expect(t.map((w) => [w.name, w.shape])).toEqual([
      ['layer0/kernel', [88, 16]],
      ['layer0/bias', [16]],
      ['layer1/kernel', [16, 8]],
      ['layer1/bias', [8]],
      ['layer2/kernel', [8, 1]],
      ['layer2/bias', [1]],
    ])
    const back = mlpWithWeights(g.mlp, t)
    expect(Array.from(mlpProbability(back, g.enc.x))).toEqual(
      Array.from(mlpProbability(g.mlp, g.enc.x)),
    )
    expect(() => mlpWithWeights(g.mlp, t.slice(1))).toThrow(/tensors/)
  })
})

describe('int8ActModel', () => {
  const all = Array.from({ length: g.enc.x.rows }, (_, i) => i)
  const base = mlpProbability(g.mlp, g.enc.x)
  const int8 = mlpProbability(
    mlpWithWeights(g.mlp, quantizeVariant('int8', mlpWeightTensors(g.mlp)).tensors),
    g.enc.x,
  )

  it('moves toward float32 as the calibration sample grows (worst row)', async () => {
    const run = async (k: number) => {
      const m = int8ActModel(g.mlp, matrixRows(g.enc.x, all.slice(0, k)))
      return variantCompare({ p: base }, { p: await m.predict64(g.enc.x) }, g.enc.labels, {})
    }
    const ten = await run(10)
    const full = await run(2000)
    // 10 rows see layer-1 outputs up to 2.07 and clip the rest: max |Δp| 0.202. All rows give
    // the true ranges (max 25.5, from one outlying row): nothing is clipped, max |Δp| 0.069.
    expect(full.maxAbsDiff).toBeLessThan(ten.maxAbsDiff / 2)
    // Min/max ranges are outlier-sensitive: that wide range coarsens the step for typical rows,
    // so the mean |Δp| (0.0053) is worse than with 10 rows (0.0042) and well above the int8
    // weights' own (0.0011).
    const w = variantCompare({ p: base }, { p: int8 }, g.enc.labels, {})
    expect(w.meanAbsDiff).toBeLessThan(full.meanAbsDiff)
    expect(full.meanAbsDiff).toBeLessThan(0.01)
    expect(full.agreement).toBeGreaterThan(0.99)
  })

  it('reports int8 bytes plus one range per layer and float32 predictions', async () => {
    const m = int8ActModel(g.mlp, matrixRows(g.enc.x, all.slice(0, 50)))
    expect(m.variant.id).toBe('int8act')
    expect(m.variant.bytes).toBe(1768)
    expect(m.ranges).toHaveLength(3)
    expect(m.ranges[0]!.min).toBe(0) // ReLU
    const p32 = await m.predict(g.enc.x)
    expect(p32).toBeInstanceOf(Float32Array)
    expect(p32[7]).toBe(Math.fround((await m.predict64(g.enc.x))[7]!))
  })
})
