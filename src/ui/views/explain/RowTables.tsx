import type { RowExplanation } from '../../../core/explain.ts'
import { featuresByMagnitude } from '../../../core/views/rank.ts'
import { CF_DISTANCE_HINT, fmt } from '../../format.ts'
import { own } from '../../../core/dict.ts'

/** The exact SHAP and IG values of the row as tables (full precision in data-value). */
export function RowTables({
  explanation: e,
  values,
}: {
  explanation: RowExplanation
  values: Record<string, string>
}) {
  return (
    <div className="explainTables">
      {e.shap && (
        <table className="compact numeric" data-testid="shap-table" aria-label="SHAP values">
          <caption>
            SHAP φ (probability units){e.exact ? ', exact' : ', Kernel SHAP estimate'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Value</th>
              <th scope="col">φ</th>
              {e.shapStdErr && <th scope="col">± s.e.</th>}
            </tr>
          </thead>
          <tbody>
            {featuresByMagnitude(e.shap).map((f) => (
              <tr key={f} data-feature={f}>
                <th scope="row">{f}</th>
                <td>{own(values, f) ?? ''}</td>
                <td className={e.shap![f]! >= 0 ? 'pos' : 'neg'} data-value={e.shap![f]}>
                  {fmt(e.shap![f]!, 5)}
                </td>
                {e.shapStdErr && <td>{fmt(e.shapStdErr[f] ?? null, 5)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {e.ig && (
        <table className="compact numeric" data-testid="ig-table" aria-label="Integrated gradients">
          <caption>
            Integrated gradients · {e.igSteps} steps · completeness gap{' '}
            <span data-testid="ig-gap">{e.igCompletenessGap?.toExponential(2)}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">IG</th>
            </tr>
          </thead>
          <tbody>
            {featuresByMagnitude(e.ig).map((f) => (
              <tr key={f} data-feature={f}>
                <th scope="row">{f}</th>
                <td className={e.ig![f]! >= 0 ? 'pos' : 'neg'} data-value={e.ig![f]}>
                  {fmt(e.ig![f]!, 5)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** Counterfactual answers: the smallest changes that move the prediction across the threshold. */
export function CounterfactualList({
  explanation: e,
  values,
  threshold,
  locked,
}: {
  explanation: RowExplanation
  values: Record<string, string>
  threshold: number
  /** Features the search kept fixed (lockedFeatures of the settings it ran with). */
  locked: readonly string[]
}) {
  if (!e.counterfactuals) return null
  return (
    <div data-testid="cf-list" className="explainCf">
      <h3>
        Counterfactuals{' '}
        <span className="muted">
          (changes that move the prediction {e.prediction >= threshold ? 'below' : 'to or above'}{' '}
          the threshold {fmt(threshold, 2)})
        </span>
      </h3>
      <p className="muted small" data-testid="cf-locked">
        {locked.length > 0 ? `Kept fixed: ${locked.join(', ')}.` : 'No feature kept fixed.'}
      </p>
      {e.counterfactuals.length === 0 && <p data-testid="cf-none">None found: {e.noneReason}</p>}
      <ol>
        {e.counterfactuals.map((c, i) => (
          <li key={i} data-testid="cf-item" data-valid={c.valid}>
            {Object.entries(c.changes).map(([f, v], k) => (
              <span key={f} className="cfChange" data-feature={f}>
                {k > 0 && '; '}
                <strong>{f}</strong>: {own(values, f) ?? ''} →{' '}
                {typeof v === 'number' ? +v.toFixed(4) : v}
              </span>
            ))}{' '}
            <span className="muted">
              → p = {fmt(c.prediction)} · {c.nChanged} changed ·{' '}
              <span title={CF_DISTANCE_HINT}>distance {fmt(c.proximity, 3)}</span>
              {!c.valid && ' · does not cross the threshold'}
            </span>
          </li>
        ))}
      </ol>
      {e.diversity !== null && e.diversity !== undefined && (
        <p className="muted small">
          Diversity (mean distance between the answers): {fmt(e.diversity, 3)}
        </p>
      )}
    </div>
  )
}
