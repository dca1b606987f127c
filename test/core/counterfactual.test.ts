import { describe, expect, it } from 'vitest'
import { goldenAdult } from './explainFixture.ts'
import { mlpCreate, mlpPredictFn, mlpProbability } from '../../src/core/mlp.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import { encodeFeatureMatrix } from '../../src/core/encode.ts'
import type { Schema } from '../../src/core/schema.ts'
import { matrix } from '../../src/core/types.ts'
import {
  type CounterfactualConfig,
  counterfactualConfig,
  featureScale,
} from '../../src/core/counterfactual/config.ts'
import {
  counterfactualDistance,
  counterfactualDiversity,
} from '../../src/core/counterfactual/metrics.ts'
import { counterfactualSearch } from '../../src/core/counterfactual/search.ts'
import { counterfactualRandom } from '../../src/core/counterfactual/random.ts'
import type { CounterfactualSet } from '../../src/core/counterfactual/types.ts'

const g = goldenAdult()
const M = g.schema.features.length
const predictions = mlpProbability(g.mlp, g.enc.x)
const predict = mlpPredictFn(g.mlp)
const data = { values: g.enc.values, predictions }
const rowValues = (r: number): Float64Array =>
  g.enc.values.data.subarray(r * M, (r + 1) * M) as Float64Array

/** 20 seeded rows (≥ 50, outside the background) that the model predicts negative. */
const negatives: number[] = (() => {
  const neg: number[] = []
  for (let r = 50; r < g.enc.x.rows; r++) if (predictions[r]! < 0.5) neg.push(r)
  return Array.from(rngFromSeed(1).sampleWithoutReplacement(neg.length, 20), (i) => neg[i]!)
})()

/** Re-scores an answer independently (encode + float64 forward). */
const rescore = (values: Float64Array): number =>
  mlpProbability(g.mlp, encodeFeatureMatrix(g.schema, matrix(values, 1, M)))[0]!

function checkConstraints(
  cfg: CounterfactualConfig,
  orig: Float64Array,
  set: CounterfactualSet,
): void {
  for (const a of set.counterfactuals) {
    expect(a.valid).toBe(true)
    expect(a.prediction).toBeGreaterThanOrEqual(0.5)
    expect(Math.abs(rescore(a.values) - a.prediction)).toBeLessThan(1e-6)
    let n = 0
    cfg.features.forEach((f, j) => {
      const v = a.values[j]!
      const o = orig[j]!
      if (v !== o) {
        n++
        expect(f.mutable).toBe(true)
        expect(f.name in a.changes).toBe(true)
      }
      if (f.kind === 'categorical') {
        expect(Number.isInteger(v)).toBe(true)
        if (v !== o) {
          expect(f.allowed.includes(v)).toBe(true)
          const cats = (g.schema.features[j] as { categories: string[] }).categories
          expect(a.changes[f.name]).toBe(cats[v])
        }
      } else if (v !== o) {
        expect(v).toBeGreaterThanOrEqual(f.min)
        expect(v).toBeLessThanOrEqual(f.max)
        if (f.step === 1) expect(Number.isInteger(v)).toBe(true)
        if (f.direction === 'increase') expect(v).toBeGreaterThan(o)
        if (f.direction === 'decrease') expect(v).toBeLessThan(o)
      }
    })
    expect(a.nChanged).toBe(n)
    expect(Object.keys(a.changes).length).toBe(n)
    expect(a.proximity).toBeCloseTo(counterfactualDistance(cfg, orig, a.values), 12)
  }
}

describe('counterfactualSearch on the golden adult model', () => {
  it('finds k valid, sparse, close answers for 20 negative rows, beating the random baseline', async () => {
    const cfg = counterfactualConfig(g.schema, g.enc.values)
    expect(
      cfg.features
        .filter((f) => !f.mutable)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['race', 'sex'])
    let nChanged = 0
    let prox = 0
    let answers = 0
    let baseProx = 0
    let baseAnswers = 0
    const times: number[] = []
    for (const r of negatives) {
      const orig = rowValues(r)
      const t0 = performance.now()
      const set = await counterfactualSearch(predict, cfg, orig, { data, seed: 1 })
      times.push(performance.now() - t0)
      expect(set.desired).toBe('above')
      expect(set.counterfactuals.length).toBe(4)
      expect(set.noneReason).toBeNull()
      expect(set.diversity).toBeCloseTo(
        counterfactualDiversity(
          cfg,
          set.counterfactuals.map((a) => a.values),
        )!,
        12,
      )
      checkConstraints(cfg, orig, set)
      for (const a of set.counterfactuals) {
        nChanged += a.nChanged
        prox += a.proximity
        answers++
      }
      const base = await counterfactualRandom(predict, cfg, orig, { seed: 1 })
      checkConstraints(cfg, orig, base)
      for (const a of base.counterfactuals) {
        baseProx += a.proximity
        baseAnswers++
      }
    }
    times.sort((a, b) => a - b)
    const meanN = nChanged / answers
    console.info(
      `counterfactuals (float64 mlp): median ${times[10]!.toFixed(1)} ms/query, mean nChanged ${meanN.toFixed(2)}, ` +
        `mean proximity ${(prox / answers).toFixed(2)} vs random ${(baseProx / baseAnswers).toFixed(2)}`,
    )
    expect(meanN).toBeLessThan(1.59)
    expect(prox / answers).toBeLessThan(baseProx / baseAnswers)
  })

  it('respects directions, extra immutable features and allowed categories', async () => {
    const cfg = counterfactualConfig(g.schema, g.enc.values, {
      immutable: ['sex', 'race', 'capital_gain', 'native_country'],
      directions: { age: 'increase', education_num: 'increase', hours_per_week: 'decrease' },
      categories: { occupation: ['Exec-managerial', 'Prof-specialty', 'Tech-support'] },
      ranges: { age: { max: 70 } },
    })
    let found = 0
    for (const r of negatives.slice(0, 8)) {
      const orig = rowValues(r)
      const set = await counterfactualSearch(predict, cfg, orig, { data, seed: 2 })
      checkConstraints(cfg, orig, set)
      found += set.counterfactuals.length
      if (set.counterfactuals.length === 0) expect(set.noneReason).toMatch(/./)
    }
    expect(found).toBeGreaterThan(8)
  })

  it('gives identical answers for the same seed', async () => {
    const cfg = counterfactualConfig(g.schema, g.enc.values, {
      immutable: ['sex', 'race', 'capital_gain'],
    })
    for (const r of negatives.slice(0, 3)) {
      const a = await counterfactualSearch(predict, cfg, rowValues(r), { data, seed: 5 })
      const b = await counterfactualSearch(predict, cfg, rowValues(r), { data, seed: 5 })
      expect(a.counterfactuals.map((x) => Array.from(x.values))).toEqual(
        b.counterfactuals.map((x) => Array.from(x.values)),
      )
      expect(a.evaluations).toBe(b.evaluations)
      const ra = await counterfactualRandom(predict, cfg, rowValues(r), { seed: 5 })
      const rb = await counterfactualRandom(predict, cfg, rowValues(r), { seed: 5 })
      expect(ra.counterfactuals.map((x) => x.changes)).toEqual(
        rb.counterfactuals.map((x) => x.changes),
      )
    }
  })

  it('says why when only immutable features could flip the prediction', async () => {
    const keep = new Set(['native_country', 'workclass'])
    const cfg = counterfactualConfig(g.schema, g.enc.values, {
      immutable: g.schema.features.map((f) => f.name).filter((n) => !keep.has(n)),
    })
    // The most negative of the sample rows.
    const r = negatives.reduce((a, b) => (predictions[a]! < predictions[b]! ? a : b))
    const set = await counterfactualSearch(predict, cfg, rowValues(r), { data })
    expect(set.counterfactuals).toEqual([])
    expect(set.diversity).toBeNull()
    expect(set.noneReason).toMatch(/all features that could flip the prediction are immutable/)
  })

  it('says so when the row is already on the desired side, and supports the other direction', async () => {
    const cfg = counterfactualConfig(g.schema, g.enc.values)
    let pos = 50
    while (predictions[pos]! < 0.5) pos++
    const same = await counterfactualSearch(predict, cfg, rowValues(pos), { desired: 'above' })
    expect(same.counterfactuals).toEqual([])
    expect(same.noneReason).toMatch(/already/)
    const down = await counterfactualSearch(predict, cfg, rowValues(pos), { data, threshold: 0.5 })
    expect(down.desired).toBe('below')
    expect(down.counterfactuals.length).toBeGreaterThan(0)
    for (const a of down.counterfactuals) expect(a.prediction).toBeLessThan(0.5)
  })
})

describe('counterfactual metrics and config', () => {
  const schema: Schema = {
    schemaVersion: 1,
    name: 't',
    target: { column: 'y', positive: '1' },
    features: [
      { name: 'a', type: 'numeric', mean: 0, std: 1 },
      { name: 'b', type: 'numeric', mean: 0, std: 1 },
      { name: 'c', type: 'categorical', categories: ['u', 'v', 'w'] },
    ],
    sensitive: ['c'],
    output: { kind: 'probability' },
  }
  const values = matrix(
    Float64Array.of(1, 0.5, 0, 2, 0.5, 1, 3, 0.5, 2, 4, 0.5, 0, 10, 0.5, 1),
    5,
    3,
  )

  it('scales numeric changes by the MAD, the std when the MAD is 0', () => {
    expect(featureScale(Float64Array.of(1, 2, 3, 4, 10))).toBe(1)
    expect(featureScale(Float64Array.of(0, 0, 0, 0, 5))).toBeCloseTo(Math.sqrt(5), 12)
    expect(featureScale(Float64Array.of(2, 2))).toBe(1)
    const cfg = counterfactualConfig(schema, values)
    expect(cfg.features[0]!.scale).toBe(1)
    expect(cfg.features[0]!.step).toBe(1)
    expect(cfg.features[1]!.step).toBe(0)
    expect(cfg.features[2]!.mutable).toBe(false)
    // |Δa|/1 + 1[c changed]
    expect(counterfactualDistance(cfg, [1, 0.5, 0], [3, 0.5, 2])).toBe(3)
    expect(
      counterfactualDiversity(cfg, [
        [1, 0.5, 0],
        [3, 0.5, 2],
        [1, 0.5, 2],
      ]),
    ).toBeCloseTo((3 + 1 + 2) / 3, 12)
    expect(counterfactualDiversity(cfg, [[1, 0.5, 0]])).toBeNull()
  })

  it('rejects unknown features and categories', () => {
    expect(() => counterfactualConfig(schema, values, { immutable: ['zz'] })).toThrow(
      /unknown feature "zz"/,
    )
    expect(() => counterfactualConfig(schema, values, { categories: { c: ['x'] } })).toThrow(/"x"/)
  })

  it('finds the smallest numeric change on the step grid for a monotone model', async () => {
    // p = sigmoid(2·(a − 6.5)) → needs a ≥ 7 (integral data) for p ≥ 0.5 + margin.
    const model = mlpCreate([
      { inputs: 5, units: 1, kernel: [2, 0, 0, 0, 0], bias: [-13], activation: 'sigmoid' },
    ])
    const cfg = counterfactualConfig(schema, values)
    const set = await counterfactualSearch(mlpPredictFn(model), cfg, [1, 0.5, 0], { k: 2 })
    expect(set.counterfactuals[0]!.changes).toEqual({ a: 7 })
    expect(set.counterfactuals[0]!.proximity).toBe(6)
  })
})
