/**
 * Browser figures: builds the app, serves it with `vite preview`, opens it in Chromium through
 * Playwright and drives the model worker through `window.__glassbox` on every backend the worker
 * reports as available (bench/browserPage.ts has the figures). Also reads what the page says
 * about the machine: each backend's adapter, the WebGL renderer, cores seen by the page.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { type Browser, chromium } from '@playwright/test'
import {
  chromiumArgs as chromiumArgsJs,
  chromiumPath as chromiumPathJs,
  // @ts-expect-error plain .mjs helper shared with playwright.config.ts
} from '../scripts/chromium-path.mjs'
import type { BackendName, BackendStatus } from '../src/workers/protocol.ts'
import { root } from './demo.ts'
import { type Figure, failedFigure } from './report.ts'
import { type BrowserInputs, browserBackendFigures } from './browserPage.ts'
import { TreeMemory } from './memory.ts'

/** The Chromium the bench launches ($CHROMIUM_PATH, Debian's, or Playwright's), or null. */
export const chromiumPath = chromiumPathJs as () => string | null
/** Chromium's switches, as the e2e tests launch it (scripts/chromium-path.mjs). */
export const chromiumArgs = chromiumArgsJs as () => string[]

/** Port of the bench's preview server (GLASSBOX_BENCH_PORT to run beside another checkout). */
export const PORT = Number(process.env.GLASSBOX_BENCH_PORT ?? 4174)
/** The preview server's address. */
export const BASE = `http://localhost:${PORT}`

/** Runs a command to completion; rejects with the tail of its output on a non-zero exit. */
export function runCommand(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-4000))
    p.stdout.on('data', keep)
    p.stderr.on('data', keep)
    p.on('error', reject)
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`)),
    )
  })
}

/** Starts `vite preview` in its own process group and waits until it answers. */
export async function startPreview(): Promise<ChildProcess> {
  const p = spawn(
    'npx',
    ['vite', 'preview', '--mode', 'e2e', '--port', String(PORT), '--strictPort'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  let out = ''
  p.stdout?.on('data', (b: Buffer) => void (out += b.toString()))
  p.stderr?.on('data', (b: Buffer) => void (out += b.toString()))
  const t0 = Date.now()
  while (Date.now() - t0 < 30_000) {
    if (p.exitCode !== null)
      throw new Error(`vite preview exited ${p.exitCode}: ${out.slice(-2000)}`)
    try {
      if ((await fetch(BASE)).ok) return p
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  stopPreview(p)
  throw new Error(`vite preview did not answer on ${BASE} within 30 s: ${out.slice(-2000)}`)
}

/** Ends the preview server's process group (npx → node vite), by its id only. */
export function stopPreview(p: ChildProcess): void {
  if (p.pid === undefined || p.exitCode !== null) return
  try {
    process.kill(-p.pid, 'SIGTERM')
  } catch {
    // already gone
  }
}

/** The browser part's figures and what it could not measure. */
export type BrowserRun = {
  figures: Figure[]
  skipped: boolean
  note: string | null
  chromium: string | null
  backends: BackendStatus[]
  /** What the page reports about the machine (WebGL renderer, WebGPU adapter, cores, …). */
  page: Record<string, string | number | null>
}

/**
 * All browser figures. Missing Chromium → skipped with a note; a failure of one backend is noted
 * on its figures and the others still run; a build or server failure throws.
 */
export async function browserFigures(
  inputs: BrowserInputs,
  log: (s: string) => void,
): Promise<BrowserRun> {
  const exe = chromiumPath()
  if (!exe)
    return {
      figures: [],
      skipped: true,
      note: 'Chromium not found: browser figures skipped',
      chromium: null,
      backends: [],
      page: {},
    }
  return withBenchBrowser(exe, 'browser', log, async (browser, server) => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${BASE}/`, { waitUntil: 'commit' })
    await page.waitForFunction(
      () => {
        const s = window.__glassbox?.state()
        return !!s && s.ready && !s.job && s.backends.some((b) => b.rowsPerSec !== null)
      },
      null,
      { timeout: 180_000 },
    )
    const backends = await page.evaluate(() => window.__glassbox!.state().backends)
    const pageInfo = await page.evaluate(pageMachine)
    const mem = new TreeMemory(process.pid, new Set(server.pid === undefined ? [] : [server.pid]))
    const figures: Figure[] = []
    const notes: string[] = []
    const order: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu']
    for (const name of order) {
      const st = backends.find((b) => b.name === name)
      if (!st?.available) {
        notes.push(`${name}: unavailable (${st?.error ?? 'not reported'})`)
        continue
      }
      log(`browser ${name}: ${st.rowsPerSec ? Math.round(st.rowsPerSec) : '?'} rows/s probed`)
      try {
        await browserBackendFigures(page, st, inputs, mem, log, figures)
      } catch (e) {
        if (e instanceof TypeError || e instanceof ReferenceError) throw e // a bug in the bench
        const msg = (e as Error).message
        notes.push(`${name}: failed (${msg})`)
        mem.stop()
        figures.push(
          failedFigure({ name: 'backend', backend: name, where: 'browser', unit: '' }, msg),
        )
        if (msg.includes('took longer than')) break // the worker is stuck; later requests would queue behind
      }
    }
    if (errors.length) notes.push(`page errors: ${errors.slice(0, 3).join(' | ')}`)
    const chromiumVersion = browser.version()
    return {
      figures,
      skipped: false,
      note: notes.join('; ') || null,
      chromium: chromiumVersion,
      backends,
      page: pageInfo,
    }
  })
}

/**
 * Builds the e2e app (into dist-e2e/: it installs window.__glassbox and the workers' bench
 * commands), serves it with `vite preview`, launches Chromium `exe` (WebGPU enabled) and runs
 * `fn`; closes the browser and stops the server however `fn` ends.
 */
export async function withBenchBrowser<T>(
  exe: string,
  part: string,
  log: (s: string) => void,
  fn: (browser: Browser, server: ChildProcess) => Promise<T>,
): Promise<T> {
  log(`${part}: vite build --mode e2e`)
  await runCommand('npx', ['vite', 'build', '--mode', 'e2e'])
  const server = await startPreview()
  let browser: Browser | null = null
  try {
    browser = await chromium.launch({
      executablePath: exe,
      args: chromiumArgs(),
    })
    return await fn(browser, server)
  } finally {
    await browser?.close().catch(() => {})
    stopPreview(server)
  }
}

/** Runs in the page: what it can say about the machine and its graphics adapters. */
async function pageMachine(): Promise<Record<string, string | number | null>> {
  const out: Record<string, string | number | null> = {
    hardwareConcurrency: navigator.hardwareConcurrency ?? null,
    crossOriginIsolated: String(self.crossOriginIsolated),
    userAgent: navigator.userAgent,
  }
  try {
    const gl = document.createElement('canvas').getContext('webgl2')
    const ext = gl?.getExtension('WEBGL_debug_renderer_info')
    out.webglRenderer = gl
      ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
      : 'no WebGL2 context'
    out.webglVendor = gl
      ? String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR))
      : null
  } catch (e) {
    out.webglRenderer = `error: ${(e as Error).message}`
  }
  try {
    const a = await navigator.gpu?.requestAdapter()
    out.webgpuAdapter = a
      ? [a.info.vendor, a.info.architecture, a.info.device, a.info.description]
          .filter(Boolean)
          .join(' ') || 'unnamed adapter'
      : 'no adapter'
    if (a && (a.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter)
      out.webgpuAdapter += ' (fallback adapter)'
  } catch (e) {
    out.webgpuAdapter = `error: ${(e as Error).message}`
  }
  return out
}
