/**
 * Typed messages between the page and the workers, one module per worker (protocol/data.ts,
 * protocol/model.ts, protocol/stats.ts) over a shared envelope (protocol/common.ts), gathered
 * here. Both sides import them; they have no runtime dependencies beyond constants. Every request
 * carries an id; responses echo it. Typed arrays travel as transferables (codes of a Table,
 * predictions, encoded rows).
 */
import { CommonCmd } from './protocol/common.ts'
import { DataCmd, type DataRequests } from './protocol/data.ts'
import type { ModelCmdName } from './protocol/model.ts'

export * from './protocol/common.ts'
export * from './protocol/data.ts'
export * from './protocol/model.ts'
export * from './protocol/stats.ts'
export * from './protocol/compare.ts'
export { type BackendName, BackendNames } from '../model/card.ts'

/** Command names of the data and model workers (the stats worker's are StatsCmd). */
export const Cmd = {
  ...CommonCmd,
  ...DataCmd,
  Load: 'load',
  Probe: 'probe',
  SetBackend: 'setBackend',
  LoseDevice: 'loseDevice',
  Memory: 'memory',
  Explain: 'explain',
  GlobalShap: 'globalShap',
  Audit: 'audit',
  WhatIf: 'whatIf',
  Compress: 'compress',
  ExportVariant: 'exportVariant',
  Drift: 'drift',
  BenchPredict: 'benchPredict',
  Fault: 'fault',
  // Worker pool (src/workers/pool.ts): the primary shares its model and plans split jobs;
  // helpers attach the model and run pieces; any worker runs a piece.
  ShareModel: 'shareModel',
  Attach: 'attach',
  ShapPlan: 'shapPlan',
  ShapRows: 'shapRows',
  ShapCache: 'shapCache',
  CompressMeasure: 'compressMeasure',
  CompressShap: 'compressShap',
  CompressFinish: 'compressFinish',
} as const satisfies Record<string, ModelCmdName | keyof DataRequests>
