import { LoadPanel, useFileDrop } from './LoadPanel.tsx'
import { Notices } from './Notices.tsx'
import { JobBar } from './JobBar.tsx'
import { Overview } from './Overview.tsx'
import { useApp } from './useApp.ts'

export function App() {
  const ready = useApp((s) => s.ready)
  const dragging = useFileDrop()
  return (
    <div className={`app${dragging ? ' dragging' : ''}`}>
      <header className="topbar">
        <h1>
          Glassbox <span className="tagline">explainability and fairness, in your browser — nothing leaves it</span>
        </h1>
        <LoadPanel />
      </header>
      <JobBar />
      <Notices />
      <main data-testid="main" data-ready={ready ? 'true' : 'false'}>
        {ready ? <Overview /> : <EmptyState />}
      </main>
      {dragging && <div className="dropOverlay">Drop model.json with its .bin files, a CSV and/or a schema JSON</div>}
    </div>
  )
}

function EmptyState() {
  const job = useApp((s) => s.job)
  return (
    <section className="empty">
      {job ? (
        <p>Loading…</p>
      ) : (
        <p>
          Load a TensorFlow.js model (model.json + weight files), a CSV and optionally its schema — with the buttons above or by
          dropping the files on this page — or open the built-in demo.
        </p>
      )}
    </section>
  )
}
