/**
 * The Data view: how the row table is ordered, which row is open, that row's explanations (SHAP
 * and counterfactuals, from the model worker) and its what-if editor.
 *
 * Requests carry their own AbortControllers instead of appStore's job slot, so opening a row or
 * editing a value never cancels another view's job. A newer request supersedes an older one of
 * the same kind (the older is aborted, and the worker drops it at its next chunk), and a result is
 * only stored when it still answers the current row and values: superseded results never show.
 */
import { createStore } from 'zustand/vanilla'
import { parseNumericCell } from '../core/encode.ts'
import type { ExplainSettings, RowExplanation } from '../core/explain.ts'
import type { Schema } from '../core/schema.ts'
import { type Table, columnCell, tableColumn } from '../core/table.ts'
import { rowsByScore, rowsReversed } from '../core/views/order.ts'
import type { WorkerError } from '../workers/client.ts'
import type { WhatIfResult } from '../workers/protocol.ts'
import { appStore } from './appStore.ts'
import { explainStore } from './explainStore.ts'
import { statsRequest } from './statsWorker.ts'
import { modelWorker } from './workers.ts'

/** Table order: by data row number or by predicted probability. */
export type DataSort = { key: 'row' | 'prediction'; dir: 'asc' | 'desc' }

/** One worker answer about the open row: running (with progress), done, or failed. */
export type RowPart = {
  status: 'running' | 'done' | 'error'
  result: RowExplanation | null
  error: string | null
  /** Progress of a running request, `done` of `total` (0 of 0 before the first report). */
  done: number
  total: number
  /** Settings the answer was computed with (shown beside it). */
  settings: ExplainSettings
}

/**
 * The what-if editor. `values` are feature values (numeric value, or category index with −1 =
 * unknown; see src/core/encode.ts) in schema order; `texts` the numeric inputs as typed.
 */
export type WhatIfState = {
  values: number[]
  texts: string[]
  /** Per feature: the typed text is not a finite number (the last valid value stays in `values`). */
  invalid: boolean[]
  /**
   * original: the values are the row's own (its prediction and SHAP apply); waiting: debouncing
   * an edit; running: the worker is computing; done: `result` answers `values`; error.
   */
  status: 'original' | 'waiting' | 'running' | 'done' | 'error'
  /** The worker's answer for `values` (only while status is done). */
  result: WhatIfResult | null
  /** result.prediction − the row's prediction (probability units). */
  delta: number | null
  error: string | null
}

/** A row order computed in the stats worker, for the inputs named by `key`. */
export type AsyncOrder = { key: string; order: Int32Array | null; status: 'running' | 'done' }

export type DataViewState = {
  sort: DataSort
  /** The latest order by prediction of a large table (see `requestDataOrder`). */
  asyncOrder: AsyncOrder | null
  /** The open row (0-based data row), or null. */
  row: number | null
  /** Feature values of the open row, schema order. */
  original: number[] | null
  shap: RowPart | null
  counterfactuals: RowPart | null
  whatIf: WhatIfState | null
}

export const dataViewStore = createStore<DataViewState>()(() => ({
  sort: { key: 'row', dir: 'asc' },
  asyncOrder: null,
  row: null,
  original: null,
  shap: null,
  counterfactuals: null,
  whatIf: null,
}))

/** Debounce of what-if edits before a request, ms. */
export const WHATIF_DEBOUNCE_MS = 250

let rowController: AbortController | null = null
let whatIfController: AbortController | null = null
let whatIfTimer: ReturnType<typeof setTimeout> | null = null
/** Explanations already computed this session, by kind, row and settings (most recent last). */
const cache = new Map<string, RowExplanation>()
const CACHE_SIZE = 64

export function setDataSort(sort: DataSort): void {
  dataViewStore.setState({ sort })
}

/**
 * The rows the table shows, in display order: the cohort's rows (or all `n`), ordered by `sort`
 * (prediction ties by row number, a radix sort: tens of milliseconds for a million rows). Returns
 * null for "all rows by row number" (no allocation).
 * @example dataViewOrder(null, 3, Float32Array.of(0.9, 0.1, 0.5), { key: 'prediction', dir: 'desc' }) // [0, 2, 1]
 */
export function dataViewOrder(
  rows: Int32Array | null,
  n: number,
  p: Float32Array | null,
  sort: DataSort,
): Int32Array | null {
  if (sort.key === 'row' && sort.dir === 'asc') return rows
  if (sort.key === 'row') return rowsReversed(rows, n)
  return p ? rowsByScore(p, rows, sort.dir) : rows
}

/** Above this many rows, ordering by prediction runs in the stats worker. */
export const DATA_ORDER_SYNC_MAX_ROWS = 100_000

const orderIds = new WeakMap<object, number>()
let nextOrderId = 1
const idOf = (o: object | null): number => {
  if (!o) return 0
  let id = orderIds.get(o)
  if (id === undefined) {
    id = nextOrderId++
    orderIds.set(o, id)
  }
  return id
}

/** Identifies the inputs of an order: the rows, the predictions and the sort. */
export function dataOrderKey(
  rows: Int32Array | null,
  p: Float32Array | null,
  sort: DataSort,
): string {
  return `${idOf(rows)}:${idOf(p)}:${sort.key}:${sort.dir}`
}

/** Whether `dataViewOrder` is left to the stats worker (`requestDataOrder`) for these inputs. */
export function dataOrderIsAsync(
  rows: Int32Array | null,
  n: number,
  p: Float32Array | null,
  sort: DataSort,
): boolean {
  return (
    sort.key === 'prediction' && p !== null && (rows ? rows.length : n) > DATA_ORDER_SYNC_MAX_ROWS
  )
}

let orderController: AbortController | null = null

/**
 * Orders the rows by prediction in the stats worker (a radix sort of up to a million rows would
 * hold the page for tens of milliseconds, more on a busy machine); the result lands in
 * `asyncOrder` under `dataOrderKey`. A newer request supersedes an older one.
 */
export function requestDataOrder(rows: Int32Array | null, p: Float32Array, sort: DataSort): void {
  const key = dataOrderKey(rows, p, sort)
  if (dataViewStore.getState().asyncOrder?.key === key) return
  orderController?.abort()
  const ctl = new AbortController()
  orderController = ctl
  dataViewStore.setState({ asyncOrder: { key, order: null, status: 'running' } })
  statsRequest({ cmd: 'order', p, rows, dir: sort.dir }, { signal: ctl.signal })
    .then((r) => {
      if (!ctl.signal.aborted)
        dataViewStore.setState({ asyncOrder: { key, order: r.order, status: 'done' } })
    })
    .catch((e: WorkerError) => {
      if (ctl.signal.aborted || e.kind === 'AbortError') return
      // Fall back to the page: slower, but the table still sorts.
      dataViewStore.setState({
        asyncOrder: { key, order: rowsByScore(p, rows, sort.dir), status: 'done' },
      })
    })
    .finally(() => {
      if (orderController === ctl) orderController = null
    })
}

/**
 * Feature values of one data row (numeric value, or category index with −1 for an empty or
 * unknown category), schema order; NaN for a numeric cell that does not parse (encodeTable
 * rejects such data, so a loaded session has none).
 */
export function rowFeatureValues(schema: Schema, table: Table, row: number): number[] {
  return schema.features.map((f) => {
    const col = tableColumn(table, f.name)
    const cell = col ? columnCell(col, row) : ''
    if (f.type === 'numeric') return parseNumericCell(cell) ?? Number.NaN
    return f.categories.indexOf(cell)
  })
}

/** The text of a feature value: the number, or the category (`(unknown)` for −1). */
export function featureValueText(schema: Schema, j: number, v: number): string {
  const f = schema.features[j]!
  if (f.type === 'numeric') return String(v)
  return f.categories[v] ?? '(unknown)'
}

/**
 * Settings of a request about a row: the user's explanation settings (background, budget, seed,
 * counterfactual count) and threshold, with only the asked-for part switched on.
 */
export function dataRowSettings(
  kind: 'shap' | 'counterfactuals',
  settings: ExplainSettings,
  threshold: number,
): ExplainSettings {
  return {
    ...settings,
    threshold,
    shap: kind === 'shap',
    igSteps: 0,
    counterfactuals: kind === 'counterfactuals' ? settings.counterfactuals || 4 : 0,
  }
}

function settingsFor(kind: 'shap' | 'counterfactuals'): ExplainSettings {
  return dataRowSettings(kind, explainStore.getState().settings, appStore.getState().threshold)
}

/**
 * Whether a part of the open row was computed with other settings than `settings` and
 * `threshold` (SHAP does not depend on the threshold; counterfactuals do).
 */
export function dataRowPartStale(
  kind: 'shap' | 'counterfactuals',
  part: RowPart | null,
  settings: ExplainSettings,
  threshold: number,
): boolean {
  if (!part || part.status === 'running') return false
  const want = dataRowSettings(kind, settings, threshold)
  const pick = (s: ExplainSettings) =>
    kind === 'shap'
      ? [s.background, s.budget, s.seed]
      : [s.background, s.seed, s.threshold, s.counterfactuals, s.counterfactualConstraints ?? null]
  return JSON.stringify(pick(part.settings)) !== JSON.stringify(pick(want))
}

function cacheKey(kind: string, row: number, s: ExplainSettings): string {
  return JSON.stringify([kind, row, s])
}

function errorText(e: unknown): string {
  return (e as WorkerError).message || String(e)
}

const isAbort = (e: unknown) =>
  (e as WorkerError).kind === 'AbortError' || (e as Error).name === 'AbortError'

/** Asks the worker for one part (SHAP or counterfactuals) of the open row's explanation. */
async function fetchPart(
  kind: 'shap' | 'counterfactuals',
  row: number,
  signal: AbortSignal,
): Promise<void> {
  const settings = settingsFor(kind)
  const key = cacheKey(kind, row, settings)
  const update = (patch: Partial<RowPart>) => {
    if (signal.aborted || dataViewStore.getState().row !== row) return
    dataViewStore.setState((s) => ({ [kind]: { ...s[kind]!, ...patch } }))
  }
  const hit = cache.get(key)
  if (hit) {
    dataViewStore.setState({
      [kind]: { status: 'done', result: hit, error: null, done: 1, total: 1, settings },
    })
    return
  }
  dataViewStore.setState({
    [kind]: { status: 'running', result: null, error: null, done: 0, total: 0, settings },
  })
  try {
    const r = await modelWorker.request(
      { cmd: 'explain', rows: [row], settings },
      { signal, onProgress: (done, total) => update({ done, total }) },
    )
    const e = r.explanations[String(row)]
    if (!e) throw new Error(`the worker returned no explanation for row ${row}`)
    cache.delete(key)
    cache.set(key, e)
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
    update({ status: 'done', result: e, done: 1, total: 1 })
  } catch (e) {
    if (isAbort(e)) return
    update({ status: 'error', error: errorText(e) })
  }
}

function cancelWhatIf(): void {
  if (whatIfTimer !== null) clearTimeout(whatIfTimer)
  whatIfTimer = null
  whatIfController?.abort()
  whatIfController = null
}

function freshWhatIf(values: number[]): WhatIfState {
  return {
    values: values.slice(),
    texts: values.map((v) => (Number.isNaN(v) ? '' : String(v))),
    invalid: values.map(() => false),
    status: 'original',
    result: null,
    delta: null,
    error: null,
  }
}

/**
 * Opens a data row: computes its SHAP values, then its counterfactuals (the worker runs one
 * request at a time, so SHAP comes first), and fills the what-if editor with its values.
 * Does nothing for a row outside the data.
 */
export function openDataRow(row: number): void {
  const app = appStore.getState()
  const table = app.data?.table
  const schema = app.schema?.schema
  if (!table || !schema || !(Number.isInteger(row) && row >= 0 && row < table.nRows)) return
  if (dataViewStore.getState().row === row) return
  rowController?.abort()
  cancelWhatIf()
  const original = rowFeatureValues(schema, table, row)
  dataViewStore.setState({
    row,
    original,
    shap: null,
    counterfactuals: null,
    whatIf: freshWhatIf(original),
  })
  const ctl = new AbortController()
  rowController = ctl
  void fetchPart('shap', row, ctl.signal)
  void fetchPart('counterfactuals', row, ctl.signal)
}

/** Closes the open row, cancelling its requests. */
export function closeDataRow(): void {
  rowController?.abort()
  rowController = null
  cancelWhatIf()
  dataViewStore.setState({
    row: null,
    original: null,
    shap: null,
    counterfactuals: null,
    whatIf: null,
  })
}

/** Recomputes the open row's explanations (after the explanation settings or threshold changed). */
export function refreshDataRow(): void {
  const { row } = dataViewStore.getState()
  if (row === null) return
  rowController?.abort()
  const ctl = new AbortController()
  rowController = ctl
  void fetchPart('shap', row, ctl.signal)
  void fetchPart('counterfactuals', row, ctl.signal)
}

const sameValues = (a: readonly number[], b: readonly number[]) =>
  a.every((v, j) => Object.is(v, b[j]))

/** Applies edited values: back to the row's own values needs no request; others are debounced. */
function editValues(
  values: number[],
  texts: string[],
  invalid: boolean[],
  debounceMs: number,
): void {
  const s = dataViewStore.getState()
  if (!s.whatIf || !s.original) return
  cancelWhatIf()
  if (sameValues(values, s.original)) {
    dataViewStore.setState({
      whatIf: {
        values,
        texts,
        invalid,
        status: 'original',
        result: null,
        delta: null,
        error: null,
      },
    })
    return
  }
  dataViewStore.setState({
    whatIf: { values, texts, invalid, status: 'waiting', result: null, delta: null, error: null },
  })
  whatIfTimer = setTimeout(runWhatIf, debounceMs)
}

/**
 * Sets feature j of the what-if row from an input: a numeric feature takes the typed text (kept
 * as typed; only a finite number changes the value), a categorical one a category index.
 */
export function setWhatIfInput(j: number, input: string | number): void {
  const w = dataViewStore.getState().whatIf
  const schema = appStore.getState().schema?.schema
  const f = schema?.features[j]
  if (!w || !f) return
  const values = w.values.slice()
  const texts = w.texts.slice()
  const invalid = w.invalid.slice()
  if (f.type === 'numeric') {
    const text = String(input)
    const v = parseNumericCell(text.trim())
    texts[j] = text
    invalid[j] = v === null
    if (v === null) {
      dataViewStore.setState({ whatIf: { ...w, texts, invalid } })
      return
    }
    values[j] = v
  } else {
    values[j] = Number(input)
    texts[j] = String(values[j])
  }
  editValues(values, texts, invalid, WHATIF_DEBOUNCE_MS)
}

/** Puts the row's own values back in the editor. */
export function resetWhatIf(): void {
  const { original } = dataViewStore.getState()
  if (!original) return
  const w = freshWhatIf(original)
  editValues(w.values, w.texts, w.invalid, 0)
}

/**
 * Loads a counterfactual into the editor: its changes (new number, or category name) on top of
 * the row's values, computed at once.
 */
export function applyCounterfactual(changes: Record<string, number | string>): void {
  const { original } = dataViewStore.getState()
  const schema = appStore.getState().schema?.schema
  if (!original || !schema) return
  const w = freshWhatIf(original)
  schema.features.forEach((f, j) => {
    const c = changes[f.name]
    if (c === undefined) return
    w.values[j] = f.type === 'numeric' ? Number(c) : f.categories.indexOf(String(c))
    w.texts[j] = String(w.values[j])
  })
  editValues(w.values, w.texts, w.invalid, 0)
}

/** Prediction and SHAP of the edited row; drops the answer if the values changed meanwhile. */
async function runWhatIf(): Promise<void> {
  whatIfTimer = null
  const { row, whatIf } = dataViewStore.getState()
  if (row === null || !whatIf) return
  const values = whatIf.values
  whatIfController?.abort()
  const ctl = new AbortController()
  whatIfController = ctl
  const current = () => !ctl.signal.aborted && dataViewStore.getState().whatIf?.values === values
  dataViewStore.setState({ whatIf: { ...whatIf, status: 'running' } })
  try {
    const r = await modelWorker.request(
      { cmd: 'whatIf', values, settings: settingsFor('shap') },
      { signal: ctl.signal },
    )
    if (!current()) return
    const p0 = appStore.getState().predictions?.[row]
    const w = dataViewStore.getState().whatIf!
    dataViewStore.setState({
      whatIf: {
        ...w,
        status: 'done',
        result: r,
        delta: p0 === undefined ? null : r.prediction - p0,
        error: null,
      },
    })
  } catch (e) {
    if (isAbort(e) || !current()) return
    const w = dataViewStore.getState().whatIf!
    dataViewStore.setState({
      whatIf: { ...w, status: 'error', result: null, delta: null, error: errorText(e) },
    })
  } finally {
    if (whatIfController === ctl) whatIfController = null
  }
}

/** A new model, data or schema makes the open row and the cached explanations meaningless. */
appStore.subscribe((s, prev) => {
  if (
    s.data !== prev.data ||
    s.model !== prev.model ||
    s.schema !== prev.schema ||
    s.classIndex !== prev.classIndex
  ) {
    cache.clear()
    if (dataViewStore.getState().row !== null) closeDataRow()
  }
})
