/**
 * The model worker's backends: which runtime is in use (the one of the session's model), its
 * backends this worker registered with their status (available, measured rate, error, adapter),
 * the active one, and how a backend is initialised. Until measured, a runtime starts on wasm,
 * then cpu — the backends that never need a GPU. Switching and measuring (which re-predict the
 * session) are jobs, in model/probe.ts.
 */
import type { BackendName } from '../../model/card.ts'
import { type RuntimeEntry, modelRuntimes } from '../../model/registry.ts'
import type { ModelRuntime } from '../../model/runtime.ts'
import type { ModelHost } from '../modelHost.ts'
import type { DeviceInfo } from '../probeCache.ts'
import type { BackendStatus } from '../protocol/model.ts'

/** The order backends are tried in before any measurement. */
const FIRST_TRIED: readonly BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu']

/** What {@link Backends.saveState} keeps. */
export type BackendsState = {
  entry: RuntimeEntry | null
  runtime: ModelRuntime | null
  active: BackendName | null
  statuses: BackendStatus[]
}

/** The host's runtime and backends (see the module doc). */
export class Backends {
  /** The runtime models open on now (null until the first init or load). */
  runtime: ModelRuntime | null = null
  active: BackendName | null = null
  statuses: BackendStatus[] = []
  private entry: RuntimeEntry | null = null
  private deviceInfo: Promise<DeviceInfo> | null = null
  private readonly host: ModelHost

  constructor(host: ModelHost) {
    this.host = host
  }

  /** The runtimes this worker opens, the default first. */
  get entries(): readonly RuntimeEntry[] {
    return this.host.opts.runtimes ?? modelRuntimes
  }

  /** Backends of the runtime in use that this worker registered, in the worker's order. */
  get names(): BackendName[] {
    return this.statuses.map((s) => s.name)
  }

  status(name: BackendName): BackendStatus {
    const st = this.statuses.find((s) => s.name === name)
    if (!st) throw new Error(`backend ${name} is not one of ${this.entry?.name ?? 'the runtime'}'s`)
    return st
  }

  /** The active backend's measured rate (rows/s), null before a measurement. */
  rate(): number | null {
    return this.active
      ? (this.statuses.find((s) => s.name === this.active)?.rowsPerSec ?? null)
      : null
  }

  /**
   * The runtime of `entry`, loaded on first use; switching runtimes starts its backends afresh
   * (none active, none measured).
   */
  async use(entry: RuntimeEntry = this.entries[0]!): Promise<ModelRuntime> {
    if (this.entry === entry && this.runtime) return this.runtime
    const runtime = await entry.load()
    this.entry = entry
    this.runtime = runtime
    this.active = null
    this.statuses = this.host.opts.backends
      .filter((b) => runtime.backends.includes(b))
      .map((name) => ({ name, available: false, rowsPerSec: null, error: null, detail: null }))
    return runtime
  }

  /** The runtime entry named `name` (a shared model's). */
  entryNamed(name: string): RuntimeEntry {
    const e = this.entries.find((r) => r.name === name)
    if (!e) throw new Error(`no ${name} runtime in this worker`)
    return e
  }

  /** Initialises `name` and makes it the one models open on; false (with the reason kept) on failure. */
  async trySet(name: BackendName): Promise<boolean> {
    const runtime = this.runtime ?? (await this.use())
    const st = this.status(name)
    try {
      await runtime.backendActivate(name)
      st.available = true
      if (name === 'webgpu') {
        const device = runtime.gpuDevice()
        if (device) this.host.device.watch(device)
      }
      return true
    } catch (e) {
      st.available = false
      st.error = st.error ?? (e as Error).message
      return false
    }
  }

  /** Re-activates `name` after a failed switch (its status stays as it was). */
  async restore(name: BackendName | null): Promise<void> {
    if (name) await this.runtime?.backendActivate(name)
  }

  /** The active backend of the runtime in use, initialising the first that works. */
  async ensure(entry?: RuntimeEntry): Promise<BackendName> {
    await this.use(entry ?? this.entry ?? this.entries[0])
    if (this.active) return this.active
    for (const name of FIRST_TRIED.filter((b) => this.names.includes(b))) {
      if (await this.trySet(name)) {
        this.active = name
        return name
      }
    }
    throw new Error(
      `no ${this.entry?.name === 'tfjs' ? 'TensorFlow.js' : (this.entry?.name ?? '')} backend could be initialised`,
    )
  }

  /** The fastest other available backend (cpu when none). */
  fallbackFor(failed: BackendName): BackendName {
    const candidates = this.statuses.filter((s) => s.name !== failed && s.available)
    candidates.sort((a, b) => (b.rowsPerSec ?? 0) - (a.rowsPerSec ?? 0))
    return candidates[0]?.name ?? 'cpu'
  }

  /** This device's description for the probe cache (asked once); null without one. */
  device(): Promise<DeviceInfo> | null {
    const describe = this.host.opts.deviceInfo
    if (!describe) return null
    this.deviceInfo ??= describe()
    return this.deviceInfo
  }

  /**
   * The runtime, active backend and statuses as they are now, to put back with {@link restoreState}
   * when a load that switched runtimes fails (the earlier session keeps its runtime).
   */
  saveState(): BackendsState {
    return {
      entry: this.entry,
      runtime: this.runtime,
      active: this.active,
      statuses: this.statuses.map((s) => ({ ...s })),
    }
  }

  /** Puts back a {@link saveState} (re-activating its backend on its runtime when it changed). */
  async restoreState(s: BackendsState): Promise<void> {
    const changed = this.runtime !== s.runtime || this.active !== s.active
    this.entry = s.entry
    this.runtime = s.runtime
    this.active = s.active
    this.statuses = s.statuses
    if (changed && s.runtime && s.active) await s.runtime.backendActivate(s.active).catch(() => {})
  }

  /** The statuses as the page gets them (copies). */
  snapshot(): BackendStatus[] {
    return this.statuses.map((b) => ({ ...b }))
  }
}
