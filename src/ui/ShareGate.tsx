import { useSyncExternalStore } from 'react'
import { share } from '../state/app.ts'

/**
 * Asks before a shared link fetches a model or data from another origin: shows the URLs and
 * fetches nothing until the user accepts.
 */
export function ShareGate() {
  const p = useSyncExternalStore(share.pendingLink.subscribe, share.pendingLink.get)
  if (!p) return null
  return (
    <div className="gateBackdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="gate-title"
        className="gate"
        data-testid="share-gate"
      >
        <h2 id="gate-title">Load files from another site?</h2>
        <p>This link asks to load its model or data from outside this site:</p>
        <ul>
          {p.foreign.map((u) => (
            <li key={u} className="mono wrap">
              {u}
            </li>
          ))}
        </ul>
        <p>
          Nothing has been requested from these addresses yet. Load them only if you trust the link.
        </p>
        <button type="button" onClick={() => share.pendingDecide(true)} data-testid="gate-accept">
          Load them
        </button>{' '}
        <button
          type="button"
          onClick={() => share.pendingDecide(false)}
          data-testid="gate-reject"
          autoFocus
        >
          Don’t load
        </button>
      </div>
    </div>
  )
}
