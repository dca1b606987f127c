import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Plugin, defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer, precise timers). tfjs's
// threaded wasm build breaks after minification here (see docs/architecture.md), so the
// workers force the SIMD build; the headers stay because they cost nothing and keep
// `crossOriginIsolated` true for performance.now() resolution in the backend probe.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
}

/** index.html's Content-Security-Policy `<meta>` (the policy is its `content`). */
const CSP_META = /(http-equiv="Content-Security-Policy"\s+content=")([^"]+)(")/

/**
 * index.html's Content-Security-Policy — the one source of the page's policy. The production
 * build keeps the `<meta>` as written and `vite preview` also sends it as a header (a `<meta>`
 * policy covers the page but not its workers, which take the policy of their own script's
 * response). The dev server serves the `<meta>` with `cspDev` applied (below).
 */
const csp = CSP_META.exec(readFileSync(new URL('./index.html', import.meta.url), 'utf8'))?.[2]
if (!csp) throw new Error('index.html has no Content-Security-Policy <meta>')

/**
 * `policy` with `sources` added to its directive `name` (the directive is appended when the
 * policy lacks it; a source it already lists is not repeated).
 * @example cspAllow("style-src 'self'", 'style-src', "'nonce-x'") // "style-src 'self' 'nonce-x'"
 */
export function cspAllow(policy: string, name: string, ...sources: string[]): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
  const i = directives.findIndex((d) => d.split(/\s+/)[0] === name)
  const have = i < 0 ? [name] : directives[i]!.split(/\s+/)
  const next = [...have, ...sources.filter((s) => !have.includes(s))].join(' ')
  if (i < 0) directives.push(next)
  else directives[i] = next
  return directives.join('; ')
}

/**
 * The dev server's policy: the strict one plus exactly what Vite's dev server needs, a nonce
 * (`html.cspNonce`, which Vite puts on the tags it writes and on the `<style>` tags its client
 * injects for every imported stylesheet) on script-src (the React refresh preamble is an inline
 * module script) and on style-src. The HMR websocket needs nothing: it connects to the page's own
 * host and port, which connect-src 'self' covers.
 * @example cspDev("script-src 'self'; style-src 'self'", 'n') // adds 'nonce-n' to both
 */
export function cspDev(policy: string, nonce: string): string {
  const n = `'nonce-${nonce}'`
  return cspAllow(cspAllow(policy, 'script-src', n), 'style-src', n)
}

/** Serves index.html with the dev policy (`vite` / `npm start` only; never build or preview). */
function devPolicy(nonce: string): Plugin {
  return {
    name: 'glassbox:dev-csp',
    apply: (_, env) => env.command === 'serve' && !env.isPreview,
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => html.replace(CSP_META, (_, a, p: string, b) => a + cspDev(p, nonce) + b),
    },
  }
}

/**
 * `--mode e2e` (Playwright's and the bench's build) installs the test API and the workers' debug
 * commands (`import.meta.env.MODE === 'e2e'`); it builds into dist-e2e/ so that dist/ only ever
 * holds a production build. `vite preview --mode e2e` serves dist-e2e/.
 */
export default defineConfig(({ command, isPreview, mode }) => {
  const dev = command === 'serve' && !isPreview
  // A fresh nonce per dev-server start (the dev server is local; the build has none).
  const nonce = randomBytes(16).toString('base64')
  return {
    plugins: [react(), devPolicy(nonce)],
    ...(dev ? { html: { cspNonce: nonce } } : {}),
    worker: { format: 'es' },
    // The dev server's dependency scan starts from index.html and does not follow
    // `new Worker(new URL(…))`: without the workers as entries, the libraries only they import
    // (tfjs and its backends, onnxruntime-web, papaparse) were found while the page loaded, and
    // a first `npm start` reloaded the page twice to re-bundle them.
    optimizeDeps: { entries: ['index.html', 'src/workers/*.worker.ts'] },
    server: { headers: isolation },
    preview: { headers: { ...isolation, 'Content-Security-Policy': csp } },
    build: {
      target: 'es2022',
      chunkSizeWarningLimit: 4000,
      outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    },
  }
})
