import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { rngFromSeed } from '../../../src/core/random.ts'
import { treeEnsembleCheck } from '../../../src/core/tree/check.ts'
import { treeMargins } from '../../../src/core/tree/evaluate.ts'
import {
  treeShapPathDependent,
  treeShapPathDependentExplainer,
  treeShapPathDependentUnavailable,
} from '../../../src/core/tree/pathDependent.ts'
import { SplitMode } from '../../../src/core/tree/types.ts'
import { matrix } from '../../../src/core/types.ts'
import {
  type EnsembleSpec,
  ensembleSpec,
  ensembleSpecArb,
  randomMatrix,
  brutePathDependent,
  randomEnsemble,
  randomRow,
} from './reference.ts'

const specArb = ensembleSpecArb({ maxInputs: 7, maxTrees: 4, maxDepth: 7, covers: true })

describe('treeShapPathDependent', () => {
  it('equals the Shapley values of the cover-weighted conditional expectation by enumeration', () => {
    fc.assert(
      fc.property(fc.integer(), specArb, (seed, spec: EnsembleSpec) => {
        const ens = treeEnsembleCheck(randomEnsemble(seed, spec))
        const rng = rngFromSeed(seed + 3)
        const xs = Array.from({ length: 3 }, () => randomRow(rng, spec.nInputs))
        const o = rng.int(spec.nOutputs)
        const xM = matrix(Float64Array.from(xs.flat()), xs.length, spec.nInputs)
        for (const method of ['tables', 'recursive'] as const) {
          const res = treeShapPathDependent(ens, xM, { output: o, method })
          xs.forEach((x, r) => {
            const ref = brutePathDependent(ens, x, o)
            expect(res.baseValue).toBeCloseTo(ref.base, 10)
            for (let j = 0; j < spec.nInputs; j++)
              expect(res.phi[r * spec.nInputs + j], `${method} row ${r} input ${j}`).toBeCloseTo(
                ref.phi[j]!,
                9,
              )
          })
        }
      }),
      { numRuns: 150 },
    )
  })

  it('is efficient on deep trees (Σφ = margin − baseValue), tables agreeing with the recursion', () => {
    const spec = ensembleSpec({ nInputs: 12, nTrees: 8, maxDepth: 12, binary: true, covers: true })
    const ens = randomEnsemble(21, spec)
    const rng = rngFromSeed(22)
    const x = randomMatrix(rng, 20, 12)
    const tables = treeShapPathDependent(ens, x, { method: 'tables', tableBudget: Infinity })
    const rec = treeShapPathDependent(ens, x, { method: 'recursive' })
    const auto = treeShapPathDependentExplainer(ens, { tableBudget: 1e6 })
    expect(auto.treesByTables).toBeGreaterThan(0)
    expect(auto.treesByTraversal).toBeGreaterThan(0)
    const mixed = auto.explain(x)
    const m = treeMargins(ens, x)
    for (let r = 0; r < 20; r++) {
      let sum = 0
      for (let j = 0; j < 12; j++) {
        sum += tables.phi[r * 12 + j]!
        expect(rec.phi[r * 12 + j]).toBeCloseTo(tables.phi[r * 12 + j]!, 9)
        expect(mixed.phi[r * 12 + j]).toBeCloseTo(tables.phi[r * 12 + j]!, 9)
      }
      expect(sum).toBeCloseTo(m[r]! - tables.baseValue, 9)
    }
  })

  it('is unavailable without covers or with a zero-cover split, and says why', () => {
    const base = ensembleSpec({
      nInputs: 2,
      nTrees: 2,
      maxDepth: 2,
      modes: [SplitMode.Lt],
      binary: true,
    })
    const noCovers = randomEnsemble(3, base)
    expect(treeShapPathDependentUnavailable(noCovers)).toMatch(/tree 0 has no node covers/)
    expect(() => treeShapPathDependentExplainer(noCovers)).toThrow('no node covers')
    const ens = randomEnsemble(3, { ...base, covers: true, maxDepth: 1 })
    expect(treeShapPathDependentUnavailable(ens)).toBeNull()
    ens.trees[1]!.cover![0] = 0
    expect(treeShapPathDependentUnavailable(ens)).toBe(
      'tree 1, node 0: a split with cover 0 (path-dependent TreeSHAP divides by it)',
    )
  })
})
