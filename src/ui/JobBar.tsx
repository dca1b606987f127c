import { useStore } from 'zustand'
import { app } from '../state/app.ts'

/** Progress of the running job with an estimate of the time left, and a Cancel button. */
export function JobBar() {
  const job = useStore(app.jobs.store, (s) => s.job)
  if (!job) return null
  const frac = job.total > 0 ? Math.min(1, job.done / job.total) : 0
  const eta = job.etaSeconds
  return (
    <div className="jobbar" role="status" aria-live="polite" data-testid="job">
      <span className="jobLabel">{job.label}</span>
      <progress max={1} value={frac} aria-label={job.label} />
      <span className="jobPct">{Math.round(frac * 100)}%</span>
      {eta !== null && <span className="jobEta">~{eta < 1 ? '<1' : eta.toFixed(0)} s left</span>}
      <button type="button" onClick={app.jobs.cancelJob} data-testid="cancel-job">
        Cancel
      </button>
    </div>
  )
}
