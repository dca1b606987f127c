import { useStore } from 'zustand'
import { app } from '../state/app.ts'

/**
 * The notices: each names the dataset it is about and, when raised again, how many times. Info
 * notices go away by themselves after a few seconds unless the pointer or the keyboard focus is
 * on them (then they stay until dismissed); errors and warnings stay until dismissed.
 */
export function Notices() {
  const notices = useStore(app.jobs.store, (s) => s.notices)
  if (!notices.length) return null
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((n) => (
        <li
          key={n.id}
          className={`notice ${n.level}`}
          data-testid={`notice-${n.level}`}
          data-dataset={n.dataset ?? ''}
          data-count={n.count}
          onMouseEnter={() => app.jobs.holdNotice(n.id)}
          onFocus={() => app.jobs.holdNotice(n.id)}
        >
          <span role={n.level === 'error' ? 'alert' : 'status'}>
            {n.dataset !== null && <span className="noticeDataset">{n.dataset}: </span>}
            {n.text}
            {n.count > 1 && (
              <span className="noticeCount" title={`raised ${n.count} times`}>
                {' '}
                ×{n.count}
              </span>
            )}
          </span>
          <button type="button" aria-label="Dismiss" onClick={() => app.jobs.dismissNotice(n.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
