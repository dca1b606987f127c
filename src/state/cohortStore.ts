/**
 * The cohort: a filter over data rows (`age > 40 and sex = Female`, src/core/views/cohort.ts)
 * that every view can be restricted to. Holds the parsed filter, its rows, and the rows in view —
 * the predictions, labels and row indices the Performance, Calibration, Fairness and Explain views
 * use (the cohort's when restricted, else all rows). The rows in view carry a version that the
 * stores computing for them key on; it changes only when the rows in view do.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import {
  type Cohort,
  CohortSyntaxError,
  cohortMask,
  cohortParse,
  cohortRows,
  cohortValueHints,
} from '../core/views/cohort.ts'
import type { Session } from './session.ts'

/** The rows the views use: predictions and labels, their table rows (null = all), a version. */
export type RowsInView = {
  p: Float32Array
  y: Uint8Array | null
  index: Int32Array | null
  /** Changes whenever the rows in view (or their predictions or labels) change. */
  version: number
}

/** The cohort filter and the rows in view. */
export type CohortState = {
  /** The filter as typed. */
  text: string
  cohort: Cohort | null
  /** Syntax error of `text` (the last valid cohort stays applied). */
  error: string | null
  /** Where the error is in `text`: [position, end) as 0-based offsets (null without an error). */
  errorAt: { position: number; end: number } | null
  /** Values the filter compares with that no row has, with the nearest one (cohortValueHints). */
  hints: string[]
  /** Rows matching (null = no filter). */
  rows: Int32Array | null
  /**
   * A cohort given as a set of rows rather than a filter (the Compare view's disagreements):
   * `text` then names it and is not parsed; null for a filter. Typing a filter replaces it.
   */
  rowSet: string | null
  /** Changes whenever `rows` does. */
  rowsVersion: number
  /** Restrict Performance, Calibration, Fairness and Explain views to the cohort. */
  restrict: boolean
  /** Predictions / labels / row indices the views use (null before predictions exist). */
  view: RowsInView | null
}

/** The cohort store and its actions. */
export type CohortStore = {
  readonly store: StoreApi<CohortState>
  /** Parses and applies a filter; an empty text clears it. Errors keep the previous cohort. */
  setText(text: string): void
  setRestrict(restrict: boolean): void
  /**
   * Makes the cohort an explicit set of data rows (ascending), named `label` in the scope bar;
   * it lasts until a filter is typed or the data changes.
   */
  setRows(rows: Int32Array, label: string): void
  /** New data: the mask is re-applied to it (or the filter cleared when it no longer parses). */
  dataChanged(): void
  /** Recomputes the rows in view when the session's predictions, labels or data changed. */
  derive(): void
}

/**
 * The cohort store over `session`'s data and predictions.
 * @example const cohort = createCohort(session); cohort.setText('age > 40')
 */
export function createCohort(session: Session): CohortStore {
  const store = createStore<CohortState>()(() => ({
    text: '',
    cohort: null,
    error: null,
    errorAt: null,
    hints: [],
    rows: null,
    rowSet: null,
    rowsVersion: 0,
    restrict: true,
    view: null,
  }))
  let versions = 0
  /** The inputs of the current view; derive does nothing while they are unchanged. */
  let from: { pv: number; y: Uint8Array | null; rv: number; restrict: boolean } | null = null

  function derive(): void {
    const { predictions, labels, predictionsVersion: pv } = session.store.getState()
    const s = store.getState()
    if (!predictions) {
      from = null
      if (s.view) store.setState({ view: null })
      return
    }
    const restricted = s.rows !== null && s.restrict
    const inputs = { pv, y: labels, rv: restricted ? s.rowsVersion : -1, restrict: restricted }
    if (from && from.pv === pv && from.y === labels && from.rv === inputs.rv) return
    from = inputs
    const version = ++versions
    if (!restricted) {
      store.setState({ view: { p: predictions, y: labels, index: null, version } })
      return
    }
    const idx = s.rows!
    const p = new Float32Array(idx.length)
    const y = labels ? new Uint8Array(idx.length) : null
    for (let k = 0; k < idx.length; k++) {
      p[k] = predictions[idx[k]!]!
      if (y) y[k] = labels![idx[k]!]!
    }
    store.setState({ view: { p, y, index: idx, version } })
  }

  function setText(text: string): void {
    const table = session.store.getState().data?.table
    store.setState({ text, rowSet: null })
    if (!table) return
    try {
      const cohort = cohortParse(
        text,
        table.columns.map((c) => c.name),
      )
      const rows = text.trim() === '' ? null : cohortRows(cohortMask(cohort, table))
      store.setState((s) => ({
        cohort,
        hints: cohortValueHints(cohort, table),
        rows,
        rowsVersion: s.rowsVersion + 1,
        error: null,
        errorAt: null,
      }))
    } catch (e) {
      const errorAt = e instanceof CohortSyntaxError ? { position: e.position, end: e.end } : null
      store.setState({ error: (e as Error).message, errorAt })
      return
    }
    derive()
  }

  return {
    store,
    setText,
    setRestrict(restrict) {
      store.setState({ restrict })
      derive()
    },
    setRows(rows, label) {
      store.setState((s) => ({
        text: label,
        rowSet: label,
        cohort: null,
        hints: [],
        rows,
        rowsVersion: s.rowsVersion + 1,
        error: null,
        errorAt: null,
      }))
      derive()
    },
    dataChanged() {
      const { text, rowSet } = store.getState()
      // A row set names rows of the old data: it ends with it.
      store.setState((s) => ({
        ...(rowSet !== null ? { text: '', rowSet: null } : {}),
        cohort: null,
        hints: [],
        rows: null,
        rowsVersion: s.rowsVersion + 1,
        error: null,
        errorAt: null,
      }))
      if (rowSet === null && text.trim()) setText(text)
    },
    derive,
  }
}
