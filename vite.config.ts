import { readFileSync } from 'node:fs'
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

/**
 * index.html's Content-Security-Policy, also sent as a header by `vite preview`: a <meta> policy
 * covers the page but not its workers, which take the policy of their own script's response.
 * One source: the policy is read from index.html. (Not in dev: the React refresh preamble is an
 * inline script.)
 */
const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
  readFileSync(new URL('./index.html', import.meta.url), 'utf8'),
)?.[1]
if (!csp) throw new Error('index.html has no Content-Security-Policy <meta>')

/**
 * `--mode e2e` (Playwright's and the bench's build) installs the test API and the workers' debug
 * commands (`import.meta.env.MODE === 'e2e'`); it builds into dist-e2e/ so that dist/ only ever
 * holds a production build. `vite preview --mode e2e` serves dist-e2e/.
 */
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': csp } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
  },
}))
