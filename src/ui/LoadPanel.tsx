import { useEffect, useState, type FormEvent } from 'react'
import { app, persist, share } from '../state/app.ts'
import { fileIsZip, sessionExport, sessionImport } from '../state/bundle.ts'
import { DEMOS, type DemoName, type LoadBundle } from '../state/load.ts'
import {
  DATA_ACCEPT,
  FILE_HEAD_BYTES,
  fileKind,
  filesSort,
  isDataFileName,
} from '../core/fileKind.ts'

/**
 * Sorts dropped or picked files into model (model files + .bin shards), data (CSV or Parquet) and
 * schema by
 * name and first bytes (src/core/fileKind.ts). A JSON that is neither is treated as the model so
 * that its error ("not a TensorFlow.js model.json") names it.
 */
export async function classifyFiles(files: File[]): Promise<LoadBundle> {
  const heads = await Promise.all(
    files.map(async (f) => new Uint8Array(await f.slice(0, FILE_HEAD_BYTES).arrayBuffer())),
  )
  const sorted = filesSort(
    files,
    files.map((f, i) => fileKind(f.name, heads[i]!)),
  )
  const bundle: LoadBundle = {}
  if (sorted.schema) bundle.schema = { kind: 'file', file: sorted.schema }
  if (sorted.data) bundle.data = { kind: 'file', file: sorted.data }
  if (sorted.model.length) bundle.model = { kind: 'files', files: sorted.model }
  return bundle
}

/** Opens dropped/picked files: a session bundle (zip) restores a session; anything else loads. */
export async function openFiles(files: File[]): Promise<void> {
  const zip = files.length === 1 && (await fileIsZip(files[0]!))
  if (zip) await sessionImport(app, files[0]!)
  else await app.load.loadBundle(await classifyFiles(files))
}

/** Whole-window drag and drop; returns whether files are being dragged over the page. */
export function useFileDrop(): boolean {
  const [dragging, setDragging] = useState(false)
  useEffect(() => {
    let depth = 0
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files')
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth++
      setDragging(true)
    }
    const leave = () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault()
    }
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth = 0
      setDragging(false)
      const files = [...(e.dataTransfer?.files ?? [])]
      // On the Monitoring tab a dropped data file (CSV or Parquet) is the "current" data to
      // compare, not a new reference.
      if (
        files.length === 1 &&
        app.ui.store.getState().tab === 'Monitoring' &&
        isDataFileName(files[0]!.name)
      ) {
        void app.monitoring.loadCurrent({ kind: 'file', file: files[0]! })
      } else if (files.length) void openFiles(files)
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragleave', leave)
    window.addEventListener('dragover', over)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('dragover', over)
      window.removeEventListener('drop', drop)
    }
  }, [])
  return dragging
}

export function LoadPanel() {
  const [showUrls, setShowUrls] = useState(false)
  const [urls, setUrls] = useState({ model: '', data: '', schema: '' })
  const pick = (files: FileList | null, kind: 'model' | 'data' | 'schema' | 'any') => {
    const list = [...(files ?? [])]
    if (!list.length) return
    if (kind === 'model') void app.load.loadBundle({ model: { kind: 'files', files: list } })
    else if (kind === 'data') void app.load.loadBundle({ data: { kind: 'file', file: list[0]! } })
    else if (kind === 'schema')
      void app.load.loadBundle({ schema: { kind: 'file', file: list[0]! } })
    else void openFiles(list)
  }
  const submitUrls = (e: FormEvent) => {
    e.preventDefault()
    const b: LoadBundle = {}
    if (urls.model.trim()) b.model = { kind: 'url', url: urls.model.trim() }
    if (urls.data.trim()) b.data = { kind: 'url', url: urls.data.trim() }
    if (urls.schema.trim()) b.schema = { kind: 'url', url: urls.schema.trim() }
    if (b.model || b.data || b.schema) void app.load.loadBundle(b)
  }
  return (
    <div className="loadPanel">
      <label className="fileButton">
        Open files…
        <input
          type="file"
          multiple
          accept=".json,.bin,.onnx,.csv,.tsv,.txt,.parquet,.zip"
          data-testid="input-any"
          onChange={(e) => {
            pick(e.currentTarget.files, 'any')
            e.currentTarget.value = ''
          }}
        />
      </label>
      <label className="fileButton">
        Model…
        <input
          type="file"
          multiple
          accept=".json,.bin,.onnx"
          data-testid="input-model"
          aria-label="Model files (a tfjs model.json with its .bin weight files, an .onnx file, or an XGBoost model.json)"
          onChange={(e) => {
            pick(e.currentTarget.files, 'model')
            e.currentTarget.value = ''
          }}
        />
      </label>
      <label className="fileButton">
        Data…
        <input
          type="file"
          accept={DATA_ACCEPT}
          data-testid="input-data"
          aria-label="Data (CSV or Parquet)"
          onChange={(e) => {
            pick(e.currentTarget.files, 'data')
            e.currentTarget.value = ''
          }}
        />
      </label>
      <label className="fileButton">
        Schema…
        <input
          type="file"
          accept=".json,application/json"
          data-testid="input-schema"
          aria-label="Schema JSON"
          onChange={(e) => {
            pick(e.currentTarget.files, 'schema')
            e.currentTarget.value = ''
          }}
        />
      </label>
      <button type="button" onClick={() => setShowUrls((v) => !v)} aria-expanded={showUrls}>
        From URL…
      </button>
      <span className="buttonGroup" role="group" aria-label="Demos">
        {(Object.keys(DEMOS) as DemoName[]).map((d) => (
          <button
            key={d}
            type="button"
            onClick={() => void app.load.loadDemo(import.meta.env.BASE_URL, d)}
            data-testid={d === 'mlp' ? 'load-demo' : `load-demo-${d}`}
            title={`Load the ${DEMOS[d].label} demo: model, schema and the held-out Adult rows`}
          >
            {d === 'mlp' ? `Demo: ${DEMOS[d].label}` : DEMOS[d].label}
          </button>
        ))}
      </span>
      <button
        type="button"
        onClick={() => location.assign(`${import.meta.env.BASE_URL}?demo=0`)}
        data-testid="start-empty"
        title="Reopen the dashboard without the demo, for your own model and data (same as ?demo=0)"
      >
        Start empty
      </button>
      <button
        type="button"
        onClick={() => void share.copyLink()}
        data-testid="copy-link"
        title="Copy a link that reopens this view"
      >
        Copy link
      </button>
      <button
        type="button"
        onClick={() => void sessionExport(app)}
        data-testid="export-session"
        title="One file with the model, data, schema, view and results"
      >
        Export session
      </button>
      <button
        type="button"
        onClick={() => void persist.clear()}
        data-testid="start-over"
        title="Forget the saved session and reopen the demo"
      >
        Start over
      </button>
      {showUrls && (
        <form className="urlForm" onSubmit={submitUrls}>
          {(['model', 'data', 'schema'] as const).map((k) => (
            <label key={k}>
              {k === 'model'
                ? 'model URL (model.json, .onnx)'
                : k === 'data'
                  ? 'data URL (CSV, Parquet)'
                  : 'schema URL'}
              <input
                type="url"
                value={urls[k]}
                data-testid={`url-${k}`}
                onChange={(e) => setUrls({ ...urls, [k]: e.currentTarget.value })}
                placeholder="https://…"
              />
            </label>
          ))}
          <button type="submit" data-testid="url-load">
            Load
          </button>
        </form>
      )}
    </div>
  )
}
