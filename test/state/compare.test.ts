/**
 * The compare store (src/state/compareStore.ts) over fake workers: a challenger load is a job
 * whose failure keeps what was loaded, the comparison asks the model worker for the rows in view
 * at the scope's threshold (once per inputs, only on the Compare tab), the disagreements open as
 * a row-set cohort in the Data view, a new champion session re-opens the challenger, the link
 * carries the challenger's URL (not a local file, not a row-set cohort), and the audit report
 * carries the comparison section.
 */
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { sessionBundle, sessionImport } from '../../src/state/bundle.ts'
import type { CompareResult } from '../../src/workers/protocol.ts'
import { viewStateCollect } from '../../src/state/share.ts'
import { wireApp } from '../../src/state/wiring.ts'
import {
  type FakeRequest,
  harness,
  loadResult,
  parsed,
  sampleBundle,
  sampleCard,
  sampleModel,
  sampleTable,
  settle,
} from './fakes.ts'

const challengerAnswer = () => ({
  model: { ...sampleModel, name: 'challenger.json' },
  card: { ...sampleCard, name: 'challenger.json' },
  predictions: new Float32Array(40).fill(0.7),
  igUnavailable: null,
})

/** A comparison answer whose disagreeing rows are `rows`. */
const compareAnswer = (req: FakeRequest): CompareResult =>
  ({
    rows: 40,
    threshold: req.threshold,
    disagreementRows: Int32Array.of(2, 5, 9),
    disagreements: 3,
  }) as unknown as CompareResult

async function loaded() {
  const h = harness()
  h.model.handlers.challengerLoad = challengerAnswer
  h.model.handlers.compare = compareAnswer
  h.model.handlers.challengerClear = () => true
  wireApp(h.app)
  await h.app.load.loadBundle(sampleBundle)
  await settle()
  return h
}

describe('createCompare', () => {
  it('loads a challenger in a job, and a failed one names the problem and keeps the loaded one', async () => {
    const { app, model } = await loaded()
    const url = { kind: 'url' as const, url: 'https://example.test/challenger.json' }
    expect(await app.compare.loadChallenger(url)).toBe(true)
    expect(model.last('challengerLoad').req).toMatchObject({ model: url, cls: { kind: 'auto' } })
    expect(model.last('challengerLoad').opts.signal).toBeDefined()
    const ch = app.compare.store.getState().challenger!
    expect(ch.info.name).toBe('challenger.json')

    model.handlers.challengerLoad = () => {
      throw new Error('other.onnx: the model has 7 inputs; the schema encodes 3')
    }
    expect(await app.compare.loadChallenger({ kind: 'url', url: 'https://x.test/o.onnx' })).toBe(
      false,
    )
    expect(app.compare.store.getState().challenger).toBe(ch)
    const notice = app.jobs.store.getState().notices.at(-1)!
    expect(notice.level).toBe('error')
    expect(notice.text).toMatch(
      /^Challenger not loaded: other\.onnx: the model has 7 inputs.*the challenger challenger\.json stay loaded/,
    )
  })

  it('compares the rows in view at the threshold, only on the Compare tab and once per inputs', async () => {
    const { app, model } = await loaded()
    await app.compare.loadChallenger({ kind: 'url', url: 'https://example.test/c.json' })
    await settle()
    expect(model.count('compare')).toBe(0)
    app.ui.setTab('Compare')
    await settle()
    expect(model.count('compare')).toBe(1)
    expect(model.last('compare').req).toMatchObject({ rows: null, threshold: 0.5, explain: null })
    app.ui.setTab('Overview')
    app.ui.setTab('Compare')
    await settle()
    expect(model.count('compare')).toBe(1)

    app.cohort.setText('sex = F')
    app.metrics.setThreshold(0.3)
    await settle()
    const req = model.last('compare').req
    expect(req.threshold).toBe(0.3)
    expect(Array.from(req.rows as Int32Array)).toEqual(
      Array.from(app.cohort.store.getState().rows!),
    )

    app.compare.explain()
    await settle()
    expect(model.last('compare').req.explain).toMatchObject({ rows: 50, k: 5 })
  })

  it('opens the disagreements as a row-set cohort in the Data view, which the link leaves out', async () => {
    const { app } = await loaded()
    await app.compare.loadChallenger({ kind: 'url', url: 'https://example.test/c.json' })
    app.ui.setTab('Compare')
    await settle()
    app.compare.openDisagreements()
    expect(app.ui.store.getState().tab).toBe('Data')
    const c = app.cohort.store.getState()
    expect(Array.from(c.rows!)).toEqual([2, 5, 9])
    expect(c.rowSet).toMatch(/decide differently/)
    expect(app.cohort.store.getState().view?.p.length).toBe(3)
    const link = viewStateCollect(app)
    expect(link.cohort.text).toBe('')
    expect(link.src.challenger).toBe('https://example.test/c.json')
    expect(link.localChallenger).toBeUndefined()
    // Typing a filter replaces the row set.
    app.cohort.setText('sex = M')
    expect(app.cohort.store.getState().rowSet).toBeNull()
  })

  it("the audit report carries the challenger's comparison section, as the CLI writes it", async () => {
    const { app, model } = await loaded()
    model.handlers.audit = () => ({ reportVersion: 1 })
    model.handlers.compareReport = () => ({
      rows: 40,
      challenger: { sha256: 'ab', format: 'onnx' },
    })
    await app.report.runAudit()
    expect(app.report.store.getState().audit?.comparison).toBeUndefined()
    await app.compare.loadChallenger({ kind: 'url', url: 'https://example.test/c.json' })
    await app.report.runAudit()
    expect(model.last('compareReport').req.settings).toMatchObject({ threshold: 0.5 })
    expect(app.report.store.getState().audit?.comparison).toMatchObject({
      rows: 40,
      challenger: { format: 'onnx' },
    })
  })

  it('a row-set cohort ends with the data it names', async () => {
    const { app, data, model } = await loaded()
    app.cohort.setRows(Int32Array.of(1, 2), 'two rows')
    expect(app.cohort.store.getState().rows?.length).toBe(2)
    const other = sampleTable(10)
    data.handlers.parse = () => parsed('other.csv', other.table)
    model.handlers.load = () => loadResult(other.p, other.labels)
    await app.load.loadBundle({ data: sampleBundle.data })
    await settle()
    expect(app.cohort.store.getState()).toMatchObject({ text: '', rowSet: null, rows: null })
  })

  it('a challenger from local files is flagged in the link, not carried', async () => {
    const { app } = await loaded()
    await app.compare.loadChallenger({ kind: 'files', files: [new File(['{}'], 'c.json')] })
    const link = viewStateCollect(app)
    expect(link.src.challenger).toBeUndefined()
    expect(link.localChallenger).toBe(true)
  })

  it('re-opens the challenger on a new champion session, and drops it when it no longer fits', async () => {
    const { app, model, data } = await loaded()
    await app.compare.loadChallenger({ kind: 'url', url: 'https://example.test/c.json' })
    const other = sampleTable(10)
    data.handlers.parse = () => parsed('other.csv', other.table)
    model.handlers.load = () => loadResult(other.p, other.labels)
    await app.load.loadBundle({ data: sampleBundle.data })
    await settle()
    expect(model.count('challengerLoad')).toBe(2)
    expect(app.compare.store.getState().challenger?.version).toBe(2)

    model.handlers.challengerLoad = () => {
      throw new Error('c.json: the model has 5 inputs')
    }
    await app.load.loadBundle({ data: sampleBundle.data })
    await settle()
    expect(app.compare.store.getState().challenger).toBeNull()
    expect(app.jobs.store.getState().notices.at(-1)?.text).toMatch(/does not fit the new session/)
  })
})

describe('the switch "show: champion | challenger"', () => {
  it('commits the other model as the session, keeps the champion in the link, and swaps back', async () => {
    const { app, model } = await loaded()
    const url = 'https://example.test/c.json'
    await app.compare.loadChallenger({ kind: 'url', url })
    const championP = app.session.store.getState().predictions!
    const other = new Float32Array(40).fill(0.7)
    let swaps = 0
    model.handlers.challengerSwap = () => {
      swaps++
      return loadResult(swaps % 2 ? other.slice() : championP.slice(), sampleTable().labels)
    }
    expect(await app.compare.show('challenger')).toBe(true)
    await settle()
    const s = app.session.store.getState()
    expect(s.model?.input).toEqual({ kind: 'url', url })
    expect(Array.from(s.predictions!)).toEqual(Array.from(other))
    expect(model.count('challengerLoad')).toBe(1) // the swap is not a reload
    const link = viewStateCollect(app)
    expect(link.src.model).toBe(sampleBundle.model.url)
    expect(link.src.challenger).toBe(url)
    expect(link.show).toBe('challenger')

    // Loading another challenger shows the champion first.
    await app.compare.loadChallenger({ kind: 'url', url: 'https://example.test/d.json' })
    expect(swaps).toBe(2)
    expect(app.compare.store.getState().shown).toBe('champion')
    expect(app.session.store.getState().model?.input).toEqual(sampleBundle.model)
    expect(viewStateCollect(app).show).toBeUndefined()
  })
})

/** A session from local files (a bundle carries their bytes). */
const ownFiles = () => ({
  model: { kind: 'files' as const, files: [new File(['{"modelTopology":{}}'], 'model.json')] },
  data: { kind: 'file' as const, file: new File(['y\n1\n'], 'data.csv') },
  schema: sampleBundle.schema,
})

describe('session bundles with a challenger', () => {
  it('carry the challenger’s files and load it again on import', async () => {
    const { app } = await loaded()
    await app.load.loadBundle(ownFiles())
    await settle()
    const xgb = new File(['{"learner":{}}'], 'xgb.json')
    await app.compare.loadChallenger({ kind: 'files', files: [xgb] })
    const zip = unzipSync(await sessionBundle(app))
    const manifest = JSON.parse(strFromU8(zip['manifest.json']!)) as {
      challenger: { files: string[] }
    }
    expect(manifest.challenger.files).toEqual(['challenger/xgb.json'])
    expect(strFromU8(zip['challenger/xgb.json']!)).toBe('{"learner":{}}')

    const fresh = await loaded()
    const bytes = (await sessionBundle(app)) as Uint8Array<ArrayBuffer>
    const file = new File([bytes], 's.glassbox.zip')
    expect(await sessionImport(fresh.app, file)).toBe(true)
    const req = fresh.model.last('challengerLoad').req as unknown as { model: { files: File[] } }
    expect(req.model.files.map((f) => f.name)).toEqual(['xgb.json'])
    expect(await req.model.files[0]!.text()).toBe('{"learner":{}}')
    expect(fresh.app.compare.store.getState().challenger?.input.kind).toBe('files')
  })

  it('keep the roles while the challenger is shown, and show it again on import', async () => {
    const { app, model } = await loaded()
    await app.load.loadBundle(ownFiles())
    await settle()
    const swap = () => loadResult(new Float32Array(40).fill(0.7), sampleTable().labels)
    model.handlers.challengerSwap = swap
    await app.compare.loadChallenger({ kind: 'files', files: [new File(['{}'], 'xgb.json')] })
    expect(await app.compare.show('challenger')).toBe(true)
    const zip = unzipSync(await sessionBundle(app))
    const manifest = JSON.parse(strFromU8(zip['manifest.json']!)) as {
      model: { json: string }
      challenger: { files: string[] }
      view: { show?: string }
    }
    expect(manifest.model.json).toBe('model/model.json')
    expect(strFromU8(zip['model/model.json']!)).toBe('{"modelTopology":{}}')
    expect(manifest.challenger.files).toEqual(['challenger/xgb.json'])
    expect(manifest.view.show).toBe('challenger')

    const fresh = await loaded()
    fresh.model.handlers.challengerSwap = swap
    const bytes = (await sessionBundle(app)) as Uint8Array<ArrayBuffer>
    expect(await sessionImport(fresh.app, new File([bytes], 's.glassbox.zip'))).toBe(true)
    const req = (c: string) => fresh.model.last(c).req as unknown as { model: { files: File[] } }
    expect(req('load').model.files.map((f) => f.name)).toEqual(['model.json'])
    expect(req('challengerLoad').model.files.map((f) => f.name)).toEqual(['xgb.json'])
    const cmp = fresh.app.compare.store.getState()
    expect(cmp.shown).toBe('challenger')
    expect(cmp.champion?.input.kind).toBe('files')
    expect(fresh.app.session.store.getState().model?.input).toEqual(cmp.challenger?.input)
  })
})
