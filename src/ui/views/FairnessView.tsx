import './viewStack.css'
import './FairnessView.css'
import { useDeferredValue, useEffect, useMemo, type ReactNode } from 'react'
import { useStore } from 'zustand'
import { setThreshold } from '../../state/appStore.ts'
import { cohortStore } from '../../state/cohortStore.ts'
import {
  cancelFairnessBootstrap,
  effectiveAttrs,
  ensureGroupings,
  fairnessAccuracyEffect,
  fairnessAt,
  fairnessBootstrapKey,
  fairnessHelpers,
  fairnessStore,
  groupingKey,
  groupingsStore,
  scheduleFairnessBootstrap,
  setFairnessAttrs,
  toggleFairnessAttr,
  type Grouping,
} from '../../state/fairnessStore.ts'
import type { BootstrapTask } from '../../workers/statsHost.ts'
import { fmt, fmtInt } from '../format.ts'
import { ThresholdControl } from '../kit/ThresholdControl.tsx'
import { useApp } from '../useApp.ts'
import {
  BootstrapStatusLine,
  DisparityOverview,
  DisparitySummaryTable,
  type OverviewRow,
} from './fairness/Disparities.tsx'
import { GroupBars } from './fairness/GroupBars.tsx'
import { GroupTable } from './fairness/GroupTable.tsx'
import { ThresholdsPanel } from './fairness/ThresholdsPanel.tsx'

const NO_ATTRS: string[] = []
const NO_THRESHOLDS: Record<string, number> = {}

/** The task key of the chosen grouping when it has its own per-group thresholds. */
const ownKey = (key: string) => `${key} (per-group thresholds)`

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
 * slider only queries a precomputed index, so it updates everything live.
 */
export function FairnessView() {
  const view = useStore(cohortStore, (s) => s.view)
  const cohortText = useStore(cohortStore, (s) => s.text)
  const schema = useApp((s) => s.schema)
  const table = useApp((s) => s.data?.table ?? null)
  const threshold = useApp((s) => s.threshold)
  const chosen = useStore(fairnessStore, (s) => s.attrs)
  const groupThresholds = useStore(fairnessStore, (s) => s.groupThresholds)
  const boot = useStore(fairnessStore, (s) => s.bootstrap)
  const sensitive = schema?.schema.sensitive ?? NO_ATTRS
  const available = useMemo(
    () => (table ? sensitive.filter((a) => table.columns.some((c) => c.name === a)) : NO_ATTRS),
    [table, sensitive],
  )
  const attrs = useMemo(() => effectiveAttrs(chosen, available), [chosen, available])
  const key = groupingKey(attrs)
  const y = view?.y ?? null
  const p = view?.p ?? null

  // Groupings (indexed once per rows in view, in the stats worker): every attribute, plus the
  // intersection if chosen.
  const wanted = useMemo(
    () => [...available.map((a) => [a]), ...(attrs.length > 1 ? [attrs] : [])],
    [available, attrs],
  )
  useEffect(() => {
    if (view && view.y && table && view.p.length > 0) ensureGroupings(view, table, wanted)
  }, [view, table, wanted])
  const entries = useStore(groupingsStore, (s) => (s.p === p ? s.entries : null))
  const groupings = useMemo(() => {
    if (!entries || attrs.length === 0) return null
    const singles = available
      .map((a) => entries[a]?.grouping ?? null)
      .filter((g): g is Grouping => g !== null)
    const selected = entries[key]?.grouping
    if (!selected || singles.length < available.length) return null
    return { singles, selected, all: attrs.length > 1 ? [...singles, selected] : singles }
  }, [entries, available, attrs, key])
  const pending = wanted.map((a) => entries?.[groupingKey(a)])

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

  // Bootstrap tasks: every grouping at the shared threshold, plus the chosen one with its own thresholds.
  const tasks = useMemo((): BootstrapTask[] => {
    if (!groupings) return []
    const t: BootstrapTask[] = groupings.all.map((g) => ({ key: g.key, columns: g.columns }))
    if (hasOwn)
      t.push({ key: ownKey(key), columns: groupings.selected.columns, thresholds: perGroup })
    return t
  }, [groupings, hasOwn, key, perGroup])
  const requestKey = p && tasks.length > 0 ? fairnessBootstrapKey(p, threshold, tasks) : null
  const rowsInView = view?.index ?? null
  useEffect(() => {
    if (p && y && tasks.length > 0) scheduleFairnessBootstrap(p, y, rowsInView, threshold, tasks)
  }, [p, y, rowsInView, threshold, tasks])
  useEffect(() => () => cancelFairnessBootstrap(), [])

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
  const fresh = boot.status === 'done' && boot.requestKey === requestKey
  const results = fresh ? boot.results : {}
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
        <ThresholdControl
          value={threshold}
          onChange={setThreshold}
          label="Threshold t (predicted positive iff p ≥ t)"
          id="fair-threshold-range"
          rangeTestId="fair-threshold-range"
          testId="fair-threshold"
          note={<span className="muted small">shared with the Overview</span>}
        />
        <fieldset className="segmented groupBy">
          <legend>Group by (tick several for an intersection)</legend>
          {available.map((a) => (
            <label key={a}>
              <input
                type="checkbox"
                checked={attrs.includes(a)}
                disabled={attrs.length === 1 && attrs[0] === a}
                onChange={(e) => toggleFairnessAttr(a, e.currentTarget.checked, available)}
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
                setFairnessAttrs(ready.groupings.all.find((g) => g.key === k)?.attrs ?? attrs)
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
                boot={results[hasOwn ? ownKey(key) : key]}
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
