import './DataView.css'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import { dataOrderIsAsync, dataOrderKey, dataViewOrder } from '../../core/views/order.ts'
import { fmtInt } from '../format.ts'
import { app } from '../../state/app.ts'
import { DataTable } from './data/DataTable.tsx'
import { RowDetail } from './data/RowDetail.tsx'

/**
 * Data and what-if: a virtualised table of every row (of the scope bar's cohort) with its prediction and
 * label, and the open row's attribution, counterfactuals and what-if editor.
 */
export function DataView() {
  const data = useStore(app.session.store, (s) => s.data)
  const schema = useStore(app.session.store, (s) => s.schema?.schema)
  const predictions = useStore(app.session.store, (s) => s.predictions)
  const labels = useStore(app.session.store, (s) => s.labels)
  const threshold = useStore(app.metrics.store, (s) => s.threshold)
  const predictionsVersion = useStore(app.session.store, (s) => s.predictionsVersion)
  const rows = useStore(app.cohort.store, (s) => s.rows)
  const rowsVersion = useStore(app.cohort.store, (s) => s.rowsVersion)
  const sort = useStore(app.dataOrder.store, (s) => s.sort)
  const openRow = useStore(app.dataRow.store, (s) => s.row)
  const n = data?.table.nRows ?? 0
  // Large tables are ordered by prediction in the stats worker (the data order store asks while
  // this tab is shown); until then the rows keep their order.
  const inWorker = dataOrderIsAsync(rows, n, predictions, sort)
  const syncOrder = useMemo(
    () => (inWorker ? rows : dataViewOrder(rows, n, predictions, sort)),
    [inWorker, rows, n, predictions, sort],
  )
  const asyncOrder = useStore(app.dataOrder.query.store)
  const sorted =
    !inWorker ||
    (asyncOrder.resultKey === dataOrderKey(rowsVersion, predictionsVersion, sort) &&
      asyncOrder.status === 'done')
  const order = inWorker && sorted ? asyncOrder.result : syncOrder
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
          onSort={app.dataOrder.setSort}
          openRow={openRow}
          onOpen={app.dataRow.openRow}
        />
      </section>
      <RowDetail />
    </div>
  )
}
