import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App.tsx'
import { appStore, loadDemo } from './state/appStore.ts'
import { installTestApi } from './state/testApi.ts'
import './ui/app.css'

installTestApi()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
// Open on the built-in demo unless ?demo=0 (an empty dashboard for loading one's own files).
if (new URLSearchParams(location.search).get('demo') !== '0') void loadDemo(import.meta.env.BASE_URL)
else appStore.setState({ ready: false })
