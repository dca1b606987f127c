import { useStore } from 'zustand'
import { fmtRate } from './format.ts'
import { app } from '../state/app.ts'

const GPU = new Set(['webgl', 'webgpu'])

/**
 * Measured throughput of each tfjs backend on the loaded model (or the cached measurement of this
 * device and model shape, with when it was taken); the user may switch, re-measure, and limit the
 * model workers that global SHAP and compression runs are split over.
 */
export function BackendPanel() {
  const backends = useStore(app.backends.store, (s) => s.backends)
  const active = useStore(app.backends.store, (s) => s.activeBackend)
  const probe = useStore(app.backends.store, (s) => s.probe)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const limit = useStore(app.backends.store, (s) => s.poolLimit)
  const workers = active && GPU.has(active) ? 1 : (limit ?? app.backends.poolHardware)
  return (
    <section className="card" aria-labelledby="backend-title" data-testid="backend-panel">
      <h2 id="backend-title">Backend</h2>
      <p>
        Active: <strong data-testid="active-backend">{active ?? '—'}</strong>
      </p>
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Backend</th>
            <th scope="col">Measured</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {backends.map((b) => (
            <tr
              key={b.name}
              data-testid={`backend-${b.name}`}
              className={b.name === active ? 'active' : ''}
            >
              <th scope="row">{b.name}</th>
              <td title={b.detail ?? undefined}>
                {b.available ? (
                  fmtRate(b.rowsPerSec)
                ) : (
                  <span className="muted">{b.error ?? 'unavailable'}</span>
                )}
                {b.detail && <div className="muted small">{b.detail}</div>}
              </td>
              <td>
                {b.name !== active && b.available && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void app.backends.setBackend(b.name)}
                    data-testid={`use-${b.name}`}
                  >
                    Use
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {probe && (
        <p
          className="muted small"
          data-testid="probe-source"
          data-cached={probe.cached ? 'true' : 'false'}
        >
          {probe.cached
            ? `Cached rates, measured ${new Date(probe.measuredAt).toLocaleString()} on this device for a model of this shape.`
            : `Measured ${new Date(probe.measuredAt).toLocaleString()}; cached for this device and model shape.`}
        </p>
      )}
      <p className="small">
        <label>
          Model workers for global SHAP and compression{' '}
          <select
            value={limit ?? 0}
            data-testid="pool-limit"
            onChange={(ev) => {
              const v = Number(ev.currentTarget.value)
              app.backends.setPoolLimit(v === 0 ? null : v)
            }}
          >
            <option value={0}>all cores ({app.backends.poolHardware})</option>
            {Array.from({ length: app.backends.poolHardware }, (_, i) => i + 1).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>{' '}
        <span className="muted" data-testid="pool-workers">
          {active && GPU.has(active)
            ? `1 on ${active} (a GPU backend runs one worker)`
            : `up to ${workers} on ${active ?? 'the CPU backend'}`}
        </span>
      </p>
      <button
        type="button"
        disabled={busy}
        onClick={() => void app.backends.probeBackends(true)}
        data-testid="remeasure"
      >
        Re-measure
      </button>
    </section>
  )
}
