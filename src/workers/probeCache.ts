/**
 * The backend probe's cache key and record (pure; no browser APIs). A probe's rows/s depend on
 * the device (browser, GPU adapter, WebGL renderer, cores) and on the model's shape (input width,
 * layers and their sizes), not on its weights: a retrained model of the same architecture reuses
 * the measurement. The worker gathers the device description (deviceInfo in model.worker.ts) and
 * stores records in IndexedDB; Node tests pass an in-memory store.
 */
import type { BackendName, BackendStatus } from './protocol.ts'
import { BackendNames } from './protocol.ts'

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

/** The architecture of a model: what its speed depends on besides the device. */
export type ModelShape = {
  format: string
  inputWidth: number
  outputWidth: number
  parameters: number
  /** Per layer (LayersModel) or op (GraphModel): class/op name with its size and activation. */
  layers: string[]
  /** Weight dtypes after dequantization (a float16 model computes like float32 but loads differently). */
  weightDtypes: string[]
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

/** A layer's config distilled to what changes its cost: size, activation, kernel, rate. */
function layerSummary(layer: unknown): string {
  if (!isRecord(layer)) return '?'
  const cls = typeof layer.class_name === 'string' ? layer.class_name : '?'
  const cfg = isRecord(layer.config) ? layer.config : {}
  const parts = [cls]
  for (const k of [
    'units',
    'activation',
    'filters',
    'kernel_size',
    'rate',
    'batch_input_shape',
    'use_bias',
  ]) {
    if (cfg[k] !== undefined) parts.push(`${k}=${JSON.stringify(cfg[k])}`)
  }
  return parts.join(' ')
}

/**
 * The shape of a model from its topology (artifacts.modelTopology) and model card numbers.
 * Weights never enter it.
 */
export function modelShape(
  topology: unknown,
  info: {
    format: string
    inputWidth: number
    outputWidth: number
    parameters: number
    weightDtypes: string[]
  },
): ModelShape {
  let layers: string[] = []
  if (isRecord(topology)) {
    if (Array.isArray(topology.node)) {
      // GraphModel: the compute ops in order (constants and placeholders say nothing about cost).
      layers = topology.node
        .filter(isRecord)
        .map((n) => String(n.op ?? '?'))
        .filter((op) => op !== 'Const' && op !== 'Placeholder' && op !== 'Identity')
    } else {
      const cfg = isRecord(topology.model_config) ? topology.model_config.config : undefined
      const list = isRecord(cfg) ? cfg.layers : Array.isArray(cfg) ? cfg : undefined
      if (Array.isArray(list)) layers = list.map(layerSummary)
    }
  }
  return {
    format: info.format,
    inputWidth: info.inputWidth,
    outputWidth: info.outputWidth,
    parameters: info.parameters,
    layers,
    weightDtypes: [...info.weightDtypes],
  }
}

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

/** Where probe records live (IndexedDB in the worker, a Map in tests). */
export type ProbeStore = {
  get(key: string): Promise<unknown>
  set(key: string, value: ProbeRecord): Promise<void>
}
