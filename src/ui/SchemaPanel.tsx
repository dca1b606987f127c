import { useState } from 'react'
import type { InferChoices } from '../core/schemaIo.ts'
import { useStore } from 'zustand'
import { app } from '../state/app.ts'

/** Offers the schema for download; for an inferred one, lets the user pick target, positive value, sensitive and feature columns. */
export function SchemaPanel() {
  const schema = useStore(app.session.store, (s) => s.schema)
  const data = useStore(app.session.store, (s) => s.data)
  const choices = useStore(app.session.store, (s) => s.inferChoices)
  if (!schema || !data) return null
  const download = () => {
    const blob = new Blob([JSON.stringify(schema.schema, null, 1) + '\n'], {
      type: 'application/json',
    })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = `${schema.schema.name || 'schema'}.schema.json`
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  }
  return (
    <section className="card full" aria-labelledby="schema-title" data-testid="schema-panel">
      <h2 id="schema-title">
        Schema {schema.inferred ? '(inferred from the data — check it)' : ''}
      </h2>
      {schema.inferred && choices && (
        <InferEditor key={JSON.stringify(choices)} initial={choices} />
      )}
      <button type="button" onClick={download} data-testid="download-schema">
        Download schema JSON
      </button>{' '}
      <button type="button" onClick={app.load.editLoaded} data-testid="edit-schema">
        Edit in the schema editor
      </button>
    </section>
  )
}

function InferEditor({ initial }: { initial: InferChoices }) {
  const data = useStore(app.session.store, (s) => s.data)!
  const schema = useStore(app.session.store, (s) => s.schema)!
  const [c, setC] = useState<InferChoices>({
    ...initial,
    features: initial.features ?? schema.schema.features.map((f) => f.name),
  })
  const targetProfile = data.profiles.find((p) => p.name === c.target)
  const values = Object.keys(targetProfile?.counts ?? {}).filter((v) => v !== '')
  const features = c.features ?? []
  const toggle = (list: string[], name: string) =>
    list.includes(name) ? list.filter((n) => n !== name) : [...list, name]
  const columns = data.profiles.map((p) => p.name)
  return (
    <div className="inferEditor">
      <label>
        Target column{' '}
        <select
          value={c.target}
          data-testid="infer-target"
          onChange={(e) => {
            const target = e.currentTarget.value
            const p = data.profiles.find((q) => q.name === target)
            const vals = Object.keys(p?.counts ?? {}).filter((v) => v !== '')
            setC({
              ...c,
              target,
              positive: vals[vals.length - 1] ?? '',
              features: features.filter((f) => f !== target),
            })
          }}
        >
          {columns.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Positive value{' '}
        <select
          value={c.positive}
          data-testid="infer-positive"
          onChange={(e) => setC({ ...c, positive: e.currentTarget.value })}
        >
          {values.length === 0 && <option value="">(too many distinct values)</option>}
          {values.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Columns: feature (model input) and sensitive (fairness groups)</legend>
        <table className="compact">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Feature</th>
              <th scope="col">Sensitive</th>
            </tr>
          </thead>
          <tbody>
            {data.profiles
              .filter((p) => p.name !== c.target)
              .map((p) => (
                <tr key={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.kind}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${p.name} is a feature`}
                      checked={features.includes(p.name)}
                      onChange={() =>
                        setC({
                          ...c,
                          features: columns.filter((n) => toggle(features, p.name).includes(n)),
                        })
                      }
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${p.name} is sensitive`}
                      checked={c.sensitive.includes(p.name)}
                      onChange={() => setC({ ...c, sensitive: toggle(c.sensitive, p.name) })}
                    />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </fieldset>
      <button
        type="button"
        data-testid="infer-apply"
        onClick={() => void app.load.applyInferChoices(c)}
      >
        Apply schema
      </button>{' '}
    </div>
  )
}
