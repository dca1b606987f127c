import { describe, expect, it } from 'vitest'
import { calibration } from '../../../src/core/calibration.ts'
import { performanceDrift, predictionDrift } from '../../../src/core/drift/prediction.ts'
import { driftRanking, shapMeanAbs } from '../../../src/core/drift/ranking.ts'
import { driftReportSection } from '../../../src/core/drift/report.ts'
import type { FeatureDrift } from '../../../src/core/drift/features.ts'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import { performanceMetrics } from '../../../src/core/metrics.ts'
import { rngFromSeed } from '../../../src/core/random.ts'
import type { ShapResult } from '../../../src/core/shap/shap.ts'
import type { Report } from '../../../src/report/types.ts'
import { reportValidate } from '../../../src/report/validate.ts'

/** n calibrated predictions: p ~ U(0, 1), y ~ Bernoulli(p); groups alternate g0 / g1. */
function sample(n: number, seed: number) {
  const rng = rngFromSeed(seed)
  const p = new Float32Array(n)
  const y = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    p[i] = rng.uniform()
    y[i] = rng.uniform() < p[i]! ? 1 : 0
  }
  const groups = Array.from({ length: n }, (_, i) => (i % 2 ? 'g1' : 'g0'))
  return { p, y, groups: { sex: groups } }
}

describe('predictionDrift', () => {
  it('is 0 for identical predictions and large for shifted ones', () => {
    const a = sample(2000, 1)
    const same = predictionDrift(a.p, a.p)
    expect(same.psi).toBe(0)
    expect(same.ks).toBe(0)
    expect(same.pValue).toBe(1)
    const shifted = predictionDrift(
      a.p,
      a.p.map((v) => v * v),
    )
    expect(shifted.psi).toBeGreaterThan(0.2)
    expect(shifted.pValue).toBeLessThan(1e-6)
    expect(shifted.curMean).toBeLessThan(shifted.refMean)
    expect(shifted.histogram.edges).toHaveLength(21)
    expect(shifted.histogram.curShares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
  })
})

describe('performanceDrift', () => {
  it('puts the core metrics side by side and highlights what got worse', () => {
    const ref = sample(4000, 2)
    const cur = sample(4000, 3)
    // Flip 20% of the current labels: accuracy, AUC and calibration get worse.
    const rng = rngFromSeed(4)
    for (let i = 0; i < cur.y.length; i++) if (rng.uniform() < 0.2) cur.y[i] = 1 - cur.y[i]!
    const d = performanceDrift(ref, cur, { threshold: 0.5 })
    if (d.unlabelled) throw new Error('expected labelled')
    const by = Object.fromEntries(d.metrics.map((m) => [m.key, m]))
    const mr = performanceMetrics(ref.p, ref.y, 0.5)
    const mc = performanceMetrics(cur.p, cur.y, 0.5)
    expect(by.accuracy!.reference).toBe(mr.accuracy)
    expect(by.accuracy!.current).toBe(mc.accuracy)
    expect(by.accuracy!.delta).toBeCloseTo(mc.accuracy! - mr.accuracy!, 15)
    expect(by.accuracy!.worse).toBe(true)
    expect(by.accuracy!.highlight).toBe(true)
    expect(by.rocAuc!.worse).toBe(true)
    expect(by.ece!.reference).toBe(calibration(ref.p, ref.y).ece)
    expect(by.ece!.worse).toBe(true)
    expect(by.logLoss!.worse).toBe(true)
    expect(by.predictedPositiveRate!.worse).toBeNull()
    const f = Object.fromEntries(d.fairness.sex!.map((m) => [m.key, m]))
    expect(f.demographicParityDifference!.reference).toBe(
      fairnessByGroup(ref.p, ref.y, ref.groups.sex, 0.5).demographicParityDifference,
    )
    expect(Object.keys(f)).toEqual([
      'demographicParityDifference',
      'demographicParityRatio',
      'equalizedOddsDifference',
      'equalizedOddsRatio',
      'equalOpportunityDifference',
    ])
  })

  it('says what cannot be judged without labels and compares the predictions only', () => {
    const ref = sample(500, 5)
    const cur = { ...sample(500, 6), y: null }
    const d = performanceDrift(ref, cur, { curName: 'new.csv' })
    if (!d.unlabelled) throw new Error('expected unlabelled')
    expect(d.reason).toMatch(/^new\.csv has no labels: accuracy, ROC AUC/)
    expect(d.cannotJudge).toContain('accuracy')
    expect(d.cannotJudge).toContain('equalizedOddsDifference')
    expect(d.metrics.map((m) => m.key)).toEqual(['predictedPositiveRate'])
    expect(d.fairness.sex!.map((m) => m.key)).toEqual([
      'demographicParityDifference',
      'demographicParityRatio',
    ])
    const selRef = fairnessByGroup(ref.p, ref.y, ref.groups.sex).demographicParityDifference
    expect(d.fairness.sex![0]!.reference).toBe(selRef)
  })
})

describe('driftRanking', () => {
  const f = (feature: string, psi: number) => ({ feature, psi, drifted: psi > 0.2 })

  it('ranks by PSI × mean |φ|', () => {
    const r = driftRanking([f('age', 0.5), f('sex', 1.2), f('hours', 0.05)], {
      age: 0.08,
      sex: 0.01,
      hours: 0.2,
    })
    expect(r.map((x) => x.feature)).toEqual(['age', 'sex', 'hours'])
    expect(r[0]!.score).toBeCloseTo(0.04, 15)
    expect(r.reduce((s, x) => s + x.importanceShare, 0)).toBeCloseTo(1, 15)
    const byArray = driftRanking([f('a', 0.1), f('b', 0.1)], Float64Array.of(0, 0))
    expect(byArray.map((x) => [x.feature, x.score, x.importanceShare])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ])
    expect(() => driftRanking([f('a', 0.1)], [1, 2])).toThrow(RangeError)
  })

  it('takes mean |φ| from SHAP results', () => {
    const res = [
      { phi: Float64Array.of(0.1, -0.3) },
      { phi: Float64Array.of(-0.3, 0.1) },
    ] as ShapResult[]
    expect(Array.from(shapMeanAbs(res))).toEqual([0.2, 0.2])
  })
})

describe('driftReportSection', () => {
  it("returns Report['drift'] that validates against report.v1.json", () => {
    const feature = (name: string, psi: number, numeric: boolean) =>
      ({
        feature: name,
        psi,
        ks: numeric ? 0.1 : null,
        pValue: 0.5,
        wasserstein: numeric ? 2 : null,
        chi2: numeric ? null : 3,
        drifted: psi > 0.2,
      }) as FeatureDrift
    const section: Report['drift'] = driftReportSection(
      [feature('age', 0.3, true), feature('sex', 0.01, false)],
      { psi: 0.05, ks: 0.02 },
      0.061,
    )
    expect(section).toEqual({
      features: {
        age: { psi: 0.3, ks: 0.1, pValue: 0.5, wasserstein: 2, chi2: null, drifted: true },
        sex: { psi: 0.01, ks: null, pValue: 0.5, wasserstein: null, chi2: 3, drifted: false },
      },
      maxPsi: 0.3,
      prediction: { psi: 0.05, ks: 0.02 },
      oodShare: 0.061,
    })
    const report: Report = {
      reportVersion: 1,
      tool: { name: 'glassbox', version: '0.1.0' },
      model: {
        sha256: 'a'.repeat(64),
        format: 'layers-model',
        inputs: 3,
        parameters: 4,
        bytes: 16,
      },
      data: { sha256: 'b'.repeat(64), rows: 10 },
      settings: {
        threshold: 0.5,
        classIndex: 1,
        rows: [],
        background: { kind: 'first', k: 50 },
        budget: 4096,
        seed: 1,
        igSteps: 0,
        igMethod: 'midpoint',
        igBaseline: 'mean',
        counterfactuals: 0,
        quantize: [],
        backend: 'cpu',
      },
      drift: section,
    }
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(driftReportSection([], { psi: 0, ks: 0 }, null).maxPsi).toBe(0)
  })
})
