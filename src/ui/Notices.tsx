import { useStore } from 'zustand'
import { app } from '../state/app.ts'

export function Notices() {
  const notices = useStore(app.jobs.store, (s) => s.notices)
  if (!notices.length) return null
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((n) => (
        <li key={n.id} className={`notice ${n.level}`} data-testid={`notice-${n.level}`}>
          <span role={n.level === 'error' ? 'alert' : 'status'}>{n.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => app.jobs.dismissNotice(n.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
