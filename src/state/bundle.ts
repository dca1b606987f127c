/**
 * Session bundles: one zip (fflate) with the model files, the data CSV, the schema, the view
 * state and computed results (the audit report when one was run). Dropping it on the page
 * restores the same dashboard offline; import validates it and names what is wrong.
 */
import { strFromU8, strToU8, zipSync } from 'fflate'
import { dict, own } from '../core/dict.ts'
import { siblingUrl } from '../core/origins.ts'
import { UnpackLimits, bytesText } from '../core/unpack/limits.ts'
import { unpackOffThread } from './unpack.ts'
import type { Schema } from '../core/schema.ts'
import { schemaValidate } from '../core/schemaIo.ts'
import type { Report } from '../report/types.ts'
import type { App } from './createApp.ts'
import { type ViewState, viewStateApply, viewStateCollect } from './share.ts'

/** Version of the bundle's manifest. */
export const BUNDLE_VERSION = 1

type BundleManifest = {
  bundleVersion: 1
  tool: 'glassbox'
  model: { json: string; shards: string[] }
  data: string
  schema: { file: string; name: string; inferred: boolean }
  view: ViewState
  results: { report: Report | null }
  /** The Compare tab's challenger: its model files (main file first), when one is loaded. */
  challenger?: { files: string[] }
}

async function urlBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/** A model's files (`input`, the session's by default) as (name, bytes): model.json + shards, or the one ONNX / XGBoost file. */
async function modelFiles(
  app: App,
  input = app.session.store.getState().model?.input,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  if (!input) throw new Error('no model loaded')
  if (input.kind === 'files')
    return Promise.all(
      input.files.map(async (f) => ({
        name: f.name,
        bytes: new Uint8Array(await f.arrayBuffer()),
      })),
    )
  const main = await urlBytes(input.url)
  const out = [{ name: input.url.split('/').pop() || 'model.json', bytes: main }]
  // A tfjs model.json lists its weight shards; an ONNX file or an XGBoost JSON is one file.
  let listed: string[] = []
  try {
    const m = JSON.parse(strFromU8(main)) as { weightsManifest?: unknown }
    if (Array.isArray(m.weightsManifest))
      listed = (m.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths)
  } catch {
    // not JSON (ONNX protobuf): no siblings
  }
  for (const p of listed)
    out.push({
      name: p.split('/').pop()!,
      bytes: await urlBytes(siblingUrl(input.url, p, location.href)),
    })
  return out
}

async function dataFile(app: App): Promise<{ name: string; bytes: Uint8Array }> {
  const d = app.session.store.getState().data
  if (!d) throw new Error('no data loaded')
  if (d.input.kind === 'file')
    return { name: d.input.file.name, bytes: new Uint8Array(await d.input.file.arrayBuffer()) }
  return { name: d.name, bytes: await urlBytes(d.input.url) }
}

/**
 * The session bundle of `app` (zip bytes).
 * @throws Error when nothing is loaded or a source cannot be read again.
 */
export async function sessionBundle(app: App): Promise<Uint8Array> {
  const s = app.session.store.getState()
  if (!s.schema || !s.model || !s.data) throw new Error('load a model and data first')
  const schema = s.schema
  // While the challenger is shown the session's model is the challenger's: the bundle keeps roles.
  const cmp = app.compare.store.getState()
  const model = await modelFiles(
    app,
    cmp.shown === 'challenger' && cmp.champion ? cmp.champion.input : s.model.input,
  )
  const data = await dataFile(app)
  const jsonFile = model.find((f) => f.name.toLowerCase().endsWith('.json'))!
  const manifest: BundleManifest = {
    bundleVersion: 1,
    tool: 'glassbox',
    model: {
      json: `model/${jsonFile.name}`,
      shards: model.filter((f) => f !== jsonFile).map((f) => `model/${f.name}`),
    },
    data: `data/${data.name}`,
    schema: { file: 'schema.json', name: schema.name, inferred: schema.inferred },
    view: viewStateCollect(app),
    results: { report: app.report.store.getState().report },
  }
  const files: Record<string, Uint8Array> = {
    'manifest.json': strToU8(JSON.stringify(manifest, null, 1)),
    'schema.json': strToU8(JSON.stringify(schema.schema, null, 1)),
    [manifest.data]: data.bytes,
  }
  for (const f of model) files[`model/${f.name}`] = f.bytes
  const challenger = app.compare.store.getState().challenger
  if (challenger) {
    const chFiles = await modelFiles(app, challenger.input)
    manifest.challenger = { files: chFiles.map((f) => `challenger/${f.name}`) }
    for (const f of chFiles) files[`challenger/${f.name}`] = f.bytes
    files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 1))
  }
  return zipSync(files, { level: 6 })
}

/** Downloads the session bundle of `app` (a notice says why when it cannot be built). */
export async function sessionExport(app: App): Promise<void> {
  try {
    const zip = await sessionBundle(app)
    const name = `${app.session.store.getState().schema?.schema.name ?? 'session'}.glassbox.zip`
    app.deps.download(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), name)
  } catch (e) {
    app.jobs.notify('error', `Export session failed: ${(e as Error).message}`)
  }
}

/** True for a zip (PK\x03\x04) — how a dropped session bundle is recognised. */
export async function fileIsZip(f: Blob): Promise<boolean> {
  const head = new Uint8Array(await f.slice(0, 4).arrayBuffer())
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

/**
 * Restores a session bundle into `app`: validates the zip and its manifest, loads model, data and
 * schema together, then applies the saved view. The zip is inflated off the page's thread within
 * the caps of src/core/unpack/limits.ts, and only the entries the manifest names. Every problem is
 * named; what was loaded stays.
 */
export async function sessionImport(app: App, file: File): Promise<boolean> {
  const bad = (msg: string) => {
    app.jobs.notify(
      'error',
      `Session bundle ${file.name}: ${msg} — the previously loaded model and data are still loaded.`,
    )
    return false
  }
  if (file.size > UnpackLimits.bundleBytes)
    return bad(
      `${bytesText(file.size)} is above the cap of ${bytesText(UnpackLimits.bundleBytes)} for a bundle`,
    )
  // Inflated off the page's thread within the caps; only the entries the manifest names.
  const un = await unpackOffThread({
    kind: 'bundle',
    bytes: new Uint8Array(await file.arrayBuffer()),
  })
  if (!un.ok) return bad(un.message)
  if (un.kind !== 'bundle') return bad('not a bundle')
  const entries = dict<Uint8Array>()
  for (const [k, v] of un.entries) entries[k] = v
  let manifest: BundleManifest
  try {
    manifest = JSON.parse(un.manifest) as BundleManifest
  } catch {
    return bad('manifest.json is not valid JSON')
  }
  if (typeof manifest !== 'object' || manifest === null)
    return bad('manifest.json is not an object')
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
    if (typeof n !== 'string' || !own(entries, n))
      return bad(`${String(n)} is missing from the bundle`)
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
  const ok = await app.load.loadBundle({
    model: { kind: 'files', files: [manifest.model.json, ...manifest.model.shards].map(asFile) },
    data: { kind: 'file', file: asFile(manifest.data) },
    schema: { kind: 'object', schema, name: manifest.schema.name },
  })
  if (!ok) return false
  // The challenger and the model shown before the view: showing the other model resets what
  // belongs to a session (the open row), which the view then sets again.
  const ch = manifest.challenger?.files
  if (Array.isArray(ch) && ch.length) {
    const missing = ch.find((n) => typeof n !== 'string' || !own(entries, n))
    if (missing !== undefined)
      app.jobs.notify(
        'warning',
        `Session bundle ${file.name}: the challenger's ${String(missing)} is missing; the session is restored without it.`,
      )
    else if (
      (await app.compare.loadChallenger({ kind: 'files', files: ch.map(asFile) })) &&
      (manifest.view as { show?: unknown } | undefined)?.show === 'challenger'
    )
      await app.compare.show('challenger')
  }
  if (manifest.view !== undefined)
    viewStateApply(app, manifest.view, undefined, `Session bundle ${file.name}`)
  app.jobs.notify('info', `Session ${file.name} restored.`)
  return true
}
