import { useState, type DragEvent, type FormEvent } from 'react'
import { DATA_ACCEPT } from '../../../core/fileKind.ts'
import { app } from '../../../state/app.ts'

/** The demo's drifted copy of its data (ages +8, marital status shifted, 15% labels flipped). */
export const driftedDemoUrl = () =>
  new URL(`${import.meta.env.BASE_URL}demo/drifted.csv`, location.href).href

/**
 * Ways to hand over the current data (CSV or Parquet): a file (picked or dropped on the zone), a URL, or the demo's
 * drifted sample. `compact` is the one-line form shown above a result.
 */
export function CurrentLoader({ busy, compact }: { busy: boolean; compact: boolean }) {
  const [url, setUrl] = useState('')
  const [over, setOver] = useState(false)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const u = url.trim()
    if (u) void app.monitoring.loadCurrent({ kind: 'url', url: new URL(u, location.href).href })
  }
  // The zone takes the drop so that the page-wide handler (which replaces the reference) does not.
  const drop = (e: DragEvent) => {
    e.preventDefault()
    e.stopPropagation()
    setOver(false)
    const f = e.dataTransfer.files[0]
    if (f && !busy) void app.monitoring.loadCurrent({ kind: 'file', file: f })
  }
  return (
    <div
      className={`loader${compact ? ' compact' : ''}${over ? ' over' : ''}`}
      data-testid="current-loader"
      onDragOver={(e) => {
        e.preventDefault()
        e.stopPropagation()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label className={`btn primary fileBtn${busy ? ' disabled' : ''}`}>
        {compact ? 'Load another current data file…' : 'Choose a current CSV or Parquet…'}
        <input
          type="file"
          accept={DATA_ACCEPT}
          disabled={busy}
          data-testid="current-input"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0]
            e.currentTarget.value = ''
            if (f) void app.monitoring.loadCurrent({ kind: 'file', file: f })
          }}
        />
      </label>
      <form className="urlRow" onSubmit={submit}>
        <label htmlFor="current-url" className="srOnly">
          URL of a current CSV or Parquet file
        </label>
        <input
          id="current-url"
          type="url"
          placeholder="https://…/current.csv"
          value={url}
          data-testid="current-url"
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <button
          type="submit"
          className="btn"
          disabled={busy || !url.trim()}
          data-testid="current-url-load"
        >
          Load URL
        </button>
      </form>
      <span className="or muted">or</span>
      <button
        type="button"
        className="btn"
        disabled={busy}
        data-testid="load-drifted"
        onClick={() => void app.monitoring.loadCurrent({ kind: 'url', url: driftedDemoUrl() })}
      >
        Use the demo’s drifted sample
      </button>
      {!compact && <span className="dropHint muted">…or drop a CSV or Parquet file here</span>}
    </div>
  )
}
