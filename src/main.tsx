import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App.tsx'
import { startApp } from './state/app.ts'
import { installTestApi } from './state/testApi.ts'
import './ui/app.css'

installTestApi()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
void startApp(import.meta.env.BASE_URL)
