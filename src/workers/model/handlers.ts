/**
 * The model worker's command table: each command's job (one module per kind) and how the host
 * runs it — `retryOnLoss` jobs are rerun on another backend after a WebGPU device loss. Debug
 * commands are not here (model/debug.ts): only the e2e build and tests register them.
 */
import type { HandlerTable } from '../modelHost.ts'
import { audit, drift } from './audit.ts'
import {
  challengerClear,
  challengerLoad,
  challengerSwap,
  compare,
  compareReport,
} from './challenger.ts'
import {
  compress,
  compressFinish,
  compressMeasure,
  compressShap,
  exportVariant,
} from './compress.ts'
import { explain, whatIf } from './explain.ts'
import { attach, globalShap, shapCache, shapPlan, shapRows, shareModel } from './globalShap.ts'
import { inspect } from './inspect.ts'
import { load } from './load.ts'
import { init, probe, setBackend } from './probe.ts'

/** The standard command table of every model worker. */
export const modelHandlers: HandlerTable = {
  init: { run: init },
  load: { run: load },
  inspect: { run: inspect },
  probe: { run: probe },
  setBackend: { run: setBackend },
  explain: { run: explain, retryOnLoss: true },
  whatIf: { run: whatIf, retryOnLoss: true },
  globalShap: { run: globalShap, retryOnLoss: true },
  audit: { run: audit, retryOnLoss: true },
  drift: { run: drift, retryOnLoss: true },
  compress: { run: compress, retryOnLoss: true },
  exportVariant: { run: exportVariant },
  compressMeasure: { run: compressMeasure, retryOnLoss: true },
  compressShap: { run: compressShap, retryOnLoss: true },
  compressFinish: { run: compressFinish },
  shareModel: { run: shareModel },
  attach: { run: attach },
  shapPlan: { run: shapPlan },
  shapRows: { run: shapRows, retryOnLoss: true },
  shapCache: { run: shapCache },
  challengerLoad: { run: challengerLoad },
  challengerClear: { run: challengerClear },
  compare: { run: compare, retryOnLoss: true },
  compareReport: { run: compareReport, retryOnLoss: true },
  challengerSwap: { run: challengerSwap },
}
