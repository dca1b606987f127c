import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App.tsx'
import { appStore, loadDemo } from './state/appStore.ts'
import { installTestApi } from './state/testApi.ts'
import { shareOpenHash, shareSyncStart } from './state/share.ts'
import { persistRestore, persistStart } from './state/session.ts'
import './ui/app.css'

installTestApi()
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
