import { describe, expect, it } from 'vitest'
import { WorkerError } from '../../src/workers/client.ts'
import {
  harness,
  loadResult,
  parsed,
  probeResult,
  sampleBundle,
  sampleTable,
  settle,
  table,
} from './fakes.ts'

describe('loadBundle', () => {
  it('replaces session, metrics and backend together and measures the backends', async () => {
    const h = harness()
    const { app } = h
    expect(await app.load.loadBundle(sampleBundle)).toBe(true)
    const s = app.session.store.getState()
    expect(s.ready).toBe(true)
    expect(s.data?.name).toBe('data.csv')
    expect(s.schema?.name).toBe('schema.json')
    expect(s.model?.info.outputWidth).toBe(1)
    expect(s.column).toBe(0)
    expect(s.classLabel).toBe(1)
    expect(s.predictionsVersion).toBe(1)
    expect(s.predictions).toEqual(sampleTable().p)
    expect(app.metrics.store.getState().performance?.metrics.n).toBe(40)
    expect(app.backends.store.getState()).toMatchObject({ activeBackend: 'wasm', predictMs: 2 })
    expect(h.model.last('load').req).toMatchObject({
      cls: { kind: 'auto' },
      schemaName: 'schema.json',
    })
    await settle()
    expect(h.model.count('probe')).toBe(1)
    expect(app.backends.store.getState().backends.map((b) => b.name)).toEqual(['wasm', 'cpu'])
    expect(app.jobs.store.getState().job).toBeNull()
  })

  it('keeps the previous session, metrics and backends when the next load fails', async () => {
    const { app, model } = harness()
    await app.load.loadBundle(sampleBundle)
    await settle()
    const session = app.session.store.getState()
    const metrics = app.metrics.store.getState()
    const backends = app.backends.store.getState()
    model.handlers.load = () => {
      throw new WorkerError('DataError', 'model.json: expects 3 inputs, the schema encodes 5')
    }
    expect(await app.load.loadBundle({ data: sampleBundle.data })).toBe(false)
    expect(app.session.store.getState()).toBe(session)
    expect(app.metrics.store.getState()).toBe(metrics)
    expect(app.backends.store.getState()).toBe(backends)
    const last = app.jobs.store.getState().notices.at(-1)
    expect(last).toMatchObject({ level: 'error' })
    expect(last?.text).toBe(
      'model.json: expects 3 inputs, the schema encodes 5 — the previously loaded model and data are still loaded.',
    )
    expect(app.jobs.store.getState().job).toBeNull()
  })

  it('keeps the previous session when the data fails to parse, naming only the problem before a first load', async () => {
    const { app, data } = harness()
    data.handlers.parse = () => {
      throw new WorkerError('DataError', 'data.csv: row 3, column age: "x" is not a number')
    }
    expect(await app.load.loadBundle(sampleBundle)).toBe(false)
    expect(app.session.store.getState().ready).toBe(false)
    expect(app.jobs.store.getState().notices.at(-1)?.text).toBe(
      'data.csv: row 3, column age: "x" is not a number',
    )
  })

  it('says so when a load is cancelled, and keeps what was loaded', async () => {
    const { app, model } = harness()
    await app.load.loadBundle(sampleBundle)
    await settle()
    const session = app.session.store.getState()
    delete model.handlers.load
    const pending = app.load.loadBundle({ data: sampleBundle.data })
    await settle()
    app.jobs.cancelJob()
    expect(await pending).toBe(false)
    expect(app.session.store.getState()).toBe(session)
    expect(app.jobs.store.getState().notices.at(-1)).toMatchObject({
      level: 'info',
      text: 'Loading cancelled; the previous model and data are still loaded.',
    })
  })

  it('infers a schema for data given without one, and re-infers it with new choices', async () => {
    const { app, data, model } = harness()
    const t = table({ a: ['1', '2', '3', '4'], g: ['x', 'y', 'x', 'y'], y: ['0', '1', '1', '0'] })
    data.handlers.parse = () => parsed('plain.csv', t)
    const p = Float32Array.of(0.2, 0.8, 0.6, 0.1)
    model.handlers.load = () => loadResult(p.slice(), Uint8Array.of(0, 1, 1, 0))
    model.handlers.probe = () => probeResult(p.slice(), false)
    expect(await app.load.loadBundle({ model: sampleBundle.model, data: sampleBundle.data })).toBe(
      true,
    )
    const s = app.session.store.getState()
    expect(s.schema).toMatchObject({ name: 'inferred schema', inferred: true })
    const choices = s.inferChoices!
    expect(await app.load.applyInferChoices({ ...choices, sensitive: ['g'] })).toBe(true)
    expect(app.session.store.getState().schema?.schema.sensitive).toEqual(['g'])
    expect(app.session.store.getState().data).toBe(s.data)
    expect(app.session.store.getState().predictionsVersion).toBe(2)
  })

  it('reports ignored columns and a missing target as notices', async () => {
    const { app, model } = harness()
    const sample = sampleTable()
    model.handlers.load = () => {
      const r = loadResult(sample.p, null)
      r.encode = { ...r.encode, ignoredColumns: ['race'], missingTarget: true }
      return r
    }
    await app.load.loadBundle(sampleBundle)
    const texts = app.jobs.store.getState().notices.map((n) => n.text)
    expect(texts).toContain('Columns not in the schema, ignored: race')
    expect(texts).toContain(
      'The data has no target column "y": performance, calibration and fairness need it.',
    )
    expect(app.metrics.store.getState().performance).toBeNull()
  })
})
