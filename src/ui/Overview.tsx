import './Overview.css'
import { ModelCard, DatasetCard } from './Cards.tsx'
import { BackendPanel } from './BackendPanel.tsx'
import { PerformancePanel } from './PerformancePanel.tsx'
import { SchemaPanel } from './SchemaPanel.tsx'
import { ReportPanel } from './ReportPanel.tsx'

/** The overview: what is loaded, where it runs, and how well the model performs. */
export function Overview() {
  return (
    <div className="overview">
      <div className="cardRow">
        <ModelCard />
        <DatasetCard />
        <BackendPanel />
      </div>
      <SchemaPanel />
      <PerformancePanel />
      <ReportPanel />
    </div>
  )
}
