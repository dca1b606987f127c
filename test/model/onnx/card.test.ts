import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxCard } from '../../../src/model/onnx/card.ts'
import { onnxDecodeModel } from '../../../src/model/onnx/onnxProto.ts'
import {
  onnxAttrInt,
  onnxAttrInts,
  onnxAttrStrings,
  onnxTensorNumbers,
} from '../../../src/model/onnx/onnxValues.ts'
import { onnxModelRead } from '../../../src/model/onnx/read.ts'
import { FIXTURES, MODELS_DIR, fixture, fixtureBytes, readJson } from './fixtures.ts'

type BadCase = { file: string; schema: string; stage: string; messageIncludes: string[] }
const BAD = readJson<BadCase[]>(join(MODELS_DIR, 'bad/expected.json'))

describe('onnxCard', () => {
  it.each(FIXTURES)(
    '%s: every card fact equals what the onnx package read from the file',
    (name) => {
      const { ref, onnx } = fixture(name)
      const card = onnxCard(onnxModelRead(fixtureBytes(onnx), onnx), onnx)
      const want = ref.card
      expect(card.irVersion).toBe(want.irVersion)
      expect(card.producerName).toBe(want.producerName)
      expect(card.producerVersion).toBe(want.producerVersion)
      expect(card.opsets).toEqual(want.opsets)
      expect(card.inputs).toEqual(want.inputs)
      expect(card.outputs).toEqual(want.outputs)
      expect(card.output.name).toBe(want.outputUsed)
      expect(card.operators).toEqual(want.operators)
      if (want.trees === undefined) expect(card.trees).toBeUndefined()
      else
        expect(card.trees).toEqual({
          count: want.trees,
          leaves: want.leaves,
          maxDepth: want.maxDepth,
        })
    },
  )

  it('names the torch export: opset 14, a dynamic batch dimension, the sigmoid output', () => {
    const card = onnxCard(onnxModelRead(fixtureBytes('mlp.onnx'), 'mlp.onnx'), 'mlp.onnx')
    expect(card.producerName).toBe('pytorch')
    expect(card.opsets['ai.onnx']).toBe(14)
    expect(card.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['batch', 88] }])
    expect(card.output).toMatchObject({
      name: 'probability',
      columns: 1,
      evidence: 'probability',
      origin: 'Sigmoid',
    })
  })

  it('reads the output of a skl2onnx classifier as probabilities with k columns, from the classifier op', () => {
    for (const [file, origin] of [
      ['rf-pipeline.onnx', 'TreeEnsembleClassifier'],
      ['logreg-pipeline.onnx', 'LinearClassifier'],
      ['gbdt.onnx', 'TreeEnsembleClassifier'],
      ['xgboost-multiclass.onnx', 'TreeEnsembleClassifier'],
    ] as const) {
      const out = onnxCard(onnxModelRead(fixtureBytes(file), file), file).output
      expect(out).toMatchObject({
        name: 'probabilities',
        dtype: 'float32',
        evidence: 'probability',
        origin,
      })
      expect(out.columns).toBe(file.startsWith('xgboost-multiclass') ? 3 : 2)
    }
  })
})

describe('onnxDecodeModel', () => {
  it('decodes attributes of every kind the fixtures use: ints, strings, tensors, initializers', () => {
    const m = onnxModelRead(fixtureBytes('rf-pipeline.onnx'), 'rf')
    const onehot = m.graph.nodes.find((n) => n.opType === 'OneHotEncoder')!
    expect(onnxAttrStrings(onehot, 'cats_strings')[0]).toBe('Federal-gov')
    expect(onnxAttrInt(onehot, 'zeros', -1)).toBe(1)
    const shape = m.graph.initializers.find((t) => t.name.startsWith('shape_tensor'))!
    expect(Array.from(onnxTensorNumbers(shape))).toEqual([-1, 83])
    const gb = onnxModelRead(fixtureBytes('gbdt.onnx'), 'gb').graph.nodes[0]!
    const values = gb.attributes.find((a) => a.name === 'nodes_values_as_tensor')!
    expect(values.t?.dataType).toBe(1)
    expect(onnxTensorNumbers(values.t!).length).toBe(onnxAttrInts(gb, 'nodes_treeids').length)
  })

  it('leaves tensor payloads as views into the file (no copies of the weights)', () => {
    const bytes = fixtureBytes('mlp.onnx')
    const weights = onnxDecodeModel(bytes).graph!.initializers
    expect(weights.length).toBe(6)
    for (const t of weights) expect(t.rawData?.buffer).toBe(bytes.buffer)
  })
})

describe('onnxModelRead', () => {
  const parseCases = BAD.filter((c) => c.stage === 'parse')

  it.each(parseCases.map((c) => [c.file, c] as const))(
    '%s is refused with its message',
    (file, c) => {
      const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, 'bad', file)))
      let message = ''
      try {
        onnxModelRead(bytes, file)
      } catch (e) {
        message = (e as Error).message
        expect((e as Error).name).toBe('ModelError')
      }
      expect(message.startsWith(`${file}: `)).toBe(true)
      for (const part of c.messageIncludes) expect(message).toContain(part)
    },
  )

  it('refuses an empty file and a protobuf message that is not a model', () => {
    expect(() => onnxModelRead(new Uint8Array(0), 'e.onnx')).toThrow(
      'e.onnx: not an ONNX model (the file is empty)',
    )
    // A valid protobuf message (field 1 = 8) with no graph.
    expect(() => onnxModelRead(Uint8Array.of(0x08, 0x08), 'x.onnx')).toThrow(
      'x.onnx: not an ONNX model (a protobuf message with no graph)',
    )
  })

  it('says "truncated" for every cut of a real model that ends inside a field', () => {
    const whole = fixtureBytes('logreg-pipeline.onnx')
    let truncated = 0
    for (let cut = 1; cut < whole.length; cut += 97) {
      try {
        onnxModelRead(whole.subarray(0, cut), 'cut.onnx')
      } catch (e) {
        expect((e as Error).message).toMatch(
          /^cut\.onnx: (the ONNX file is truncated|not an ONNX model)/,
        )
        if ((e as Error).message.includes('truncated')) truncated++
        continue
      }
      throw new Error(`a cut at ${cut} bytes was accepted`)
    }
    expect(truncated).toBeGreaterThan(0)
  })
})
