import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { rngFromSeed, rngSplit } from '../../src/core/random.ts'

describe('rngFromSeed', () => {
  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = rngFromSeed(42)
    const b = rngFromSeed(42)
    const c = rngFromSeed(43)
    const xs = Array.from({ length: 100 }, () => a.uint32())
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(xs)
    expect(Array.from({ length: 100 }, () => c.uint32())).not.toEqual(xs)
  })

  it('pins the first values (a change of algorithm must be deliberate)', () => {
    const r = rngFromSeed(1)
    expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([1828152527, 3394835397, 2967886022])
    expect(rngFromSeed(1).uniform()).toBe(0.42564993195549927)
  })

  it('draws uniforms in [0, 1) with the right mean and variance', () => {
    const r = rngFromSeed(7)
    const n = 200_000
    let s = 0
    let s2 = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      const u = r.uniform()
      if (!(u >= 0 && u < 1)) outside++
      s += u
      s2 += u * u
    }
    const mean = s / n
    expect(outside).toBe(0)
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005)
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002)
  })

  it('draws normals with mean 0 and variance 1', () => {
    const r = rngFromSeed(8)
    const n = 100_000
    let s = 0
    let s2 = 0
    for (let i = 0; i < n; i++) {
      const z = r.normal()
      s += z
      s2 += z * z
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02)
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02)
  })

  it('draws integers in [0, n) uniformly', () => {
    const r = rngFromSeed(9)
    const counts = new Array<number>(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]!++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
    expect(() => r.int(0)).toThrow(RangeError)
    expect(() => r.int(2.5)).toThrow(RangeError)
  })

  it('shuffles into a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 50 }), (seed, arr) => {
        const out = rngFromSeed(seed).shuffle([...arr])
        expect([...out].sort((a, b) => a - b)).toEqual([...arr].sort((a, b) => a - b))
      }),
    )
  })

  it('samples k distinct values of [0, n) without replacement (dense and sparse paths)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 100 }),
        (seed, n, k0) => {
          const k = Math.min(k0, n)
          const s = rngFromSeed(seed).sampleWithoutReplacement(n, k)
          expect(s.length).toBe(k)
          expect(new Set(s).size).toBe(k)
          for (const v of s) expect(v >= 0 && v < n).toBe(true)
        },
      ),
    )
    expect(() => rngFromSeed(1).sampleWithoutReplacement(3, 4)).toThrow(RangeError)
  })

  it('samples every subset position uniformly', () => {
    const r = rngFromSeed(10)
    const hits = new Array<number>(1000).fill(0)
    for (let t = 0; t < 2000; t++) for (const v of r.sampleWithoutReplacement(1000, 10)) hits[v]!++
    // 20,000 draws over 1,000 positions: each ≈ 20.
    const mean = hits.reduce((a, b) => a + b, 0) / 1000
    expect(mean).toBe(20)
    expect(Math.max(...hits)).toBeLessThan(45)
  })

  it('clones and splits into reproducible independent streams', () => {
    const a = rngFromSeed(3)
    a.uint32()
    const b = a.clone()
    expect(a.uniform()).toBe(b.uniform())
    const c1 = rngSplit(rngFromSeed(4))
    const c2 = rngSplit(rngFromSeed(4))
    expect(c1.uint32()).toBe(c2.uint32())
    expect(rngFromSeed(4).uint32()).not.toBe(rngSplit(rngFromSeed(4)).uint32())
  })

  it('accepts any finite seed and rejects NaN', () => {
    expect(rngFromSeed(1.5).uint32()).not.toBe(rngFromSeed(1).uint32())
    expect(rngFromSeed(-1).uint32()).not.toBe(rngFromSeed(1).uint32())
    expect(rngFromSeed(2 ** 40).uint32()).not.toBe(rngFromSeed(0).uint32())
    expect(() => rngFromSeed(NaN)).toThrow(RangeError)
  })
})
