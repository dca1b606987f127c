/**
 * The page's worker clients, created once: the data worker, the primary model worker, and the
 * model worker pool around it (helpers are spawned by the pool when a job is split). Components
 * never post messages themselves: store actions call these.
 */
import { createStore } from 'zustand/vanilla'
import { WorkerClient } from '../workers/client.ts'
import { ModelPool } from '../workers/pool.ts'
import type { DataRequests, DataResults, ModelRequests, ModelResults } from '../workers/protocol.ts'

export const dataWorker = new WorkerClient<DataRequests, DataResults>(
  () => new Worker(new URL('../workers/data.worker.ts', import.meta.url), { type: 'module' }),
)
const spawnModelWorker = () =>
  new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module' })
// The handshake asks for the debug commands where the page has its test API (they are
// registered in the e2e build regardless; see src/workers/model.worker.ts).
export const modelWorker = new WorkerClient<ModelRequests, ModelResults>(spawnModelWorker, () => ({
  debug: typeof window !== 'undefined' && window.__glassbox !== undefined,
}))

/** Most model workers the pool uses: the browser's logical cores, at most 8 (memory). */
export const POOL_HARDWARE = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1))

export type PoolState = {
  /** The user's limit on workers per job (1 … POOL_HARDWARE); null = all of POOL_HARDWARE. */
  limit: number | null
}

export const poolStore = createStore<PoolState>()(() => ({ limit: null }))

export function setPoolLimit(limit: number | null): void {
  if (limit === null || (Number.isInteger(limit) && limit >= 1 && limit <= POOL_HARDWARE))
    poolStore.setState({ limit })
}

export const modelPool = new ModelPool(modelWorker, {
  spawn: spawnModelWorker,
  maxWorkers: () => poolStore.getState().limit ?? POOL_HARDWARE,
})
