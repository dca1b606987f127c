import './CompareView.css'
import { useStore } from 'zustand'
import type { ComparisonMetrics, DisparityComparisons } from '../../../core/compare/types.ts'
import { DISPARITY_KEYS } from '../../../core/views/fairnessBootstrap.ts'
import { app } from '../../../state/app.ts'
import { COMPARE_EXPLAIN_ROWS } from '../../../state/compareStore.ts'
import type { CompareResult } from '../../../workers/protocol.ts'
import { fmt, fmtInt, fmtP, fmtPct } from '../../format.ts'
import { Tile } from '../../kit/Tile.tsx'
import { CalibrationOverlay } from './CalibrationOverlay.tsx'
import { ChallengerPicker } from './ChallengerPicker.tsx'
import { type ComparisonRowSpec, ComparisonTable } from './ComparisonTable.tsx'
import { ExplanationAgreement } from './ExplanationAgreement.tsx'
import { GroupsTable, idPart } from './GroupsTable.tsx'

const METRIC_ROWS: {
  key: keyof ComparisonMetrics
  label: string
  hint: string
  lower: boolean
}[] = [
  {
    key: 'accuracy',
    label: 'accuracy',
    hint: "p-value: McNemar's exact test on the rows one model gets right and the other wrong; interval: paired bootstrap",
    lower: false,
  },
  {
    key: 'rocAuc',
    label: 'ROC AUC',
    hint: "DeLong's test for two correlated ROC curves: interval Δ ± 1.96·se and its two-sided p-value",
    lower: false,
  },
  { key: 'logLoss', label: 'log loss', hint: 'paired bootstrap interval', lower: true },
  { key: 'brier', label: 'Brier score', hint: 'paired bootstrap interval', lower: true },
  { key: 'ece', label: 'ECE', hint: '10 equal-width bins; paired bootstrap interval', lower: true },
]

/** Which disparities are better lower (differences) and which higher (ratios). */
const lowerIsBetter = (k: string) => k.endsWith('Difference')

function fairnessRows(attr: string, d: DisparityComparisons): ComparisonRowSpec[] {
  return DISPARITY_KEYS.map((k) => ({
    id: `cmp-fair-${idPart(attr)}-${k}`,
    label: k,
    hint: 'contracts §2; paired bootstrap interval (the same resamples for both models)',
    value: d[k],
    lowerIsBetter: lowerIsBetter(k),
  }))
}

/** The decisions the two models disagree on: count, share, groups, and the cohort button. */
function Decisions({ r }: { r: CompareResult }) {
  return (
    <section className="card full" aria-labelledby="cmp-decisions">
      <h3 id="cmp-decisions">Decisions at threshold {fmt(r.threshold, 3)}</h3>
      <div className="metrics">
        <Tile
          id="cmp-rows"
          label="Rows compared"
          value={r.rows}
          text={fmtInt(r.rows)}
          hint="The rows in scope"
        />
        <Tile
          id="cmp-agreement"
          label="Agreement"
          value={r.agreement}
          text={fmtPct(r.agreement, 2)}
          hint="Share of rows with the same decision under both models"
        />
        <Tile
          id="cmp-disagreements"
          label="Decide differently"
          value={r.disagreements}
          text={fmtInt(r.disagreements)}
          hint="Rows one model predicts positive and the other negative"
          sub={
            r.mcnemar
              ? `${r.mcnemar.b} only the champion right · ${r.mcnemar.c} only the challenger`
              : undefined
          }
        />
      </div>
      <button
        type="button"
        data-testid="cmp-open-disagreements"
        disabled={r.disagreements === 0}
        onClick={() => app.compare.openDisagreements()}
      >
        Open these {fmtInt(r.disagreements)} rows in the Data view (as the cohort)
      </button>
    </section>
  )
}

/** The comparison's numbers once computed (see the module's sections). */
function Results({ r }: { r: CompareResult }) {
  const attrs = Object.keys(r.fairness)
  const ex = useStore(app.compare.explanations.store)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  return (
    <>
      <Decisions r={r} />
      <section className="card full" aria-labelledby="cmp-perf">
        <h3 id="cmp-perf">Performance</h3>
        {r.reasons['metrics'] && <p className="muted">{r.reasons['metrics']}</p>}
        <ComparisonTable
          testId="cmp-metrics"
          caption={`Paired on the same ${fmtInt(r.rows)} rows; bootstrap B = ${r.bootstrap.B}, seed ${r.bootstrap.seed} (${r.bootstrap.method})`}
          rows={METRIC_ROWS.map((m) => ({
            id: `cmp-metric-${m.key}`,
            label: m.label,
            hint: m.hint,
            value: r.metrics[m.key],
            lowerIsBetter: m.lower,
          }))}
        />
        {r.delong?.reason && <p className="muted">ROC AUC test: {r.delong.reason}</p>}
        <p className="muted">
          McNemar p {fmtP(r.mcnemar?.pValue)} · DeLong p {fmtP(r.metrics.rocAuc.pValue)}. Rows
          shaded green or red: the interval of Δ excludes 0 in the challenger&apos;s favour or
          against it.
        </p>
      </section>
      {attrs.map((attr) => (
        <section key={attr} className="card full" aria-labelledby={`cmp-fair-${idPart(attr)}`}>
          <h3 id={`cmp-fair-${idPart(attr)}`}>Fairness by {attr}</h3>
          <ComparisonTable
            testId={`cmp-fairness-${idPart(attr)}`}
            caption={`Disparities of the two models by ${attr} (contracts §2)`}
            rows={fairnessRows(attr, r.fairness[attr]!)}
          />
          <GroupsTable attr={attr} groups={r.groups[attr] ?? {}} />
        </section>
      ))}
      {r.calibration && (
        <section className="card full">
          <CalibrationOverlay
            champion={r.calibration.champion}
            challenger={r.calibration.challenger}
          />
        </section>
      )}
      <section className="card full" aria-labelledby="cmp-expl">
        <h3 id="cmp-expl">Explanations</h3>
        <p className="muted">
          SHAP of both models on the same seeded sample of {COMPARE_EXPLAIN_ROWS} rows in scope,
          with the Explain tab&apos;s background and budget.
        </p>
        <button
          type="button"
          data-testid="cmp-explain"
          disabled={busy || ex.status === 'running'}
          onClick={() => app.compare.explain()}
        >
          {ex.status === 'running'
            ? `Explaining both models… ${ex.total ? `${ex.done}/${ex.total}` : ''}`
            : 'Compare explanations'}
        </button>
        {ex.status === 'error' && <p className="error">{ex.error}</p>}
        {ex.result && <ExplanationAgreement result={ex.result} />}
      </section>
    </>
  )
}

/**
 * The Compare tab: champion (the loaded model) against a challenger on the rows in scope, side by
 * side with the difference and its uncertainty, per group, calibrated, and explained.
 */
export function CompareView() {
  const ch = useStore(app.compare.store, (s) => s.challenger)
  const q = useStore(app.compare.stats.store)
  const shown = useStore(app.compare.store, (s) => s.shown)
  const hidden = useStore(app.compare.store, (s) => s.champion)
  const loaded = useStore(app.session.store, (s) => s.model?.info.name ?? null)
  // While the challenger is shown, the champion is named by its source.
  const champion = hidden
    ? hidden.input.kind === 'url'
      ? hidden.input.url
      : (hidden.input.files[0]?.name ?? null)
    : loaded
  return (
    <div className="compare viewStack" data-testid="compare-view">
      <section className="card full" aria-labelledby="compare-title">
        <h2 id="compare-title">Compare two models</h2>
        <p className="muted">
          Champion: <strong data-testid="champion-name">{champion ?? '—'}</strong>. Both models
          predict the same rows; every difference is challenger − champion, with a paired interval.
        </p>
        {shown === 'challenger' && (
          <p className="muted" data-testid="compare-shown-note">
            The other views show the challenger now (the scope bar&apos;s switch); this tab keeps
            champion and challenger in their roles.
          </p>
        )}
        <ChallengerPicker />
      </section>
      {ch && q.status === 'error' && (
        <p className="card full error" data-testid="compare-error">
          {q.error}
        </p>
      )}
      {ch && (q.status === 'running' || q.status === 'waiting') && (
        <p className="muted" data-testid="compare-running">
          Comparing…
        </p>
      )}
      {ch && q.result && (
        <div
          data-testid="compare-results"
          data-ready={q.status === 'done' ? 'true' : 'false'}
          className="viewStack"
        >
          <Results r={q.result} />
        </div>
      )}
    </div>
  )
}
