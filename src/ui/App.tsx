import './app.css'
import { LoadPanel, useFileDrop } from './LoadPanel.tsx'
import { Notices } from './Notices.tsx'
import { JobBar } from './JobBar.tsx'
import { Overview } from './Overview.tsx'
import { app } from '../state/app.ts'
import { Tabs } from './Tabs.tsx'
import { ScopeBar } from './scope/ScopeBar.tsx'
import { ShareGate } from './ShareGate.tsx'
import { useStore } from 'zustand'
import { ExplainView } from './views/ExplainView.tsx'
import { CalibrationView } from './views/CalibrationView.tsx'
import { FairnessView } from './views/FairnessView.tsx'
import { DataView } from './views/DataView.tsx'
import { CompressionView } from './views/CompressionView.tsx'
import { MonitoringView } from './views/MonitoringView.tsx'
import { CompareView } from './views/compare/CompareView.tsx'
import { PendingPanel } from './schema/SchemaEditor.tsx'

export function App() {
  const ready = useStore(app.session.store, (s) => s.ready)
  const dragging = useFileDrop()
  const tab = useStore(app.ui.store, (s) => s.tab)
  return (
    <div className={`app${dragging ? ' dragging' : ''}`}>
      <header className="topbar">
        <h1>
          Glassbox{' '}
          <span className="tagline">
            explainability and fairness, in your browser — nothing leaves it
          </span>
        </h1>
        <LoadPanel />
      </header>
      {ready && <ScopeBar />}
      <Tabs />
      <JobBar />
      <Notices />
      <main
        id="view"
        role="tabpanel"
        aria-labelledby={`tab-${tab}`}
        data-testid="main"
        data-ready={ready ? 'true' : 'false'}
        data-tab={tab}
      >
        <PendingPanel />
        {!ready ? (
          <EmptyState />
        ) : tab === 'Overview' ? (
          <Overview />
        ) : tab === 'Explain' ? (
          <ExplainView />
        ) : tab === 'Calibration' ? (
          <CalibrationView />
        ) : tab === 'Fairness' ? (
          <FairnessView />
        ) : tab === 'Data' ? (
          <DataView />
        ) : tab === 'Compression' ? (
          <CompressionView />
        ) : tab === 'Monitoring' ? (
          <MonitoringView />
        ) : (
          <CompareView />
        )}
      </main>
      <ShareGate />
      {dragging && (
        <div className="dropOverlay">
          Drop model.json with its .bin files, a CSV or Parquet file and/or a schema JSON
        </div>
      )}
    </div>
  )
}

function EmptyState() {
  const job = useStore(app.jobs.store, (s) => s.job)
  return (
    <section className="empty">
      {job ? (
        <p>Loading…</p>
      ) : (
        <p data-testid="empty-hint">
          Load a TensorFlow.js model (model.json + weight files), a CSV or Parquet file and
          optionally its schema — with the buttons above or by dropping the files on this page, in
          any order (each waits for the others; without a schema, the schema editor helps you build
          one) — or open the built-in demo.
        </p>
      )}
    </section>
  )
}
