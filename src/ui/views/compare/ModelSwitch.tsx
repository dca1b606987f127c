import { useStore } from 'zustand'
import { app } from '../../../state/app.ts'

/**
 * "Show: champion | challenger" in the scope bar, once a challenger is loaded: every view shows
 * the model picked (the session becomes that model's); the Compare tab keeps its roles.
 */
export function ModelSwitch() {
  const ch = useStore(app.compare.store, (s) => s.challenger)
  const shown = useStore(app.compare.store, (s) => s.shown)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  if (!ch) return null
  return (
    <div
      className="buttonGroup modelSwitch"
      role="group"
      aria-label="Model shown"
      data-shown={shown}
      data-testid="model-switch"
    >
      <span className="scopeLabel">Show</span>{' '}
      {(['champion', 'challenger'] as const).map((w) => (
        <button
          key={w}
          type="button"
          aria-pressed={shown === w}
          disabled={busy && shown !== w}
          data-testid={`show-${w}`}
          title={
            w === 'challenger'
              ? `Every view shows ${ch.info.name}`
              : 'Every view shows the champion'
          }
          onClick={() => void app.compare.show(w)}
        >
          {w}
        </button>
      ))}
    </div>
  )
}
