import { useStore } from 'zustand'
import { lockedFeatures, withLockedFeatures } from '../../../core/views/cfLocks.ts'
import { app } from '../../../state/app.ts'

/**
 * Checkboxes that lock features for the counterfactual search (a locked feature never changes in
 * a counterfactual). Sensitive attributes start locked. The locks live in the explanation
 * settings, so the Data tab's counterfactuals obey them too; they apply to the next search.
 */
export function CounterfactualLocks() {
  const settings = useStore(app.explain.store, (s) => s.settings)
  const schema = useStore(app.session.store, (s) => s.schema?.schema ?? null)
  if (!schema) return null
  const locked = new Set(lockedFeatures(schema, settings))
  const toggle = (name: string, on: boolean) => {
    const next = schema.features.map((f) => f.name).filter((n) => (n === name ? on : locked.has(n)))
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, next))
  }
  return (
    <fieldset className="cfLocks" data-testid="cf-locks">
      <legend title="A locked feature never changes in a counterfactual (the Data tab's too); sensitive attributes start locked">
        Locked for counterfactuals
      </legend>
      {schema.features.map((f) => (
        <label key={f.name} className="cfLock">
          <input
            type="checkbox"
            checked={locked.has(f.name)}
            data-testid={`cf-lock-${f.name}`}
            onChange={(ev) => toggle(f.name, ev.currentTarget.checked)}
          />{' '}
          {f.name}
          {schema.sensitive.includes(f.name) && <span className="muted"> (sensitive)</span>}
        </label>
      ))}
    </fieldset>
  )
}
