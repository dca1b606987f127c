import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import { oodDetect, oodFit, oodLayout } from '../../../src/core/drift/ood.ts'
import { encodeTable } from '../../../src/core/encode.ts'
import { type Schema, schemaOffsets } from '../../../src/core/schema.ts'
import { type OodPlan, OodMoments, oodModelKey } from '../../../src/core/stream/ood.ts'
import { OodCalibration, OodCount } from '../../../src/core/stream/oodPasses.ts'
import { type Matrix, matrix } from '../../../src/core/types.ts'
import { isNearest, roundedUnits, unitsOf } from './exact.ts'
import { permute, shardRanges } from './gen.ts'

const root = new URL('../../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')
const schema = JSON.parse(read('public/demo/schema.json')) as Schema
const encoded = (path: string) => encodeTable(schema, parseCsvText(read(path), path), path).x
const ref = encoded('public/demo/data.csv')
const cur = encoded('public/demo/drifted.csv')
const fitOptions = {
  seed: 1,
  offsets: schemaOffsets(schema),
  features: schema.features.map((f) => f.name),
  categorical: schema.features.map((f) => f.type === 'categorical'),
}

/** Rows [a, b) of x as their own matrix. */
const slice = (x: Matrix, a: number, b: number): Matrix =>
  matrix(x.data.slice(a * x.cols, b * x.cols) as Float32Array, b - a, x.cols)

/** All three passes over shards cut at `cuts`, partials through JSON, merged in `order`. */
function streamed(plan: OodPlan, cuts: number[], order: number[]) {
  const refRanges = shardRanges(ref.rows, cuts)
  const moments = permute(
    refRanges.map(([a, b]) => {
      const m = new OodMoments(plan)
      m.add(slice(ref, a, b), a)
      return OodMoments.fromJSON(JSON.parse(JSON.stringify(m.toJSON())), 'm', plan)
    }),
    order,
  ).reduce((x, y) => (x.merge(y), x))
  const model = moments.model()
  const calibration = permute(
    refRanges.map(([a, b]) => {
      const c = new OodCalibration(plan, model)
      c.add(slice(ref, a, b), a)
      return OodCalibration.fromJSON(JSON.parse(JSON.stringify(c.toJSON())), 'c', plan, model)
    }),
    [...order].reverse(),
  ).reduce((x, y) => (x.merge(y), x))
  const detector = calibration.thresholds()
  const count = shardRanges(cur.rows, [...cuts].reverse())
    .map(([a, b]) => {
      const c = new OodCount(detector)
      c.add(slice(cur, a, b))
      return OodCount.fromJSON(JSON.parse(JSON.stringify(c.toJSON())), 'n', detector)
    })
    .reduce((x, y) => (x.merge(y), x))
  return { detector, shares: count.shares() }
}

describe('streamed out-of-distribution share', () => {
  const plan: OodPlan = { nRows: ref.rows, seed: 1, layout: oodLayout(ref.cols, fitOptions) }
  const batch = oodFit(ref, fitOptions)
  const batchShares = oodDetect(batch, cur)
  const whole = streamed(plan, [], [0])

  it('is the same detector and share for any shards and merge order (demo reference, 88 inputs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (cuts, order) => {
          const s = streamed(plan, cuts, order)
          expect(oodModelKey(s.detector)).toBe(oodModelKey(whole.detector))
          expect(s.shares).toEqual(whole.shares)
        },
      ),
      { numRuns: 5 },
    )
  })

  it('equals oodFit and oodDetect within their float64 rounding (the share exactly here)', () => {
    const d = whole.detector
    expect(Math.abs(d.shrinkage - batch.shrinkage)).toBeLessThan(1e-12)
    for (const k of ['p95', 'p99'] as const)
      expect(Math.abs(d.thresholds[k] - batch.thresholds[k])).toBeLessThan(
        1e-10 * batch.thresholds[k],
      )
    let worst = 0
    d.whiten.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - batch.whiten[i]!))))
    expect(worst).toBeLessThan(1e-9)
    expect(whole.shares.share95).toBe(batchShares.share95)
    expect(whole.shares.share99).toBe(batchShares.share99)
    expect(whole.shares.share95).toBeGreaterThan(0.1) // the drifted rows stand out
  })

  it('refuses to finalize with fit or calibration rows missing, and parts of another detector', () => {
    const m = new OodMoments(plan)
    m.add(slice(ref, 0, 1000), 0)
    expect(() => m.model()).toThrow(/fit rows were added, the split has 1000/)
    const c = new OodCalibration(plan, whole.detector)
    c.add(slice(ref, 0, 10), 0)
    expect(() => c.thresholds()).toThrow(/calibration rows were scored, the split has 1000/)
    const other = new OodCount({ ...whole.detector, thresholds: { p95: 1, p99: 2 } })
    expect(() => other.merge(new OodCount(whole.detector))).toThrow('another detector')
    expect(() =>
      OodCount.fromJSON(new OodCount(whole.detector).toJSON(), 'part.ood', other.model),
    ).toThrow('part.ood: computed under another detector')
    expect(() => m.add(slice(ref, 0, 10), 1995)).toThrow(
      'the out-of-distribution detector: rows 1995..2004 are outside the reference',
    )
  })
})

describe('OodMoments.moments', () => {
  it('are the exact moments of the fit rows, each rounded once (random sparse float32 rows)', () => {
    const cell = fc.oneof(
      fc.constant(0),
      fc.constant(1),
      fc.float({ min: -50, max: 50, noNaN: true }).map(Math.fround),
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 4, max: 40 }),
        fc.array(cell, { minLength: 200, maxLength: 200 }),
        fc.nat(),
        (p, n, cells, seed) => {
          const x = matrix(Float32Array.from(cells.slice(0, n * p)), n, p)
          const plan: OodPlan = { nRows: n, seed, layout: oodLayout(p) }
          const m = new OodMoments(plan)
          m.add(x, 0)
          const got = m.moments()
          const fitRows = oodFit(x, { seed }).fitRows
          const mu = Array.from(got.mean, unitsOf)
          for (let i = 0; i < p; i++) {
            let sum = 0n
            for (const r of fitRows) sum += unitsOf(x.data[r * p + i]!)
            expect(got.mean[i], `mean ${i}`).toBe(roundedUnits(sum) / got.n)
            for (let j = 0; j < p; j++) {
              let c = 0n // units 2^−2148
              for (const r of fitRows)
                c += (unitsOf(x.data[r * p + i]!) - mu[i]!) * (unitsOf(x.data[r * p + j]!) - mu[j]!)
              expect(isNearest(got.cov[i * p + j]!, c, 2148, got.n), `cov ${i} ${j}`).toBe(true)
            }
          }
          let f = 0n // units 2^−4296
          for (const r of fitRows) {
            let s = 0
            for (let j = 0; j < p; j++) s += x.data[r * p + j]! * x.data[r * p + j]!
            let q = unitsOf(s) << 1074n
            for (let j = 0; j < p; j++)
              q += -2n * mu[j]! * unitsOf(x.data[r * p + j]!) + mu[j]! * mu[j]!
            f += q * q
          }
          expect(isNearest(got.sumFourth, f, 4296, 1), 'sumFourth').toBe(true)
        },
      ),
      { numRuns: 60 },
    )
  })
})
