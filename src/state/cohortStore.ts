/**
 * The cohort: a filter over data rows (`age > 40 and sex = Female`, src/core/views/cohort.ts)
 * that every view can be restricted to. Holds the parsed filter, its row mask, and — when the
 * views are restricted — the predictions, labels and row indices of the cohort's rows.
 */
import { createStore } from 'zustand/vanilla'
import {
  type Cohort,
  CohortSyntaxError,
  cohortMask,
  cohortParse,
  cohortRows,
} from '../core/views/cohort.ts'
import { appStore } from './appStore.ts'

export type CohortState = {
  /** The filter as typed. */
  text: string
  cohort: Cohort | null
  /** Syntax error of `text` (the last valid cohort stays applied). */
  error: string | null
  /** Where the error is in `text`: [position, end) as 0-based offsets (null without an error). */
  errorAt: { position: number; end: number } | null
  /** Rows matching (null = no filter). */
  rows: Int32Array | null
  /** Restrict Performance, Calibration, Fairness and Explain views to the cohort. */
  restrict: boolean
  /** Predictions / labels / row indices the views use (all rows when not restricted). */
  view: { p: Float32Array; y: Uint8Array | null; index: Int32Array | null } | null
}

export const cohortStore = createStore<CohortState>()(() => ({
  text: '',
  cohort: null,
  error: null,
  errorAt: null,
  rows: null,
  restrict: true,
  view: null,
}))

function derive(): void {
  const app = appStore.getState()
  const s = cohortStore.getState()
  if (!app.predictions) {
    cohortStore.setState({ view: null })
    return
  }
  if (!s.rows || !s.restrict) {
    cohortStore.setState({ view: { p: app.predictions, y: app.labels, index: null } })
    return
  }
  const idx = s.rows
  const p = new Float32Array(idx.length)
  const y = app.labels ? new Uint8Array(idx.length) : null
  for (let k = 0; k < idx.length; k++) {
    p[k] = app.predictions[idx[k]!]!
    if (y) y[k] = app.labels![idx[k]!]!
  }
  cohortStore.setState({ view: { p, y, index: idx } })
}

/** Parses and applies a filter; an empty text clears it. Errors keep the previous cohort. */
export function setCohortText(text: string): void {
  const table = appStore.getState().data?.table
  cohortStore.setState({ text })
  if (!table) return
  try {
    const cohort = cohortParse(
      text,
      table.columns.map((c) => c.name),
    )
    const rows = text.trim() === '' ? null : cohortRows(cohortMask(cohort, table))
    cohortStore.setState({ cohort, rows, error: null, errorAt: null })
  } catch (e) {
    const errorAt = e instanceof CohortSyntaxError ? { position: e.position, end: e.end } : null
    cohortStore.setState({ error: (e as Error).message, errorAt })
    return
  }
  derive()
}

export function setCohortRestrict(restrict: boolean): void {
  cohortStore.setState({ restrict })
  derive()
}

/** A new dataset invalidates the mask: re-apply the filter text to it (or clear it). */
appStore.subscribe((s, prev) => {
  if (s.data !== prev.data) {
    const { text } = cohortStore.getState()
    cohortStore.setState({ cohort: null, rows: null, error: null, errorAt: null })
    if (text.trim()) setCohortText(text)
  }
  if (s.predictions !== prev.predictions || s.labels !== prev.labels || s.data !== prev.data)
    derive()
})
