import { type FormEvent, useState } from 'react'
import { useStore } from 'zustand'
import { app } from '../../../state/app.ts'
import { DEMOS, type DemoName } from '../../../state/demos.ts'
import { fmtInt } from '../../format.ts'

/**
 * "Compare with…": the challenger from model files, a URL or a built-in demo, opened on the
 * champion's data and schema; what is loaded (name, format, parameters) and a button to drop it.
 */
export function ChallengerPicker() {
  const ch = useStore(app.compare.store, (s) => s.challenger)
  const [url, setUrl] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (url.trim()) void app.compare.loadChallenger({ kind: 'url', url: url.trim() })
  }
  return (
    <div className="challengerPicker">
      <p data-testid="challenger-status" data-format={ch?.card.format ?? ''}>
        {ch ? (
          <>
            Challenger: <strong data-testid="challenger-name">{ch.info.name}</strong> (
            {ch.card.format}, {fmtInt(ch.info.parameters)} parameters
            {ch.demo ? `, the ${DEMOS[ch.demo].label} demo` : ''}
            {ch.input.kind === 'files' ? ', local files: a link cannot carry it' : ''}){' '}
            <button
              type="button"
              data-testid="challenger-clear"
              onClick={() => void app.compare.clearChallenger()}
            >
              Remove
            </button>
          </>
        ) : (
          'No challenger yet: compare the loaded model (the champion) with a second model on the same data and schema.'
        )}
      </p>
      <div className="challengerSources">
        <span>Compare with…</span>
        <label className="fileButton">
          Model files…
          <input
            type="file"
            multiple
            accept=".json,.bin,.onnx"
            data-testid="challenger-files"
            aria-label="Challenger model files (a tfjs model.json with its .bin files, an .onnx file, or an XGBoost model.json)"
            onChange={(e) => {
              const files = Array.from(e.currentTarget.files ?? [])
              e.currentTarget.value = ''
              if (files.length) void app.compare.loadChallenger({ kind: 'files', files })
            }}
          />
        </label>
        <form onSubmit={submit} className="challengerUrl">
          <input
            type="url"
            value={url}
            placeholder="https://…/model.json or model.onnx"
            aria-label="Challenger model URL"
            data-testid="challenger-url"
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
          <button type="submit" data-testid="challenger-url-load">
            Load URL
          </button>
        </form>
        <span className="buttonGroup" role="group" aria-label="Demo challengers">
          {(Object.keys(DEMOS) as DemoName[]).map((d) => (
            <button
              key={d}
              type="button"
              data-testid={`challenger-demo-${d}`}
              title={`Compare with the ${DEMOS[d].label} demo model`}
              onClick={() => void app.compare.loadDemoChallenger(import.meta.env.BASE_URL, d)}
            >
              {DEMOS[d].label}
            </button>
          ))}
        </span>
      </div>
    </div>
  )
}
