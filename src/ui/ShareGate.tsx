import { useSyncExternalStore } from 'react'
import { share } from '../state/app.ts'

/**
 * Asks before a shared link fetches a model or data from another origin: shows every origin the
 * load will touch with its URLs (weight shards only ever come from the model's own origin) and
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
        <p>
          This link asks to load its model or data from{' '}
          {p.foreign.length === 1 ? 'another site' : `${p.foreign.length} other sites`}:
        </p>
        <ul data-testid="share-gate-origins">
          {p.foreign.map((o) => (
            <li key={o.origin}>
              <span className="mono wrap" data-testid="share-gate-origin">
                {o.origin}
              </span>
              <ul>
                {o.urls.map((u) => (
                  <li key={u} className="mono wrap">
                    {u}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        <p>
          Nothing has been requested from these sites yet. Load them only if you trust the link. A
          model’s weight files load only from the model’s own site.
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
