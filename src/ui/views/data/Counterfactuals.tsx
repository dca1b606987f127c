import type { Schema } from '../../../core/schema.ts'
import { lockedFeatures } from '../../../core/views/cfLocks.ts'
import { featureValueText } from '../../../core/views/rowValues.ts'
import { app } from '../../../state/app.ts'
import type { RowPart } from '../../../state/dataRow.ts'
import { fmt, CF_DISTANCE_HINT } from '../../format.ts'
import { PartProgress } from './PartProgress.tsx'

export type CounterfactualsProps = {
  row: number
  schema: Schema
  part: RowPart | null
  /** Feature values of the row. */
  original: readonly number[]
  prediction: number
}

/** A counterfactual's new value: numbers to 4 decimals at most, categories as named. */
const shown = (v: number | string) =>
  typeof v === 'number' ? String(+v.toFixed(4)) : v === '' ? '(unknown)' : v

/**
 * The row's counterfactuals: the smallest changes found that move the prediction across the
 * threshold, each as changed features (old → new) and the model's new probability, with a button
 * that loads it into the what-if editor.
 */
export function Counterfactuals({ row, schema, part, original, prediction }: CounterfactualsProps) {
  const names = schema.features.map((f) => f.name)
  const e = part?.result
  const threshold = part?.input?.threshold
  // The search's locks (the Explain tab sets them; sensitive attributes by default).
  const locked = part?.input ? lockedFeatures(schema, part.input) : []
  return (
    <section
      className="detailCol"
      aria-labelledby="cf-title"
      data-testid="row-cf"
      data-status={part?.status ?? 'none'}
    >
      <div className="detailColHead">
        <h3 id="cf-title">Counterfactuals</h3>
      </div>
      {threshold !== undefined && (
        <p className="muted small">
          Small changes that move the prediction {prediction >= threshold ? 'below' : 'to or above'}{' '}
          the threshold {fmt(threshold, 2)}
          {locked.length > 0 && <> — {locked.join(', ')} kept fixed</>}.
        </p>
      )}
      {part?.status === 'running' && (
        <PartProgress
          part={part}
          label={`Searching counterfactuals for row ${row}`}
          indeterminate
        />
      )}
      {part?.status === 'error' && (
        <p role="alert" className="errorText">
          Counterfactual search failed: {part.error}
        </p>
      )}
      {e?.counterfactuals && e.counterfactuals.length === 0 && (
        <p className="muted" data-testid="row-cf-none">
          None found: {e.noneReason}
        </p>
      )}
      {e?.counterfactuals && e.counterfactuals.length > 0 && (
        <ol className="cfList">
          {e.counterfactuals.map((c, k) => (
            <li
              key={k}
              className="cfItem"
              data-testid="row-cf-item"
              data-valid={c.valid}
              data-prediction={c.prediction}
            >
              <div className="cfHead">
                <span className="cfP">
                  p = <strong>{fmt(c.prediction)}</strong>
                </span>
                <span className="muted small">
                  {c.nChanged} change{c.nChanged === 1 ? '' : 's'} ·{' '}
                  <span title={CF_DISTANCE_HINT}>distance {fmt(c.proximity, 3)}</span>
                </span>
                <button
                  type="button"
                  className="linkButton"
                  onClick={() => app.whatIf.applyCounterfactual(c.changes)}
                  aria-label={`Try it: load counterfactual ${k + 1} into the what-if editor`}
                  data-testid="row-cf-try"
                >
                  Try it
                </button>
              </div>
              <ul className="cfChanges">
                {Object.entries(c.changes).map(([f, v]) => {
                  const j = names.indexOf(f)
                  return (
                    <li key={f}>
                      <span className="cfFeature">{f}</span>:{' '}
                      <span className="cfOld">
                        {j >= 0 ? featureValueText(schema, j, original[j]!) : '?'}
                      </span>
                      <span className="cfArrow"> → </span>
                      <span className="cfNew">{shown(v)}</span>
                    </li>
                  )
                })}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
