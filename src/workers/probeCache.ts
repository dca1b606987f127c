/**
 * The backend probe's cache key and record (pure; no browser APIs). A probe's rows/s depend on
 * the device (browser, GPU adapter, WebGL renderer, cores) and on the model's shape (input width,
 * layers and their sizes), not on its weights: a retrained model of the same architecture reuses
 * the measurement. The worker gathers the device description (deviceInfo in model.worker.ts) and
 * stores records in IndexedDB; Node tests pass an in-memory store.
 */
import { type BackendName, BackendNames, type ModelShape } from '../model/card.ts'
import type { BackendStatus } from './protocol.ts'

/** What identifies the machine a probe ran on. */
export type DeviceInfo = {
  userAgent: string
  /** navigator.hardwareConcurrency (0 when unknown). */
  cores: number
  /** WebGPU adapter: vendor, architecture, device, description, fallback flag; 'none' without one. */
  webgpu: string
  /** WebGL renderer (unmasked where allowed) and vendor; 'none' without WebGL. */
  webgl: string
}

/** One cached probe. */
export type ProbeRecord = {
  version: 1
  /** When it was measured (ms since the epoch). */
  at: number
  active: BackendName
  backends: BackendStatus[]
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The cache key of a probe: device and model shape, as a stable string (IndexedDB key). Equal
 * inputs give equal keys; any field that differs gives a different key.
 */
export function probeCacheKey(device: DeviceInfo, shape: ModelShape): string {
  return JSON.stringify([
    'probe/v1',
    device.userAgent,
    device.cores,
    device.webgpu,
    device.webgl,
    shape.format,
    shape.inputWidth,
    shape.outputWidth,
    shape.parameters,
    shape.layers,
    shape.weightDtypes,
  ])
}

/** A stored value read back: a well-formed record, or null (old version, corrupt, foreign). */
export function probeRecordParse(v: unknown): ProbeRecord | null {
  if (!isRecord(v) || v.version !== 1 || typeof v.at !== 'number' || !Array.isArray(v.backends))
    return null
  if (!BackendNames.includes(v.active as BackendName)) return null
  const backends: BackendStatus[] = []
  for (const b of v.backends) {
    if (!isRecord(b) || !BackendNames.includes(b.name as BackendName)) return null
    const rate = b.rowsPerSec
    if (!(rate === null || (typeof rate === 'number' && rate > 0 && Number.isFinite(rate))))
      return null
    backends.push({
      name: b.name as BackendName,
      available: b.available === true,
      rowsPerSec: rate as number | null,
      error: typeof b.error === 'string' ? b.error : null,
      detail: typeof b.detail === 'string' ? b.detail : null,
    })
  }
  const active = backends.find((b) => b.name === v.active)
  if (!active?.available || active.rowsPerSec === null) return null
  return { version: 1, at: v.at, active: v.active as BackendName, backends }
}

/**
 * The IndexedDB database and object store of the browser's probe cache (model.worker.ts; the e2e
 * tests seed it): records under probeCacheKey, out-of-line keys.
 */
export const PROBE_DB = 'glassbox-probe'
export const PROBE_STORE = 'probes'

/** Where probe records live (IndexedDB in the worker, a Map in tests). */
export type ProbeStore = {
  get(key: string): Promise<unknown>
  set(key: string, value: ProbeRecord): Promise<void>
}
