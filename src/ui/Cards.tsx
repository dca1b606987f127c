import { fmt, fmtBytes, fmtInt } from './format.ts'
import { useStore } from 'zustand'
import { app } from '../state/app.ts'
import { ModelDetailRows, formatLabel } from './ModelDetails.tsx'

/**
 * The model card: source, format and runtime, size and widths for every model, plus the ONNX /
 * XGBoost details (producer, opsets, inputs, output used, operators, trees) where the model has
 * them.
 */
export function ModelCard() {
  const model = useStore(app.session.store, (s) => s.model)
  const card = useStore(app.session.store, (s) => s.modelFacts?.card ?? null)
  const classLabel = useStore(app.session.store, (s) => s.classLabel)
  if (!model) return null
  const m = model.info
  const tfjs = m.format === 'layers-model' || m.format === 'graph-model'
  return (
    <section className="card" aria-labelledby="model-card-title" data-testid="model-card">
      <h2 id="model-card-title">Model</h2>
      <dl>
        <dt>Source</dt>
        <dd className="mono wrap">{m.name}</dd>
        <dt>Format</dt>
        <dd data-testid="model-format" data-format={m.format}>
          {formatLabel(m.format)}
          {card && (
            <>
              {' '}
              · runs on <span data-testid="model-runtime">{card.runtime}</span>
            </>
          )}
        </dd>
        {tfjs && (
          <>
            <dt>{m.format === 'layers-model' ? 'Layers' : 'Ops'}</dt>
            <dd data-testid="model-layers">{m.layers}</dd>
          </>
        )}
        {card && <ModelDetailRows card={card} />}
        <dt>Parameters</dt>
        <dd data-testid="model-params">{fmtInt(m.parameters)}</dd>
        <dt>{tfjs ? 'Weights' : 'Stored'}</dt>
        <dd>
          {fmtBytes(m.bytes)} ({m.weightDtypes.join(', ')})
        </dd>
        <dt>Inputs → outputs</dt>
        <dd>
          {m.inputWidth} →{' '}
          {m.outputWidth === 1
            ? `1 (${m.activation})`
            : `${m.outputWidth}-class ${m.activation}, class ${classLabel}`}
        </dd>
        <dt>{tfjs ? 'Weights sha256' : 'Parameters sha256'}</dt>
        <dd className="mono wrap" data-testid="model-sha">
          {m.weightsSha256}
        </dd>
      </dl>
    </section>
  )
}

export function DatasetCard() {
  const data = useStore(app.session.store, (s) => s.data)
  const schema = useStore(app.session.store, (s) => s.schema)
  const labels = useStore(app.session.store, (s) => s.labels)
  const encode = useStore(app.session.store, (s) => s.encode)
  // Positive labels = tp + fn at any threshold (already counted off the page's thread).
  const confusion = useStore(app.metrics.store, (s) => s.performance?.metrics.confusion ?? null)
  if (!data || !schema) return null
  let positives = 0
  if (confusion) positives = confusion.tp + confusion.fn
  else if (labels) for (let i = 0; i < labels.length; i++) positives += labels[i]!
  const features = schema.schema.features
  return (
    <section className="card wide" aria-labelledby="data-card-title" data-testid="data-card">
      <h2 id="data-card-title">Dataset</h2>
      <dl>
        <dt>Source</dt>
        <dd className="mono wrap">{data.name}</dd>
        <dt>Rows × columns</dt>
        <dd data-testid="data-rows">
          {fmtInt(data.table.nRows)} × {data.table.columns.length}
        </dd>
        <dt>Size, sha256</dt>
        <dd className="mono wrap" data-testid="data-sha">
          {fmtBytes(data.bytes)} · {data.sha256}
        </dd>
        <dt>Label balance</dt>
        <dd data-testid="label-balance">
          {labels
            ? `${schema.schema.target.column} = ${schema.schema.target.positive}: ${fmtInt(positives)} of ${fmtInt(labels.length)} (${fmt((positives / labels.length) * 100, 1)}%)`
            : `no "${schema.schema.target.column}" column`}
        </dd>
        <dt>Schema</dt>
        <dd>
          {schema.name}
          {schema.inferred ? ' (inferred)' : ''} · {features.length} features
        </dd>
      </dl>
      <details>
        <summary>Columns: missing and unknown values</summary>
        <table className="compact" data-testid="column-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Distinct</th>
              <th scope="col">Empty cells</th>
              <th scope="col">Unknown categories</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {data.profiles.map((p) => {
              const fi = features.findIndex((f) => f.name === p.name)
              const role =
                p.name === schema.schema.target.column
                  ? 'target'
                  : fi >= 0
                    ? `feature${schema.schema.sensitive.includes(p.name) ? ', sensitive' : ''}`
                    : schema.schema.sensitive.includes(p.name)
                      ? 'sensitive'
                      : 'ignored'
              const unknown =
                fi >= 0 && features[fi]!.type === 'categorical'
                  ? (encode?.unknownCounts[fi] ?? 0)
                  : null
              return (
                <tr key={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.kind}</td>
                  <td>{fmtInt(p.distinct)}</td>
                  <td>{fmtInt(p.missing)}</td>
                  <td title={fi >= 0 ? encode?.unknownValues[fi]?.join(', ') : undefined}>
                    {unknown === null ? '—' : fmtInt(unknown)}
                  </td>
                  <td>{role}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </details>
    </section>
  )
}
