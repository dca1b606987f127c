import { useStore } from 'zustand'
import { isOutputKind } from '../../core/output.ts'
import type { ColumnProfile } from '../../core/schemaIo.ts'
import {
  type DraftFeature,
  type SchemaDraft,
  draftFeatureOf,
  draftLayout,
  draftProblems,
  draftRetype,
  draftSchema,
  draftWidthNote,
  listMove,
  positiveGuess,
} from '../../core/schemaDraft.ts'
import { app } from '../../state/app.ts'
import { downloadText } from '../../state/download.ts'
import { pendingMessage } from '../../state/schemaEditor.ts'
import { FeatureRow } from './FeatureRow.tsx'
import './schema.css'

/** What waits to be loaded (a lone model or CSV), or the schema editor when it is open. */
export function PendingPanel() {
  const p = useStore(app.load.pending)
  const loadedData = useStore(app.session.store, (s) => s.data?.name)
  const loadedSchema = useStore(app.session.store, (s) => s.schema?.name)
  const message = pendingMessage(p)
  if (p.draft && p.model && p.data)
    return (
      <SchemaEditor
        draft={p.draft}
        modelName={p.model.info.name}
        modelWidth={p.model.info.inputWidth}
        dataName={p.data.name}
        profiles={p.data.profiles}
      />
    )
  if (!message) return null
  return (
    <section className="card full pending" data-testid="pending" aria-live="polite">
      <p>{message}</p>
      {p.model && !p.data && loadedData && loadedSchema && (
        <button
          type="button"
          onClick={() => void app.load.useLoaded()}
          data-testid="pending-use-loaded"
        >
          Use it with the loaded {loadedData} and {loadedSchema}
        </button>
      )}
      <button type="button" onClick={app.load.discardPending} data-testid="pending-discard">
        Discard
      </button>
    </section>
  )
}

/**
 * The schema editor: target and positive value, the features in the model's input order with the
 * input indexes each fills and the width against the model's, statistics or categories per
 * feature, sensitive columns, what the model outputs (probability or logit); download, apply (the normal load) or discard.
 */
function SchemaEditor({
  draft: d,
  modelName,
  modelWidth,
  dataName,
  profiles,
}: {
  draft: SchemaDraft
  modelName: string
  modelWidth: number
  dataName: string
  profiles: ColumnProfile[]
}) {
  const set = (next: Partial<SchemaDraft>) => app.load.editDraft({ ...d, ...next })
  const setFeatures = (features: DraftFeature[]) => set({ features })
  const profile = (name: string) => profiles.find((p) => p.name === name)
  const layout = draftLayout(d.features)
  const problems = draftProblems(d, modelWidth)
  const names = new Set(d.features.map((f) => f.name))
  const unused = profiles.filter((p) => !names.has(p.name) && p.name !== d.target)
  const targetValues = Object.keys(profile(d.target)?.counts ?? {}).filter((v) => v !== '')
  const download = () => {
    try {
      const text = JSON.stringify(draftSchema(d), null, 1) + '\n'
      downloadText(text, `${d.name || 'schema'}.schema.json`, 'application/json')
    } catch (e) {
      app.jobs.notify('error', (e as Error).message)
    }
  }
  const csvStats = () =>
    setFeatures(
      d.features.map((f) => {
        const p = profile(f.name)
        return f.type === 'numeric' && p ? draftRetype(p, 'numeric') : f
      }),
    )
  return (
    <section className="card full schemaEditor" data-testid="schema-editor" aria-labelledby="se-h">
      <h2 id="se-h">
        Schema editor: {modelName} ({modelWidth} inputs) with {dataName}
      </h2>
      <p className="muted">
        No schema came with these files, or none fits the model. A schema says which column is the
        answer, and which columns the model reads, in which order and how each is encoded. Choose
        them below; the model must receive exactly its {modelWidth} inputs in its training order.
      </p>
      <div className="seRow">
        <label>
          Target column{' '}
          <select
            value={d.target}
            data-testid="editor-target"
            onChange={(e) => {
              const target = e.currentTarget.value
              set({ target, positive: positiveGuess(profile(target)) })
            }}
          >
            {profiles.map((p) => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          Positive value{' '}
          <select
            value={d.positive}
            data-testid="editor-positive"
            onChange={(e) => set({ positive: e.currentTarget.value })}
          >
            {targetValues.length === 0 && <option value="">(too many distinct values)</option>}
            {targetValues.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Model output{' '}
          <select
            value={d.output ?? 'probability'}
            data-testid="editor-output"
            onChange={(e) => {
              const v = e.currentTarget.value
              if (isOutputKind(v)) set({ output: v })
            }}
          >
            <option value="probability">probability (sigmoid or softmax output)</option>
            <option value="logit">logit (raw scores: Glassbox applies the sigmoid/softmax)</option>
          </select>
        </label>
      </div>
      {names.has(d.target) && (
        <p className="seWarn" role="alert" data-testid="editor-target-warning">
          The target column “{d.target}” is also a feature: the model would be given the answer.{' '}
          <button
            type="button"
            onClick={() => setFeatures(d.features.filter((f) => f.name !== d.target))}
          >
            Remove it from the features
          </button>
        </p>
      )}
      <h3>Features, in the model&apos;s input order</h3>
      <p
        className={layout.width === modelWidth ? 'seWidth ok' : 'seWidth off'}
        data-testid="editor-width"
        aria-live="polite"
      >
        Encoded width {layout.width}: {draftWidthNote(layout.width, modelWidth)}.
      </p>
      <p className="muted small">
        Numeric features enter the model as (value − mean) / std: enter the mean and standard
        deviation used in training. The defaults are this CSV&apos;s statistics; if they differ from
        the training ones, the predictions change.{' '}
        <button type="button" onClick={csvStats} data-testid="editor-csv-stats">
          Use this CSV&apos;s statistics for every numeric feature
        </button>
        <br />
        Categorical features take one input per category, in the order listed (one per line).
      </p>
      <table className="compact seTable">
        <thead>
          <tr>
            <th scope="col">Position</th>
            <th scope="col">Column</th>
            <th scope="col">Model inputs</th>
            <th scope="col">Type</th>
            <th scope="col">Mean / std, or categories</th>
            <th scope="col">
              <span className="srOnly">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {d.features.map((f, i) => (
            <FeatureRow
              key={f.name}
              f={f}
              index={i}
              count={d.features.length}
              span={layout.spans[i]!}
              act={{
                change: (g) => setFeatures(d.features.map((h, j) => (j === i ? g : h))),
                retype: (type) => {
                  const p = profile(f.name)
                  if (p) setFeatures(d.features.map((h, j) => (j === i ? draftRetype(p, type) : h)))
                },
                moveTo: (to) => setFeatures(listMove(d.features, i, to - i)),
                remove: () => setFeatures(d.features.filter((_, j) => j !== i)),
              }}
            />
          ))}
        </tbody>
      </table>
      {unused.length > 0 && (
        <p>
          Not features:{' '}
          {unused.map((p) => (
            <button
              key={p.name}
              type="button"
              className="seAdd"
              data-testid={`editor-add-${p.name}`}
              onClick={() => setFeatures([...d.features, draftFeatureOf(p)])}
            >
              + {p.name}
            </button>
          ))}
        </p>
      )}
      <fieldset className="seSensitive">
        <legend>Sensitive columns (fairness groups; they need not be features)</legend>
        {profiles
          .filter((p) => p.name !== d.target)
          .map((p) => (
            <label key={p.name}>
              <input
                type="checkbox"
                data-testid={`editor-sensitive-${p.name}`}
                checked={d.sensitive.includes(p.name)}
                onChange={() =>
                  set({
                    sensitive: d.sensitive.includes(p.name)
                      ? d.sensitive.filter((n) => n !== p.name)
                      : [...d.sensitive, p.name],
                  })
                }
              />{' '}
              {p.name}
            </label>
          ))}
      </fieldset>
      {problems.length > 0 && (
        <ul className="seProblems" data-testid="editor-problems">
          {problems.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <div className="seRow">
        <button
          type="button"
          className="primary"
          data-testid="editor-apply"
          onClick={() => void app.load.applyDraft()}
        >
          Apply and load
        </button>
        <button type="button" onClick={download} data-testid="editor-download">
          Download schema JSON
        </button>
        <button type="button" onClick={app.load.discardPending} data-testid="editor-discard">
          Discard
        </button>
      </div>
    </section>
  )
}
