import { dismissNotice } from '../state/appStore.ts'
import { useApp } from './useApp.ts'

export function Notices() {
  const notices = useApp((s) => s.notices)
  if (!notices.length) return null
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((n) => (
        <li key={n.id} className={`notice ${n.level}`} data-testid={`notice-${n.level}`}>
          <span role={n.level === 'error' ? 'alert' : 'status'}>{n.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
