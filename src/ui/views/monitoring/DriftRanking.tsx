import type { DriftRank } from '../../../core/drift/ranking.ts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import { fmt, fmtPct } from '../../format.ts'

export type DriftRankingProps = {
  /** Null: no global SHAP yet. */
  ranking: DriftRank[] | null
  used: GlobalUsed | null
  busy: boolean
  onCompute: () => void
  onSelect: (feature: string) => void
}

const describe = (u: GlobalUsed) =>
  `${u.n} ${u.cohort ? `rows of the cohort “${u.cohort}”` : 'reference rows'}, background ${u.background.kind} ${u.background.k}, budget ${u.budget}, seed ${u.seed}`

/**
 * Features ranked by PSI × mean |φ| (the core's driftRanking): a shift in a feature the model
 * relies on ranks above a larger shift in one it ignores.
 */
export function DriftRanking({ ranking, used, busy, onCompute, onSelect }: DriftRankingProps) {
  if (!ranking) {
    return (
      <div className="rankingEmpty" data-testid="drift-ranking" data-status="missing">
        <p>
          Drift matters where the model looks. Ranking the features by{' '}
          <strong>PSI × global importance</strong> needs the mean |φ| of each feature (global SHAP
          on the reference data), which has not been computed in this session.
        </p>
        <button
          type="button"
          className="btn primary"
          disabled={busy}
          onClick={onCompute}
          data-testid="drift-importance-run"
        >
          Compute global importance (SHAP)
        </button>
      </div>
    )
  }
  const top = Math.max(...ranking.map((r) => r.score), 0)
  return (
    <div data-testid="drift-ranking" data-status="done">
      <ol className="ranking">
        {ranking.map((r, i) => (
          <li
            key={r.feature}
            data-feature={r.feature}
            data-score={r.score}
            className={r.drifted ? 'isDrifted' : undefined}
          >
            <span className="rank muted">{i + 1}</span>
            <button
              type="button"
              className="linkBtn rankName"
              onClick={() => onSelect(r.feature)}
              title={`Show the distributions of ${r.feature}`}
            >
              {r.feature}
            </button>
            <span className="rankBar" aria-hidden="true">
              <span style={{ width: `${top > 0 ? (100 * r.score) / top : 0}%` }} />
            </span>
            <span className="rankScore" title="PSI × mean |φ|">
              {fmt(r.score, 5)}
            </span>
            <span className="rankParts muted small">
              PSI {fmt(r.psi, 3)} × |φ| {fmt(r.importance, 4)} ({fmtPct(r.importanceShare, 0)} of
              importance)
            </span>
          </li>
        ))}
      </ol>
      {used && (
        <p className="muted small caption">
          Importance: mean |φ| (probability units) of global SHAP on {describe(used)} — from the
          Explain tab.
        </p>
      )}
    </div>
  )
}
