import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareModels, comparisonSection } from '../../../src/core/compare/compare.ts'
import { calibration } from '../../../src/core/calibration.ts'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import { accuracyAt, brier, logLoss, rocAuc } from '../../../src/core/metrics.ts'
import { matrix } from '../../../src/core/types.ts'
import { DISPARITY_KEYS } from '../../../src/core/views/fairnessBootstrap.ts'
import { pairedData } from './data.ts'

const METRICS = ['accuracy', 'rocAuc', 'logLoss', 'brier', 'ece'] as const

describe('compareModels', () => {
  const d = pairedData(2000, 1)
  const groupings = { sex: d.sex, race: d.race }
  const c = compareModels({ champion: d.pA, challenger: d.pB, labels: d.y, groupings, B: 300 })

  it('gives each model the audit’s own numbers, and delta = challenger − champion', () => {
    const audit = (p: Float32Array) => ({
      accuracy: accuracyAt(p, d.y, 0.5),
      rocAuc: rocAuc(p, d.y),
      logLoss: logLoss(p, d.y),
      brier: brier(p, d.y),
      ece: calibration(p, d.y).ece,
    })
    const a = audit(d.pA)
    const b = audit(d.pB)
    for (const m of METRICS) {
      expect(c.metrics[m].champion, m).toBe(a[m])
      expect(c.metrics[m].challenger, m).toBe(b[m])
      expect(c.metrics[m].delta, m).toBe(b[m]! - a[m]!)
    }
    for (const [attr, groups] of Object.entries(groupings)) {
      const fa = fairnessByGroup(d.pA, d.y, groups, 0.5)
      const fb = fairnessByGroup(d.pB, d.y, groups, 0.5)
      for (const key of DISPARITY_KEYS) {
        expect(c.fairness[attr]![key].champion, `${attr} ${key}`).toBe(fa[key])
        expect(c.fairness[attr]![key].challenger, `${attr} ${key}`).toBe(fb[key])
      }
      expect(Object.keys(c.groups[attr]!)).toEqual(Object.keys(fa.groups))
      for (const [g, rates] of Object.entries(c.groups[attr]!)) {
        const { small, ...champion } = fa.groups[g]!
        expect(rates.champion).toEqual(champion)
        expect(rates.small).toBe(small)
        expect(rates.delta.tpr).toBe(fb.groups[g]!.tpr! - fa.groups[g]!.tpr!)
      }
    }
  })

  it('puts the observed difference inside its interval on well-behaved data', () => {
    const big = compareModels({ champion: d.pA, challenger: d.pB, labels: d.y, groupings })
    expect(big.bootstrap).toMatchObject({ B: 1000, seed: 1, level: 0.95, method: 'rows' })
    for (const m of METRICS) {
      const { delta, ci } = big.metrics[m]
      expect(ci![0], m).toBeLessThan(delta!)
      expect(ci![1], m).toBeGreaterThan(delta!)
    }
    for (const key of DISPARITY_KEYS) {
      const { delta, ci } = big.fairness.sex![key]
      expect(ci![0], key).toBeLessThanOrEqual(delta!)
      expect(ci![1], key).toBeGreaterThanOrEqual(delta!)
      expect(big.bootstrap.defined[`fairness.sex.${key}`]).toBe(1000)
    }
    expect(big.metrics.accuracy.pValue).toBe(big.mcnemar!.pValue)
    expect(big.metrics.rocAuc.pValue).toBe(big.delong!.pValue)
  })

  it('counts agreement, disagreeing rows, McNemar’s pairs and groups (hand-computed)', () => {
    // decisions: champion 0 1 1 0 1 0, challenger 0 0 1 1 1 0 → rows 1 and 3 disagree.
    const t = compareModels({
      champion: Float64Array.of(0.2, 0.6, 0.7, 0.4, 0.9, 0.1),
      challenger: Float64Array.of(0.3, 0.4, 0.75, 0.6, 0.8, 0.2),
      labels: Uint8Array.of(0, 1, 1, 0, 1, 0),
      groupings: { g: ['a', 'a', 'b', 'b', 'b', 'a'] },
      B: 10,
    })
    expect(t.rows).toBe(6)
    expect(t.agreement).toBeCloseTo(4 / 6, 15)
    expect(t.disagreements).toBe(2)
    expect(Array.from(t.disagreementRows)).toEqual([1, 3])
    // Both disagreements are champion right, challenger wrong: b = 2, c = 0, p = 2 · ¼.
    expect(t.mcnemar).toEqual({ b: 2, c: 0, pValue: 0.5 })
    expect(t.metrics.accuracy).toMatchObject({ champion: 1, challenger: 4 / 6, pValue: 0.5 })
    const a = t.groups.g!.a!
    expect(a).toMatchObject({ count: 3, small: true, disagreements: 1, championOnlyPositive: 1 })
    expect(a.delta.selectionRate).toBeCloseTo(-1 / 3, 15)
    expect(a.delta.tpr).toBe(-1)
    expect(t.groups.g!.b).toMatchObject({ disagreements: 1, challengerOnlyPositive: 1 })
    expect(t.groups.g!.b!.delta.fpr).toBe(1)
  })

  it('finds no difference between a model and itself', () => {
    const row = fc.tuple(
      fc.integer({ min: 0, max: 40 }).map((v) => v / 40),
      fc.boolean(),
      fc.constantFrom('x', 'y', 'z'),
    )
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.nat(1000), (rows, seed) => {
        const p = Float32Array.from(rows, (r) => r[0])
        const y = Uint8Array.from(rows, (r) => (r[1] ? 1 : 0))
        const phi = matrix(
          Float64Array.from({ length: 12 }, (_, i) => (i % 4) + 1 + 0.5 * Math.sin(i * seed)),
          3,
          4,
        )
        const s = compareModels({
          champion: p,
          challenger: p,
          labels: y,
          groupings: { g: rows.map((r) => r[2]) },
          seed,
          B: 40,
          explanations: { champion: phi, challenger: phi, features: ['a', 'b', 'c', 'd'] },
        })
        expect(s.agreement).toBe(1)
        expect(s.disagreements).toBe(0)
        expect(s.metrics.accuracy.pValue).toBe(1)
        const auc = s.metrics.rocAuc
        expect(
          auc.pValue === null || (auc.pValue === 1 && auc.ci![0] === 0 && auc.ci![1] === 0),
        ).toBe(true)
        const entries = [...METRICS.map((m) => s.metrics[m]), ...Object.values(s.fairness.g!)]
        for (const e of entries) {
          if (e.delta !== null) expect(e.delta).toBe(0)
          if (e.ci !== null) expect(e.ci.map(Math.abs)).toEqual([0, 0])
        }
        for (const g of Object.values(s.groups.g!))
          for (const v of Object.values(g.delta)) if (v !== null) expect(v).toBe(0)
        expect(s.explanations).toMatchObject({
          shapRankCorrelation: 1,
          topKOverlap: 1,
          k: 4,
          rows: 3,
        })
        for (const f of s.featureImportance!) expect(f.champion).toBe(f.challenger)
      }),
      { numRuns: 60 },
    )
  })

  it('takes dictionary-encoded groupings (the form used at scale) with the same result', () => {
    // Codes into values with an unused value and a repeated text: groups are the texts that occur.
    const values = ['Male', 'Female', 'unused', 'Male']
    const codes = Int32Array.from(d.sex, (s, i) => (s === 'Female' ? 1 : i % 2 === 0 ? 0 : 3))
    const coded = compareModels({
      champion: d.pA,
      challenger: d.pB,
      labels: d.y,
      groupings: { sex: { codes, values } },
      B: 50,
    })
    const plain = compareModels({
      champion: d.pA,
      challenger: d.pB,
      labels: d.y,
      groupings: { sex: d.sex },
      B: 50,
    })
    expect(coded.fairness).toEqual(plain.fairness)
    expect(coded.groups).toEqual(plain.groups)
    expect(Object.keys(coded.groups.sex!)).toEqual(['Female', 'Male'])
  })

  it('keeps the label-free numbers when there are no labels, and says why the rest is null', () => {
    const u = compareModels({ champion: d.pA, challenger: d.pB, labels: null, groupings, B: 50 })
    for (const m of METRICS)
      expect(u.metrics[m]).toMatchObject({ champion: null, delta: null, ci: null })
    expect(u.reasons.metrics).toMatch(/no labels/)
    expect(u.mcnemar).toBeNull()
    // Selection rates need no labels: the same demographic parity as with them.
    const dp = c.fairness.sex!.demographicParityDifference
    expect(u.fairness.sex!.demographicParityDifference).toMatchObject({
      champion: dp.champion,
      challenger: dp.challenger,
      delta: dp.delta,
    })
    expect(u.fairness.sex!.demographicParityDifference.ci).not.toBeNull()
    expect(u.fairness.sex!.equalizedOddsDifference).toEqual({
      champion: null,
      challenger: null,
      delta: null,
      ci: null,
    })
    expect(u.reasons['fairness.sex.equalizedOddsDifference']).toBe('no labels')
    expect(u.reasons['fairness.sex.equalizedOddsDifference.ci']).toBe('no labels')
    expect(u.groups.sex!.Female!.champion.tpr).toBeNull()
    expect(u.agreement).toBe(c.agreement)
  })

  it('compares explanations: rank correlation, top-k overlap and each feature’s mean |φ|', () => {
    // mean |φ|: champion (6 5 4 3 2 1), challenger (5 6 4 3 1 2).
    const a = matrix(Float64Array.of(6, 5, 4, 3, 2, 1, -6, -5, -4, -3, -2, -1), 2, 6)
    const b = matrix(Float64Array.of(5, 6, 4, 3, 1, 2, -5, -6, -4, -3, -1, -2), 2, 6)
    const features = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5']
    const e = compareModels({
      champion: d.pA,
      challenger: d.pB,
      labels: d.y,
      B: 0,
      explanations: { champion: a, challenger: b, features, k: 3 },
    })
    // Spearman of two rankings that differ by two swaps of neighbours: 1 − 6·4 / (6·35).
    expect(e.explanations!.shapRankCorrelation).toBeCloseTo(1 - 24 / 210, 14)
    expect(e.explanations).toMatchObject({ topKOverlap: 1, k: 3, rows: 2 }) // {0,1,2} both
    expect(e.featureImportance![1]).toEqual({ feature: 'f1', champion: 5, challenger: 6 })
    expect(e.metrics.accuracy.ci).toBeNull()
    expect(e.reasons['metrics.accuracy.ci']).toMatch(/B = 0/)
    expect(() =>
      compareModels({
        champion: d.pA,
        challenger: d.pB,
        labels: d.y,
        explanations: { champion: a, challenger: b, features: ['x'] },
      }),
    ).toThrow(/1 feature names for 6 φ columns/)
  })

  it('writes the report section with exactly the contract’s keys, JSON-ready', () => {
    const s = comparisonSection(c)
    expect(Object.keys(s)).toEqual(['rows', 'agreement', 'disagreements', 'metrics', 'fairness'])
    expect(Object.keys(s.metrics)).toEqual([...METRICS])
    expect(Object.keys(s.metrics.accuracy)).toEqual([
      'champion',
      'challenger',
      'delta',
      'ci',
      'pValue',
    ])
    expect(Object.keys(s.metrics.ece)).toEqual(['champion', 'challenger', 'delta', 'ci'])
    expect(Object.keys(s.fairness.race!)).toEqual([...DISPARITY_KEYS])
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('is deterministic for a seed', () => {
    const again = compareModels({
      champion: d.pA,
      challenger: d.pB,
      labels: d.y,
      groupings,
      B: 300,
    })
    expect(again).toEqual(c)
    const other = compareModels({
      champion: d.pA,
      challenger: d.pB,
      labels: d.y,
      B: 300,
      seed: 2,
    })
    expect(other.metrics.brier.ci).not.toEqual(c.metrics.brier.ci)
  })

  it('rejects bad input with a message naming the problem', () => {
    const p = Float64Array.of(0.1, 0.9)
    const y = Uint8Array.of(0, 1)
    const run = (over: object) => () =>
      compareModels({ champion: p, challenger: p, labels: y, ...over })
    expect(run({ challenger: Float64Array.of(0.1) })).toThrow(
      /champion has 2 rows, the challenger 1/,
    )
    expect(run({ challenger: Float64Array.of(0.1, 1.5) })).toThrow(
      /the challenger's prediction on data row 1 is 1.5: not a probability/,
    )
    expect(run({ labels: Uint8Array.of(0, 2) })).toThrow(/data row 1 is 2: not 0 or 1/)
    expect(run({ groupings: { sex: ['a'] } })).toThrow(/grouping "sex" has 1 rows/)
    expect(run({ groupings: { sex: { codes: Int32Array.of(0, 3), values: ['a'] } } })).toThrow(
      /row 1 has code 3/,
    )
    expect(run({ B: -1 })).toThrow(/B must be a non-negative integer/)
    expect(run({ level: 1 })).toThrow(/level must be in \(0, 1\)/)
    expect(run({ threshold: NaN })).toThrow(/threshold is NaN/)
  })
})
