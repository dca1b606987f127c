import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer, precise timers). tfjs's
// threaded wasm build breaks after minification here (see docs/architecture.md), so the
// workers force the SIMD build; the headers stay because they cost nothing and keep
// `crossOriginIsolated` true for performance.now() resolution in the backend probe.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
}

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
})
