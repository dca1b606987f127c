import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { ModelHost } from '../../src/workers/modelHost.ts'
import { modelHostDebug } from '../../src/workers/model/debug.ts'
import {
  type BenchPredictResult,
  Cmd,
  type ModelReq,
  type Res,
} from '../../src/workers/protocol.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const G = 'test/fixtures/golden/adult'

type Req = ModelReq extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never

async function loadedHost() {
  const host = modelHostDebug(new ModelHost({ backends: ['cpu'] }))
  let id = 1
  const send = async (req: Req): Promise<Res> => {
    const my = id++
    const posts: Res[] = []
    await host.handle({ ...req, id: my } as ModelReq, (r) => void posts.push(r))
    return posts.filter((p) => p.kind === 'result' || p.kind === 'error').at(-1)!
  }
  const files = [
    new File([readFileSync(url(`${G}/model.json`))], 'model.json'),
    new File([readFileSync(url(`${G}/group1-shard1of1.bin`))], 'group1-shard1of1.bin'),
  ]
  const loaded = await send({
    cmd: Cmd.Load,
    model: { kind: 'files', files },
    table: parseCsvText(readFileSync(url(`${G}/data.csv`), 'utf8')),
    schema: schemaParse(readFileSync(url(`${G}/schema.json`), 'utf8')),
    cls: { kind: 'auto' },
    dataName: 'data.csv',
    dataSha256: 'd',
    schemaName: 's',
  })
  expect(loaded.kind).toBe('result')
  return { host, send }
}

describe('ModelHost benchPredict', () => {
  it('times one tiled predict and leaves the tensor count flat', async () => {
    const { send } = await loadedHost()
    const before = tf.memory().numTensors
    const r = await send({ cmd: Cmd.BenchPredict, rows: 5000 })
    if (r.kind !== 'result') throw new Error(JSON.stringify(r))
    expect((r.result as BenchPredictResult).ms).toBeGreaterThan(0)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('rejects a row count that is not a positive integer', async () => {
    const { send } = await loadedHost()
    for (const rows of [0, -3, 2.5]) {
      const r = await send({ cmd: Cmd.BenchPredict, rows })
      expect(r.kind).toBe('error')
    }
  })
})
