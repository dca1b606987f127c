/**
 * Persistence: the current session (files as Blobs or their URLs, schema, view) is kept in
 * IndexedDB (idb-keyval), so a reload, a crash or a closed tab loses nothing; Start over clears
 * it. The Compression lab's result (half a minute of work) is kept too, with the model and data
 * it belongs to: a reload of the same session shows it again without recomputing it. The wiring (src/state/wiring.ts) tells it when a session was loaded or the view changed.
 */
import type { ClassRequest } from '../model/card.ts'
import { del, get, set } from 'idb-keyval'
import type { Schema } from '../core/schema.ts'
import type { CompressionState } from './compressionStore.ts'
import type { App } from './createApp.ts'
import type { LoadBundle } from './load.ts'
import type { SessionState } from './session.ts'
import { viewStateApply, viewStateCollect } from './share.ts'

const KEY_SOURCES = 'glassbox.session.sources'
const KEY_VIEW = 'glassbox.session.view'
const KEY_COMPRESSION = 'glassbox.session.compression'

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

type StoredSources = {
  model: Stored
  data: Stored
  schema: { schema: Schema; name: string; inferred: boolean; url?: string }
  /** The class of interest asked for (kept as the user's request, `auto` included). */
  cls: ClassRequest
}

/** What a session's sources look like in IndexedDB. */
function storedSources(s: SessionState): StoredSources | null {
  if (!s.model || !s.data || !s.schema) return null
  const model: Stored =
    s.model.input.kind === 'url'
      ? { kind: 'url', url: s.model.input.url }
      : { kind: 'blobs', files: s.model.input.files.map((f) => ({ name: f.name, blob: f })) }
  const data: Stored =
    s.data.input.kind === 'url'
      ? { kind: 'url', url: s.data.input.url }
      : { kind: 'blobs', files: [{ name: s.data.input.file.name, blob: s.data.input.file }] }
  return {
    model,
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

/** The persisted session of one app. */
export type Persist = {
  /** Saves the sources of a session just loaded. */
  sessionLoaded(s: SessionState): void
  /** Saves the view 300 ms after the last change. */
  viewChanged(): void
  /** Also saves the view on history moves, tab hiding, and every 2 s as a safety net. */
  start(): void
  /** Restores the persisted session; false when there is none (or it cannot be loaded). */
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
      const stored = storedSources(s)
      if (stored) void set(KEY_SOURCES, stored).catch(() => {})
    },
    viewChanged,
    start() {
      window.addEventListener('hashchange', viewChanged)
      window.addEventListener('popstate', viewChanged)
      document.addEventListener('visibilitychange', viewChanged)
      setInterval(viewChanged, 2000)
    },
    restore: () => persistRestore(app),
    async clear() {
      await Promise.all([del(KEY_SOURCES), del(KEY_VIEW), del(KEY_COMPRESSION)]).catch(() => {})
      location.replace(`${location.pathname}`)
    },
  }
}

async function persistRestore(app: App): Promise<boolean> {
  const tabFrom = app.ui.store.getState().tab
  let stored: StoredSources | undefined
  let view: unknown
  try {
    stored = await get<StoredSources>(KEY_SOURCES)
    view = await get<unknown>(KEY_VIEW)
  } catch {
    return false
  }
  if (!stored) return false
  const part = (s: Stored) =>
    s.kind === 'url' ? null : s.files.map((f) => new File([f.blob], f.name))
  const modelFiles = part(stored.model)
  const dataFiles = part(stored.data)
  const bundle: LoadBundle = {
    model: modelFiles
      ? { kind: 'files', files: modelFiles }
      : { kind: 'url', url: (stored.model as { url: string }).url },
    data: dataFiles
      ? { kind: 'file', file: dataFiles[0]! }
      : { kind: 'url', url: (stored.data as { url: string }).url },
    schema: stored.schema.url
      ? { kind: 'url', url: stored.schema.url }
      : { kind: 'object', schema: stored.schema.schema, name: stored.schema.name },
    ...(stored.cls ? { cls: stored.cls } : {}),
  }
  const ok = await app.load.loadBundle(bundle)
  // The stored view is untrusted too (another version, another tab): checked field by field.
  if (ok && view !== undefined) viewStateApply(app, view, tabFrom, 'The saved view')
  if (ok) await restoreCompression(app)
  return ok
}

/** Puts back the stored compression result when it belongs to the session just restored. */
async function restoreCompression(app: App): Promise<void> {
  const stored = await get<StoredCompression>(KEY_COMPRESSION).catch(() => undefined)
  const id = sessionIdentity(app)
  if (!stored || !id || stored.model !== id.model || stored.data !== id.data) return
  if (app.compression.store.getState().result) return
  app.compression.store.setState(stored.state)
}
