/**
 * The job slot and the notices. One job runs at a time in the model worker's queue from the
 * user's point of view (loading, explaining, an audit, …): starting a job supersedes (cancels) the
 * running one, the job bar shows its progress and Cancel stops it. Notices are the messages the
 * page shows: a repeated one is counted instead of shown twice, each names the dataset it is
 * about, and information goes away by itself after {@link NOTICE_INFO_MS} (errors and warnings
 * stay until dismissed).
 */
import { type StoreApi, createStore } from 'zustand/vanilla'

/** How long an info notice stays, ms (unless the user holds it: hover or focus). */
export const NOTICE_INFO_MS = 6000

/** A message shown on the page. */
export type Notice = {
  id: number
  level: 'info' | 'warning' | 'error'
  text: string
  /** The dataset it is about (the data loaded when it was raised); null = not about data. */
  dataset: string | null
  /** How many times it was raised (shown as ×n above 1). */
  count: number
}

/** Options of {@link Jobs.notify}. */
export type NotifyOptions = {
  /** The dataset the notice is about; default: the loaded data's name (null: none). */
  dataset?: string | null
}

/** Options of a notice that is not about the loaded data (backends, links, sessions). */
export const NOT_DATA: NotifyOptions = { dataset: null }

/** A timer: runs `fn` after `ms`; the returned function cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void

const timeoutSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms)
  return () => clearTimeout(t)
}

/** A running job; `etaSeconds` extrapolates the elapsed time once 5% is done (null before). */
export type Job = {
  label: string
  done: number
  total: number
  /** When it started, ms on the jobs' clock. */
  startedAt: number
  etaSeconds: number | null
}

/** The job slot and the notices. */
export type JobsState = { job: Job | null; notices: Notice[] }

/** The job slot, the notices and their actions. */
export type Jobs = {
  readonly store: StoreApi<JobsState>
  /**
   * Shows a notice; the same level, text and dataset as one shown already counts it again
   * instead (an info notice's time starts over).
   */
  notify(level: Notice['level'], text: string, opts?: NotifyOptions): void
  dismissNotice(id: number): void
  /** Keeps an info notice until dismissed (the user hovers or focuses it). */
  holdNotice(id: number): void
  /** Where notices take their default dataset from (the app sets the loaded data's name). */
  setDataset(current: () => string | null): void
  /** Starts a job, superseding (cancelling) any running one; returns its signal. */
  startJob(label: string): AbortSignal
  /** Ends the job of `signal` (nothing when another job superseded it). */
  endJob(signal: AbortSignal): void
  /** Cancels the running job (the worker stops at its next chunk). */
  cancelJob(): void
  /** A progress callback that updates the job bar (ignored once the job is aborted). */
  progress(signal: AbortSignal): (done: number, total: number, label: string) => void
}

/**
 * The job slot and notices; `now` is the clock of the progress estimates, in ms; `schedule` the
 * timer that dismisses info notices (setTimeout by default; tests pass their own).
 * @example const jobs = createJobs(() => performance.now()); const signal = jobs.startJob('Loading')
 */
export function createJobs(now: () => number, schedule: Schedule = timeoutSchedule): Jobs {
  const store = createStore<JobsState>()(() => ({ job: null, notices: [] }))
  let noticeId = 1
  let controller: AbortController | null = null
  let dataset: () => string | null = () => null
  /** The pending auto-dismissal of each info notice, by id. */
  const timers = new Map<number, () => void>()
  const unschedule = (id: number) => {
    timers.get(id)?.()
    timers.delete(id)
  }
  const dismissNotice = (id: number) => {
    unschedule(id)
    store.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }))
  }
  return {
    store,
    notify(level, text, opts = {}) {
      const about = opts.dataset === undefined ? dataset() : opts.dataset
      const same = store
        .getState()
        .notices.find((n) => n.level === level && n.text === text && n.dataset === about)
      const id = same ? same.id : noticeId++
      store.setState((s) => ({
        notices: same
          ? s.notices.map((n) => (n === same ? { ...n, count: n.count + 1 } : n))
          : [...s.notices, { id, level, text, dataset: about, count: 1 }],
      }))
      if (level !== 'info' || (same && !timers.has(id))) return
      unschedule(id)
      timers.set(
        id,
        schedule(() => {
          timers.delete(id)
          dismissNotice(id)
        }, NOTICE_INFO_MS),
      )
    },
    dismissNotice,
    holdNotice: unschedule,
    setDataset(current) {
      dataset = current
    },
    startJob(label) {
      controller?.abort()
      controller = new AbortController()
      store.setState({ job: { label, done: 0, total: 1, startedAt: now(), etaSeconds: null } })
      return controller.signal
    },
    endJob(signal) {
      if (controller?.signal !== signal) return
      controller = null
      store.setState({ job: null })
    },
    cancelJob() {
      controller?.abort()
    },
    progress: (signal) => (done, total, label) => {
      if (signal.aborted) return
      store.setState((s) => {
        const startedAt = s.job?.startedAt ?? now()
        const frac = total > 0 ? done / total : 0
        const elapsed = (now() - startedAt) / 1000
        const etaSeconds = frac > 0.05 && frac < 1 ? (elapsed / frac) * (1 - frac) : null
        return { job: { label, done, total, startedAt, etaSeconds } }
      })
    },
  }
}
