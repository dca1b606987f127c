import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import { symmetricEigen } from '../../../src/core/drift/eigen.ts'
import { oodContributions, oodDetect, oodFit, oodScore } from '../../../src/core/drift/ood.ts'
import { encodeTable } from '../../../src/core/encode.ts'
import { rngFromSeed } from '../../../src/core/random.ts'
import { type Schema, schemaOffsets } from '../../../src/core/schema.ts'
import { type Matrix, matrix } from '../../../src/core/types.ts'

/** Rows `rows` of `x` as a new matrix. */
function take(x: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * x.cols)
  for (let k = 0; k < rows.length; k++)
    out.set(x.data.subarray(rows[k]! * x.cols, (rows[k]! + 1) * x.cols), k * x.cols)
  return matrix(out, rows.length, x.cols)
}

/** n rows of a correlated 5-dimensional Gaussian: x = A z, z ~ N(0, I). */
function gaussian(n: number, seed: number): Matrix {
  const A = [
    [1, 0, 0, 0, 0],
    [0.8, 0.6, 0, 0, 0],
    [0, 0.5, 2, 0, 0],
    [0.3, 0, 0, 0.1, 0],
    [0, 0, 0, 0, 5],
  ]
  const rng = rngFromSeed(seed)
  const data = new Float64Array(n * 5)
  const z = new Float64Array(5)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 5; j++) z[j] = rng.normal()
    for (let r = 0; r < 5; r++) data[i * 5 + r] = A[r]!.reduce((s, a, j) => s + a * z[j]!, 0)
  }
  return matrix(data, n, 5)
}

describe('symmetricEigen', () => {
  it('reconstructs A = V Λ Vᵀ with orthonormal V', () => {
    const n = 7
    const rng = rngFromSeed(3)
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal()
    const { values, vectors: V } = symmetricEigen(a, n)
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rec = 0
        let dot = 0
        for (let k = 0; k < n; k++) {
          rec += V[i * n + k]! * values[k]! * V[j * n + k]!
          dot += V[k * n + i]! * V[k * n + j]!
        }
        expect(rec).toBeCloseTo(a[i * n + j]!, 12)
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12)
      }
    }
    expect(Array.from(symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values)).toEqual([
      expect.closeTo(1, 14),
      expect.closeTo(3, 14),
    ])
  })
})

describe('oodFit on a Gaussian', () => {
  const ref = gaussian(6000, 1)
  const det = oodFit(ref, { seed: 1 })

  it('fits on a seeded half and sets the thresholds on the other half', () => {
    expect(det.fitRows.length).toBe(3000)
    expect(det.calibrationRows.length).toBe(3000)
    const all = new Set([...det.fitRows, ...det.calibrationRows])
    expect(all.size).toBe(6000)
    expect(det.shrinkage).toBeGreaterThanOrEqual(0)
    expect(det.shrinkage).toBeLessThan(0.1)
    // d² ~ χ²(5) for a Gaussian: the 95th / 99th percentiles of d are √11.07 / √15.09.
    expect(det.thresholds.p95).toBeCloseTo(Math.sqrt(11.0705), 0)
    expect(det.thresholds.p99).toBeCloseTo(Math.sqrt(15.0863), 0)
    expect(oodFit(ref, { seed: 1 }).thresholds).toEqual(det.thresholds)
  })

  it('flags 5% ± 2% of a held-out sample at the 95th percentile', () => {
    const held = oodDetect(det, gaussian(4000, 2))
    expect(held.share95).toBeGreaterThan(0.03)
    expect(held.share95).toBeLessThan(0.07)
    expect(held.share99).toBeLessThan(0.025)
  })

  it('flags rows moved far from the data and names the moved feature', () => {
    const moved = gaussian(100, 3)
    const data = Float64Array.from(moved.data)
    for (let i = 0; i < 100; i++) data[i * 5 + 2] = data[i * 5 + 2]! + 20 // 10 σ along x₂
    const res = oodDetect(det, matrix(data, 100, 5), { top: 5 })
    expect(res.share99).toBe(1)
    expect(res.top).toHaveLength(5)
    for (const t of res.top) {
      expect(t.contributions[0]!.feature).toBe('2')
      expect(t.contributions.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 12)
      for (const c of t.contributions) expect(c.share).toBeGreaterThanOrEqual(0)
    }
    expect(res.top[0]!.score).toBe(Math.max(...res.scores))
  })

  it('rejects too few rows and a width mismatch', () => {
    expect(() => oodFit(gaussian(3, 1))).toThrow(RangeError)
    expect(() => oodScore(det, matrix(new Float64Array(4), 1, 4))).toThrow(/4 columns/)
    expect(() => oodContributions(det, ref, 6000)).toThrow(RangeError)
  })
})

describe('oodFit on the UCI adult data (48,842 rows)', () => {
  const root = new URL('../../../', import.meta.url)
  const schema = JSON.parse(
    readFileSync(new URL('public/demo/schema.json', root), 'utf8'),
  ) as Schema
  const table = parseCsvText(
    readFileSync(new URL('scripts/data/adult.csv', root), 'utf8'),
    'adult.csv',
  )
  const { x } = encodeTable(schema, table, 'adult.csv')
  // Seeded split: two thirds are the reference (fit half + threshold half), one third is held out.
  const order = rngFromSeed(42).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i))
  const nRef = Math.floor((2 * x.rows) / 3)
  const ref = take(x, order.subarray(0, nRef))
  const held = take(x, order.subarray(nRef))
  const det = oodFit(ref, {
    seed: 1,
    offsets: schemaOffsets(schema),
    features: schema.features.map((f) => f.name),
    categorical: schema.features.map((f) => f.type === 'categorical'),
  })

  it('flags 5% ± 2% of the held-out third at the 95th percentile', () => {
    expect(det.fitRows.length + det.calibrationRows.length).toBe(nRef)
    const res = oodDetect(det, held)
    expect(res.share95).toBeGreaterThan(0.03)
    expect(res.share95).toBeLessThan(0.07)
    expect(res.share99).toBeGreaterThan(0.002)
    expect(res.share99).toBeLessThan(0.02)
  })

  it('flags rows whose age and hours moved far and attributes the distance to them', () => {
    const moved = take(
      held,
      Int32Array.from({ length: 200 }, (_, i) => i),
    )
    const data = Float32Array.from(moved.data)
    const age = schemaOffsets(schema)[0]!
    const hours =
      schemaOffsets(schema)[schema.features.findIndex((f) => f.name === 'hours_per_week')]!
    for (let i = 0; i < 200; i++) {
      data[i * x.cols + age] = data[i * x.cols + age]! + 8 // +109 years
      data[i * x.cols + hours] = data[i * x.cols + hours]! - 6
    }
    const res = oodDetect(det, matrix(data, 200, x.cols), { top: 10 })
    expect(res.share95).toBe(1)
    expect(res.share99).toBeGreaterThan(0.9)
    // The moved features carry most of the distance of (nearly) every moved row.
    const movedShare = Array.from({ length: 200 }, (_, r) =>
      oodContributions(det, matrix(data, 200, x.cols), r)
        .filter((c) => c.feature === 'age' || c.feature === 'hours_per_week')
        .reduce((s, c) => s + c.share, 0),
    )
    expect(movedShare.filter((v) => v > 0.5).length).toBeGreaterThanOrEqual(190)
  })
})
