import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { rngFromSeed } from '../../../src/core/random.ts'
import { treeEnsembleCheck } from '../../../src/core/tree/check.ts'
import {
  probit,
  sigmoid,
  treeClassProbability,
  treeMargins,
  treeProbabilitiesFromMargins,
} from '../../../src/core/tree/evaluate.ts'
import { treeFlatten } from '../../../src/core/tree/flat.ts'
import { treePadded } from '../../../src/core/tree/padded.ts'
import { SplitMode, type TreeEnsemble } from '../../../src/core/tree/types.ts'
import { matrix } from '../../../src/core/types.ts'
import {
  ALL_MODES,
  type EnsembleSpec,
  ensembleSpec,
  ensembleSpecArb,
  randomEnsemble,
  randomRow,
  refMargin,
} from './reference.ts'

const specArb = ensembleSpecArb({
  maxInputs: 6,
  maxTrees: 6,
  maxDepth: 7,
  covers: false,
  modes: [ALL_MODES, [SplitMode.Lt], [SplitMode.Eq, SplitMode.Neq, SplitMode.Leq]],
})

/** One-tree ensemble: a single split of input 0 at `t` with `mode`, leaves 10 (yes) and 20 (no). */
function stump(
  mode: number,
  t: number,
  missingYes: number,
  precision: 'float32' | 'float64' = 'float32',
): TreeEnsemble {
  return treeEnsembleCheck({
    trees: [
      {
        nodes: 3,
        mode: Uint8Array.of(mode, SplitMode.Leaf, SplitMode.Leaf),
        feature: Int32Array.of(0, -1, -1),
        threshold: Float64Array.of(t, 0, 0),
        yes: Int32Array.of(1, -1, -1),
        no: Int32Array.of(2, -1, -1),
        missingYes: Uint8Array.of(missingYes, 0, 0),
        value: Float64Array.of(0, 10, 20),
        cover: null,
      },
    ],
    nInputs: 1,
    nOutputs: 1,
    base: Float64Array.of(0),
    aggregate: 'SUM',
    postTransform: 'NONE',
    binary: false,
    thresholdPrecision: precision,
  })
}

/** treeMargins of `rows` equal the independent evaluator's margins of every output. */
function expectReferenceMargins(ens: TreeEnsemble, rows: number[][]): void {
  const k = ens.nOutputs
  const m = treeMargins(ens, matrix(Float64Array.from(rows.flat()), rows.length, ens.nInputs))
  rows.forEach((row, r) => {
    for (let o = 0; o < k; o++) expect(m[r * k + o]).toBeCloseTo(refMargin(ens, row, o), 12)
  })
}

describe('treeMargins', () => {
  it('equals an independent recursive evaluator on random ensembles (every mode, NaN, ±∞, AVERAGE)', () => {
    fc.assert(
      fc.property(fc.integer(), specArb, (seed, spec: EnsembleSpec) => {
        const ens = treeEnsembleCheck(randomEnsemble(seed, spec))
        const rng = rngFromSeed(seed ^ 0x5bd1e995)
        const rows = Array.from({ length: 40 }, () => randomRow(rng, spec.nInputs))
        expectReferenceMargins(ens, rows)
      }),
      { numRuns: 150 },
    )
  })

  it('walks NaN-free rows in the padded form (8 rows side by side) exactly', () => {
    fc.assert(
      fc.property(fc.integer(), specArb, (seed, spec: EnsembleSpec) => {
        const ens = treeEnsembleCheck(
          randomEnsemble(seed, { ...spec, maxDepth: Math.min(spec.maxDepth, 6) }),
        )
        // = and ≠ become two nodes each, which can double the depth past the padded form's limit.
        const doubled = spec.modes.includes(SplitMode.Eq) || spec.modes.includes(SplitMode.Neq)
        if (spec.nOutputs === 1 && !doubled) expect(treePadded(treeFlatten(ens))).not.toBeNull()
        const rng = rngFromSeed(seed ^ 0x2545f491)
        // No NaN, so every full group of 8 rows takes the padded walk (−0, ±∞ and near-threshold values included).
        const rows = Array.from({ length: 43 }, () =>
          randomRow(rng, spec.nInputs).map((v) => (Number.isNaN(v) ? -0 : v)),
        )
        expectReferenceMargins(ens, rows)
      }),
      { numRuns: 150 },
    )
  })

  it('gives the same margins for float64 rows and the same rows rounded to float32, across block boundaries', () => {
    const spec = ensembleSpec({ nInputs: 5, nOutputs: 2, nTrees: 7, maxDepth: 6 })
    const ens = randomEnsemble(11, spec)
    const rng = rngFromSeed(12)
    const rows = Array.from({ length: 700 }, () => randomRow(rng, 5))
    const x64 = Float64Array.from(rows.flat())
    const a = treeMargins(ens, matrix(x64, 700, 5))
    const b = treeMargins(ens, matrix(Float32Array.from(x64), 700, 5))
    expect(Array.from(a)).toEqual(Array.from(b))
    rows.forEach((row, r) => expect(a[2 * r + 1]).toBeCloseTo(refMargin(ens, row, 1), 12))
  })

  it('rounds float64 inputs once to float32 before comparing (contract §7), or not under float64 precision', () => {
    const t = 0.1 // not a float32: take its float32 value as the threshold
    const t32 = Math.fround(t)
    const x = t32 + 1e-12 // a float64 just above the threshold that rounds onto it
    expect(Math.fround(x)).toBe(t32)
    const f32 = treeMargins(stump(SplitMode.Leq, t32, 0), matrix(Float64Array.of(x), 1, 1))
    expect(f32[0]).toBe(10) // fround(x) ≤ t
    const f64 = treeMargins(
      stump(SplitMode.Leq, t32, 0, 'float64'),
      matrix(Float64Array.of(x), 1, 1),
    )
    expect(f64[0]).toBe(20) // x > t in float64
  })

  it('sends NaN down the missing branch and compares ±∞ and values on the threshold by the mode', () => {
    const cases: [number, number, number, number][] = [
      // mode, threshold, x, expected leaf value
      [SplitMode.Leq, 0.5, 0.5, 10],
      [SplitMode.Lt, 0.5, 0.5, 20],
      [SplitMode.Gte, 0.5, 0.5, 10],
      [SplitMode.Gt, 0.5, 0.5, 20],
      [SplitMode.Eq, 0.5, 0.5, 10],
      [SplitMode.Eq, 0.5, Math.fround(0.5 + 1e-7), 20],
      [SplitMode.Neq, 0.5, 0.5, 20],
      [SplitMode.Leq, Infinity, Infinity, 10],
      [SplitMode.Gt, Infinity, Infinity, 20],
      [SplitMode.Lt, -Infinity, -Infinity, 20],
      [SplitMode.Eq, Infinity, Infinity, 10],
      [SplitMode.Eq, -Infinity, -Infinity, 10],
      [SplitMode.Neq, -Infinity, 3, 10],
      [SplitMode.Leq, 0, -0, 10],
      [SplitMode.Lt, 0, -0, 20],
    ]
    for (const [mode, t, x, want] of cases) {
      expect(
        treeMargins(stump(mode, t, 0), matrix(Float64Array.of(x), 1, 1))[0],
        `${mode} ${t} ${x}`,
      ).toBe(want)
      for (const miss of [0, 1])
        expect(treeMargins(stump(mode, t, miss), matrix(Float64Array.of(NaN), 1, 1))[0]).toBe(
          miss ? 10 : 20,
        )
    }
  })

  it('refuses rows of the wrong width', () => {
    expect(() => treeMargins(stump(SplitMode.Lt, 0, 0), matrix(new Float32Array(2), 1, 2))).toThrow(
      'rows have 2 inputs, the trees read 1',
    )
  })
})

describe('treeProbabilitiesFromMargins', () => {
  const ensWith = (
    pt: TreeEnsemble['postTransform'],
    binary: boolean,
    k: number,
  ): TreeEnsemble => ({
    ...stump(SplitMode.Lt, 0, 0),
    nOutputs: k,
    base: new Float64Array(k),
    postTransform: pt,
    binary,
  })

  it('gives a binary ensemble [1 − s, s] (NONE) or [σ(−m), σ(m)] (LOGISTIC)', () => {
    expect(
      Array.from(treeProbabilitiesFromMargins(ensWith('NONE', true, 1), Float64Array.of(0.3))),
    ).toEqual([0.7, 0.3])
    const p = treeProbabilitiesFromMargins(ensWith('LOGISTIC', true, 1), Float64Array.of(-800, 2))
    expect(p[0]).toBe(1)
    expect(p[1]).toBe(0)
    expect(p[2]).toBeCloseTo(1 / (1 + Math.exp(2)), 15)
    expect(p[3]).toBeCloseTo(1 / (1 + Math.exp(-2)), 15)
    expect(() =>
      treeProbabilitiesFromMargins(ensWith('SOFTMAX', true, 1), Float64Array.of(0)),
    ).toThrow('post-transform SOFTMAX')
  })

  it('applies SOFTMAX, SOFTMAX_ZERO, LOGISTIC, PROBIT and NONE per row of k outputs', () => {
    const m = Float64Array.of(1, 2, 0, 1000, 1000, -1000)
    const soft = treeProbabilitiesFromMargins(ensWith('SOFTMAX', false, 3), m)
    const e = [Math.exp(1), Math.exp(2), 1]
    const sum = e[0]! + e[1]! + e[2]!
    e.forEach((v, j) => expect(soft[j]).toBeCloseTo(v / sum, 15))
    expect(soft[3]).toBeCloseTo(0.5, 15) // no overflow
    const zero = treeProbabilitiesFromMargins(ensWith('SOFTMAX_ZERO', false, 3), m)
    expect(zero[2]).toBe(0)
    expect(zero[0]).toBeCloseTo(Math.exp(1) / (Math.exp(1) + Math.exp(2)), 15)
    const lg = treeProbabilitiesFromMargins(ensWith('LOGISTIC', false, 3), m)
    expect(lg[1]).toBeCloseTo(sigmoid(2), 15)
    const none = treeProbabilitiesFromMargins(ensWith('NONE', false, 3), m)
    expect(Array.from(none)).toEqual(Array.from(m))
    const pr = treeProbabilitiesFromMargins(
      ensWith('PROBIT', false, 3),
      Float64Array.of(0.5, 0.975, 0.025),
    )
    expect(pr[0]).toBeCloseTo(0, 12)
    // onnxruntime's erfinv approximation is good to ~2e-3 in this range: Φ⁻¹(0.975) = 1.95996.
    expect(pr[1]).toBeCloseTo(1.95996, 2)
    expect(pr[2]).toBeCloseTo(-pr[1]!, 12)
    expect(probit(0.5)).toBe(0)
  })
})

describe('treeClassProbability', () => {
  it('returns one class column as float32 and refuses a class the model does not have', () => {
    const ens: TreeEnsemble = {
      ...stump(SplitMode.Lt, 0, 0),
      postTransform: 'LOGISTIC',
      binary: true,
    }
    const p = treeClassProbability(ens, matrix(Float32Array.of(-1, 1), 2, 1), 1)
    expect(p[0]).toBe(Math.fround(sigmoid(10)))
    expect(p[1]).toBe(Math.fround(sigmoid(20)))
    expect(() => treeClassProbability(ens, matrix(Float32Array.of(1), 1, 1), 2)).toThrow(
      "class 2 is not one of the model's 2 classes (0–1)",
    )
  })
})
