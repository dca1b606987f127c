import type { Schema } from '../../../core/schema.ts'
import { type FeatureRange, featureValueText } from '../../../core/views/rowValues.ts'
import { NumberField } from '../../kit/NumberField.tsx'
import { app } from '../../../state/app.ts'
import type { WhatIfState } from '../../../state/whatIf.ts'
import { fmt, fmtSigned } from '../../format.ts'

export type WhatIfEditorProps = {
  row: number
  schema: Schema
  whatIf: WhatIfState
  /** Feature values of the row itself. */
  original: readonly number[]
  /** The model's prediction for the row (from the worker). */
  prediction: number
  threshold: number
  /** Per feature, the range of its values in the data (what a numeric field accepts). */
  ranges: readonly (FeatureRange | null)[]
}

/** The model's output for the edited row: prediction, change from the row's, class at the threshold. */
function WhatIfOutput({
  whatIf,
  prediction,
  threshold,
}: {
  whatIf: WhatIfState
  prediction: number
  threshold: number
}) {
  const pending = whatIf.status === 'waiting' || whatIf.status === 'running'
  const p =
    whatIf.status === 'original'
      ? prediction
      : whatIf.status === 'done'
        ? whatIf.result!.prediction
        : null
  const cls = (v: number) => (v >= threshold ? 1 : 0)
  return (
    <div className={`whatIfOut${pending ? ' pending' : ''}`} aria-live="polite" aria-busy={pending}>
      <div className="whatIfOutLabel">
        {whatIf.status === 'original'
          ? 'Model output (unedited row)'
          : 'Model output for the edited row'}
      </div>
      <div className="whatIfOutMain">
        <span
          className="whatIfP"
          data-testid="whatif-prediction"
          data-value={p ?? ''}
          data-status={whatIf.status}
          data-ms={whatIf.result?.ms ?? ''}
        >
          {p === null ? (pending ? '…' : '—') : fmt(p)}
        </span>
        {whatIf.status === 'done' && whatIf.delta !== null && (
          <span
            className={`delta ${whatIf.delta >= 0 ? 'up' : 'down'}`}
            data-testid="whatif-delta"
            data-value={whatIf.delta}
          >
            {whatIf.delta >= 0 ? '▲' : '▼'} {fmtSigned(whatIf.delta)}
            <span className="muted"> from {fmt(prediction)}</span>
          </span>
        )}
      </div>
      <div className="whatIfOutSub">
        {p !== null && (
          <>
            predicted class{' '}
            {whatIf.status === 'done' && cls(p) !== cls(prediction) ? (
              <strong className="flip">
                {cls(prediction)} → {cls(p)}
              </strong>
            ) : (
              cls(p)
            )}{' '}
            at threshold {fmt(threshold, 2)}
            {whatIf.status === 'done' && (
              <span className="muted"> · computed in {Math.round(whatIf.result!.ms)} ms</span>
            )}
          </>
        )}
        {pending && (
          <span>
            {whatIf.status === 'waiting'
              ? 'Waiting for you to finish typing…'
              : 'Computing the prediction and SHAP values…'}
          </span>
        )}
      </div>
      {whatIf.status === 'running' && (
        <progress className="lateProgress" aria-label="Computing the what-if prediction" />
      )}
      {whatIf.status === 'error' && (
        <p role="alert" className="errorText" data-testid="whatif-error">
          What-if failed: {whatIf.error}
        </p>
      )}
    </div>
  )
}

/**
 * The what-if editor: one input per schema feature (a number for numeric features — the kit's
 * NumberField, committed on Enter or blur and refused, with a message, when it is not a number
 * or lies outside the feature's range in the data — a category for categorical ones), prefilled
 * with the row's values. Each edit asks the worker for the new prediction and SHAP values (a
 * newer edit supersedes an older request).
 */
export function WhatIfEditor({
  row,
  schema,
  whatIf,
  original,
  prediction,
  threshold,
  ranges,
}: WhatIfEditorProps) {
  const changed = schema.features.filter((_, j) => !Object.is(whatIf.values[j], original[j])).length
  return (
    <section className="detailCol whatIf" aria-labelledby="whatif-title" data-testid="whatif">
      <div className="detailColHead">
        <h3 id="whatif-title">What-if</h3>
        <button
          type="button"
          className="linkButton"
          onClick={app.whatIf.reset}
          disabled={changed === 0}
          data-testid="whatif-reset"
        >
          Reset{changed > 0 ? ` ${changed} change${changed > 1 ? 's' : ''}` : ''}
        </button>
      </div>
      <WhatIfOutput whatIf={whatIf} prediction={prediction} threshold={threshold} />
      <div className="whatIfGrid">
        {schema.features.map((f, j) => {
          const id = `whatif-${row}-${j}`
          const isChanged = !Object.is(whatIf.values[j], original[j])
          return (
            <div key={f.name} className={`whatIfField${isChanged ? ' changed' : ''}`}>
              <label htmlFor={id}>{f.name}</label>
              {f.type === 'numeric' ? (
                <NumberField
                  id={id}
                  value={whatIf.values[j] ?? null}
                  rule={{
                    name: f.name,
                    ...(ranges[j] ? { min: ranges[j].min, max: ranges[j].max } : {}),
                    rangeNote: 'the range in the data',
                  }}
                  size={9}
                  testId={`whatif-${f.name}`}
                  {...(isChanged ? { describedBy: `${id}-was` } : {})}
                  onCommit={(v) => {
                    if (typeof v === 'number') app.whatIf.setInput(j, String(v))
                  }}
                />
              ) : (
                <select
                  id={id}
                  value={whatIf.values[j]}
                  aria-describedby={isChanged ? `${id}-was` : undefined}
                  data-testid={`whatif-${f.name}`}
                  onChange={(e) => app.whatIf.setInput(j, Number(e.currentTarget.value))}
                >
                  {original[j] === -1 && <option value={-1}>(unknown)</option>}
                  {f.categories.map((c, k) => (
                    <option key={c} value={k}>
                      {c}
                    </option>
                  ))}
                </select>
              )}
              {isChanged && (
                <span id={`${id}-was`} className="was">
                  was {featureValueText(schema, j, original[j]!)}
                </span>
              )}
            </div>
          )
        })}
      </div>
    </section>
  )
}
