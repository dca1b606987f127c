import { describe, expect, it } from 'vitest'
import { treeDepth, treeEnsembleCheck, treeLeaves } from '../../../src/core/tree/check.ts'
import { SplitMode, type Tree, type TreeEnsemble } from '../../../src/core/tree/types.ts'
import { splitNextUp } from '../../../src/core/tree/split.ts'

/** root 0: x0 < 0.5 → node 2 (leaf 1) else node 1 (x1 < 1 → leaf 3 (2) / leaf 4 (3)). */
function tree(): Tree {
  return {
    nodes: 5,
    mode: Uint8Array.of(SplitMode.Lt, SplitMode.Lt, SplitMode.Leaf, SplitMode.Leaf, SplitMode.Leaf),
    feature: Int32Array.of(0, 1, -1, -1, -1),
    threshold: Float64Array.of(0.5, 1, 0, 0, 0),
    yes: Int32Array.of(2, 3, -1, -1, -1),
    no: Int32Array.of(1, 4, -1, -1, -1),
    missingYes: Uint8Array.of(1, 0, 0, 0, 0),
    value: Float64Array.of(0, 0, 1, 2, 3),
    cover: Float64Array.of(10, 6, 4, 3, 3),
  }
}

function ensemble(t: Partial<Tree> = {}, e: Partial<TreeEnsemble> = {}): TreeEnsemble {
  return {
    trees: [{ ...tree(), ...t }],
    nInputs: 2,
    nOutputs: 1,
    base: Float64Array.of(0),
    aggregate: 'SUM',
    postTransform: 'LOGISTIC',
    binary: true,
    thresholdPrecision: 'float32',
    ...e,
  }
}

describe('treeEnsembleCheck', () => {
  it('accepts a well-formed ensemble and measures depth (root at 0) and leaves', () => {
    const ens = ensemble()
    expect(treeEnsembleCheck(ens)).toBe(ens)
    expect(treeDepth(ens.trees[0]!)).toBe(2)
    expect(treeLeaves(ens.trees[0]!)).toBe(3)
  })

  it('names the source, the tree and the node of each defect', () => {
    const bad: [Partial<Tree>, Partial<TreeEnsemble>, string][] = [
      [{}, { trees: [] }, 'f.json: the ensemble has no trees'],
      [{}, { nOutputs: 2, base: new Float64Array(2) }, 'a binary ensemble scores class 1 only'],
      [{}, { base: Float64Array.of(NaN) }, 'base value 0 is NaN'],
      [
        { feature: Int32Array.of(2, 1, -1, -1, -1) },
        {},
        'tree 0, node 0: feature 2 is outside the 2 inputs',
      ],
      [
        { yes: Int32Array.of(7, 3, -1, -1, -1) },
        {},
        'tree 0, node 0: child 7 is not a node of the tree',
      ],
      [{ no: Int32Array.of(1, 3, -1, -1, -1) }, {}, 'tree 0: node 3 has two parents (1 and 1)'],
      [
        { value: Float64Array.of(0, 0, 1, Infinity, 3) },
        {},
        'tree 0, leaf 3: value Infinity is not finite',
      ],
      [
        { threshold: Float64Array.of(0.1, 1, 0, 0, 0) },
        {},
        'tree 0, node 0: threshold 0.1 is not a float32 value',
      ],
      [{ threshold: Float64Array.of(NaN, 1, 0, 0, 0) }, {}, 'tree 0, node 0: the threshold is NaN'],
      [{ mode: Uint8Array.of(9, 1, 6, 6, 6) }, {}, 'tree 0, node 0: unknown split mode 9'],
      [{ missingYes: new Uint8Array(3) }, {}, 'tree 0: missingYes has 3 entries, not 5'],
      [
        { cover: Float64Array.of(10, -1, 4, 3, 3) },
        {},
        'tree 0, node 1: cover -1 is not a finite number ≥ 0',
      ],
    ]
    for (const [t, e, message] of bad)
      expect(() => treeEnsembleCheck(ensemble(t, e), 'f.json')).toThrow(message)
    // A leaf no branch reaches.
    const orphan: Partial<Tree> = {
      nodes: 6,
      mode: Uint8Array.of(1, 1, 6, 6, 6, 6),
      feature: Int32Array.of(0, 1, -1, -1, -1, -1),
      threshold: new Float64Array(6),
      yes: Int32Array.of(2, 3, -1, -1, -1, -1),
      no: Int32Array.of(1, 4, -1, -1, -1, -1),
      missingYes: new Uint8Array(6),
      value: new Float64Array(6),
      cover: null,
    }
    expect(() => treeEnsembleCheck(ensemble(orphan), 'f.json')).toThrow(
      'f.json: tree 0: node 5 is not reachable from the root',
    )
  })

  it('allows a float64 threshold only under float64 precision', () => {
    const t = { threshold: Float64Array.of(0.1, 1, 0, 0, 0) }
    expect(() => treeEnsembleCheck(ensemble(t, { thresholdPrecision: 'float64' }))).not.toThrow()
  })
})

describe('splitNextUp', () => {
  it('steps to the next float32 / double, so that v ≤ t ⇔ v < next(t) for values of that precision', () => {
    for (const t of [0.5, -0.5, 1e-40, -1e-40, 3.4028234663852886e38, -Infinity, 1, -1, 0, -0]) {
      const n32 = splitNextUp(Math.fround(t), 'float32')
      expect(n32).toBeGreaterThan(Math.fround(t))
      expect(Math.fround(n32)).toBe(n32)
      // No float32 lies strictly between t and next(t): their midpoint rounds to one of them.
      const mid = Math.fround(t) + (n32 - Math.fround(t)) / 2
      if (Number.isFinite(mid)) expect([Math.fround(t), n32]).toContain(Math.fround(mid))
      const n64 = splitNextUp(t, 'float64')
      expect(n64).toBeGreaterThan(t)
      if (Number.isFinite(t)) expect((t + n64) / 2 === t || (t + n64) / 2 === n64).toBe(true)
    }
  })
})
