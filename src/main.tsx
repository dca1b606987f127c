import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App.tsx'
import { appStore, loadDemo } from './state/appStore.ts'
import { shareOpenHash, shareSyncStart } from './state/share.ts'
import { persistRestore, persistStart } from './state/session.ts'
import './ui/app.css'

// The test API (window.__glassbox: store reads, worker probes, fault injection) exists only in the
// e2e build (`vite build --mode e2e`, as Playwright and the bench build the app): MODE is a
// build-time constant, so every other build drops this branch and the module it imports.
if (import.meta.env.MODE === 'e2e') (await import('./state/testApi.ts')).installTestApi()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
/**
 * Start-up: a shared link (#s=…) wins; else the session persisted in IndexedDB; else the
 * built-in demo — unless ?demo=0 (an empty dashboard for loading one's own files).
 */
async function start(): Promise<void> {
  shareSyncStart()
  persistStart()
  if (shareOpenHash(location.hash)) return
  if (new URLSearchParams(location.search).get('demo') === '0') {
    appStore.setState({ ready: false })
    return
  }
  if (await persistRestore()) return
  await loadDemo(import.meta.env.BASE_URL)
}
void start()
