import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import type { Schema } from '../../../core/schema.ts'
import type { Table } from '../../../core/table.ts'
import type { DataSort } from '../../../core/views/order.ts'
import { ROW_H, type Column, useColumns } from './columns.tsx'

/** Rows rendered above and below the visible window. */
const OVERSCAN = 8
/** Never render more rows than this, however tall the viewport. */
const MAX_RENDERED = 60

export type DataTableProps = {
  table: Table
  schema: Schema
  predictions: Float32Array
  labels: Uint8Array | null
  threshold: number
  /** Data rows in display order; null = all rows 0…n−1. */
  order: Int32Array | null
  sort: DataSort
  onSort: (sort: DataSort) => void
  openRow: number | null
  onOpen: (row: number) => void
}
type DataRowProps = {
  /** Data row. */
  i: number
  /** Position in the display order. */
  k: number
  open: boolean
  /** The row in the tab order (roving tabindex). */
  tabbable: boolean
  columns: Column[]
  width: number
  onPick: (k: number, i: number) => void
}

/** One row; memoised, so scrolling renders only the rows that come into view. */
const DataRow = memo(function DataRow({
  i,
  k,
  open,
  tabbable,
  columns,
  width,
  onPick,
}: DataRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={k + 2}
      aria-selected={open}
      tabIndex={tabbable ? 0 : -1}
      data-pos={k}
      data-testid={`data-row-${i}`}
      className={`vRow${open ? ' open' : ''}${k % 2 ? ' odd' : ''}`}
      style={{ top: k * ROW_H, width }}
      onClick={() => onPick(k, i)}
    >
      {columns.map((c) => (
        <div
          key={c.key}
          role="gridcell"
          className={`vCell${c.numeric ? ' num' : ''}${c.left !== undefined ? ' frozen' : ''}${c.cls ? ` ${c.cls(i)}` : ''}${c.key === 'prediction' ? ' pCell' : ''}`}
          style={{ width: c.width, ...(c.left !== undefined ? { left: c.left } : {}) }}
        >
          {c.content ? c.content(i) : c.text(i)}
        </div>
      ))}
    </div>
  )
})

/**
 * A virtualised grid of data rows: a spacer as tall as all rows and, in it, only the rows in view
 * (plus a small overscan), so 100,000 rows scroll like 100. Rows are focusable (one at a time:
 * roving tabindex); arrows, Page Up/Down, Home/End move between them and Enter opens one.
 */
export function DataTable({
  table,
  schema,
  predictions,
  labels,
  threshold,
  order,
  sort,
  onSort,
  openRow,
  onOpen,
}: DataTableProps) {
  const columns = useColumns(table, schema, predictions, labels, threshold)
  const count = order ? order.length : table.nRows
  const rowAt = (k: number) => (order ? order[k]! : k)
  const scroller = useRef<HTMLDivElement>(null)
  const wantFocus = useRef(false)
  const [first, setFirst] = useState(0)
  const [viewH, setViewH] = useState(400)
  const [active, setActive] = useState(0)
  const totalW = columns.reduce((a, c) => a + c.width, 0)

  useEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(() => setViewH(el.clientHeight))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // A new cohort or order starts at the top.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0
  }, [order])

  const visible = Math.ceil(viewH / ROW_H)
  const maxFirst = Math.max(0, count - 1)
  const start = Math.max(0, Math.min(first, maxFirst) - OVERSCAN)
  const end = Math.min(count, start + Math.min(MAX_RENDERED, visible + 2 * OVERSCAN))
  const activeK = Math.min(active, maxFirst)

  // Keyboard moves focus to a row that may only now have been rendered.
  useEffect(() => {
    if (!wantFocus.current) return
    const el = scroller.current?.querySelector<HTMLElement>(`[data-pos="${activeK}"]`)
    if (el) {
      wantFocus.current = false
      el.focus({ preventScroll: true })
    }
  }, [activeK, first])

  const pick = useCallback(
    (k: number, i: number) => {
      setActive(k)
      onOpen(i)
    },
    [onOpen],
  )

  const moveTo = (k: number) => {
    const el = scroller.current
    const next = Math.max(0, Math.min(count - 1, k))
    if (!el || count === 0) return
    const headH = ROW_H
    const top = next * ROW_H
    if (top < el.scrollTop) el.scrollTop = top
    else if (top + ROW_H > el.scrollTop + el.clientHeight - headH)
      el.scrollTop = top + ROW_H - el.clientHeight + headH
    wantFocus.current = true
    setActive(next)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).getAttribute('role') !== 'row') return
    const page = Math.max(1, visible - 2)
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(activeK + 1),
      ArrowUp: () => moveTo(activeK - 1),
      PageDown: () => moveTo(activeK + page),
      PageUp: () => moveTo(activeK - page),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => onOpen(rowAt(activeK)),
      ' ': () => onOpen(rowAt(activeK)),
    }
    const act = keys[e.key]
    if (act) {
      e.preventDefault()
      act()
    }
  }

  const sortButton = (key: DataSort['key'], label: string) => {
    const on = sort.key === key
    const next: DataSort = {
      key,
      dir: on && sort.dir === 'asc' ? 'desc' : on ? 'asc' : key === 'prediction' ? 'desc' : 'asc',
    }
    return (
      <button
        type="button"
        className="sortButton"
        onClick={() => onSort(next)}
        data-testid={`sort-${key}`}
        title={`Sort by ${label.toLowerCase()}`}
      >
        {label}
        <span aria-hidden="true" className="sortMark">
          {on ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    )
  }

  const rows: ReactNode[] = []
  for (let k = start; k < end; k++) {
    const i = rowAt(k)
    rows.push(
      <DataRow
        key={i}
        i={i}
        k={k}
        open={i === openRow}
        tabbable={k === activeK}
        columns={columns}
        width={totalW}
        onPick={pick}
      />,
    )
  }

  return (
    <div className="vWrap">
      <div
        ref={scroller}
        className="vGrid"
        role="grid"
        aria-label="Data rows"
        aria-rowcount={count + 1}
        aria-colcount={columns.length}
        aria-readonly="true"
        data-testid="data-table"
        data-count={count}
        onScroll={(e) => {
          const f = Math.floor(e.currentTarget.scrollTop / ROW_H)
          if (f !== first) setFirst(f)
        }}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="vHead" style={{ width: totalW }}>
          <div role="row" aria-rowindex={1} className="vHeadRow">
            {columns.map((c) => (
              <div
                key={c.key}
                role="columnheader"
                title={c.title}
                aria-sort={
                  c.key === '#' && sort.key === 'row'
                    ? sort.dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : c.key === 'prediction' && sort.key === 'prediction'
                      ? sort.dir === 'asc'
                        ? 'ascending'
                        : 'descending'
                      : undefined
                }
                className={`vCell vHeadCell${c.numeric ? ' num' : ''}${c.left !== undefined ? ' frozen' : ''}`}
                style={{ width: c.width, ...(c.left !== undefined ? { left: c.left } : {}) }}
              >
                {c.key === '#'
                  ? sortButton('row', 'Row')
                  : c.key === 'prediction'
                    ? sortButton('prediction', 'Prediction')
                    : c.header}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="vBody" style={{ height: count * ROW_H, width: totalW }}>
          {rows}
        </div>
      </div>
      {count === 0 && (
        <p className="vEmpty" data-testid="data-empty">
          No rows match the filter.
        </p>
      )}
    </div>
  )
}
