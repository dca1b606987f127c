import { probeBackends, setBackend } from '../state/appStore.ts'
import { fmtRate } from './format.ts'
import { useApp } from './useApp.ts'

/** Measured throughput of each tfjs backend on the loaded model; the user may switch. */
export function BackendPanel() {
  const backends = useApp((s) => s.backends)
  const active = useApp((s) => s.activeBackend)
  const busy = useApp((s) => s.job !== null)
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
                    onClick={() => void setBackend(b.name)}
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
      <button type="button" disabled={busy} onClick={() => void probeBackends()}>
        Re-measure
      </button>
    </section>
  )
}
