import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { Table } from '../../src/core/table.ts'
import { classRequest } from '../../src/model/card.ts'
import { ModelHost } from '../../src/workers/modelHost.ts'
import { modelHostDebug } from '../../src/workers/model/debug.ts'
import { Cmd, type LoadResult, type ModelReq, type Res } from '../../src/workers/protocol.ts'

const url = (path: string) => new URL(`../../${path}`, import.meta.url)
const text = (path: string) => readFileSync(url(path), 'utf8')
const GOLDEN = 'test/fixtures/golden/adult'
const SHARD = 'group1-shard1of1.bin'

const reference = (JSON.parse(text(`${GOLDEN}/reference.json`)) as { predictions: number[] })
  .predictions
const schema = schemaParse(text(`${GOLDEN}/schema.json`), 'schema.json')
const wideSchema = schemaParse(text('e2e/fixtures/bad/schema-wide.json'), 'schema-wide.json')
const table = parseCsvText(text(`${GOLDEN}/data.csv`), 'data.csv')
const noAge = parseCsvText(text('e2e/fixtures/bad/data-missing-column.csv'), 'no-age.csv')

/** model.json and its shard as the File objects a file picker would give. */
const modelFiles = (dir: string): File[] => [
  new File([readFileSync(url(`${dir}/model.json`))], 'model.json'),
  new File([readFileSync(url(`${dir}/${SHARD}`))], SHARD),
]

/** Omit applied to each member of a union. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** A request of any kind, its id optional. */
type RequestWithoutId = OmitEach<ModelReq, 'id'> & { id?: number }

/** A host plus everything it posted, and a helper that sends one request and awaits it. */
function harness() {
  const host = modelHostDebug(new ModelHost({ backends: ['cpu'] }))
  const posts: Res[] = []
  const post = (res: Res) => void posts.push(res)
  let nextId = 1
  const send = async (req: RequestWithoutId): Promise<Res> => {
    const id = req.id ?? nextId++
    await host.handle({ ...req, id } as ModelReq, post)
    const final = posts.filter((p) => p.id === id && (p.kind === 'result' || p.kind === 'error'))
    expect(final).toHaveLength(1)
    return final[0]!
  }
  return { host, posts, post, send, id: () => nextId++ }
}

type LoadOpts = {
  dir?: string
  table?: Table
  schema?: typeof schema
  classIndex?: number
  model?: boolean
}
const loadReq = (o: LoadOpts = {}) => ({
  cmd: Cmd.Load,
  ...(o.model === false
    ? {}
    : { model: { kind: 'files' as const, files: modelFiles(o.dir ?? GOLDEN) } }),
  ...(o.table === undefined ? {} : { table: o.table }),
  ...(o.schema === undefined ? {} : { schema: o.schema }),
  cls: classRequest(o.classIndex),
  dataName: 'data.csv',
  dataSha256: 'golden-data',
  schemaName: 'schema.json',
})

function result<T>(res: Res): T {
  if (res.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(res)}`)
  return res.result as T
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('ModelHost', () => {
  it('answers init with the backend statuses and the active backend', async () => {
    const h = harness()
    const r = result<{ backends: { name: string; available: boolean }[]; active: string }>(
      await h.send({ cmd: Cmd.Init }),
    )
    expect(r.active).toBe('cpu')
    expect(r.backends).toEqual([
      { name: 'cpu', available: true, rowsPerSec: null, error: null, detail: null },
    ])
  })

  it('loads the golden model, data and schema and predicts like the reference', async () => {
    const h = harness()
    const res = await h.send(loadReq({ table, schema }))
    const r = result<LoadResult>(res)
    expect(r.backend).toBe('cpu')
    expect(r.model).toMatchObject({ inputWidth: 88, outputWidth: 1, layers: 3, parameters: 1569 })
    expect(maxAbsDiff(r.predictions, reference)).toBeLessThanOrEqual(1e-6)
    expect(r.labels).toHaveLength(2000)
    expect(r.labels!.reduce((a, b) => a + b, 0)).toBe(492)
    expect(r.encode).toEqual({
      unknownCounts: [0, 108, 0, 0, 108, 0, 0, 0, 0, 0, 0, 25],
      unknownValues: [[], [''], [], [], [''], [], [], [], [], [], [], ['']],
      ignoredColumns: ['fnlwgt', 'education'],
      missingTarget: false,
      missingSensitive: [],
    })
    expect(h.host.current?.predictions).toEqual(r.predictions)
    expect(h.host.current?.column).toBe(0)
    const progress = h.posts.filter((p) => p.kind === 'progress')
    expect(progress.map((p) => p.kind === 'progress' && p.label)).toEqual([
      'Loading model',
      'Predicting',
    ])
    expect(progress[1]).toMatchObject({ done: 2000, total: 2000 })
  })

  it('keeps the previous session when a schema does not fit the model', async () => {
    const h = harness()
    const first = result<LoadResult>(await h.send(loadReq({ table, schema })))
    const session = h.host.current
    const res = await h.send({
      ...loadReq({ model: false, schema: wideSchema }),
      schemaName: 'schema-wide.json',
    })
    expect(res).toMatchObject({ kind: 'error', errorKind: 'DataError' })
    expect(res.kind === 'error' && res.message).toBe(
      'width mismatch: model.json expects 88 inputs, but schema-wide.json encodes 13 features into 89 inputs',
    )
    expect(h.host.current).toBe(session)
    expect(h.host.current?.schema).toBe(schema)
    expect(h.host.current?.predictions).toEqual(first.predictions)
  })

  it('reports a data table without a feature column as a DataError and keeps the session', async () => {
    const h = harness()
    await h.send(loadReq({ table, schema }))
    const session = h.host.current
    const res = await h.send({ ...loadReq({ table: noAge, schema }), dataName: 'no-age.csv' })
    expect(res).toMatchObject({ kind: 'error', errorKind: 'DataError' })
    expect(res.kind === 'error' && res.message).toMatch(
      /^no-age\.csv: missing feature column "age"/,
    )
    expect(h.host.current).toBe(session)
  })

  it('reports a load without data or schema, and a broken model, by kind', async () => {
    const h = harness()
    expect(await h.send(loadReq({ schema }))).toMatchObject({
      kind: 'error',
      errorKind: 'DataError',
      message: 'no dataset loaded yet: load a CSV file',
    })
    const files = [
      new File(
        ['{"modelTopology": {}, "weightsManifest": [{"paths": ["x.bin"], "weights": []}]}'],
        'model.json',
      ),
    ]
    expect(
      await h.send({ ...loadReq({ table, schema }), model: { kind: 'files', files } }),
    ).toMatchObject({
      kind: 'error',
      errorKind: 'ModelError',
      message: expect.stringContaining('"x.bin"'),
    })
    expect(h.host.current).toBeNull()
  })

  it('cancels a queued load with an AbortError and keeps the previous session', async () => {
    const h = harness()
    const first = result<LoadResult>(await h.send(loadReq({ table, schema })))
    const session = h.host.current
    const id = h.id()
    const job = h.host.handle(
      { ...loadReq({ dir: 'test/fixtures/graph-softmax', table, schema }), id },
      h.post,
    )
    await h.host.handle({ id: h.id(), cmd: Cmd.Cancel, target: id }, h.post)
    await job
    const mine = h.posts.filter((p) => p.id === id)
    expect(mine.at(-1)).toEqual({
      id,
      kind: 'error',
      errorKind: 'AbortError',
      message: 'cancelled',
    })
    expect(mine.filter((p) => p.kind === 'result')).toHaveLength(0)
    expect(h.host.current).toBe(session)
    expect(h.host.current?.predictions).toEqual(first.predictions)
  })

  it('cancels a load while it predicts and keeps the previous session', async () => {
    const h = harness()
    await h.send(loadReq({ table, schema }))
    const session = h.host.current
    const id = h.id()
    const post = (res: Res) => {
      h.posts.push(res)
      if (res.id === id && res.kind === 'progress' && res.label === 'Predicting') {
        void h.host.handle({ id: 0, cmd: Cmd.Cancel, target: id }, post)
      }
    }
    await h.host.handle(
      { ...loadReq({ dir: 'test/fixtures/graph-softmax', table, schema }), id },
      post,
    )
    expect(h.posts.filter((p) => p.id === id).at(-1)).toMatchObject({
      kind: 'error',
      errorKind: 'AbortError',
    })
    expect(h.host.current).toBe(session)
    expect(h.host.current?.model.card.format).toBe('layers-model')
    // The surviving session still predicts.
    const again = result<LoadResult>(await h.send(loadReq({ model: false, classIndex: 0 })))
    expect(maxAbsDiff(again.predictions, reference)).toBeLessThanOrEqual(1e-6)
  })

  it('holds the tensor count steady over 10 loads of the same model', async () => {
    const h = harness()
    await h.send(loadReq({ table, schema }))
    const before = result<number>(await h.send({ cmd: Cmd.Memory }))
    expect(before).toBeGreaterThan(0)
    for (let k = 0; k < 10; k++) await h.send(loadReq({ table, schema }))
    expect(result<number>(await h.send({ cmd: Cmd.Memory }))).toBe(before)
    // Failed loads leak nothing either.
    await h.send({ ...loadReq({ schema: wideSchema }), schemaName: 'schema-wide.json' })
    expect(result<number>(await h.send({ cmd: Cmd.Memory }))).toBe(before)
  })

  it('defaults a two-class softmax graph to class 1', async () => {
    const h = harness()
    const r = result<LoadResult>(
      await h.send(loadReq({ dir: 'test/fixtures/graph-softmax', table, schema })),
    )
    expect(r.model).toMatchObject({ format: 'graph-model', outputWidth: 2 })
    expect(h.host.current?.column).toBe(1)
    expect(maxAbsDiff(r.predictions, reference)).toBeLessThanOrEqual(1e-6)
    const c0 = result<LoadResult>(await h.send(loadReq({ model: false, classIndex: 0 })))
    expect(
      maxAbsDiff(
        c0.predictions,
        Array.from(r.predictions, (p) => 1 - p),
      ),
    ).toBeLessThanOrEqual(1e-6)
    expect(await h.send(loadReq({ model: false, classIndex: 2 }))).toMatchObject({
      kind: 'error',
      errorKind: 'ModelError',
      message: 'class 2 does not exist: model.json has 2 outputs',
    })
  })

  it('refuses WebGPU device loss when WebGPU is not active', async () => {
    const h = harness()
    await h.send({ cmd: Cmd.Init })
    expect(await h.send({ cmd: Cmd.LoseDevice })).toMatchObject({
      kind: 'error',
      errorKind: 'Error',
      message: 'the active backend is not WebGPU',
    })
  })
})
