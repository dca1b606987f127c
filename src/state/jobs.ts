/**
 * The job slot and the notices. One job runs at a time in the model worker's queue from the
 * user's point of view (loading, explaining, an audit, …): starting a job supersedes (cancels) the
 * running one, the job bar shows its progress and Cancel stops it. Notices are the messages the
 * page shows until dismissed.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'

/** A message shown on the page; errors, warnings and information all stay until dismissed. */
export type Notice = { id: number; level: 'info' | 'warning' | 'error'; text: string }

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
  /** Adds a notice. */
  notify(level: Notice['level'], text: string): void
  dismissNotice(id: number): void
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
 * The job slot and notices; `now` is the clock of the progress estimates, in ms.
 * @example const jobs = createJobs(() => performance.now()); const signal = jobs.startJob('Loading')
 */
export function createJobs(now: () => number): Jobs {
  const store = createStore<JobsState>()(() => ({ job: null, notices: [] }))
  let noticeId = 1
  let controller: AbortController | null = null
  return {
    store,
    notify(level, text) {
      store.setState((s) => ({ notices: [...s.notices, { id: noticeId++, level, text }] }))
    },
    dismissNotice(id) {
      store.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }))
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
