import { useStore } from 'zustand'
import { app } from '../../../state/app.ts'

/**
 * The running job's progress inline, where its result will appear (the shared job bar above has
 * the Cancel button). A job whose label does not start with `prefix` is another part's: this
 * place then says it waits for it. Renders nothing when no job runs.
 */
export function JobProgress({ prefix }: { prefix: string }) {
  const job = useStore(app.jobs.store, (s) => s.job)
  if (!job) return null
  if (!job.label.startsWith(prefix))
    return <p className="muted">Waiting for the running job ({job.label})…</p>
  const frac = job.total > 0 ? Math.min(1, job.done / job.total) : 0
  return (
    <div className="inlineProgress" data-testid="explain-progress">
      <span>{job.label}…</span>
      <progress max={1} value={frac} aria-label={`${job.label}: progress`} />
      <span className="muted">{Math.round(frac * 100)}% · Cancel in the job bar above</span>
    </div>
  )
}
