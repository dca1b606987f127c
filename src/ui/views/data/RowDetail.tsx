import './RowDetail.css'
import { useEffect, useMemo, useRef } from 'react'
import { useStore } from 'zustand'
import type { ExplainSettings } from '../../../core/explain.ts'
import type { Schema } from '../../../core/schema.ts'
import { columnCell, tableColumn } from '../../../core/table.ts'
import { featureRanges, featureValueText, rowPartStale } from '../../../core/views/rowValues.ts'
import type { RowPart } from '../../../state/dataRow.ts'
import { fmt } from '../../format.ts'
import { app } from '../../../state/app.ts'
import { Counterfactuals } from './Counterfactuals.tsx'
import { PartProgress } from './PartProgress.tsx'
import { RowTreeShap } from './RowTreeShap.tsx'
import { Waterfall } from './Waterfall.tsx'
import { WhatIfEditor } from './WhatIfEditor.tsx'

function settingsText(s: ExplainSettings, exact: boolean | null | undefined): string {
  const method = exact ? 'exact Shapley values' : exact === false ? 'Kernel SHAP estimate' : 'SHAP'
  return `${method} · background ${s.background.kind} ${s.background.k} · budget ${s.budget} · seed ${s.seed}`
}

/** The open row's attribution: its own SHAP waterfall and, after an edit, the edited row's. */
function Attribution({
  row,
  schema,
  rowValues,
}: {
  row: number
  schema: Schema
  rowValues: Record<string, string>
}) {
  const shap = useStore(app.dataRow.store, (s) => s.shap)
  const whatIf = useStore(app.whatIf.store, (s) => s.whatIf)
  const facts = useStore(app.session.store, (s) => s.modelFacts)
  const wValues = whatIf?.values
  const editedValues = useMemo(
    () =>
      wValues
        ? Object.fromEntries(
            schema.features.map((f, j) => [f.name, featureValueText(schema, j, wValues[j]!)]),
          )
        : {},
    [schema, wValues],
  )
  const e = shap?.result
  const w = whatIf?.status === 'done' ? whatIf.result : null
  const pending = whatIf?.status === 'waiting' || whatIf?.status === 'running'
  return (
    <section className="detailCol" aria-labelledby="attr-title">
      <div className="detailColHead">
        <h3 id="attr-title">Attribution (SHAP)</h3>
      </div>
      {shap?.status === 'running' && (
        <PartProgress part={shap} label={`Computing SHAP values for row ${row}`} />
      )}
      {shap?.status === 'error' && (
        <p role="alert" className="errorText">
          SHAP failed: {shap.error}
        </p>
      )}
      {e?.shap && e.baseValue !== undefined && (
        <Waterfall
          testId="row-shap"
          title={`Row ${row}`}
          fileName={`row-${row}-shap`}
          baseValue={e.baseValue}
          phi={e.shap}
          values={rowValues}
          prediction={e.prediction}
          caption={settingsText(shap.input!, e.exact)}
        />
      )}
      {e?.shap && facts && (
        <RowTreeShap
          treeShap={e.treeShap}
          prediction={e.prediction}
          values={rowValues}
          card={facts.card}
          status={facts.treeShap}
          title={`Row ${row}`}
          fileName={`row-${row}-treeshap`}
          testId="row-treeshap"
        />
      )}
      {pending && (
        <div className="whatIfShapPending" role="status">
          <span className="muted small">
            SHAP values of the edited row:{' '}
            {whatIf.status === 'waiting' ? 'waiting for the edit to settle…' : 'computing…'}
          </span>
        </div>
      )}
      {w?.shap && w.baseValue !== null && (
        <Waterfall
          testId="whatif-shap"
          title="Edited row (what-if)"
          fileName={`row-${row}-what-if-shap`}
          baseValue={w.baseValue}
          phi={w.shap}
          values={editedValues}
          prediction={w.prediction}
          caption={`${w.exact ? 'exact Shapley values' : 'Kernel SHAP estimate'} · computed in ${Math.round(w.ms)} ms`}
        />
      )}
      {w?.shap && facts && facts.treeShap.status === 'available' && (
        <RowTreeShap
          treeShap={w.treeShap}
          prediction={w.prediction}
          values={editedValues}
          card={facts.card}
          status={facts.treeShap}
          title="Edited row (what-if)"
          fileName={`row-${row}-what-if-treeshap`}
          testId="whatif-treeshap"
        />
      )}
    </section>
  )
}

/** The settings a part was computed with (null while it runs or before it ran). */
const settled = (part: RowPart): ExplainSettings | null =>
  part.status === 'running' ? null : part.input

/** Closes the row and puts keyboard focus back on the table (the detail's controls go away). */
function closeAndRefocus(): void {
  app.dataRow.closeRow()
  document
    .querySelector<HTMLElement>('[data-testid="data-table"] [role="row"][tabindex="0"]')
    ?.focus({ preventScroll: true })
}

/**
 * The open row: its prediction and label, SHAP attribution, counterfactuals, and the what-if
 * editor. Escape closes it.
 */
export function RowDetail() {
  const row = useStore(app.dataRow.store, (s) => s.row)
  const original = useStore(app.dataRow.store, (s) => s.original)
  const whatIf = useStore(app.whatIf.store, (s) => s.whatIf)
  const cf = useStore(app.dataRow.store, (s) => s.counterfactuals)
  const shapPart = useStore(app.dataRow.store, (s) => s.shap)
  const settings = useStore(app.explain.store, (s) => s.settings)
  const table = useStore(app.session.store, (s) => s.data?.table)
  const schema = useStore(app.session.store, (s) => s.schema?.schema)
  const predictions = useStore(app.session.store, (s) => s.predictions)
  const labels = useStore(app.session.store, (s) => s.labels)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const ref = useRef<HTMLElement>(null)
  const rowValues = useMemo(() => {
    if (!table || !schema || row === null) return {}
    return Object.fromEntries(
      schema.features.map((f) => {
        const col = tableColumn(table, f.name)
        const v = col ? columnCell(col, row) : ''
        return [f.name, v === '' ? '(empty)' : v]
      }),
    )
  }, [table, schema, row])
  const ranges = useMemo(
    () => (table && schema ? featureRanges(schema, table) : []),
    [table, schema],
  )
  useEffect(() => {
    if (row !== null) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [row])
  if (row === null || !table || !schema || !predictions || !original || !whatIf) return null
  const p = predictions[row]!
  const label = labels ? labels[row]! : null
  const stale =
    rowPartStale('shap', settled(shapPart), settings, threshold) ||
    rowPartStale('counterfactuals', settled(cf), settings, threshold)
  return (
    <section
      ref={ref}
      className="card full rowDetail"
      aria-labelledby="row-detail-title"
      data-testid="row-detail"
      data-row={row}
      onKeyDown={(e) => {
        const field = (e.target as HTMLElement).closest('input, select')
        if (e.key === 'Escape' && !field) closeAndRefocus()
      }}
    >
      <header className="rowDetailHead">
        <h2 id="row-detail-title">Row {row}</h2>
        <dl className="rowFacts">
          <div>
            <dt>Prediction</dt>
            <dd data-testid="row-prediction" data-value={p}>
              {fmt(p)}
            </dd>
          </div>
          <div>
            <dt>Predicted class</dt>
            <dd>
              {p >= threshold ? 1 : 0} <span className="muted">at {fmt(threshold, 2)}</span>
            </dd>
          </div>
          <div>
            <dt>Label</dt>
            <dd data-testid="row-label">
              {label === null ? '—' : label}{' '}
              <span className="muted">
                ({schema.target.column} {label === 1 ? '=' : '≠'} {schema.target.positive})
              </span>
            </dd>
          </div>
        </dl>
        <button
          type="button"
          className="closeButton"
          onClick={closeAndRefocus}
          data-testid="row-close"
          aria-label={`Close row ${row}`}
        >
          Close ✕
        </button>
      </header>
      {stale && (
        <p className="staleNote" data-testid="row-stale">
          The threshold or the explanation settings changed since this row was explained.{' '}
          <button type="button" className="linkButton" onClick={app.dataRow.refreshRow}>
            Recompute
          </button>
        </p>
      )}
      <div className="rowDetailGrid">
        <WhatIfEditor
          row={row}
          schema={schema}
          whatIf={whatIf}
          original={original}
          prediction={p}
          threshold={threshold}
          ranges={ranges}
        />
        <Attribution row={row} schema={schema} rowValues={rowValues} />
        <Counterfactuals row={row} schema={schema} part={cf} original={original} prediction={p} />
      </div>
    </section>
  )
}
