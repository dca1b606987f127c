import './viewStack.css'
import './FairnessView.css'
import { useDeferredValue, useMemo, type ReactNode } from 'react'
import { useStore } from 'zustand'
import {
  fairnessAccuracyEffect,
  fairnessAt,
  fairnessBootstrapKey,
  fairnessBootstrapTasks,
  fairnessHelpers,
  fairnessGroupingsReady,
  fairnessOwnTaskKey,
  fairnessPlan,
  groupingKey,
} from '../../core/views/fairnessAt.ts'
import { groupingDone } from '../../state/fairnessQueries.ts'
import { fmt, fmtInt } from '../format.ts'
import { app } from '../../state/app.ts'
import {
  BootstrapStatusLine,
  DisparityOverview,
  DisparitySummaryTable,
  type OverviewRow,
} from './fairness/Disparities.tsx'
import { GroupBars } from './fairness/GroupBars.tsx'
import { GroupTable } from './fairness/GroupTable.tsx'
import { ThresholdsPanel } from './fairness/ThresholdsPanel.tsx'
import { dict } from '../../core/dict.ts'

const NO_ATTRS: string[] = []
const NO_THRESHOLDS = dict<number>()

function Empty({ children }: { children: ReactNode }) {
  return (
    <section className="card empty fairEmpty" data-testid="fair-empty">
      {children}
    </section>
  )
}

/**
 * The fairness view: disparities of every sensitive attribute, and for the chosen attribute or
 * intersection the group table, bar charts, disparity summary with seeded bootstrap intervals,
 * and per-group thresholds with the equal-opportunity / demographic-parity helpers. The threshold
 * is the scope bar's (one control for every view); moving it only queries a precomputed index, so
 * it updates everything live.
 */
export function FairnessView() {
  const view = useStore(app.cohort.store, (s) => s.view)
  const cohortText = useStore(app.cohort.store, (s) => s.text)
  const schema = useStore(app.session.store, (s) => s.schema)
  const table = useStore(app.session.store, (s) => s.data?.table ?? null)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const chosen = useStore(app.fairness.store, (s) => s.attrs)
  const groupThresholds = useStore(app.fairness.store, (s) => s.groupThresholds)
  const boot = useStore(app.fairnessQueries.bootstrap.store)
  const sensitive = schema?.schema.sensitive ?? NO_ATTRS
  const { available, attrs, key, wanted } = useMemo(
    () =>
      fairnessPlan(sensitive, (a) => !!table && table.columns.some((c) => c.name === a), chosen),
    [table, sensitive, chosen],
  )
  const y = view?.y ?? null
  const p = view?.p ?? null

  // Groupings (indexed once per rows in view, in the stats worker, which the fairness store asks
  // while this tab is shown): every attribute, plus the intersection if chosen.
  const entries = useStore(app.fairnessQueries.groupings.store)
  const version = view?.version ?? null
  const groupings = useMemo(
    () =>
      version === null
        ? null
        : fairnessGroupingsReady((k) => groupingDone(entries, k, version), available, attrs),
    [entries, version, available, attrs],
  )
  const pending = wanted.map((a) => entries[groupingKey(a)])

  const perGroup = groupThresholds[key]?.thresholds ?? NO_THRESHOLDS
  const hasOwn = Object.keys(perGroup).length > 0
  const overview = useMemo(
    () => groupings?.all.map((g) => ({ key: g.key, at: fairnessAt(g, threshold) })) ?? [],
    [groupings, threshold],
  )
  const selectedAt = useMemo(
    () => (groupings ? fairnessAt(groupings.selected, threshold, perGroup) : null),
    [groupings, threshold, perGroup],
  )
  // The charts follow in a deferred (interruptible) render so that dragging the slider updates the
  // numbers at once and the four recharts charts catch up when the pointer rests.
  const charts = useDeferredValue(
    useMemo(
      () => (selectedAt ? { at: selectedAt, key, threshold } : null),
      [selectedAt, key, threshold],
    ),
  )
  const helpers = useMemo(
    () => (groupings ? fairnessHelpers(groupings.selected, threshold) : null),
    [groupings, threshold],
  )
  const effect = useMemo(
    () => (groupings ? fairnessAccuracyEffect(groupings.selected, threshold, perGroup) : null),
    [groupings, threshold, perGroup],
  )

  // Bootstrap tasks: every grouping at the shared threshold, plus the chosen one with its own
  // thresholds; the fairness store computes them 300 ms after the last change.
  const tasks = useMemo(
    () => (groupings ? fairnessBootstrapTasks(groupings, perGroup) : []),
    [groupings, perGroup],
  )
  const requestKey =
    version !== null && tasks.length > 0 ? fairnessBootstrapKey(version, threshold, tasks) : null

  if (!view || !p)
    return <Empty>Load a model and a CSV (or open the demo) to compare groups.</Empty>
  if (!y) {
    return (
      <Empty>
        Fairness needs outcomes, and the data has no target column &quot;
        {schema?.schema.target.column}&quot;. Load a CSV that includes it.
      </Empty>
    )
  }
  if (sensitive.length === 0) {
    return (
      <Empty>
        The schema names no sensitive attribute. Add columns such as &quot;sex&quot; or
        &quot;race&quot; to its &quot;sensitive&quot; list, or tick them as sensitive when a schema
        is inferred, to compare groups.
      </Empty>
    )
  }
  if (available.length === 0) {
    return (
      <Empty>
        The sensitive columns {sensitive.join(', ')} are not in the data: load a CSV that has them.
      </Empty>
    )
  }
  if (p.length === 0) {
    return (
      <Empty>
        No rows are in view: the cohort filter &quot;{cohortText}&quot; matches none. Change it in
        the Data view.
      </Empty>
    )
  }
  const failed = pending.find((e) => e?.status === 'error')
  if (failed) return <Empty>Grouping the rows failed: {failed.error}</Empty>
  const ready =
    groupings && selectedAt && helpers && effect ? { groupings, selectedAt, helpers, effect } : null
  const fresh = boot.status === 'done' && boot.resultKey === requestKey
  const results = (fresh ? boot.result?.results : undefined) ?? {}
  const overviewRows: OverviewRow[] = overview.map((o) => ({
    ...o,
    boot: results[o.key],
    selected: o.key === key,
  }))
  const missing = sensitive.filter((a) => !available.includes(a))
  const done = pending.filter((e) => e?.status === 'done').length
  return (
    <div className="viewStack fairView boxedCharts" data-testid="fairness-view" data-grouping={key}>
      <section className="card full" aria-labelledby="fair-title">
        <div className="viewHead">
          <h2 id="fair-title">Fairness</h2>
          <span className="muted small">
            {fmtInt(p.length)} rows{view.index ? ` in the cohort “${cohortText}”` : ''} · groups
            under 30 rows stay in every number and are flagged “small”
          </span>
        </div>
        <p className="muted small" data-testid="fair-threshold-note">
          Threshold t = <strong data-testid="fair-threshold-value">{fmt(threshold, 3)}</strong>{' '}
          (predicted positive iff p ≥ t), set in the scope bar above; per-group thresholds below.
        </p>
        <fieldset className="segmented groupBy">
          <legend>Group by (tick several for an intersection)</legend>
          {available.map((a) => (
            <label key={a}>
              <input
                type="checkbox"
                checked={attrs.includes(a)}
                disabled={attrs.length === 1 && attrs[0] === a}
                onChange={(e) => app.fairness.toggleAttr(a, e.currentTarget.checked, available)}
                data-testid={`fair-attr-${a}`}
              />
              {a}
            </label>
          ))}
        </fieldset>
        {missing.length > 0 && (
          <p className="muted small">Not in the data: {missing.join(', ')}.</p>
        )}
        {ready ? (
          <>
            <h3>Disparities at t = {fmt(threshold, 3)}</h3>
            <DisparityOverview
              rows={overviewRows}
              onPick={(k) =>
                app.fairness.setAttrs(ready.groupings.all.find((g) => g.key === k)?.attrs ?? attrs)
              }
            />
            <BootstrapStatusLine state={boot} fresh={fresh} />
          </>
        ) : (
          <p className="muted" data-testid="fair-computing" aria-busy="true" role="status">
            Grouping {fmtInt(p.length)} rows by {wanted.map(groupingKey).join(', ')} in the stats
            worker ({done} of {wanted.length} done)…
          </p>
        )}
      </section>
      {ready && (
        <>
          <section className="card full" aria-labelledby="fair-summary-title">
            <div className="viewHead">
              <h2 id="fair-summary-title">
                By <span data-testid="fair-key">{key}</span>
              </h2>
              <span className="muted small">
                {hasOwn ? 'with the per-group thresholds below' : `at t = ${fmt(threshold, 3)}`}
              </span>
            </div>
            <div className="summaryGrid">
              <DisparitySummaryTable
                summary={ready.selectedAt.summary}
                boot={results[hasOwn ? fairnessOwnTaskKey(key) : key]}
              />
              <div className="summaryNotes small muted">
                <p>
                  Differences are max − min over the groups (0 is parity); ratios are min / max (1
                  is parity).
                </p>
                {ready.selectedAt.summary.smallGroups.length > 0 ? (
                  <p data-testid="fair-small-groups">
                    Small groups (under 30 rows):{' '}
                    {ready.selectedAt.summary.smallGroups
                      .map((g) => (g === '' ? '(empty)' : g))
                      .join(', ')}
                    . Their rates are noisy; the right-hand columns leave them out.
                  </p>
                ) : (
                  <p>No group is small, so both column pairs agree.</p>
                )}
              </div>
            </div>
            <GroupTable at={ready.selectedAt} groupingKey={key} perGroup={hasOwn} />
          </section>

          <section className="card full" aria-labelledby="fair-bars-title">
            <h2 id="fair-bars-title">Rates by {key}</h2>
            {/* The deferred value lags one render when the grouping first arrives. */}
            <GroupBars
              at={charts?.at ?? ready.selectedAt}
              groupingKey={charts?.key ?? key}
              threshold={charts?.threshold ?? threshold}
            />
          </section>

          <section className="card full" aria-labelledby="fair-thresholds-title">
            <h2 id="fair-thresholds-title">Per-group thresholds</h2>
            <ThresholdsPanel
              groupingKey={key}
              threshold={threshold}
              at={ready.selectedAt}
              helpers={ready.helpers}
              setting={groupThresholds[key]}
              effect={ready.effect}
            />
          </section>
        </>
      )}
    </div>
  )
}
