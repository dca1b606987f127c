/**
 * One keyed query: a computation named by a key (a string that identifies its inputs), run at
 * most once per key, superseded by a request for another key, cancellable, with a status the
 * view reads. The stores use it for everything they ask a worker outside the job slot (fairness
 * groupings and bootstrap, calibration, the data table's order, a row's explanations, what-if),
 * so "drop the answer of a superseded request" is written once.
 *
 * Rules:
 * - `run(key)` does nothing while `key` is the request in hand (waiting, running, done or failed:
 *   a failure is retried only when the key changes, or after `abort`/`reset`).
 * - A request for another key aborts the one in hand (its signal fires; the worker stops at its
 *   next step) and its answer, should it still come, is dropped.
 * - The last result stays (with its key, `resultKey`) while a newer request runs, so a view can
 *   keep showing it as stale — unless the request was started with `clear`.
 * - A key equal to the last result's key is answered from it at once.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { errorMessage, isAbortError } from './ports.ts'

/**
 * idle: nothing asked (or cancelled before any result); waiting: debouncing; running: the task
 * runs; done: `result` answers `key`; error: the task for `key` failed (`error` says why).
 */
export type QueryStatus = 'idle' | 'waiting' | 'running' | 'done' | 'error'

/** A query's state: the request in hand and the last result. */
export type QueryState<R, I = undefined> = {
  status: QueryStatus
  /** Key of the request `status` describes; null when idle. */
  key: string | null
  /** What that request was made with (as given to `run`); null when none was given. */
  input: I | null
  /** Progress of a running request, `done` of `total` (0 of 0 before its first report). */
  done: number
  total: number
  /** The last result (it may answer an older key: compare `resultKey`). */
  result: R | null
  /** Key of `result`; null without one. */
  resultKey: string | null
  /** Why the request for `key` failed (status 'error'), else null. */
  error: string | null
}

/** The state of a query that was never asked anything. */
export function queryIdle<R, I = undefined>(): QueryState<R, I> {
  return {
    status: 'idle',
    key: null,
    input: null,
    done: 0,
    total: 0,
    result: null,
    resultKey: null,
    error: null,
  }
}

/** The work behind a key: resolves with the result; reports progress; stops when `signal` fires. */
export type QueryTask<R> = (
  signal: AbortSignal,
  progress: (done: number, total: number) => void,
) => Promise<R>

/** Options of {@link KeyedQuery.run}. */
export type QueryRunOptions<I> = {
  /** What the request is made with (kept in the state beside its status). */
  input?: I
  /** Wait this long (ms) in status 'waiting' before starting; a newer key restarts the wait. */
  debounceMs?: number
  /** The progress total to show before the task's first report [0]. */
  total?: number
  /** Drop the previous result when this request starts (it must not show beside the new one). */
  clear?: boolean
}

/** A keyed query over one state slot; see the module comment. */
export type KeyedQuery<R, I = undefined> = {
  /** The current state. */
  get(): QueryState<R, I>
  /** Asks for `key`, computed by `task` unless it is in hand or answered (see the rules). */
  run(key: string, task: QueryTask<R>, opts?: QueryRunOptions<I>): void
  /** Answers `key` at once with a result known without work (a cache hit), superseding. */
  resolve(key: string, result: R, input?: I): void
  /** Cancels a waiting or running request; the last result (if any) becomes the state again. */
  abort(): void
  /** Cancels and forgets everything: back to idle. */
  reset(): void
}

/** Where a query keeps its state: a store of its own, or an entry of another store. */
export type QuerySlot<R, I> = { get(): QueryState<R, I>; set(s: QueryState<R, I>): void }

/**
 * A keyed query whose state lives in `slot`.
 * @example const q = keyedQuery(slot); q.run('v3', (signal) => stats.request(req, { signal }))
 */
export function keyedQuery<R, I = undefined>(slot: QuerySlot<R, I>): KeyedQuery<R, I> {
  let current: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  /** Input and progress total of the request that produced the last result. */
  let settled: { input: I | null; total: number } | null = null
  const patch = (p: Partial<QueryState<R, I>>) => slot.set({ ...slot.get(), ...p })

  const cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    current?.abort()
    current = null
  }

  /** The state without the request in hand: the last result, or idle. */
  const withdrawn = (): Partial<QueryState<R, I>> => {
    const s = slot.get()
    return {
      status: s.resultKey !== null ? 'done' : 'idle',
      key: s.resultKey,
      input: s.resultKey !== null ? (settled?.input ?? null) : null,
      done: 0,
      total: 0,
      error: null,
    }
  }

  const start = (ctl: AbortController, key: string, task: QueryTask<R>) => {
    timer = null
    const live = () => current === ctl && !ctl.signal.aborted
    if (!live()) return
    if (slot.get().status === 'waiting') patch({ status: 'running' })
    const progress = (done: number, total: number) => {
      if (live()) patch({ done, total })
    }
    let answer: Promise<R>
    try {
      answer = task(ctl.signal, progress)
    } catch (e) {
      answer = Promise.reject(e)
    }
    answer.then(
      (result) => {
        if (!live()) return
        current = null
        const total = Math.max(1, slot.get().total)
        settled = { input: slot.get().input, total }
        patch({ status: 'done', result, resultKey: key, done: total, total, error: null })
      },
      (e: unknown) => {
        if (!live()) return
        current = null
        patch(isAbortError(e) ? withdrawn() : { status: 'error', error: errorMessage(e) })
      },
    )
  }

  return {
    get: () => slot.get(),
    run(key, task, opts = {}) {
      const s = slot.get()
      if (s.key === key && s.status !== 'idle') return
      cancel()
      if (s.resultKey === key && s.result !== null && !opts.clear) {
        const total = settled?.total ?? 1
        patch({
          status: 'done',
          key,
          input: settled?.input ?? null,
          done: total,
          total,
          error: null,
        })
        return
      }
      const ctl = new AbortController()
      current = ctl
      const debounce = opts.debounceMs ?? 0
      slot.set({
        status: debounce > 0 ? 'waiting' : 'running',
        key,
        input: opts.input ?? null,
        done: 0,
        total: opts.total ?? 0,
        result: opts.clear ? null : s.result,
        resultKey: opts.clear ? null : s.resultKey,
        error: null,
      })
      if (debounce > 0) timer = setTimeout(() => start(ctl, key, task), debounce)
      else start(ctl, key, task)
    },
    resolve(key, result, input) {
      cancel()
      settled = { input: input ?? null, total: 1 }
      slot.set({
        status: 'done',
        key,
        input: input ?? null,
        done: 1,
        total: 1,
        result,
        resultKey: key,
        error: null,
      })
    },
    abort() {
      const busy = current !== null || timer !== null
      cancel()
      const s = slot.get()
      if (busy || s.status === 'waiting' || s.status === 'running') patch(withdrawn())
    },
    reset() {
      cancel()
      settled = null
      slot.set(queryIdle())
    },
  }
}

/** A keyed query with a zustand store of its own (views bind to `store`). */
export type StoredQuery<R, I = undefined> = KeyedQuery<R, I> & {
  readonly store: StoreApi<QueryState<R, I>>
}

/**
 * A keyed query with its own store.
 * @example const order = createKeyedQuery<Int32Array>(); useStore(order.store, (s) => s.status)
 */
export function createKeyedQuery<R, I = undefined>(): StoredQuery<R, I> {
  const store = createStore<QueryState<R, I>>()(() => queryIdle())
  const q = keyedQuery<R, I>({ get: store.getState, set: (s) => store.setState(s, true) })
  return { ...q, store }
}

/** Keyed queries by name, their states in one store (e.g. one query per fairness grouping). */
export type QueryMap<R, I = undefined> = {
  readonly store: StoreApi<Record<string, QueryState<R, I>>>
  /** The query named `name` (created on first use). */
  query(name: string): KeyedQuery<R, I>
  /** Resets every query and forgets them all. */
  reset(): void
}

/**
 * A map of keyed queries sharing one store.
 * @example groupings.query('sex').run(key, task); useStore(groupings.store, (s) => s.sex?.status)
 */
export function createQueryMap<R, I = undefined>(): QueryMap<R, I> {
  const store = createStore<Record<string, QueryState<R, I>>>()(() => ({}))
  const queries = new Map<string, KeyedQuery<R, I>>()
  return {
    store,
    query(name) {
      let q = queries.get(name)
      if (!q) {
        const own: KeyedQuery<R, I> = keyedQuery<R, I>({
          get: () => store.getState()[name] ?? queryIdle(),
          // A query dropped by `reset` may still settle: it writes nothing any more.
          set: (s) => {
            if (queries.get(name) === own) store.setState({ [name]: s })
          },
        })
        queries.set(name, own)
        q = own
      }
      return q
    },
    reset() {
      const busy = queries.size > 0 || Object.keys(store.getState()).length > 0
      const dropped = [...queries.values()]
      queries.clear()
      for (const q of dropped) q.abort()
      if (busy) store.setState({}, true)
    },
  }
}
