/**
 * The persisted session (src/state/persist.ts) with a challenger, over fake workers and an
 * in-memory IndexedDB (idb-keyval mocked; values structured-cloned as IndexedDB does): the
 * sources name the champion whatever the views show, the challenger and the switch are kept
 * apart, and a reload (a second app over the same storage) opens the champion, then the
 * challenger, then shows the model shown before — roles intact.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Persist, createPersist } from '../../src/state/persist.ts'
import { wireApp } from '../../src/state/wiring.ts'
import {
  type FakeWorker,
  harness,
  loadResult,
  sampleBundle,
  sampleCard,
  sampleModel,
  sampleTable,
  settle,
} from './fakes.ts'

const idb = vi.hoisted(() => new Map<string, unknown>())
vi.mock('idb-keyval', () => ({
  get: (k: string) => Promise.resolve(idb.get(k)),
  set: (k: string, v: unknown) => Promise.resolve(void idb.set(k, structuredClone(v))),
  del: (k: string) => Promise.resolve(void idb.delete(k)),
}))

const CHAMPION = sampleBundle.model.url
const CHALLENGER = 'https://example.test/challenger.json'
const KEY_SOURCES = 'glassbox.session.sources'
const KEY_CHALLENGER = 'glassbox.session.challenger'
const KEY_VIEW = 'glassbox.session.view'

/** The challenger's predictions (the champion's are sampleTable's). */
const challengerP = () => new Float32Array(40).fill(0.7)

/** Worker answers for loading, comparing and swapping a challenger (the swap alternates). */
function challengerHandlers(model: FakeWorker): void {
  model.handlers.challengerLoad = () => ({
    model: { ...sampleModel, name: 'challenger.json' },
    card: { ...sampleCard, name: 'challenger.json' },
    predictions: challengerP(),
    igUnavailable: null,
  })
  model.handlers.challengerClear = () => true
  model.handlers.compare = (req) => ({ rows: 40, threshold: req.threshold, disagreementRows: [] })
  let swaps = 0
  model.handlers.challengerSwap = () =>
    loadResult(++swaps % 2 ? challengerP() : sampleTable().p, sampleTable().labels)
}

/** An app over fake workers, wired to persistence as the page wires it (src/state/app.ts). */
function persisted() {
  const h = harness()
  challengerHandlers(h.model)
  const persist: Persist = createPersist(h.app)
  wireApp(h.app, {
    sessionLoaded: (s) => persist.sessionLoaded(s),
    challengerChanged: () => persist.challengerChanged(),
    viewChanged: () => persist.viewChanged(),
  })
  return { ...h, persist }
}

/** The view is saved 300 ms after the last change. */
const viewSaved = () => new Promise((r) => setTimeout(r, 350))

afterEach(() => idb.clear())

describe('createPersist with a challenger', () => {
  it('names the champion as the model while the challenger is shown, and keeps the switch apart', async () => {
    const { app } = persisted()
    await app.load.loadBundle(sampleBundle)
    await app.compare.loadChallenger({ kind: 'url', url: CHALLENGER }, null)
    expect(await app.compare.show('challenger')).toBe(true)
    await settle()
    // The session holds the challenger now …
    expect(app.session.store.getState().model?.input).toEqual({ kind: 'url', url: CHALLENGER })
    // … but the persisted roles are the Compare tab's.
    expect(idb.get(KEY_SOURCES)).toMatchObject({ model: { kind: 'url', url: CHAMPION } })
    expect(idb.get(KEY_CHALLENGER)).toEqual({
      model: { kind: 'url', url: CHALLENGER },
      demo: null,
      shown: 'challenger',
    })
    await app.compare.show('champion')
    await settle()
    expect(idb.get(KEY_SOURCES)).toMatchObject({ model: { kind: 'url', url: CHAMPION } })
    expect(idb.get(KEY_CHALLENGER)).toMatchObject({ shown: 'champion' })
    // A challenger dropped is forgotten.
    await app.compare.clearChallenger()
    await settle()
    expect(idb.has(KEY_CHALLENGER)).toBe(false)
  })

  it('a reload opens the champion, then the challenger, shows the challenger again and keeps the tab', async () => {
    const before = persisted()
    await before.app.load.loadBundle(sampleBundle)
    await before.app.compare.loadChallenger({ kind: 'url', url: CHALLENGER }, 'xgboost')
    before.app.ui.setTab('Compare')
    await before.app.compare.show('challenger')
    await viewSaved()
    expect(idb.get(KEY_VIEW)).toMatchObject({ tab: 'Compare', show: 'challenger' })

    const after = persisted()
    expect(await after.persist.restore()).toBe(true)
    await settle()
    const { app, model } = after
    expect(model.last('load').req.model).toEqual({ kind: 'url', url: CHAMPION })
    expect(model.last('challengerLoad').req.model).toEqual({ kind: 'url', url: CHALLENGER })
    expect(model.count('challengerSwap')).toBe(1)
    const cmp = app.compare.store.getState()
    expect(cmp.shown).toBe('challenger')
    expect(cmp.challenger?.input).toEqual({ kind: 'url', url: CHALLENGER })
    expect(cmp.challenger?.demo).toBe('xgboost')
    expect(cmp.champion?.input).toEqual({ kind: 'url', url: CHAMPION })
    const s = app.session.store.getState()
    expect(s.model?.input).toEqual({ kind: 'url', url: CHALLENGER })
    expect(Array.from(s.predictions!)).toEqual(Array.from(challengerP()))
    expect(app.ui.store.getState().tab).toBe('Compare')
    expect(model.count('compare')).toBe(1)
    // What the reload saved names the same roles.
    expect(idb.get(KEY_SOURCES)).toMatchObject({ model: { kind: 'url', url: CHAMPION } })
    expect(idb.get(KEY_CHALLENGER)).toMatchObject({ demo: 'xgboost', shown: 'challenger' })
  })

  it('after a worker restart while the challenger is shown, the saved roles are the page’s', async () => {
    const { app, model } = persisted()
    await app.load.loadBundle(sampleBundle)
    await app.compare.loadChallenger({ kind: 'url', url: CHALLENGER })
    await app.compare.show('challenger')
    await settle()
    model.onRestart('the worker ran out of memory')
    await settle()
    // The page makes the model shown the champion and re-opens the former champion beside it …
    const cmp = app.compare.store.getState()
    expect(cmp.shown).toBe('champion')
    expect(cmp.challenger?.input).toEqual(sampleBundle.model)
    // … and a reload must open the same two models in the same roles (not the champion twice).
    expect(idb.get(KEY_SOURCES)).toMatchObject({ model: { kind: 'url', url: CHALLENGER } })
    expect(idb.get(KEY_CHALLENGER)).toEqual({
      model: { kind: 'url', url: CHAMPION },
      demo: null,
      shown: 'champion',
    })
  })

  it('a challenger from local files comes back with its files; shown champion stays shown', async () => {
    const before = persisted()
    await before.app.load.loadBundle(sampleBundle)
    const xgb = new File(['{"learner":{}}'], 'xgb.json')
    await before.app.compare.loadChallenger({ kind: 'files', files: [xgb] })
    await settle()

    const after = persisted()
    expect(await after.persist.restore()).toBe(true)
    await settle()
    const req = after.model.last('challengerLoad').req as unknown as { model: { files: File[] } }
    expect(req.model.files.map((f) => f.name)).toEqual(['xgb.json'])
    expect(await req.model.files[0]!.text()).toBe('{"learner":{}}')
    expect(after.model.count('challengerSwap')).toBe(0)
    expect(after.app.compare.store.getState().shown).toBe('champion')
    expect(after.app.session.store.getState().model?.input).toEqual(sampleBundle.model)
  })

  it('a challenger that no longer loads is named, the session stays, and it is forgotten', async () => {
    const before = persisted()
    await before.app.load.loadBundle(sampleBundle)
    await before.app.compare.loadChallenger({ kind: 'url', url: CHALLENGER })
    await before.app.compare.show('challenger')
    await settle()

    const after = persisted()
    after.model.handlers.challengerLoad = () => {
      throw new Error('challenger.json: HTTP 404')
    }
    expect(await after.persist.restore()).toBe(true)
    await settle()
    const { app } = after
    expect(app.session.store.getState().model?.input).toEqual(sampleBundle.model)
    expect(app.compare.store.getState()).toMatchObject({ challenger: null, shown: 'champion' })
    expect(app.jobs.store.getState().notices.at(-1)?.text).toMatch(
      /^Challenger not loaded: challenger\.json: HTTP 404/,
    )
    expect(idb.has(KEY_CHALLENGER)).toBe(false)
  })

  it('a session opened another way (a link, a demo) forgets the challenger kept from before', async () => {
    const before = persisted()
    await before.app.load.loadBundle(sampleBundle)
    await before.app.compare.loadChallenger({ kind: 'url', url: CHALLENGER })
    await settle()
    expect(idb.has(KEY_CHALLENGER)).toBe(true)

    const other = persisted()
    await other.app.load.loadBundle(sampleBundle)
    await settle()
    expect(idb.has(KEY_CHALLENGER)).toBe(false)
  })

  it('a damaged challenger record is ignored: the session alone is restored', async () => {
    const before = persisted()
    await before.app.load.loadBundle(sampleBundle)
    await settle()
    for (const bad of [
      { model: { kind: 'url', url: CHALLENGER }, demo: null, shown: 'both' },
      { model: { kind: 'url', url: 7 }, demo: null, shown: 'champion' },
      { model: { kind: 'url', url: CHALLENGER }, demo: 'toString', shown: 'champion' },
      {
        model: { kind: 'blobs', files: [{ name: 'x.json', blob: 'text' }] },
        demo: null,
        shown: 'champion',
      },
    ]) {
      idb.set(KEY_CHALLENGER, bad)
      const after = persisted()
      expect(await after.persist.restore()).toBe(true)
      await settle()
      expect(after.model.count('challengerLoad')).toBe(0)
      expect(after.app.session.store.getState().ready).toBe(true)
      expect(idb.has(KEY_CHALLENGER)).toBe(false)
    }
  })
})
