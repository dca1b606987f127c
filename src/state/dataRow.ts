/**
 * The Data view's open row: its feature values and its explanations (SHAP, then counterfactuals,
 * from the model worker), and the what-if editor it fills. Each part is a keyed query
 * (src/state/keyedQuery.ts) named by the row and the settings, so opening another row or
 * changing the settings supersedes the request in hand and a superseded answer never shows.
 * Requests carry their own signals instead of the job slot, so opening a row never cancels
 * another view's job. Answers are cached per session (64 most recent).
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { ExplainSettings, RowExplanation } from '../core/explain.ts'
import { type RowPartKind, rowFeatureValues, rowPartSettings } from '../core/views/rowValues.ts'
import type { ExplainStore } from './explainStore.ts'
import { type KeyedQuery, type QueryState, keyedQuery, queryIdle } from './keyedQuery.ts'
import type { MetricsStore } from './metrics.ts'
import type { ModelWorkerPort } from './ports.ts'
import type { Session } from './session.ts'
import type { WhatIfStore } from './whatIf.ts'

/** One part of the open row's explanation; `input` = the settings it is computed with. */
export type RowPart = QueryState<RowExplanation, ExplainSettings>

/** The open row and its explanations. */
export type DataRowState = {
  /** The open row (0-based data row), or null. */
  row: number | null
  /** Feature values of the open row, schema order. */
  original: number[] | null
  shap: RowPart
  counterfactuals: RowPart
}

/** The open-row store and its actions. */
export type DataRowStore = {
  readonly store: StoreApi<DataRowState>
  /**
   * Opens a data row: computes its SHAP values, then its counterfactuals (the worker runs one
   * request at a time, so SHAP comes first), and fills the what-if editor with its values.
   * Does nothing for a row outside the data or the row already open.
   */
  openRow(row: number): void
  /** Closes the open row, cancelling its requests. */
  closeRow(): void
  /** Recomputes the open row's parts for the current explanation settings and threshold. */
  refreshRow(): void
  /** A new model, data, schema or class: the open row closes and the cache empties. */
  sessionChanged(): void
}

/** Answers kept per session. */
const CACHE_SIZE = 64

/** The stores an open row reads. */
export type DataRowInputs = {
  session: Session
  metrics: MetricsStore
  explain: ExplainStore
  whatIf: WhatIfStore
}

/**
 * The open-row store.
 * @example const rows = createDataRow(modelWorker, inputs); rows.openRow(17)
 */
export function createDataRow(
  model: ModelWorkerPort,
  { session, metrics, explain, whatIf }: DataRowInputs,
): DataRowStore {
  const store = createStore<DataRowState>()(() => ({
    row: null,
    original: null,
    shap: queryIdle(),
    counterfactuals: queryIdle(),
  }))
  const part = (kind: RowPartKind): KeyedQuery<RowExplanation, ExplainSettings> =>
    keyedQuery({ get: () => store.getState()[kind], set: (s) => store.setState({ [kind]: s }) })
  const parts = { shap: part('shap'), counterfactuals: part('counterfactuals') }
  const cache = new Map<string, RowExplanation>()

  function fetchPart(kind: RowPartKind, row: number): void {
    const settings = rowPartSettings(
      kind,
      explain.store.getState().settings,
      metrics.store.getState().threshold,
    )
    const key = JSON.stringify([kind, row, settings])
    const hit = cache.get(key)
    if (hit) {
      parts[kind].resolve(key, hit, settings)
      return
    }
    parts[kind].run(
      key,
      async (signal, progress) => {
        const r = await model.request(
          { cmd: 'explain', rows: [row], settings },
          { signal, onProgress: progress },
        )
        const e = r.explanations[String(row)]
        if (!e) throw new Error(`the worker returned no explanation for row ${row}`)
        cache.delete(key)
        cache.set(key, e)
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
        return e
      },
      { input: settings, clear: true },
    )
  }

  function closeRow(): void {
    parts.shap.reset()
    parts.counterfactuals.reset()
    whatIf.close()
    store.setState({ row: null, original: null })
  }

  return {
    store,
    openRow(row) {
      const { data, schema } = session.store.getState()
      const table = data?.table
      if (!table || !schema || !(Number.isInteger(row) && row >= 0 && row < table.nRows)) return
      if (store.getState().row === row) return
      const original = rowFeatureValues(schema.schema, table, row)
      store.setState({ row, original })
      whatIf.open(row, original)
      fetchPart('shap', row)
      fetchPart('counterfactuals', row)
    },
    closeRow,
    refreshRow() {
      const { row } = store.getState()
      if (row === null) return
      fetchPart('shap', row)
      fetchPart('counterfactuals', row)
    },
    sessionChanged() {
      cache.clear()
      if (store.getState().row !== null) closeRow()
    },
  }
}
