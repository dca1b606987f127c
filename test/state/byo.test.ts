import { describe, expect, it } from 'vitest'
import { WorkerError } from '../../src/workers/client.ts'
import { harness, parsed, sampleBundle, sampleCard, sampleSchema, settle, table } from './fakes.ts'
import { modelInfo } from '../../src/model/card.ts'

const lastNotice = (h: ReturnType<typeof harness>) => h.app.jobs.store.getState().notices.at(-1)

/** 4 rows whose every column but the label is a feature: a, g (x/y/z), y → 1 + 3 = 4 inputs. */
const wide = table({ a: ['1', '2', '3', '4'], g: ['x', 'y', 'z', 'x'], y: ['0', '1', '1', '0'] })

describe('bring your own model', () => {
  it('keeps a lone model, says it waits for its data, and loads when the CSV comes', async () => {
    const h = harness()
    expect(await h.app.load.loadBundle({ model: sampleBundle.model })).toBe(false)
    const p = h.app.load.pending.getState()
    expect(p.model?.info.inputWidth).toBe(3)
    expect(h.model.last('inspect').req).toMatchObject({ model: sampleBundle.model })
    expect(h.model.count('load')).toBe(0)
    expect(lastNotice(h)).toMatchObject({
      level: 'info',
      text: 'Model model.json (3 inputs) is loaded and waits for its data: load a CSV (and its schema if you have one).',
    })
    // a, g (x/y) and the label y: the inferred schema encodes 3 inputs, the model's width.
    const t = table({ a: ['1', '2', '3', '4'], g: ['x', 'y', 'x', 'y'], y: ['0', '1', '1', '0'] })
    h.data.handlers.parse = () => parsed('plain.csv', t)
    expect(await h.app.load.loadBundle({ data: sampleBundle.data })).toBe(true)
    expect(h.app.session.store.getState().schema).toMatchObject({ inferred: true })
    expect(h.model.last('load').req).toMatchObject({ model: sampleBundle.model })
    expect(h.app.load.pending.getState().model).toBeNull()
  })

  it('infers a columns-mode schema from an ONNX pipeline’s inputs, not from every CSV column', async () => {
    const h = harness()
    // Two inputs named like CSV columns (a numeric and a string one); the CSV has more columns.
    const card = {
      ...sampleCard,
      name: 'pipeline.onnx',
      format: 'onnx' as const,
      inputs: [
        { name: 'g', dtype: 'string', shape: [null, 1] },
        { name: 'a', dtype: 'float32', shape: [null, 1] },
      ],
      inputWidth: 2,
    }
    h.model.handlers.inspect = () => ({ model: modelInfo(card), card, inputModes: ['columns'] })
    const t = table({
      a: ['1', '2', '3', '4'],
      g: ['x', 'y', 'z', 'x'],
      b: ['5', '6', '7', '8'],
      y: ['0', '1', '1', '0'],
    })
    h.data.handlers.parse = () => parsed('plain.csv', t)
    expect(
      await h.app.load.loadBundle({ model: sampleBundle.model, data: sampleBundle.data }),
    ).toBe(true)
    const schema = h.model.last('load').req.schema as {
      modelInput: string
      features: { name: string; type: string; categories?: string[] }[]
    }
    expect(schema.modelInput).toBe('columns')
    expect(schema.features.map((f) => [f.name, f.type])).toEqual([
      ['g', 'categorical'],
      ['a', 'numeric'],
    ])
    expect(schema.features[0]!.categories).toEqual(['x', 'y', 'z'])
  })

  it('keeps a lone CSV with its schema until the model comes', async () => {
    const h = harness()
    const { data, schema } = sampleBundle
    expect(await h.app.load.loadBundle({ data, schema })).toBe(false)
    expect(h.app.load.pending.getState().data?.name).toBe('data.csv')
    expect(lastNotice(h)?.text).toBe(
      'data.csv (40 rows, 4 columns) and schema.json are loaded and wait for a model: load its model.json and weight files.',
    )
    expect(await h.app.load.loadBundle({ model: sampleBundle.model })).toBe(true)
    expect(h.app.session.store.getState().schema?.name).toBe('schema.json')
    expect(h.model.count('inspect')).toBe(0)
  })

  it('never gives a new model the loaded (demo) schema: the model waits', async () => {
    const h = harness()
    await h.app.load.loadBundle(sampleBundle)
    const before = h.app.session.store.getState()
    expect(
      await h.app.load.loadBundle({ model: { kind: 'url', url: 'https://x.test/m.json' } }),
    ).toBe(false)
    expect(h.app.session.store.getState()).toBe(before)
    expect(h.model.count('load')).toBe(1)
    expect(h.app.load.pending.getState().model?.input).toEqual({
      kind: 'url',
      url: 'https://x.test/m.json',
    })
  })

  it('opens the editor when no inferred schema fits the model, and applies its draft', async () => {
    const h = harness()
    h.data.handlers.parse = () => parsed('wide.csv', wide)
    expect(
      await h.app.load.loadBundle({ model: sampleBundle.model, data: sampleBundle.data }),
    ).toBe(false)
    const p = h.app.load.pending.getState()
    expect(p.draft?.target).toBe('y')
    expect(p.draft?.features.map((f) => f.name)).toEqual(['a', 'g'])
    expect(h.model.count('load')).toBe(0)
    expect(lastNotice(h)?.text).toContain("none inferred from the CSV fits the model's 3 inputs")
    // The user drops category z: 1 + 2 = 3 inputs.
    h.app.load.editDraft({
      ...p.draft!,
      features: [p.draft!.features[0]!, { name: 'g', type: 'categorical', categories: ['x', 'y'] }],
    })
    expect(await h.app.load.applyDraft()).toBe(true)
    const s = h.app.session.store.getState()
    expect(s.schema?.schema.features[1]).toEqual({
      name: 'g',
      type: 'categorical',
      categories: ['x', 'y'],
    })
    expect(s.schema?.name).toBe('dataset.schema.json (edited)')
    expect(h.app.load.pending.getState().draft).toBeNull()
  })

  it('a failed apply keeps the editor, its draft and what was loaded', async () => {
    const h = harness()
    await h.app.load.loadBundle(sampleBundle)
    const before = h.app.session.store.getState()
    h.data.handlers.parse = () => parsed('wide.csv', wide)
    await h.app.load.loadBundle({ model: sampleBundle.model, data: sampleBundle.data })
    const draft = h.app.load.pending.getState().draft!
    // An invalid draft: the message names the field; nothing is sent to the model worker.
    h.app.load.editDraft({
      ...draft,
      features: [{ name: 'a', type: 'numeric', mean: '', std: '1' }],
    })
    expect(await h.app.load.applyDraft()).toBe(false)
    expect(lastNotice(h)?.text).toBe(
      'the edited schema: features[0] ("a"): mean "" is not a number',
    )
    expect(h.model.count('load')).toBe(1)
    // A draft the model refuses.
    h.app.load.editDraft(draft)
    h.model.handlers.load = () => {
      throw new WorkerError('DataError', 'model.json: expects 3 inputs, the schema encodes 4')
    }
    expect(await h.app.load.applyDraft()).toBe(false)
    expect(lastNotice(h)?.text).toBe(
      'model.json: expects 3 inputs, the schema encodes 4 — the previously loaded model and data are still loaded.',
    )
    expect(h.app.load.pending.getState().draft).toEqual(draft)
    expect(h.app.load.pending.getState().data?.name).toBe('wide.csv')
    expect(h.app.session.store.getState()).toBe(before)
    // Discarding forgets what waits; the session stays.
    h.app.load.discardPending()
    expect(h.app.load.pending.getState()).toMatchObject({ model: null, data: null, draft: null })
  })

  it('opens the editor on a given schema the model refuses (model, CSV and schema at once)', async () => {
    const h = harness()
    await h.app.load.loadBundle(sampleBundle)
    const before = h.app.session.store.getState()
    h.model.handlers.load = () => {
      throw new WorkerError('DataError', 'data.csv: no column "income" (schema feature 3)')
    }
    expect(await h.app.load.loadBundle(sampleBundle)).toBe(false)
    expect(h.app.session.store.getState()).toBe(before)
    const p = h.app.load.pending.getState()
    expect(p.draft?.features.map((f) => f.name)).toEqual(['age', 'sex'])
    expect(p.draft?.features[0]).toEqual({ name: 'age', type: 'numeric', mean: '40', std: '10' })
    expect(p.model?.info.inputWidth).toBe(3)
  })

  it('opens the editor on the loaded schema, and applying it unchanged reloads the same session', async () => {
    const h = harness()
    h.app.load.editLoaded()
    expect(h.app.load.pending.getState().draft).toBeNull()
    await h.app.load.loadBundle(sampleBundle)
    h.app.load.editLoaded()
    const p = h.app.load.pending.getState()
    expect(p.data).toBe(h.app.session.store.getState().data)
    expect(p.draft?.target).toBe('y')
    expect(await h.app.load.applyDraft()).toBe(true)
    const s = h.app.session.store.getState()
    expect(s.schema?.schema).toEqual({ ...sampleSchema })
    expect(h.model.last('load').req).toMatchObject({ model: sampleBundle.model })
  })

  it('joins a CSV given while its model is still being read (no cancellation notice)', async () => {
    const h = harness()
    const inspect = h.model.handlers.inspect!
    delete h.model.handlers.inspect
    const first = h.app.load.loadBundle({ model: sampleBundle.model })
    await settle()
    h.model.handlers.inspect = inspect
    const second = h.app.load.loadBundle({ data: sampleBundle.data })
    expect(await first).toBe(false)
    // age, sex (F/M), race (A/B/C): 6 inputs for a model of 3 — the editor opens on both parts.
    expect(await second).toBe(false)
    const p = h.app.load.pending.getState()
    expect(p.model?.input).toEqual(sampleBundle.model)
    expect(p.data?.name).toBe('data.csv')
    expect(p.draft?.features.map((f) => f.name)).toEqual(['age', 'sex', 'race'])
    const texts = h.app.jobs.store.getState().notices.map((n) => n.text)
    expect(texts.some((t) => t.startsWith('Loading cancelled'))).toBe(false)
  })

  it('uses a waiting model with the loaded CSV and schema when asked', async () => {
    const h = harness()
    await h.app.load.loadBundle(sampleBundle)
    const model2 = { kind: 'url', url: 'https://example.test/model2.json' } as const
    expect(await h.app.load.loadBundle({ model: model2 })).toBe(false)
    expect(await h.app.load.useLoaded()).toBe(true)
    expect(h.model.last('load').req).toMatchObject({ model: model2, schemaName: 'schema.json' })
    expect(h.app.session.store.getState().model?.input).toEqual(model2)
    expect(h.app.load.pending.getState().model).toBeNull()
  })
})
