/**
 * The page's real dependencies of the stores: the data worker, the primary model worker and the
 * pool around it (helpers are spawned by the pool when a job is split), the stats worker (started
 * on demand), the clock, fetch and downloads. Called once, by src/state/app.ts.
 */
import { WorkerClient } from '../workers/client.ts'
import { ModelPool } from '../workers/pool.ts'
import type { DataRequests, DataResults, ModelRequests, ModelResults } from '../workers/protocol.ts'
import { downloadBlob } from './download.ts'
import type { StateDeps } from './ports.ts'
import { statsRequest } from './statsWorker.ts'

/** The real dependencies plus the worker objects the test API drives directly. */
export type BrowserDeps = StateDeps & {
  readonly modelWorker: WorkerClient<ModelRequests, ModelResults>
  readonly modelPool: ModelPool
}

/**
 * Creates the page's workers and wraps them as the stores' dependencies.
 * @param maxWorkers most model workers a job may use, read at every job (the pool limit)
 */
export function browserDeps(maxWorkers: () => number): BrowserDeps {
  const data = new WorkerClient<DataRequests, DataResults>(
    () => new Worker(new URL('../workers/data.worker.ts', import.meta.url), { type: 'module' }),
  )
  const spawnModelWorker = () =>
    new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module' })
  const model = new WorkerClient<ModelRequests, ModelResults>(spawnModelWorker)
  const pool = new ModelPool(model, { spawn: spawnModelWorker, maxWorkers })
  return {
    data,
    model,
    stats: { request: statsRequest },
    pool,
    // The browser's logical cores, at most 8 (memory).
    poolHardware: Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1)),
    fetch: (url, init) => fetch(url, init),
    now: () => performance.now(),
    download: downloadBlob,
    modelWorker: model,
    modelPool: pool,
  }
}
