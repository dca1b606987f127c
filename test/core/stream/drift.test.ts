import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { featureDrift } from '../../../src/core/drift/features.ts'
import { ksTwoSample } from '../../../src/core/drift/ks.ts'
import { predictionDrift } from '../../../src/core/drift/prediction.ts'
import { driftReportSection } from '../../../src/core/drift/report.ts'
import type { Schema } from '../../../src/core/schema.ts'
import { type DriftFeatureSpec, DriftSide, driftOfSides } from '../../../src/core/stream/drift.ts'
import { ksOfCounts, wasserstein1OfCounts } from '../../../src/core/stream/driftCounts.ts'
import { ValueCounts } from '../../../src/core/stream/counts.ts'
import { type Table, TableBuilder } from '../../../src/core/table.ts'
import { exactSumRounded } from './exact.ts'
import { AWKWARD_GROUPS, permute, shardRanges } from './gen.ts'

const schema: Schema = {
  schemaVersion: 1,
  name: 'drift',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'age', type: 'numeric', mean: 40, std: 10 },
    { name: 'colour', type: 'categorical', categories: ['red', 'green', '__proto__'] },
    { name: 'w', type: 'numeric', mean: 0, std: 1 },
  ],
  sensitive: [],
  output: { kind: 'probability' },
}
const specs: DriftFeatureSpec[] = schema.features.map((f) => ({
  name: f.name,
  kind: f.type,
  categories: f.type === 'categorical' ? f.categories : [],
}))

type DRow = { age: number; colour: string; w: number; p: number }
const dRow = (shift: number) =>
  fc.record({
    age: fc.oneof(fc.integer({ min: 17, max: 90 }), fc.constantFrom(30, 40)).map((a) => a + shift),
    colour: fc.constantFrom('red', 'green', '__proto__', ...AWKWARD_GROUPS, 'blue'),
    w: fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(0, -0, 1e-300, 0.1),
    ),
    p: fc.oneof(
      fc.float({ min: 0, max: 1, noNaN: true }).map(Math.fround),
      fc.constantFrom(0, 0.5, 1),
    ),
  })

function tableOf(rows: readonly DRow[]): Table {
  const b = new TableBuilder(['age', 'colour', 'w'])
  for (const r of rows) b.push([String(r.age), r.colour, String(r.w)])
  return b.build()
}

function sideOf(
  rows: readonly DRow[],
  ranges: [number, number][],
  order: readonly number[],
): DriftSide {
  const parts = ranges.map(([a, b]) => {
    const s = new DriftSide(specs)
    const slice = rows.slice(a, b)
    s.add(
      tableOf(slice),
      Float32Array.from(slice, (r) => r.p),
      a,
    )
    return DriftSide.fromJSON(JSON.parse(JSON.stringify(s.toJSON())), 'side', specs)
  })
  return permute(parts, order).reduce((x, y) => (x.merge(y), x))
}

describe('driftOfSides', () => {
  it('equals featureDrift, predictionDrift and the section on all rows, for any shards and order', () => {
    fc.assert(
      fc.property(
        fc.array(dRow(0), { minLength: 1, maxLength: 120, size: 'max' }),
        fc.array(dRow(3), { minLength: 1, maxLength: 120, size: 'max' }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5, size: 'max' }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (refRows, curRows, cuts, order) => {
          const ref = sideOf(refRows, shardRanges(refRows.length, cuts), order)
          const cur = sideOf(
            curRows,
            shardRanges(curRows.length, [...cuts].reverse()),
            [...order].reverse(),
          )
          const got = driftOfSides(ref, cur, 0.05)
          const whole = driftOfSides(
            sideOf(refRows, [[0, refRows.length]], []),
            sideOf(curRows, [[0, curRows.length]], []),
            0.05,
          )
          expect(JSON.stringify(got)).toBe(JSON.stringify(whole))
          // Today's batch functions on the same rows: identical, except the exactly summed means.
          const features = featureDrift(schema, tableOf(refRows), tableOf(curRows))
          const pRef = Float32Array.from(refRows, (r) => r.p)
          const pCur = Float32Array.from(curRows, (r) => r.p)
          const prediction = predictionDrift(pRef, pCur)
          // Identical, except the means: summed exactly here, in float64 by the batch (which loses
          // digits to cancellation: w mixes ±1e6 and tiny values). Checked against BigInt instead.
          const strip = <T extends { refMean: number | null; curMean: number | null }>(f: T) => ({
            ...f,
            refMean: 0,
            curMean: 0,
          })
          expect(got.features.map(strip)).toEqual(features.map(strip))
          expect(strip(got.prediction)).toEqual(strip(prediction))
          const mean = (xs: number[]) => exactSumRounded(xs) / xs.length
          for (const f of got.features) {
            if (f.kind !== 'numeric') continue
            const key = f.feature as 'age' | 'w'
            expect(f.refMean).toBe(mean(refRows.map((r) => Number(String(r[key])))))
            expect(f.curMean).toBe(mean(curRows.map((r) => Number(String(r[key])))))
          }
          expect(got.prediction.refMean).toBe(mean(Array.from(pRef)))
          expect(got.prediction.curMean).toBe(mean(Array.from(pCur)))
          expect(got.section).toEqual(driftReportSection(features, prediction, 0.05))
        },
      ),
      { numRuns: 120 },
    )
  })

  it('refuses an empty side, a bad numeric cell by global row, a missing column', () => {
    const empty = new DriftSide(specs)
    const one = new DriftSide(specs)
    one.add(tableOf([{ age: 1, colour: 'red', w: 0, p: 0.5 }]), Float32Array.of(0.5), 0)
    expect(() => driftOfSides(empty, one, null)).toThrow('need at least one row each')
    const b = new TableBuilder(['age', 'colour', 'w'])
    b.push(['3', 'red', '1'])
    b.push(['', 'red', '1'])
    expect(() => one.add(b.build(), Float32Array.of(0.1, 0.2), 500, 'cur.csv')).toThrow(
      'cur.csv: column "age", row 501: empty cell is not a finite number',
    )
    const c = new TableBuilder(['age', 'w'])
    c.push(['3', '1'])
    expect(() => one.add(c.build(), Float32Array.of(0.1), 0, 'cur.csv')).toThrow(
      'cur.csv: missing feature column "colour" required by the schema',
    )
    expect(one.rows).toBe(1)
  })

  it('refuses corrupt serialized sides by field', () => {
    const s = new DriftSide(specs)
    s.add(
      tableOf([
        { age: 1, colour: 'red', w: 0, p: 0.5 },
        { age: 2, colour: 'x', w: 0, p: 0.5 },
      ]),
      Float32Array.of(0.5, 0.25),
      0,
    )
    const j = JSON.parse(JSON.stringify(s.toJSON())) as {
      rows: number
      categorical: [string, [string, number][]][]
    }
    expect(() => DriftSide.fromJSON({ ...j, rows: 3 }, 'ref', specs)).toThrow(
      'ref: feature "age" counts 2 rows, the side 3',
    )
    j.categorical[0]![1][0]![1] = 0
    expect(() => DriftSide.fromJSON(j, 'ref', specs)).toThrow(
      'ref.categorical.colour[0]: "red" has no rows or is repeated',
    )
    expect(() => DriftSide.fromJSON(s.toJSON(), 'ref', specs.slice(1))).toThrow(
      'ref: the features differ',
    )
  })
})

describe('ksOfCounts and wasserstein1OfCounts', () => {
  /** Brute force, independent of src: both empirical CDFs at every value. */
  function bruteKs(a: number[], b: number[]) {
    let d = 0
    for (const v of [...a, ...b]) {
      const fa = a.filter((x) => x <= v).length / a.length
      const fb = b.filter((x) => x <= v).length / b.length
      d = Math.max(d, Math.abs(fa - fb))
    }
    return d
  }
  const sample = fc.array(
    fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true })),
    { minLength: 1, maxLength: 40 },
  )
  const counts = (xs: number[]) => {
    const c = new ValueCounts(1)
    c.add(xs)
    return c.run()
  }

  it('equal the brute-force KS statistic and ksTwoSample, and scipy’s Wasserstein on equal sizes', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ks = ksOfCounts(counts(a), counts(b))
        expect(Math.abs(ks.statistic - bruteKs(a, b))).toBeLessThan(1e-15)
        expect(ks).toEqual(ksTwoSample(a, b))
        if (a.length === b.length) {
          // For equal sizes W1 = mean |a₍ᵢ₎ − b₍ᵢ₎| of the sorted samples.
          const sa = [...a].sort((x, y) => x - y)
          const sb = [...b].sort((x, y) => x - y)
          const w = sa.reduce((s, x, i) => s + Math.abs(x - sb[i]!), 0) / a.length
          expect(wasserstein1OfCounts(counts(a), counts(b))).toBeCloseTo(w, 9)
        }
      }),
    )
  })
})
