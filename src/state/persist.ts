/**
 * Persistence: the current session (files as Blobs or their URLs, schema, view) is kept in
 * IndexedDB (idb-keyval), so a reload, a crash or a closed tab loses nothing; Start over clears
 * it. The Compression lab's result (half a minute of work) is kept too, with the model and data
 * it belongs to: a reload of the same session shows it again without recomputing it. So is the
 * Compare tab's challenger (its URL or files, and which of the two models the views show): a
 * reload opens the champion's session, then the challenger, then shows the model shown before.
 * Roles are kept by role, whatever is shown: the session's sources name the champion (while the
 * challenger is shown, the session's model is the challenger's — a swap saves nothing), and the
 * challenger is kept apart with the `shown` switch. The wiring (src/state/wiring.ts) tells it
 * when a session was loaded, the challenger or the switch changed, or the view changed.
 */
import type { ClassRequest } from '../model/card.ts'
import { del, get, set } from 'idb-keyval'
import type { Schema } from '../core/schema.ts'
import type { CompareState } from './compareStore.ts'
import type { CompressionState } from './compressionStore.ts'
import type { App } from './createApp.ts'
import type { ModelInput } from '../workers/protocol.ts'
import type { Shown } from './compareSwap.ts'
import { DEMOS, type DemoName } from './demos.ts'
import type { LoadBundle } from './load.ts'
import type { SessionState } from './session.ts'
import { viewStateApply, viewStateCollect } from './share.ts'

const KEY_SOURCES = 'glassbox.session.sources'
const KEY_VIEW = 'glassbox.session.view'
const KEY_COMPRESSION = 'glassbox.session.compression'
const KEY_CHALLENGER = 'glassbox.session.challenger'

/** A compression result and the model and data (sha256) it was computed for. */
type StoredCompression = {
  model: string
  data: string
  state: Pick<CompressionState, 'result' | 'resultThreshold' | 'resultWorkers'>
}

/** The loaded model's and data's sha256, or null before a session is loaded. */
function sessionIdentity(app: App): { model: string; data: string } | null {
  const { model, data } = app.session.store.getState()
  return model && data ? { model: model.info.weightsSha256, data: data.sha256 } : null
}

type Stored =
  { kind: 'url'; url: string } | { kind: 'blobs'; files: { name: string; blob: Blob }[] }

/** A model's source as IndexedDB keeps it (files as Blobs with their names). */
function storedModel(input: ModelInput): Stored {
  return input.kind === 'url'
    ? { kind: 'url', url: input.url }
    : { kind: 'blobs', files: input.files.map((f) => ({ name: f.name, blob: f })) }
}

/** The model source a stored one names (files rebuilt from their Blobs). */
function storedModelInput(s: Stored): ModelInput {
  return s.kind === 'url'
    ? { kind: 'url', url: s.url }
    : { kind: 'files', files: s.files.map((f) => new File([f.blob], f.name)) }
}

type StoredSources = {
  /** The champion's source, also while the challenger is shown. */
  model: Stored
  data: Stored
  schema: { schema: Schema; name: string; inferred: boolean; url?: string }
  /** The class of interest asked for (kept as the user's request, `auto` included). */
  cls: ClassRequest
}

/** The Compare tab's challenger as kept for a reload, and which model the views showed. */
type StoredChallenger = { model: Stored; demo: DemoName | null; shown: Shown }

/** What a session's sources look like in IndexedDB, `champion` being the champion's source. */
function storedSources(s: SessionState, champion: ModelInput | undefined): StoredSources | null {
  if (!champion || !s.data || !s.schema) return null
  const data: Stored =
    s.data.input.kind === 'url'
      ? { kind: 'url', url: s.data.input.url }
      : { kind: 'blobs', files: [{ name: s.data.input.file.name, blob: s.data.input.file }] }
  return {
    model: storedModel(champion),
    data,
    schema: {
      schema: s.schema.schema,
      name: s.schema.name,
      inferred: s.schema.inferred,
      ...(s.schema.url ? { url: s.schema.url } : {}),
    },
    cls: s.cls,
  }
}

/**
 * A challenger record read back from IndexedDB (written by another version, maybe): its fields
 * checked, or null when it is not one this version wrote.
 */
function storedChallengerChecked(v: unknown): StoredChallenger | null {
  if (typeof v !== 'object' || v === null) return null
  const { model, demo, shown } = v as Record<string, unknown>
  if (shown !== 'champion' && shown !== 'challenger') return null
  if (demo !== null && !(typeof demo === 'string' && Object.hasOwn(DEMOS, demo))) return null
  if (typeof model !== 'object' || model === null) return null
  const m = model as Record<string, unknown>
  const ok =
    (m.kind === 'url' && typeof m.url === 'string') ||
    (m.kind === 'blobs' &&
      Array.isArray(m.files) &&
      m.files.length > 0 &&
      m.files.every(
        (f: unknown) =>
          typeof f === 'object' &&
          f !== null &&
          typeof (f as { name?: unknown }).name === 'string' &&
          (f as { blob?: unknown }).blob instanceof Blob,
      ))
  return ok ? { model: model as Stored, demo: demo as DemoName | null, shown } : null
}

/** The persisted session of one app. */
export type Persist = {
  /**
   * Saves the sources of a session just loaded, the champion's model among them (nothing while
   * the switch swaps champion and challenger: the sources stay the same).
   */
  sessionLoaded(s: SessionState): void
  /** Saves the challenger and the switch "show" when either changed (forgets a dropped one). */
  challengerChanged(): void
  /** Saves the view 300 ms after the last change. */
  viewChanged(): void
  /** Also saves the view on history moves, tab hiding, and every 2 s as a safety net. */
  start(): void
  /**
   * Restores the persisted session, then its challenger and the model shown; false when there is
   * no session (or it cannot be loaded). A challenger that cannot be loaded again is named in a
   * notice and the session stays.
   */
  restore(): Promise<boolean>
  /** Start over: forgets the persisted session and reopens the demo. */
  clear(): Promise<void>
}

/**
 * Persistence of `app`'s session in IndexedDB.
 * @example const persist = createPersist(app); persist.start(); await persist.restore()
 */
export function createPersist(app: App): Persist {
  let viewTimer: ReturnType<typeof setTimeout> | null = null
  let savedResult: CompressionState['result'] = null
  const saveCompression = () => {
    const { result, resultThreshold, resultWorkers } = app.compression.store.getState()
    const id = sessionIdentity(app)
    if (!result || result === savedResult || !id) return
    savedResult = result
    const stored: StoredCompression = { ...id, state: { result, resultThreshold, resultWorkers } }
    void set(KEY_COMPRESSION, stored).catch(() => {})
  }
  // While a restore runs, the stored challenger is the one being restored: it is not overwritten
  // by the states the restore passes through (the session first loads without it).
  let restoring = false
  let savedChallenger: Pick<CompareState, 'challenger' | 'shown'> | null = null
  const saveChallenger = (force: boolean) => {
    if (restoring) return
    const { challenger, shown } = app.compare.store.getState()
    const saved = savedChallenger
    if (!force && saved && saved.challenger === challenger && saved.shown === shown) return
    savedChallenger = { challenger, shown }
    if (!challenger) {
      void del(KEY_CHALLENGER).catch(() => {})
      return
    }
    const stored: StoredChallenger = {
      model: storedModel(challenger.input),
      demo: challenger.demo,
      shown,
    }
    void set(KEY_CHALLENGER, stored).catch(() => {})
  }
  let savedChampion: ModelInput | undefined
  /** Saves the session's sources with the champion's model (when it changed, unless `force`). */
  const saveSources = (s: SessionState, force: boolean) => {
    // A swap commits the other model as the session before the switch records it; the sources
    // are the same before and after it.
    if (app.compare.swapping()) return
    const { shown, champion } = app.compare.store.getState()
    const model = shown === 'challenger' && champion ? champion.input : s.model?.input
    if (!force && model === savedChampion) return
    const stored = storedSources(s, model)
    if (!stored) return
    savedChampion = model
    void set(KEY_SOURCES, stored).catch(() => {})
  }
  const viewChanged = () => {
    if (viewTimer) clearTimeout(viewTimer)
    viewTimer = setTimeout(() => {
      if (!app.session.store.getState().ready) return
      void set(KEY_VIEW, viewStateCollect(app)).catch(() => {})
      saveCompression()
    }, 300)
  }
  return {
    sessionLoaded(s) {
      saveSources(s, true)
      // A session opened otherwise (a link, ?demo=) replaces a challenger kept from before.
      saveChallenger(false)
    },
    challengerChanged() {
      // The roles can change without a new session (a worker restart while the challenger is
      // shown makes the model shown the champion): the sources follow the champion.
      saveSources(app.session.store.getState(), false)
      saveChallenger(false)
    },
    viewChanged,
    start() {
      window.addEventListener('hashchange', viewChanged)
      window.addEventListener('popstate', viewChanged)
      document.addEventListener('visibilitychange', viewChanged)
      setInterval(viewChanged, 2000)
    },
    async restore() {
      restoring = true
      try {
        return await persistRestore(app)
      } finally {
        restoring = false
        // What the restore ended with: the challenger restored, or none (a failed restore).
        saveChallenger(true)
      }
    },
    async clear() {
      const keys = [KEY_SOURCES, KEY_VIEW, KEY_COMPRESSION, KEY_CHALLENGER]
      await Promise.all(keys.map((k) => del(k))).catch(() => {})
      location.replace(`${location.pathname}`)
    },
  }
}

async function persistRestore(app: App): Promise<boolean> {
  const tabFrom = app.ui.store.getState().tab
  let stored: StoredSources | undefined
  let view: unknown
  let challenger: StoredChallenger | null
  try {
    stored = await get<StoredSources>(KEY_SOURCES)
    view = await get<unknown>(KEY_VIEW)
    challenger = storedChallengerChecked(await get<unknown>(KEY_CHALLENGER))
  } catch {
    return false
  }
  if (!stored) return false
  const dataFiles = stored.data.kind === 'url' ? null : stored.data.files
  const bundle: LoadBundle = {
    model: storedModelInput(stored.model),
    data: dataFiles
      ? { kind: 'file', file: new File([dataFiles[0]!.blob], dataFiles[0]!.name) }
      : { kind: 'url', url: (stored.data as { url: string }).url },
    schema: stored.schema.url
      ? { kind: 'url', url: stored.schema.url }
      : { kind: 'object', schema: stored.schema.schema, name: stored.schema.name },
    ...(stored.cls ? { cls: stored.cls } : {}),
  }
  const ok = await app.load.loadBundle(bundle)
  if (!ok) return false
  // The challenger and the model shown before the view: showing the other model resets what
  // belongs to a session (the open row), which the view then sets again.
  if (challenger) {
    const input = storedModelInput(challenger.model)
    const loaded = await app.compare.loadChallenger(input, challenger.demo)
    if (loaded && challenger.shown === 'challenger') await app.compare.show('challenger')
  }
  // The stored view is untrusted too (another version, another tab): checked field by field.
  if (view !== undefined) viewStateApply(app, view, tabFrom, 'The saved view')
  await restoreCompression(app)
  return true
}

/** Puts back the stored compression result when it belongs to the session just restored. */
async function restoreCompression(app: App): Promise<void> {
  const stored = await get<StoredCompression>(KEY_COMPRESSION).catch(() => undefined)
  const id = sessionIdentity(app)
  if (!stored || !id || stored.model !== id.model || stored.data !== id.data) return
  if (app.compression.store.getState().result) return
  app.compression.store.setState(stored.state)
}
