/**
 * Session bundles and persistence.
 * - Export session: one zip (fflate) with the model files, the data CSV, the schema, the view
 *   state and computed results (the audit report when one was run). Dropping it on the page
 *   restores the same dashboard offline; import validates it and names what is wrong.
 * - Persistence: the current session (files as Blobs or their URLs, schema, view) is kept in
 *   IndexedDB (idb-keyval), so a reload, a crash or a closed tab loses nothing; Start over
 *   clears it.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { del, get, set } from 'idb-keyval'
import type { Schema } from '../core/schema.ts'
import { schemaValidate } from '../core/schemaIo.ts'
import type { Report } from '../report/types.ts'
import { appStore, type LoadBundle, loadBundle, notify } from './appStore.ts'
import { reportStore } from './reportStore.ts'
import { type ViewState, viewStateApply, viewStateCollect } from './share.ts'

export const BUNDLE_VERSION = 1

type BundleManifest = {
  bundleVersion: 1
  tool: 'glassbox'
  model: { json: string; shards: string[] }
  data: string
  schema: { file: string; name: string; inferred: boolean }
  view: ViewState
  results: { report: Report | null }
}

async function urlBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/** model.json + shards as (name, bytes), from picked files or from the model URL. */
async function modelFiles(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const input = appStore.getState().model?.input
  if (!input) throw new Error('no model loaded')
  if (input.kind === 'files')
    return Promise.all(
      input.files.map(async (f) => ({
        name: f.name,
        bytes: new Uint8Array(await f.arrayBuffer()),
      })),
    )
  const json = await urlBytes(input.url)
  const manifest = JSON.parse(strFromU8(json)) as { weightsManifest: { paths: string[] }[] }
  const out = [{ name: input.url.split('/').pop() || 'model.json', bytes: json }]
  for (const p of manifest.weightsManifest.flatMap((g) => g.paths))
    out.push({
      name: p.split('/').pop()!,
      bytes: await urlBytes(new URL(p, new URL(input.url, location.href)).href),
    })
  return out
}

async function dataFile(): Promise<{ name: string; bytes: Uint8Array }> {
  const d = appStore.getState().data
  if (!d) throw new Error('no data loaded')
  if (d.input.kind === 'file')
    return { name: d.input.file.name, bytes: new Uint8Array(await d.input.file.arrayBuffer()) }
  return { name: d.name, bytes: await urlBytes(d.input.url) }
}

/** Builds the session bundle (zip bytes). */
export async function sessionBundle(): Promise<Uint8Array> {
  const app = appStore.getState()
  if (!app.schema || !app.model || !app.data) throw new Error('load a model and data first')
  const model = await modelFiles()
  const data = await dataFile()
  const jsonFile = model.find((f) => f.name.toLowerCase().endsWith('.json'))!
  const manifest: BundleManifest = {
    bundleVersion: 1,
    tool: 'glassbox',
    model: {
      json: `model/${jsonFile.name}`,
      shards: model.filter((f) => f !== jsonFile).map((f) => `model/${f.name}`),
    },
    data: `data/${data.name}`,
    schema: { file: 'schema.json', name: app.schema.name, inferred: app.schema.inferred },
    view: viewStateCollect(),
    results: { report: reportStore.getState().report },
  }
  const files: Record<string, Uint8Array> = {
    'manifest.json': strToU8(JSON.stringify(manifest, null, 1)),
    'schema.json': strToU8(JSON.stringify(app.schema.schema, null, 1)),
    [manifest.data]: data.bytes,
  }
  for (const f of model) files[`model/${f.name}`] = f.bytes
  return zipSync(files, { level: 6 })
}

/** Downloads the session bundle. */
export async function sessionExport(): Promise<void> {
  try {
    const zip = await sessionBundle()
    const name = `${appStore.getState().schema?.schema.name ?? 'session'}.glassbox.zip`
    const a = document.createElement('a')
    a.href = URL.createObjectURL(
      new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }),
    )
    a.download = name
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  } catch (e) {
    notify('error', `Export session failed: ${(e as Error).message}`)
  }
}

/** True for a zip (PK\x03\x04) — how a dropped session bundle is recognised. */
export async function fileIsZip(f: Blob): Promise<boolean> {
  const head = new Uint8Array(await f.slice(0, 4).arrayBuffer())
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

/**
 * Restores a session bundle: validates the zip and its manifest, loads model, data and schema
 * together, then applies the saved view. Every problem is named; what was loaded stays.
 */
export async function sessionImport(file: File): Promise<boolean> {
  const bad = (msg: string) => {
    notify(
      'error',
      `Session bundle ${file.name}: ${msg} — the previously loaded model and data are still loaded.`,
    )
    return false
  }
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(new Uint8Array(await file.arrayBuffer()))
  } catch (e) {
    return bad(`not a readable zip (${(e as Error).message})`)
  }
  const mf = entries['manifest.json']
  if (!mf) return bad('manifest.json is missing')
  let manifest: BundleManifest
  try {
    manifest = JSON.parse(strFromU8(mf)) as BundleManifest
  } catch {
    return bad('manifest.json is not valid JSON')
  }
  if (manifest.bundleVersion !== BUNDLE_VERSION)
    return bad(
      `bundleVersion ${String(manifest.bundleVersion)} is not supported (expected ${BUNDLE_VERSION})`,
    )
  const need = [
    manifest.model?.json,
    ...(manifest.model?.shards ?? []),
    manifest.data,
    manifest.schema?.file,
  ]
  for (const n of need)
    if (typeof n !== 'string' || !entries[n]) return bad(`${String(n)} is missing from the bundle`)
  let schema: Schema
  try {
    schema = schemaValidate(
      JSON.parse(strFromU8(entries[manifest.schema.file]!)),
      `${file.name}/${manifest.schema.file}`,
    )
  } catch (e) {
    return bad((e as Error).message)
  }
  const asFile = (path: string) =>
    new File([entries[path]! as Uint8Array<ArrayBuffer>], path.split('/').pop()!)
  const ok = await loadBundle({
    model: { kind: 'files', files: [manifest.model.json, ...manifest.model.shards].map(asFile) },
    data: { kind: 'file', file: asFile(manifest.data) },
    schema: { kind: 'object', schema, name: manifest.schema.name },
  })
  if (!ok) return false
  if (manifest.view) viewStateApply(manifest.view)
  notify('info', `Session ${file.name} restored.`)
  return true
}

// ---- persistence ----

const KEY_SOURCES = 'glassbox.session.sources'
const KEY_VIEW = 'glassbox.session.view'

type Stored =
  { kind: 'url'; url: string } | { kind: 'blobs'; files: { name: string; blob: Blob }[] }

type StoredSources = {
  model: Stored
  data: Stored
  schema: { schema: Schema; name: string; inferred: boolean; url?: string }
  classIndex: number
}

/** Saves sources on every successful load and the view on every change (debounced). */
export function persistStart(): void {
  let viewTimer: ReturnType<typeof setTimeout> | null = null
  appStore.subscribe((s, prev) => {
    if (!s.ready || !s.model || !s.data || !s.schema) return
    if (s.model !== prev.model || s.data !== prev.data || s.schema !== prev.schema) {
      const model: Stored =
        s.model.input.kind === 'url'
          ? { kind: 'url', url: s.model.input.url }
          : { kind: 'blobs', files: s.model.input.files.map((f) => ({ name: f.name, blob: f })) }
      const data: Stored =
        s.data.input.kind === 'url'
          ? { kind: 'url', url: s.data.input.url }
          : { kind: 'blobs', files: [{ name: s.data.input.file.name, blob: s.data.input.file }] }
      const stored: StoredSources = {
        model,
        data,
        schema: {
          schema: s.schema.schema,
          name: s.schema.name,
          inferred: s.schema.inferred,
          ...(s.schema.url ? { url: s.schema.url } : {}),
        },
        classIndex: s.classIndex,
      }
      void set(KEY_SOURCES, stored).catch(() => {})
    }
  })
  const saveView = () => {
    if (viewTimer) clearTimeout(viewTimer)
    viewTimer = setTimeout(() => {
      if (appStore.getState().ready) void set(KEY_VIEW, viewStateCollect()).catch(() => {})
    }, 300)
  }
  appStore.subscribe(saveView)
  window.addEventListener('hashchange', saveView)
  window.addEventListener('popstate', saveView)
  document.addEventListener('visibilitychange', saveView)
  // Any store change also changes the hash (share.ts), which the popstate/pushState path covers;
  // poll cheaply as a safety net for changes that do not touch the app store.
  setInterval(saveView, 2000)
}

/** Restores the persisted session; false when there is none (or it cannot be loaded). */
export async function persistRestore(): Promise<boolean> {
  let stored: StoredSources | undefined
  let view: ViewState | undefined
  try {
    stored = await get<StoredSources>(KEY_SOURCES)
    view = await get<ViewState>(KEY_VIEW)
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
    classIndex: stored.classIndex,
  }
  const ok = await loadBundle(bundle)
  if (ok && view) viewStateApply(view)
  return ok
}

/** Start over: forget the persisted session and reopen the demo. */
export async function persistClear(): Promise<void> {
  await Promise.all([del(KEY_SOURCES), del(KEY_VIEW)]).catch(() => {})
  location.replace(`${location.pathname}`)
}
