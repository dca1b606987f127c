/**
 * The Data view's row order. Ordering by prediction is a radix sort: up to 100,000 rows the view
 * does it on the page; above, this store has the stats worker do it whenever the Data tab is
 * shown and the rows, predictions or sort changed — a million rows would hold the page for tens
 * of milliseconds, more on a busy machine. Until it arrives the rows keep their order.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { type DataSort, dataOrderIsAsync, dataOrderKey, rowsByScore } from '../core/views/order.ts'
import type { CohortStore } from './cohortStore.ts'
import { type StoredQuery, createKeyedQuery } from './keyedQuery.ts'
import { type StatsPort, isAbortError } from './ports.ts'
import type { Session } from './session.ts'
import type { Ui } from './uiStore.ts'

/** The table's sort. */
export type DataOrderState = { sort: DataSort }

/** The order store, the worker's order and the actions. */
export type DataOrderStore = {
  readonly store: StoreApi<DataOrderState>
  /** The order by prediction of a large table, keyed by `dataOrderKey`. */
  readonly query: StoredQuery<Int32Array>
  setSort(sort: DataSort): void
  /** Has the stats worker order the rows when the Data tab is shown and the order is its job. */
  sync(): void
}

/** The stores the order reads its inputs from. */
export type DataOrderInputs = { session: Session; cohort: CohortStore; ui: Ui }

/**
 * The data order store.
 * @example const order = createDataOrder(stats, inputs); order.setSort({ key: 'prediction', dir: 'desc' })
 */
export function createDataOrder(
  stats: StatsPort,
  { session, cohort, ui }: DataOrderInputs,
): DataOrderStore {
  const store = createStore<DataOrderState>()(() => ({ sort: { key: 'row', dir: 'asc' } }))
  const query = createKeyedQuery<Int32Array>()
  return {
    store,
    query,
    setSort: (sort) => store.setState({ sort }),
    sync() {
      const s = session.store.getState()
      if (ui.store.getState().tab !== 'Data' || !s.ready || !s.data) return
      const { rows, rowsVersion } = cohort.store.getState()
      const { sort } = store.getState()
      const p = s.predictions
      if (!p || !dataOrderIsAsync(rows, s.data.table.nRows, p, sort)) return
      query.run(dataOrderKey(rowsVersion, s.predictionsVersion, sort), async (signal) => {
        try {
          const r = await stats.request({ cmd: 'order', p, rows, dir: sort.dir }, { signal })
          return r.order
        } catch (e) {
          if (isAbortError(e)) throw e
          // Fall back to the page: slower, but the table still sorts.
          return rowsByScore(p, rows, sort.dir)
        }
      })
    },
  }
}
