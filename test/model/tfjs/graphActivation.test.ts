import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelArtifacts } from '../../../src/model/artifacts.ts'
import {
  type GraphNode,
  graphActivation,
  graphOutputOp,
  graphOutputTensor,
} from '../../../src/model/tfjs/graphActivation.ts'
import { tfModelLoad } from '../../../src/model/tfModel.ts'

const url = (path: string) => new URL(`../../../${path}`, import.meta.url)
const DIR = 'test/fixtures/graph-softmax'
const SHARD = 'group1-shard1of1.bin'

/** Dense → `last` → `tail` pass-through nodes, the final one named `out`. */
function chain(last: string, tail: string[], out = 'out'): GraphNode[] {
  const nodes: GraphNode[] = [
    { name: 'x', op: 'Placeholder' },
    { name: 'w', op: 'Const' },
    { name: 'mm', op: 'MatMul', input: ['x', 'w'] },
    { name: 'act', op: last, input: ['mm'] },
  ]
  let prev = 'act'
  tail.forEach((op, k) => {
    const name = k === tail.length - 1 ? out : `pass${k}`
    nodes.push({ name, op, input: [`${prev}:0`, '^w'] })
    prev = name
  })
  return nodes
}

describe('graphActivation', () => {
  it('reads the last op itself', () => {
    expect(graphActivation(chain('Softmax', []), 'act')).toBe('softmax')
    expect(graphActivation(chain('Sigmoid', []), 'act:0')).toBe('sigmoid')
  })

  it('walks back through Identity nodes (and control inputs) to Sigmoid / Softmax', () => {
    expect(graphActivation(chain('Sigmoid', ['Identity']), 'out:0')).toBe('sigmoid')
    expect(graphActivation(chain('Softmax', ['Identity', 'StopGradient', 'Identity']), 'out')).toBe(
      'softmax',
    )
    expect(graphOutputOp(chain('Softmax', ['Identity']), 'out:0')).toBe('Softmax')
  })

  it('follows IdentityN by output index', () => {
    const nodes: GraphNode[] = [
      { name: 'a', op: 'Relu' },
      { name: 'b', op: 'Sigmoid' },
      { name: 'n', op: 'IdentityN', input: ['a', 'b:0'] },
    ]
    expect(graphActivation(nodes, 'n:1')).toBe('sigmoid')
    expect(graphOutputOp(nodes, 'n:0')).toBe('Relu')
  })

  it('says unknown for other ops, a missing node and a cycle', () => {
    expect(graphActivation(chain('BiasAdd', ['Identity']), 'out')).toBe('unknown')
    expect(graphActivation(chain('Softmax', []), 'nope:0')).toBe('unknown')
    const loop: GraphNode[] = [
      { name: 'p', op: 'Identity', input: ['q'] },
      { name: 'q', op: 'Identity', input: ['p'] },
    ]
    expect(graphOutputOp(loop, 'p')).toBeNull()
    expect(graphActivation([{ name: 'toString', op: 'Identity', input: [] }], 'toString')).toBe(
      'unknown',
    )
  })

  it('maps a signature key to its tensor name', () => {
    const sig = { outputs: { output_0: { name: 'Identity:0' } } }
    expect(graphOutputTensor(sig, 'output_0')).toBe('Identity:0')
    expect(graphOutputTensor(sig, 'probabilities:0')).toBe('probabilities:0')
    expect(graphOutputTensor(undefined, 'probabilities')).toBe('probabilities')
  })
})

describe('the GraphModel card through tfModelLoad', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('reads softmax from a graph whose output is an Identity behind the Softmax', async () => {
    const json = JSON.parse(readFileSync(url(`${DIR}/model.json`), 'utf8')) as {
      modelTopology: { node: GraphNode[] }
      signature: { outputs: Record<string, { name: string }> }
    }
    // As TF2 converters write it: the Softmax feeds a node "Identity", keyed "output_0".
    json.modelTopology.node.push({ name: 'Identity', op: 'Identity', input: ['probabilities'] })
    const sig = json.signature.outputs.probabilities!
    json.signature.outputs = { output_0: { ...sig, name: 'Identity:0' } }
    const b = readFileSync(url(`${DIR}/${SHARD}`))
    const shard = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
    const load = (text: string) =>
      tfModelLoad(
        modelArtifacts({ name: 'model.json', json: text }, new Map([[SHARD, shard]])),
        'model.json',
      )
    const wrapped = await load(JSON.stringify(json))
    expect(wrapped.info.activation).toBe('softmax')
    expect(wrapped.info.outputWidth).toBe(2)
    // Same network: the same probabilities as the fixture as shipped.
    const plain = await load(readFileSync(url(`${DIR}/model.json`), 'utf8'))
    expect(plain.info.activation).toBe('softmax')
    const x = tf.randomUniform([4, wrapped.info.inputWidth], 0, 1, 'float32', 7) as tf.Tensor2D
    const p1 = (wrapped.model as tf.GraphModel).predict(x) as tf.Tensor
    const p0 = (plain.model as tf.GraphModel).predict(x) as tf.Tensor
    expect(Array.from(await p1.data())).toEqual(Array.from(await p0.data()))
    tf.dispose([x, p0, p1])
    wrapped.model.dispose()
    plain.model.dispose()
  })
})
