/**
 * The what-if editor of the Data view's open row: edited feature values, and the model's
 * prediction and SHAP for them (the worker's `whatIf`), asked 250 ms after the last edit. The
 * request is a keyed query named by the row, the values and the settings, so an answer to values
 * the user has since changed never shows; going back to the row's own values needs no request.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { parseNumericCell } from '../core/encode.ts'
import { rowPartSettings } from '../core/views/rowValues.ts'
import type { WhatIfResult } from '../workers/protocol.ts'
import type { ExplainStore } from './explainStore.ts'
import { type QueryState, keyedQuery, queryIdle } from './keyedQuery.ts'
import type { MetricsStore } from './metrics.ts'
import type { ModelWorkerPort } from './ports.ts'
import type { Session } from './session.ts'

/** Debounce of what-if edits before a request, ms. */
export const WHATIF_DEBOUNCE_MS = 250

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

/** The editor of the open row (null when no row is open). */
export type WhatIfStoreState = { whatIf: WhatIfState | null }

/** The what-if store and its actions. */
export type WhatIfStore = {
  readonly store: StoreApi<WhatIfStoreState>
  /** Fills the editor with row `row`'s own values. */
  open(row: number, original: readonly number[]): void
  /** Empties the editor, cancelling its request. */
  close(): void
  /**
   * Sets feature j from an input: a numeric feature takes the typed text (kept as typed; only a
   * finite number changes the value), a categorical one a category index.
   */
  setInput(j: number, input: string | number): void
  /** Puts the row's own values back. */
  reset(): void
  /** Loads a counterfactual's changes (new number, or category name) on top of the row's values. */
  applyCounterfactual(changes: Record<string, number | string>): void
}

type Edit = Pick<WhatIfState, 'values' | 'texts' | 'invalid'>
type Answer = { result: WhatIfResult; delta: number | null }

const fresh = (values: readonly number[]): Edit => ({
  values: values.slice(),
  texts: values.map((v) => (Number.isNaN(v) ? '' : String(v))),
  invalid: values.map(() => false),
})

const sameValues = (a: readonly number[], b: readonly number[]) =>
  a.every((v, j) => Object.is(v, b[j]))

/** The stores the editor reads. */
export type WhatIfInputs = { session: Session; metrics: MetricsStore; explain: ExplainStore }

/**
 * The what-if store.
 * @example const w = createWhatIf(modelWorker, inputs); w.open(17, values); w.setInput(0, '52')
 */
export function createWhatIf(
  model: ModelWorkerPort,
  { session, metrics, explain }: WhatIfInputs,
): WhatIfStore {
  const store = createStore<WhatIfStoreState>()(() => ({ whatIf: null }))
  let open: { row: number; original: readonly number[] } | null = null
  let edit: Edit | null = null
  let request: QueryState<Answer> = queryIdle()

  /** The editor's state from the edit and the request. */
  const publish = () => {
    if (!open || !edit) {
      store.setState({ whatIf: null })
      return
    }
    const own = sameValues(edit.values, open.original)
    const status = own ? 'original' : request.status === 'idle' ? 'waiting' : request.status
    const answer = status === 'done' ? request.result : null
    store.setState({
      whatIf: {
        ...edit,
        status,
        result: answer?.result ?? null,
        delta: answer?.delta ?? null,
        error: status === 'error' ? request.error : null,
      },
    })
  }
  const query = keyedQuery<Answer>({
    get: () => request,
    set: (s) => {
      request = s
      publish()
    },
  })

  function editValues(next: Edit, debounceMs: number): void {
    if (!open || !edit) return
    edit = next
    const before = request
    if (sameValues(next.values, open.original)) query.abort()
    else {
      const { row } = open
      const values = next.values
      const settings = rowPartSettings(
        'shap',
        explain.store.getState().settings,
        metrics.store.getState().threshold,
      )
      query.run(
        JSON.stringify([row, values.map(String), settings]),
        async (signal) => {
          const result = await model.request({ cmd: 'whatIf', values, settings }, { signal })
          const p0 = session.store.getState().predictions?.[row]
          return { result, delta: p0 === undefined ? null : result.prediction - p0 }
        },
        { debounceMs },
      )
    }
    // The query publishes its own changes; an edit it ignored (same request) is published here.
    if (request === before) publish()
  }

  const schemaFeatures = () => session.store.getState().schema?.schema.features ?? null

  return {
    store,
    open(row, original) {
      query.reset()
      open = { row, original: original.slice() }
      edit = fresh(original)
      publish()
    },
    close() {
      query.reset()
      open = null
      edit = null
      publish()
    },
    setInput(j, input) {
      const f = schemaFeatures()?.[j]
      if (!edit || !f) return
      const values = edit.values.slice()
      const texts = edit.texts.slice()
      const invalid = edit.invalid.slice()
      if (f.type === 'numeric') {
        const text = String(input)
        const v = parseNumericCell(text.trim())
        texts[j] = text
        invalid[j] = v === null
        if (v === null) {
          edit = { values: edit.values, texts, invalid }
          publish()
          return
        }
        values[j] = v
      } else {
        values[j] = Number(input)
        texts[j] = String(values[j])
      }
      editValues({ values, texts, invalid }, WHATIF_DEBOUNCE_MS)
    },
    reset() {
      if (open) editValues(fresh(open.original), 0)
    },
    applyCounterfactual(changes) {
      const features = schemaFeatures()
      if (!open || !features) return
      const w = fresh(open.original)
      features.forEach((f, j) => {
        const c = changes[f.name]
        if (c === undefined) return
        w.values[j] = f.type === 'numeric' ? Number(c) : f.categories.indexOf(String(c))
        w.texts[j] = String(w.values[j])
      })
      editValues(w, 0)
    },
  }
}
