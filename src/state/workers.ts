/**
 * The page's two worker clients, created once. Components never post messages themselves:
 * store actions call these.
 */
import { WorkerClient } from '../workers/client.ts'
import type { DataReq, ModelReq } from '../workers/protocol.ts'

export const dataWorker = new WorkerClient<DataReq>(
  () => new Worker(new URL('../workers/data.worker.ts', import.meta.url), { type: 'module' }),
)
export const modelWorker = new WorkerClient<ModelReq>(
  () => new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module' }),
)
