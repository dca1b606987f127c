import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxPlanColumns, onnxPlanEncoded } from '../../../src/model/onnx/columns.ts'
import { onnxOutputChoose } from '../../../src/model/onnx/output.ts'
import {
  OnnxAttrType,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from '../../../src/model/onnx/onnxTypes.ts'
import { onnxModelRead, type OnnxModelRead } from '../../../src/model/onnx/read.ts'
import { onnxTracePlayers } from '../../../src/model/onnx/trace.ts'
import { onnxStartPlayers, onnxTreeSetup } from '../../../src/model/onnx/trees.ts'
import { MODELS_DIR, fixture, fixtureBytes, readJson, type FixtureSchema } from './fixtures.ts'

type BadCase = { file: string; schema: string; stage: string; messageIncludes: string[] }
const BAD = readJson<BadCase[]>(join(MODELS_DIR, 'bad/expected.json'))
const badModel = (file: string) => onnxModelRead(fixtureBytes(`bad/${file}`), file)
const badSchema = (file: string) => readJson<FixtureSchema>(join(MODELS_DIR, 'bad', file))

/** The message of what `f` throws ('' when it does not throw). */
function thrown(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect((e as Error).name).toBe('ModelError')
    return (e as Error).message
  }
  return ''
}

describe('onnxPlanColumns', () => {
  it('matches the random-forest pipeline inputs to its features, by name or the "input" property', () => {
    const { schema, onnx } = fixture('rf-pipeline')
    const p = onnxPlanColumns(onnxModelRead(fixtureBytes(onnx), onnx), schema.features, onnx)
    if (p.mode !== 'columns') throw new Error('mode')
    expect(p.inputs.map((c) => [schema.features[c.feature]!.name, c.input, c.dtype])).toEqual([
      ['age', 'age', 'float32'],
      ['workclass', 'workclass', 'string'],
      ['education_num', 'education_num', 'float32'],
      ['marital_status', 'marital_status', 'string'],
      ['occupation', 'occupation', 'string'],
      ['relationship', 'relationship', 'string'],
      ['race', 'race', 'string'],
      ['sex', 'sex', 'string'],
      ['capital_gain', 'capital_gain', 'int64'],
      ['capital_loss', 'capital_loss', 'int64'],
      ['hours_per_week', 'hours_per_week', 'float32'],
      ['native_country', 'country', 'string'],
    ])
    expect(p.inputs.every((c) => c.rank === 2)).toBe(true)
  })

  it.each(
    BAD.filter((c) => c.stage === 'columns').map((c) => [`${c.file} with ${c.schema}`, c] as const),
  )('%s is refused with its message', (_, c) => {
    const message = thrown(() =>
      onnxPlanColumns(badModel(c.file), badSchema(c.schema).features, c.file),
    )
    expect(message.startsWith(`${c.file}: `)).toBe(true)
    for (const part of c.messageIncludes) expect(message).toContain(part)
  })

  it('accepts the valid small model its bad variants come from', () => {
    const p = onnxPlanColumns(
      badModel('ok-columns.onnx'),
      badSchema('columns.schema.json').features,
      'ok',
    )
    expect(p).toEqual({
      mode: 'columns',
      inputs: [
        { feature: 0, input: 'age', dtype: 'float32', rank: 2 },
        { feature: 1, input: 'sex', dtype: 'string', rank: 2 },
      ],
    })
  })

  it('refuses a numeric feature meant for a string input', () => {
    const features = [
      { name: 'age', type: 'numeric' as const },
      { name: 'sex', type: 'numeric' as const },
    ]
    expect(thrown(() => onnxPlanColumns(badModel('ok-columns.onnx'), features, 'ok.onnx'))).toBe(
      'ok.onnx: numeric feature "sex" cannot fill ONNX input "sex" of type string; it fills a float32, float64 or int64 input',
    )
  })
})

describe('onnxPlanEncoded', () => {
  it('takes the one float input of the encoded fixtures', () => {
    for (const name of ['xgboost-binary', 'gbdt', 'mlp'] as const) {
      const { onnx } = fixture(name)
      expect(onnxPlanEncoded(onnxModelRead(fixtureBytes(onnx), onnx), 88, onnx)).toEqual({
        mode: 'encoded',
        input: 'input',
        dtype: 'float32',
        width: 88,
      })
    }
  })

  it('refuses a width other than the schema’s and a per-column model', () => {
    const m = onnxModelRead(fixtureBytes('gbdt.onnx'), 'gbdt.onnx')
    expect(thrown(() => onnxPlanEncoded(m, 87, 'gbdt.onnx'))).toBe(
      'gbdt.onnx: input "input" has 88 columns; the schema encodes 87',
    )
    const rf = onnxModelRead(fixtureBytes('rf-pipeline.onnx'), 'rf.onnx')
    expect(thrown(() => onnxPlanEncoded(rf, 88, 'rf.onnx'))).toMatch(
      /^rf\.onnx: the model has 12 inputs .*"modelInput": "columns"/,
    )
  })
})

describe('onnxOutputChoose', () => {
  it.each(BAD.filter((c) => c.stage === 'output').map((c) => [c.file, c] as const))(
    '%s is refused with its message',
    (file, c) => {
      const message = thrown(() => onnxOutputChoose(badModel(file), file))
      expect(message.startsWith(`${file}: `)).toBe(true)
      for (const part of c.messageIncludes) expect(message).toContain(part)
    },
  )

  it('leaves an output the graph cannot classify to the run-time range check', () => {
    expect(onnxOutputChoose(badModel('unbounded-linear.onnx'), 'u')).toMatchObject({
      name: 'score',
      evidence: 'unknown',
      origin: 'Add',
      columns: 1,
    })
  })
})

describe('onnxTracePlayers', () => {
  it('follows the pipeline through Concat, Imputer, Cast, OneHotEncoder and Reshape', () => {
    const { ref, schema, onnx } = fixture('rf-pipeline')
    const model = onnxModelRead(fixtureBytes(onnx), onnx)
    const plan = onnxPlanColumns(model, schema.features, onnx)
    const tree = model.graph.nodes.find((n) => n.opType === 'TreeEnsembleClassifier')!
    const t = onnxTracePlayers(model, onnxStartPlayers(plan, []), tree.inputs[0]!)
    if (!t.ok) throw new Error(t.reason)
    expect(Array.from(t.players, (p) => schema.features[p]!.name)).toEqual(ref.treeInputPlayers)
  })

  it('says why TreeSHAP is unavailable when an op mixes columns or the output comes after the trees', () => {
    const { schema, onnx } = fixture('logreg-pipeline')
    const model = onnxModelRead(fixtureBytes(onnx), onnx)
    const plan = onnxPlanColumns(model, schema.features, onnx)
    const out = onnxOutputChoose(model, onnx)
    expect(onnxTreeSetup(model, plan, out, [])).toEqual({
      available: false,
      reason: 'the model has no tree ensemble',
    })
    // A MatMul between the inputs and a traced tensor: the trace names it.
    const linear = badModel('unbounded-linear.onnx')
    const t = onnxTracePlayers(linear, new Map([['input', Int32Array.of(0, 1, 1)]]), 'score')
    expect(t).toEqual({ ok: false, reason: 'MatMul "MatMul" mixes the columns of a row' })
    const zipped = badModel('zipmap-only.onnx')
    expect(
      onnxTracePlayers(zipped, new Map([['input', Int32Array.of(0, 1, 1)]]), 'probability_tensor'),
    ).toMatchObject({ ok: false })
  })
})

describe('onnxTracePlayers (synthetic graphs)', () => {
  const attr = (
    name: string,
    v: { i?: number; ints?: number[]; strings?: string[] },
  ): OnnxAttribute => ({
    name,
    type: v.i !== undefined ? OnnxAttrType.Int : v.ints ? OnnxAttrType.Ints : OnnxAttrType.Strings,
    f: 0,
    i: v.i ?? 0,
    s: new Uint8Array(0),
    t: null,
    g: null,
    floats: [],
    ints: v.ints ?? [],
    strings: (v.strings ?? []).map((s) => new TextEncoder().encode(s)),
    tensors: [],
    graphs: [],
  })
  const node = (
    opType: string,
    inputs: string[],
    output: string,
    attributes: OnnxAttribute[] = [],
  ): OnnxNode => ({
    name: '',
    opType,
    domain: '',
    inputs,
    outputs: [output],
    attributes,
  })
  const const64 = (name: string, values: number[]): OnnxTensor => ({
    name,
    dims: [values.length],
    dataType: OnnxDataType.Int64,
    floatData: [],
    int32Data: [],
    int64Data: values,
    uint64Data: [],
    doubleData: [],
    stringData: [],
    rawData: null,
    external: false,
  })
  const graph = (nodes: OnnxNode[], consts: OnnxTensor[] = []): OnnxModelRead => ({
    irVersion: 8,
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    opsetImport: [{ domain: '', version: 15 }],
    metadata: [],
    functions: 0,
    graph: { name: 'g', nodes, initializers: consts, inputs: [], outputs: [], valueInfo: [] },
  })
  // Three features: a (2 columns, e.g. one-hot), b, c.
  const start = new Map([
    ['x', Int32Array.of(0, 0, 1)],
    ['c', Int32Array.of(2)],
  ])
  const trace = (nodes: OnnxNode[], consts: OnnxTensor[] = []) =>
    onnxTracePlayers(graph(nodes, consts), start, 'out')

  it('picks columns with Gather, ArrayFeatureExtractor and Slice of constants, and joins with FeatureVectorizer', () => {
    expect(
      trace(
        [node('Gather', ['x', 'idx'], 'out', [attr('axis', { i: 1 })])],
        [const64('idx', [2, 0])],
      ),
    ).toEqual({
      ok: true,
      players: Int32Array.of(1, 0),
    })
    expect(
      trace([node('ArrayFeatureExtractor', ['x', 'idx'], 'out')], [const64('idx', [-1])]),
    ).toEqual({
      ok: true,
      players: Int32Array.of(1),
    })
    const slice = node('Slice', ['x', 's', 'e', 'a'], 'out')
    expect(trace([slice], [const64('s', [1]), const64('e', [3]), const64('a', [1])])).toEqual({
      ok: true,
      players: Int32Array.of(0, 1),
    })
    const fv = node('FeatureVectorizer', ['c', 'x'], 'out', [
      attr('inputdimensions', { ints: [1, 3] }),
    ])
    expect(trace([fv])).toEqual({ ok: true, players: Int32Array.of(2, 0, 0, 1) })
  })

  it('keeps per-column ops and constant operands, and refuses what mixes features', () => {
    const scaled = [
      node('Mul', ['x', 'k'], 'm'),
      node('Normalizer', ['c'], 'n'),
      node('Concat', ['m', 'n'], 'out', [attr('axis', { i: -1 })]),
    ]
    expect(trace(scaled, [const64('k', [2])])).toEqual({
      ok: true,
      players: Int32Array.of(0, 0, 1, 2),
    })
    expect(trace([node('Normalizer', ['x'], 'out')])).toEqual({
      ok: false,
      reason: 'Normalizer divides each row by its norm, mixing its columns',
    })
    expect(trace([node('Gather', ['x', 'idx'], 'out')], [const64('idx', [0])])).toEqual({
      ok: false,
      reason: 'Gather does not pick columns of a [N, C] tensor',
    })
    expect(trace([node('Add', ['x', 'c'], 'out')])).toEqual({
      ok: false,
      reason: 'Add combines columns of different features',
    })
    expect(trace([node('TopK', ['x'], 'out')])).toEqual({
      ok: false,
      reason: 'TopK is not an operator Glassbox traces columns through',
    })
    expect(trace([node('Concat', ['x', 'c'], 'out', [attr('axis', { i: 0 })])])).toEqual({
      ok: false,
      reason: "Concat joins along axis 0, not the row's last axis",
    })
  })
})
