import './DataView.css'
import { useEffect, useMemo } from 'react'
import { useStore } from 'zustand'
import { cohortStore } from '../../state/cohortStore.ts'
import {
  dataOrderIsAsync,
  dataOrderKey,
  dataViewOrder,
  dataViewStore,
  openDataRow,
  requestDataOrder,
  setDataSort,
} from '../../state/dataViewStore.ts'
import { fmtInt } from '../format.ts'
import { useApp } from '../useApp.ts'
import { CohortBar } from './data/CohortBar.tsx'
import { DataTable } from './data/DataTable.tsx'
import { RowDetail } from './data/RowDetail.tsx'

/**
 * Data and what-if: the cohort filter, a virtualised table of every row with its prediction and
 * label, and the open row's attribution, counterfactuals and what-if editor.
 */
export function DataView() {
  const data = useApp((s) => s.data)
  const schema = useApp((s) => s.schema?.schema)
  const predictions = useApp((s) => s.predictions)
  const labels = useApp((s) => s.labels)
  const threshold = useApp((s) => s.threshold)
  const rows = useStore(cohortStore, (s) => s.rows)
  const sort = useStore(dataViewStore, (s) => s.sort)
  const openRow = useStore(dataViewStore, (s) => s.row)
  const n = data?.table.nRows ?? 0
  // Large tables are ordered by prediction in the stats worker; until then the rows keep their order.
  const inWorker = dataOrderIsAsync(rows, n, predictions, sort)
  const syncOrder = useMemo(
    () => (inWorker ? rows : dataViewOrder(rows, n, predictions, sort)),
    [inWorker, rows, n, predictions, sort],
  )
  useEffect(() => {
    if (inWorker && predictions) requestDataOrder(rows, predictions, sort)
  }, [inWorker, rows, predictions, sort])
  const asyncOrder = useStore(dataViewStore, (s) => s.asyncOrder)
  const sorted =
    !inWorker ||
    (asyncOrder?.key === dataOrderKey(rows, predictions, sort) && asyncOrder.status === 'done')
  const order = inWorker && sorted ? asyncOrder!.order : syncOrder
  if (!data || !schema || !predictions) {
    return (
      <section className="empty" data-testid="data-view">
        <p>
          Load a model and a CSV (or open the demo) to browse its rows, filter a cohort and try
          what-if edits.
        </p>
      </section>
    )
  }
  const shown = order ? order.length : n
  return (
    <div className="dataView" data-testid="data-view">
      <CohortBar nRows={n} />
      <section className="card full" aria-labelledby="rows-title">
        <div className="rowsHead">
          <h2 id="rows-title">Rows</h2>
          <span className="muted small">
            {fmtInt(shown)} row{shown === 1 ? '' : 's'} · {data.name} · click a row or press Enter
            on it to see its attribution, counterfactuals and what-if edits
          </span>
          {!sorted && (
            <span className="muted small" role="status" data-testid="data-sorting">
              sorting {fmtInt(shown)} rows by prediction in the stats worker…
            </span>
          )}
        </div>
        <DataTable
          table={data.table}
          schema={schema}
          predictions={predictions}
          labels={labels}
          threshold={threshold}
          order={order}
          sort={sort}
          onSort={setDataSort}
          openRow={openRow}
          onOpen={openDataRow}
        />
      </section>
      <RowDetail />
    </div>
  )
}
