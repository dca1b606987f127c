import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App.tsx'
import { startApp } from './state/app.ts'
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
void startApp(import.meta.env.BASE_URL)
