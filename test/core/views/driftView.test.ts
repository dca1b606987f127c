import { describe, expect, it } from 'vitest'
import type { FeatureDrift } from '../../../src/core/drift/features.ts'
import type { OodResult } from '../../../src/core/drift/ood.ts'
import {
  driftRankingWith,
  driftSelected,
  driftSortFeatures,
  oodRowFlag,
  oodRowScore,
} from '../../../src/core/views/driftView.ts'

/** A feature drift with the fields the table sorts by. */
function f(feature: string, psi: number, extra: Partial<FeatureDrift> = {}): FeatureDrift {
  return {
    feature,
    kind: 'numeric',
    psi,
    bins: {
      labels: [],
      edges: [],
      refCounts: [],
      curCounts: [],
      refShares: [],
      curShares: [],
      terms: [],
      psi,
    },
    ks: psi / 2,
    wasserstein: psi,
    chi2: null,
    dof: null,
    pValue: 0.5,
    pAdjusted: 0.5,
    drifted: psi > 0.2,
    watch: psi > 0.1 && psi <= 0.2,
    reasons: psi > 0.2 ? ['psi'] : [],
    newCategories: [],
    histogram: null,
    refMean: 0,
    curMean: 0,
    nRef: 10,
    nCur: 10,
    ...extra,
  }
}

const features = [
  f('age', 0.05),
  f('sex', 0.3, { kind: 'categorical', ks: null, chi2: 9 }),
  f('hours', 0.15),
  f('race', 0.05, { kind: 'categorical', ks: null, chi2: 1 }),
]
const names = (fs: FeatureDrift[]) => fs.map((x) => x.feature)

describe('driftSortFeatures', () => {
  it('orders by the column, ties by name, and returns a new array', () => {
    expect(names(driftSortFeatures(features, { key: 'psi', dir: 'desc' }))).toEqual([
      'sex',
      'hours',
      'age',
      'race',
    ])
    expect(names(driftSortFeatures(features, { key: 'psi', dir: 'asc' }))).toEqual([
      'age',
      'race',
      'hours',
      'sex',
    ])
    expect(names(driftSortFeatures(features, { key: 'feature', dir: 'asc' }))).toEqual([
      'age',
      'hours',
      'race',
      'sex',
    ])
    expect(names(driftSortFeatures(features, { key: 'flag', dir: 'desc' }))).toEqual([
      'sex',
      'hours',
      'age',
      'race',
    ])
    expect(driftSortFeatures(features, { key: 'psi', dir: 'asc' })).not.toBe(features)
  })

  it('puts nulls last in either direction', () => {
    for (const dir of ['asc', 'desc'] as const)
      expect(names(driftSortFeatures(features, { key: 'ks', dir })).slice(2)).toEqual([
        'race',
        'sex',
      ])
  })
})

describe('driftRankingWith', () => {
  it('ranks by PSI × mean |φ| by feature name; null without a global result', () => {
    expect(driftRankingWith(features, null)).toBeNull()
    const r = driftRankingWith(features, {
      featureNames: ['age', 'sex', 'hours'],
      meanAbs: Float64Array.of(1, 0.1, 0.5),
    })!
    expect(r.map((x) => x.feature)).toEqual(['hours', 'age', 'sex', 'race'])
  })
})

describe('driftSelected', () => {
  it('is the chosen feature when present, else the largest PSI', () => {
    expect(driftSelected(features, 'hours')?.feature).toBe('hours')
    expect(driftSelected(features, 'gone')?.feature).toBe('sex')
    expect(driftSelected(features, null)?.feature).toBe('sex')
    expect(driftSelected([], null)).toBeNull()
  })
})

describe('oodRowFlag', () => {
  const ood: OodResult = {
    scores: Float64Array.of(1, 5, 9),
    thresholds: { p95: 4, p99: 8 },
    share95: 2 / 3,
    share99: 1 / 3,
    top: [],
  }
  it('flags current rows above the 95th (or 99th) percentile of the reference', () => {
    expect([0, 1, 2].map((r) => oodRowFlag(ood, r))).toEqual([false, true, true])
    expect([0, 1, 2].map((r) => oodRowFlag(ood, r, 'p99'))).toEqual([false, false, true])
    expect(oodRowFlag(ood, 3)).toBe(false)
    expect(oodRowFlag(null, 0)).toBe(false)
    expect(oodRowScore(ood, 1)).toBe(5)
    expect(oodRowScore(ood, 7)).toBeNull()
    expect(oodRowScore(null, 0)).toBeNull()
  })
})
