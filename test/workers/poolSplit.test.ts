import { describe, expect, it } from 'vitest'
import {
  concatRows,
  globalShapAssemble,
  matrixSlice,
  PieceProgress,
  poolWorkers,
  splitRanges,
} from '../../src/workers/poolSplit.ts'
import { matrix } from '../../src/core/types.ts'
import { rngFromSeed, rngSplit, rngSplitSeed } from '../../src/core/random.ts'

describe('splitRanges', () => {
  it('deals rows in contiguous, balanced ranges that cover everything once', () => {
    expect(splitRanges(10, 3)).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ])
    expect(splitRanges(1000, 2)).toEqual([
      [0, 500],
      [500, 1000],
    ])
    expect(splitRanges(0, 4)).toEqual([])
    for (const [n, w, min] of [
      [1, 8, 1],
      [37, 5, 4],
      [50, 3, 16],
      [100, 7, 16],
    ] as const) {
      const r = splitRanges(n, w, min)
      expect(r[0]![0]).toBe(0)
      expect(r.at(-1)![1]).toBe(n)
      for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBe(r[i - 1]![1])
      const sizes = r.map(([a, b]) => b - a)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      expect(r.length).toBeLessThanOrEqual(w)
      if (r.length > 1) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(min)
    }
  })

  it('keeps one range when there are too few rows to share', () => {
    expect(splitRanges(20, 4, 16)).toEqual([[0, 20]])
    expect(splitRanges(32, 4, 16)).toEqual([
      [0, 16],
      [16, 32],
    ])
  })

  it('rejects bad counts', () => {
    expect(() => splitRanges(-1, 2)).toThrow(RangeError)
    expect(() => splitRanges(5, 0)).toThrow(RangeError)
    expect(() => splitRanges(2.5, 2)).toThrow(RangeError)
  })
})

describe('poolWorkers', () => {
  it('gives GPU backends one worker and CPU backends up to the limit and the work', () => {
    expect(poolWorkers('webgl', 8, 1000, 16)).toBe(1)
    expect(poolWorkers('webgpu', 8, 1000, 16)).toBe(1)
    expect(poolWorkers('wasm', 2, 1000, 16)).toBe(2)
    expect(poolWorkers('cpu', 8, 1000, 16)).toBe(8)
    expect(poolWorkers('wasm', 8, 40, 16)).toBe(2)
    expect(poolWorkers('wasm', 8, 10, 16)).toBe(1)
    expect(poolWorkers('wasm', 0, 1000, 16)).toBe(1)
  })
})

describe('PieceProgress', () => {
  it('weighs each piece by its share of the work', () => {
    const p = new PieceProgress([300, 100])
    expect(p.update(1, 50, 50)).toBeCloseTo(0.25)
    expect(p.update(0, 1, 2)).toBeCloseTo(0.25 + 0.375)
    expect(p.update(0, 7, 7)).toBe(1)
  })
})

describe('globalShapAssemble', () => {
  it('stacks pieces in order and ranks by mean |φ| like one piece would', () => {
    const phi = Float64Array.from([1, -2, 0.5, 3, -1, 0, 2, 2, -0.25])
    const plan = {
      featureNames: ['a', 'b', 'c'],
      rows: Int32Array.from([4, 8, 9]),
      values: new Float64Array(9),
      method: 'shap' as const,
      treeShapUnavailable: null,
    }
    const whole = globalShapAssemble(plan, [{ phi, baseValue: 0.3, exact: true, ms: 1 }], 5)
    const split = globalShapAssemble(
      plan,
      [
        { phi: phi.slice(0, 3), baseValue: 0.3, exact: true, ms: 1 },
        { phi: phi.slice(3), baseValue: 0.3, exact: true, ms: 1 },
      ],
      5,
    )
    expect(split).toEqual(whole)
    expect(Array.from(whole.meanAbs)).toEqual([
      // summed row by row, as the single-worker job does
      1 / 3 + 3 / 3 + 2 / 3,
      2 / 3 + 1 / 3 + 2 / 3,
      0.5 / 3 + 0 / 3 + 0.25 / 3,
    ])
    expect(whole.order).toEqual([0, 1, 2])
    expect(globalShapAssemble(plan, [{ phi, baseValue: 0, exact: false, ms: 0 }], 0).exact).toBe(
      false,
    )
    expect(() =>
      globalShapAssemble(plan, [{ phi: phi.slice(3), baseValue: 0, exact: true, ms: 0 }], 0),
    ).toThrow(/2 rows, the plan 3/)
  })

  it('slices and concatenates rows without sharing buffers', () => {
    const m = matrix(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, 2)
    const s = matrixSlice(m, 1, 3)
    expect(s).toEqual({ data: Float32Array.from([3, 4, 5, 6]), rows: 2, cols: 2 })
    expect(s.data.buffer).not.toBe(m.data.buffer)
    expect(Array.from(concatRows([Float64Array.of(1), Float64Array.of(2, 3)]))).toEqual([1, 2, 3])
  })
})

describe('rngSplitSeed', () => {
  it('rebuilds the stream rngSplit gives, so a helper worker can draw the same design', () => {
    const a = rngFromSeed(42)
    const b = rngFromSeed(42)
    const child = rngSplit(a)
    const again = rngFromSeed(rngSplitSeed(b))
    for (let i = 0; i < 20; i++) expect(again.uint32()).toBe(child.uint32())
    expect(a.uint32()).toBe(b.uint32()) // the parents moved alike
  })
})
