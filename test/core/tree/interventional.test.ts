import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { rngFromSeed } from '../../../src/core/random.ts'
import { treeEnsembleCheck } from '../../../src/core/tree/check.ts'
import { treeMargins } from '../../../src/core/tree/evaluate.ts'
import {
  treeShapInterventional,
  treeShapInterventionalExplainer,
} from '../../../src/core/tree/interventional.ts'
import type { TreePlayers } from '../../../src/core/tree/players.ts'
import { SplitMode } from '../../../src/core/tree/types.ts'
import { matrix } from '../../../src/core/types.ts'
import {
  type EnsembleSpec,
  ensembleSpec,
  ensembleSpecArb,
  randomMatrix,
  bruteInterventional,
  randomEnsemble,
  randomRow,
} from './reference.ts'

/** Random players over n inputs: one per input, contiguous blocks (offsets) or an arbitrary map. */
function randomPlayers(
  seed: number,
  n: number,
  kind: 0 | 1 | 2,
): { players: TreePlayers | undefined; map: Int32Array; nPlayers: number } {
  const rng = rngFromSeed(seed)
  if (kind === 0)
    return { players: undefined, map: Int32Array.from({ length: n }, (_, i) => i), nPlayers: n }
  if (kind === 1) {
    const cuts = [0]
    for (let i = 1; i < n; i++) if (rng.uniform() < 0.6) cuts.push(i)
    cuts.push(n)
    const offsets = Int32Array.from(cuts)
    const map = new Int32Array(n)
    for (let p = 0; p + 1 < offsets.length; p++) map.fill(p, offsets[p]!, offsets[p + 1]!)
    return { players: { offsets }, map, nPlayers: offsets.length - 1 }
  }
  const nPlayers = 1 + rng.int(n)
  const map = Int32Array.from({ length: n }, () => rng.int(nPlayers))
  return { players: { inputPlayer: map, nPlayers }, map, nPlayers }
}

const specArb = ensembleSpecArb({ maxInputs: 7, maxTrees: 4, maxDepth: 6, covers: false })

describe('treeShapInterventional', () => {
  it('equals the Shapley values of the mean game by coalition enumeration (tables and pairs)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        specArb,
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0 as const, 1 as const, 2 as const),
        (seed, spec: EnsembleSpec, nb, kind) => {
          const ens = treeEnsembleCheck(randomEnsemble(seed, spec))
          const rng = rngFromSeed(seed + 1)
          const bg = Array.from({ length: nb }, () => randomRow(rng, spec.nInputs))
          // Rows: random, and background rows themselves (x = b makes the pair game constant).
          const xs = [randomRow(rng, spec.nInputs), randomRow(rng, spec.nInputs), bg[0]!]
          const { players, map, nPlayers } = randomPlayers(seed + 2, spec.nInputs, kind)
          const o = rng.int(spec.nOutputs)
          const bgM = matrix(Float64Array.from(bg.flat()), nb, spec.nInputs)
          const xM = matrix(Float64Array.from(xs.flat()), xs.length, spec.nInputs)
          for (const method of ['tables', 'pairs'] as const) {
            const opts = players ? { output: o, players, method } : { output: o, method }
            const res = treeShapInterventional(ens, xM, bgM, opts)
            expect(res.players).toBe(nPlayers)
            xs.forEach((x, r) => {
              const ref = bruteInterventional(ens, x, bg, map, nPlayers, o)
              expect(res.baseValue).toBeCloseTo(ref.base, 10)
              for (let p = 0; p < nPlayers; p++)
                expect(res.phi[r * nPlayers + p], `${method} row ${r} player ${p}`).toBeCloseTo(
                  ref.phi[p]!,
                  10,
                )
            })
          }
        },
      ),
      { numRuns: 120 },
    )
  })

  it('is efficient on deep trees beyond enumeration (Σφ = margin − baseValue), tables agreeing with pairs', () => {
    const spec = ensembleSpec({
      nInputs: 40,
      nOutputs: 2,
      nTrees: 6,
      maxDepth: 11,
      aggregate: 'AVERAGE',
    })
    // Deep trees (their tables exceed the budget below) and shallow ones (theirs fit).
    const deep = randomEnsemble(5, spec)
    const shallow = randomEnsemble(7, { ...spec, maxDepth: 3 })
    const ens = treeEnsembleCheck({ ...deep, trees: [...shallow.trees, ...deep.trees] })
    const rng = rngFromSeed(6)
    const bg = randomMatrix(rng, 30, 40)
    const x = randomMatrix(rng, 10, 40)
    const offsets = Int32Array.from({ length: 11 }, (_, i) => 4 * i)
    const tables = treeShapInterventional(ens, x, bg, {
      output: 1,
      players: { offsets },
      method: 'tables',
    })
    const pairs = treeShapInterventional(ens, x, bg, {
      output: 1,
      players: { offsets },
      method: 'pairs',
    })
    const auto = treeShapInterventionalExplainer(ens, bg, {
      output: 1,
      players: { offsets },
      tableBudget: 3000,
    })
    expect(auto.treesByTables).toBeGreaterThan(0)
    expect(auto.treesByTraversal).toBeGreaterThan(0)
    const mixed = auto.explain(x)
    const margins = treeMargins(ens, x)
    for (let r = 0; r < 10; r++) {
      let sum = 0
      for (let p = 0; p < 10; p++) {
        sum += tables.phi[r * 10 + p]!
        expect(pairs.phi[r * 10 + p]).toBeCloseTo(tables.phi[r * 10 + p]!, 10)
        expect(mixed.phi[r * 10 + p]).toBeCloseTo(tables.phi[r * 10 + p]!, 10)
      }
      expect(sum).toBeCloseTo(margins[r * 2 + 1]! - tables.baseValue, 10)
      expect(tables.margins[r]).toBe(margins[r * 2 + 1])
    }
  })

  it('explains a batch spanning several row blocks exactly as it explains each row alone', () => {
    const spec = ensembleSpec({ nInputs: 6, nTrees: 5, maxDepth: 6, binary: true })
    const ens = randomEnsemble(31, spec)
    const rng = rngFromSeed(32)
    const bg = randomMatrix(rng, 8, 6)
    const x = randomMatrix(rng, 300, 6)
    for (const tableBudget of [Infinity, 0]) {
      const e = treeShapInterventionalExplainer(ens, bg, { tableBudget })
      const all = e.explain(x)
      for (const r of [0, 127, 128, 255, 256, 299]) {
        const one = e.explain(matrix(x.data.slice(r * 6, (r + 1) * 6), 1, 6))
        expect(Array.from(all.phi.subarray(r * 6, (r + 1) * 6))).toEqual(Array.from(one.phi))
      }
    }
  })

  it('has baseValue = the mean background margin of the output', () => {
    const ens = randomEnsemble(9, ensembleSpec({ nOutputs: 2, nTrees: 3, modes: [SplitMode.Lt] }))
    const bg = randomMatrix(rngFromSeed(10), 4, 3)
    const m = treeMargins(ens, bg)
    const e = treeShapInterventionalExplainer(ens, bg, { output: 1 })
    expect(e.baseValue).toBeCloseTo((m[1]! + m[3]! + m[5]! + m[7]!) / 4, 14)
  })

  it('refuses an empty or mis-sized background, an unknown output and bad players', () => {
    const ens = randomEnsemble(1, ensembleSpec({ maxDepth: 2, binary: true }))
    const bg = matrix(new Float64Array(3), 1, 3)
    expect(() => treeShapInterventionalExplainer(ens, matrix(new Float64Array(0), 0, 3))).toThrow(
      'needs background rows',
    )
    expect(() => treeShapInterventionalExplainer(ens, matrix(new Float64Array(2), 1, 2))).toThrow(
      'background rows have 2 inputs',
    )
    expect(() => treeShapInterventionalExplainer(ens, bg, { output: 1 })).toThrow(
      'output 1 is not one of the 1 margins',
    )
    expect(() =>
      treeShapInterventionalExplainer(ens, bg, { players: { offsets: Int32Array.of(0, 2) } }),
    ).toThrow('player offsets must run from 0 to the 3 inputs')
    expect(() =>
      treeShapInterventionalExplainer(ens, bg, {
        players: { inputPlayer: Int32Array.of(0, 1, 2), nPlayers: 2 },
      }),
    ).toThrow('input 2 maps to player 2, not one of 2')
    expect(() =>
      treeShapInterventionalExplainer(ens, bg).explain(matrix(new Float64Array(2), 1, 2)),
    ).toThrow('rows have 2 inputs, the trees read 3')
  })
})
