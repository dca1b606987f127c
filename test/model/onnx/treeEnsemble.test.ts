import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SplitMode } from '../../../src/core/tree/types.ts'
import {
  OnnxAttrType,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from '../../../src/model/onnx/onnxTypes.ts'
import { onnxTreeEnsembleRead } from '../../../src/model/onnx/treeEnsemble.ts'
import { testMargins, testProbability } from './treeEval.ts'

const utf8 = new TextEncoder()
const blank = (name: string, type: number): OnnxAttribute => ({
  name,
  type,
  f: 0,
  i: 0,
  s: new Uint8Array(0),
  t: null,
  g: null,
  floats: [],
  ints: [],
  strings: [],
  tensors: [],
  graphs: [],
})
const ints = (name: string, v: number[]): OnnxAttribute => ({
  ...blank(name, OnnxAttrType.Ints),
  ints: v,
})
const floats = (name: string, v: number[]): OnnxAttribute => ({
  ...blank(name, OnnxAttrType.Floats),
  floats: v.map(Math.fround),
})
const strings = (name: string, v: string[]): OnnxAttribute => ({
  ...blank(name, OnnxAttrType.Strings),
  strings: v.map((s) => utf8.encode(s)),
})
const str = (name: string, v: string): OnnxAttribute => ({
  ...blank(name, OnnxAttrType.String),
  s: utf8.encode(v),
})
const int = (name: string, v: number): OnnxAttribute => ({ ...blank(name, OnnxAttrType.Int), i: v })
function doubles(name: string, v: number[]): OnnxAttribute {
  const t: OnnxTensor = {
    name,
    dims: [v.length],
    dataType: OnnxDataType.Double,
    floatData: [],
    int32Data: [],
    int64Data: [],
    uint64Data: [],
    doubleData: v,
    stringData: [],
    rawData: null,
    external: false,
  }
  return { ...blank(name, OnnxAttrType.Tensor), t }
}

type Spec = {
  tree?: number[]
  ids: number[]
  features?: number[]
  modes: string[]
  values?: number[]
  yes?: number[]
  no?: number[]
  missing?: number[]
  weights: [tree: number, node: number, cls: number, w: number][]
}

/** A TreeEnsembleClassifier node from a compact spec (one tree unless `tree` says otherwise). */
function classifier(
  spec: Spec,
  extra: OnnxAttribute[] = [],
  op = 'TreeEnsembleClassifier',
): OnnxNode {
  const n = spec.ids.length
  const p = op === 'TreeEnsembleClassifier' ? 'class' : 'target'
  const attributes = [
    ints('nodes_treeids', spec.tree ?? Array(n).fill(0)),
    ints('nodes_nodeids', spec.ids),
    ints('nodes_featureids', spec.features ?? Array(n).fill(0)),
    strings('nodes_modes', spec.modes),
    ints('nodes_truenodeids', spec.yes ?? Array(n).fill(0)),
    ints('nodes_falsenodeids', spec.no ?? Array(n).fill(0)),
    ints(
      `${p}_treeids`,
      spec.weights.map((w) => w[0]),
    ),
    ints(
      `${p}_nodeids`,
      spec.weights.map((w) => w[1]),
    ),
    ints(
      `${p}_ids`,
      spec.weights.map((w) => w[2]),
    ),
    floats(
      `${p}_weights`,
      spec.weights.map((w) => w[3]),
    ),
    ...(spec.missing ? [ints('nodes_missing_value_tracks_true', spec.missing)] : []),
    ...(extra.some((a) => a.name === 'nodes_values_as_tensor')
      ? []
      : [floats('nodes_values', spec.values ?? Array(n).fill(0))]),
    ...(op === 'TreeEnsembleClassifier' && !extra.some((a) => a.name.startsWith('classlabels'))
      ? [ints('classlabels_int64s', [0, 1])]
      : []),
    ...extra,
  ]
  return {
    name: 'te',
    opType: op,
    domain: 'ai.onnx.ml',
    inputs: ['x'],
    outputs: ['label', 'probabilities'],
    attributes,
  }
}

/** One split on feature 0 at 0.5 (node ids 10 → 20 yes / 30 no), leaves scoring 1 and 2. */
const stump = (mode: string, missing = 0): Spec => ({
  ids: [10, 20, 30],
  modes: [mode, 'LEAF', 'LEAF'],
  values: [0.5, 0, 0],
  yes: [20, 0, 0],
  no: [30, 0, 0],
  missing: [missing, 0, 0],
  weights: [
    [0, 20, 0, 1],
    [0, 30, 0, 2],
  ],
})

describe('onnxTreeEnsembleRead', () => {
  it.each([
    ['BRANCH_LEQ', [1, 1, 2]],
    ['BRANCH_LT', [1, 2, 2]],
    ['BRANCH_GTE', [2, 1, 1]],
    ['BRANCH_GT', [2, 2, 1]],
    ['BRANCH_EQ', [2, 1, 2]],
    ['BRANCH_NEQ', [1, 2, 1]],
  ])('%s sends 0.4, 0.5, 0.6 to the leaves its comparison says', (mode, want) => {
    const e = onnxTreeEnsembleRead(classifier(stump(mode))).ensemble
    expect([0.4, 0.5, 0.6].map((x) => testMargins(e, [x])[0])).toEqual(want)
  })

  it('sends NaN to the true branch only where nodes_missing_value_tracks_true is set', () => {
    expect(
      testMargins(onnxTreeEnsembleRead(classifier(stump('BRANCH_LT', 1))).ensemble, [NaN])[0],
    ).toBe(1)
    expect(
      testMargins(onnxTreeEnsembleRead(classifier(stump('BRANCH_LT', 0))).ensemble, [NaN])[0],
    ).toBe(2)
  })

  it('remaps node ids per tree to breadth-first positions from the first node listed', () => {
    const r = onnxTreeEnsembleRead(classifier(stump('BRANCH_LEQ')))
    const t = r.ensemble.trees[0]!
    expect(Array.from(t.mode)).toEqual([SplitMode.Leq, SplitMode.Leaf, SplitMode.Leaf])
    expect(Array.from(t.yes)).toEqual([1, -1, -1])
    expect(Array.from(t.no)).toEqual([2, -1, -1])
    expect(Array.from(t.value)).toEqual([0, 1, 2])
    expect(Array.from(t.feature)).toEqual([0, -1, -1])
    expect(t.cover).toBeNull()
    expect(r).toMatchObject({ leaves: 2, maxDepth: 1, kind: 'classifier', classLabels: [0, 1] })
  })

  it('reads a binary classifier with class_ids all 0 as one class-1 score plus base_values[0]', () => {
    const node = classifier(stump('BRANCH_LEQ'), [
      floats('base_values', [-0.25]),
      str('post_transform', 'LOGISTIC'),
    ])
    const e = onnxTreeEnsembleRead(node).ensemble
    expect(e).toMatchObject({
      binary: true,
      nOutputs: 1,
      postTransform: 'LOGISTIC',
      aggregate: 'SUM',
    })
    expect(Array.from(e.base)).toEqual([-0.25])
    const m = testMargins(e, [0.9])
    expect(m[0]).toBe(1.75)
    expect(testProbability(e, m, 1)).toBeCloseTo(1 / (1 + Math.exp(-1.75)), 15)
  })

  it('keeps one output per class when the weights name several classes', () => {
    const spec = stump('BRANCH_LEQ')
    spec.weights = [
      [0, 20, 0, 0.7],
      [0, 20, 2, 0.3],
      [0, 30, 1, 1],
    ]
    const e = onnxTreeEnsembleRead(
      classifier(spec, [ints('classlabels_int64s', [5, 6, 7]), str('post_transform', 'SOFTMAX')]),
    ).ensemble
    expect(e).toMatchObject({ binary: false, nOutputs: 3, postTransform: 'SOFTMAX' })
    expect(Array.from(testMargins(e, [0]))).toEqual([Math.fround(0.7), 0, Math.fround(0.3)])
    expect(Array.from(testMargins(e, [1]))).toEqual([0, 1, 0])
  })

  it('reads ai.onnx.ml opset 3 double tensors: float64 thresholds, weights and base values', () => {
    const spec = stump('BRANCH_LEQ')
    const node = classifier(spec, [
      doubles('nodes_values_as_tensor', [0.1, 0, 0]),
      doubles('base_values_as_tensor', [0.1]),
    ])
    const e = onnxTreeEnsembleRead(node).ensemble
    expect(e.thresholdPrecision).toBe('float64')
    expect(e.trees[0]!.threshold[0]).toBe(0.1)
    // 0.1 + 1e-17 rounds to 0.1 in float64 but Math.fround(0.1) > 0.1: the double compare matters.
    expect(testMargins(e, [Math.fround(0.1)])[0]).toBe(2.1)
    expect(testMargins(e, [0.1])[0]).toBe(1.1)
  })

  it('compares in float64 when the trees read a float64 tensor', () => {
    const e = onnxTreeEnsembleRead(classifier(stump('BRANCH_LEQ')), {
      inputDtype: 'float64',
      nInputs: 4,
    }).ensemble
    expect(e.thresholdPrecision).toBe('float64')
    expect(e.nInputs).toBe(4)
  })

  it('reads a regressor: targets, AVERAGE over the trees, then the base', () => {
    const two: Spec = {
      tree: [0, 0, 0, 1, 1, 1],
      ids: [0, 1, 2, 0, 1, 2],
      features: [0, 0, 0, 1, 0, 0],
      modes: ['BRANCH_LEQ', 'LEAF', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF'],
      values: [0.5, 0, 0, 0.5, 0, 0],
      yes: [1, 0, 0, 1, 0, 0],
      no: [2, 0, 0, 2, 0, 0],
      weights: [
        [0, 1, 0, 1],
        [0, 2, 0, 3],
        [1, 1, 0, 10],
        [1, 2, 0, 30],
      ],
    }
    const node = classifier(
      two,
      [int('n_targets', 1), str('aggregate_function', 'AVERAGE'), floats('base_values', [100])],
      'TreeEnsembleRegressor',
    )
    const r = onnxTreeEnsembleRead(node)
    expect(r).toMatchObject({ kind: 'regressor', classLabels: [] })
    expect(r.ensemble.aggregate).toBe('AVERAGE')
    expect(testMargins(r.ensemble, [0, 1])[0]).toBe(100 + (1 + 30) / 2)
  })

  it.each([
    ['an unknown mode', { ...stump('BRANCH_MEMBER') }, [], /unknown node mode "BRANCH_MEMBER"/],
    [
      'a child that does not exist',
      { ...stump('BRANCH_LEQ'), no: [31, 0, 0] },
      [],
      /tree 0 node 10 points to node 31, which the tree does not have/,
    ],
    [
      'a node listed twice',
      { ...stump('BRANCH_LEQ'), ids: [10, 20, 20] },
      [],
      /tree 0 lists node 20 twice/,
    ],
    ['a cycle', { ...stump('BRANCH_LEQ'), no: [10, 0, 0] }, [], /reaches node 10 twice/],
    [
      'weights for a missing node',
      { ...stump('BRANCH_LEQ'), weights: [[0, 99, 0, 1]] },
      [],
      /entry 0 is for node 99 of tree 0/,
    ],
    [
      'attribute lists of different lengths',
      { ...stump('BRANCH_LEQ'), values: [0.5] },
      [],
      /nodes_values has 1 entries, nodes_treeids 3/,
    ],
    [
      'class_ids all 1 with two classes',
      { ...stump('BRANCH_LEQ'), weights: [[0, 20, 1, 1]] },
      [],
      /class_ids are all 1/,
    ],
    [
      'base_values of the wrong length',
      stump('BRANCH_LEQ'),
      [floats('base_values', [1, 2])],
      /2 base_values for 1 output/,
    ],
  ] as const)('refuses %s, naming the node', (_, spec, extra, message) => {
    expect(() => onnxTreeEnsembleRead(classifier(spec as Spec, [...extra]))).toThrow(message)
    expect(() => onnxTreeEnsembleRead(classifier(spec as Spec, [...extra]))).toThrow(
      /^TreeEnsembleClassifier "te": /,
    )
  })

  it('refuses MIN/MAX aggregation and tree runs that are not consecutive', () => {
    const s = stump('BRANCH_LEQ')
    const reg = classifier(
      s,
      [int('n_targets', 1), str('aggregate_function', 'MAX')],
      'TreeEnsembleRegressor',
    )
    expect(() => onnxTreeEnsembleRead(reg)).toThrow(
      'aggregate_function MAX (Glassbox reads SUM and AVERAGE)',
    )
    const split = classifier({
      ...s,
      tree: [0, 1, 0],
      ids: [10, 0, 20],
      yes: [20, 0, 0],
      modes: ['BRANCH_LEQ', 'LEAF', 'LEAF'],
      no: [20, 0, 0],
    })
    expect(() => onnxTreeEnsembleRead(split)).toThrow('the nodes of tree 0 are not consecutive')
  })
})

/** A random tree as nested nodes, evaluated directly (no TreeEnsemble involved). */
type RNode =
  | { leaf: number }
  | { mode: string; feature: number; t: number; missingYes: boolean; yes: RNode; no: RNode }
const MODE_TEST: Record<string, (x: number, t: number) => boolean> = {
  BRANCH_LEQ: (x, t) => x <= t,
  BRANCH_LT: (x, t) => x < t,
  BRANCH_GTE: (x, t) => x >= t,
  BRANCH_GT: (x, t) => x > t,
  BRANCH_EQ: (x, t) => x === t,
  BRANCH_NEQ: (x, t) => x !== t,
}
const rnode: fc.Memo<RNode> = fc.memo((depth) =>
  depth <= 1
    ? fc.record({ leaf: fc.integer({ min: -8, max: 8 }) })
    : fc.oneof(
        { depthSize: 'small' },
        fc.record({ leaf: fc.integer({ min: -8, max: 8 }) }),
        fc.record({
          mode: fc.constantFrom(...Object.keys(MODE_TEST)),
          feature: fc.integer({ min: 0, max: 2 }),
          t: fc.constantFrom(-1, 0, 0.5, 1),
          missingYes: fc.boolean(),
          yes: rnode(depth - 1),
          no: rnode(depth - 1),
        }),
      ),
)
function direct(n: RNode, x: number[]): number {
  if ('leaf' in n) return n.leaf
  const v = x[n.feature]!
  const yes = Number.isNaN(v) ? n.missingYes : MODE_TEST[n.mode]!(v, n.t)
  return direct(yes ? n.yes : n.no, x)
}

describe('onnxTreeEnsembleRead (property)', () => {
  it('reads random trees written with random node ids in any order after the root', () => {
    fc.assert(
      fc.property(
        fc.array(rnode(5), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(-1, 0, 0.25, 0.5, 1, NaN), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (trees, x, seed) => {
          const spec: Spec = {
            tree: [],
            ids: [],
            features: [],
            modes: [],
            values: [],
            yes: [],
            no: [],
            missing: [],
            weights: [],
          }
          let next = seed
          trees.forEach((root, ti) => {
            const rows: { id: number; n: RNode; yes?: number; no?: number }[] = []
            const visit = (n: RNode): number => {
              const id = (next = (next * 7919 + 13) % 100_003)
              const row: { id: number; n: RNode; yes?: number; no?: number } = { id, n }
              rows.push(row)
              if (!('leaf' in n)) {
                row.yes = visit(n.yes)
                row.no = visit(n.no)
              }
              return id
            }
            visit(root)
            // root first, the rest reversed
            for (const r of [rows[0]!, ...rows.slice(1).reverse()]) {
              const leaf = 'leaf' in r.n
              spec.tree!.push(ti * 3 + 1)
              spec.ids.push(r.id)
              spec.features!.push(leaf ? 0 : (r.n as { feature: number }).feature)
              spec.modes.push(leaf ? 'LEAF' : (r.n as { mode: string }).mode)
              spec.values!.push(leaf ? 0 : (r.n as { t: number }).t)
              spec.yes!.push(r.yes ?? 0)
              spec.no!.push(r.no ?? 0)
              spec.missing!.push(!leaf && (r.n as { missingYes: boolean }).missingYes ? 1 : 0)
              if (leaf) spec.weights.push([ti * 3 + 1, r.id, 0, (r.n as { leaf: number }).leaf])
            }
          })
          const e = onnxTreeEnsembleRead(classifier(spec)).ensemble
          const want = trees.reduce((a, t) => a + direct(t, x), 0)
          expect(testMargins(e, x)[0]).toBe(want)
        },
      ),
    )
  })
})
