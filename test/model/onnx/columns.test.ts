import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxPlanColumns, onnxPlanEncoded } from '../../../src/model/onnx/columns.ts'
import { onnxOutputChoose } from '../../../src/model/onnx/output.ts'
import { onnxModelRead } from '../../../src/model/onnx/read.ts'
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
