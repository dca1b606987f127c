/**
 * The Compression tab: which variants to build, the options of the comparison, the results, and
 * downloads of a variant as a tfjs model. Work runs in the model worker (progress, cancel).
 */
import { createStore } from 'zustand/vanilla'
import { QUANT_SCHEME_IDS, type QuantSchemeId } from '../core/quantize/schemes.ts'
import type { CompressionResult } from '../model/compression.ts'
import type { WorkerError } from '../workers/client.ts'
import { appStore, endJob, notify, progress, startJob } from './appStore.ts'
import { downloadText } from './reportStore.ts'
import { modelPool, modelWorker } from './workers.ts'

export type CompressionState = {
  ids: QuantSchemeId[]
  calibrationRows: number
  shapRows: number
  tolerance: number
  result: CompressionResult | null
  /** Threshold the result was computed at (the comparison uses decisions at it). */
  resultThreshold: number | null
  /** Model workers that computed the result and their backend. */
  resultWorkers: { workers: number; backend: string } | null
}

export const compressionStore = createStore<CompressionState>()(() => ({
  ids: [...QUANT_SCHEME_IDS],
  calibrationRows: 200,
  shapRows: 50,
  tolerance: 0.02,
  result: null,
  resultThreshold: null,
  resultWorkers: null,
}))

appStore.subscribe((s, prev) => {
  if (s.model !== prev.model || s.data !== prev.data || s.schema !== prev.schema)
    compressionStore.setState({ result: null, resultThreshold: null, resultWorkers: null })
})

export function setCompressionOptions(
  patch: Partial<Omit<CompressionState, 'result' | 'resultThreshold' | 'resultWorkers'>>,
): void {
  compressionStore.setState(patch)
}

/** Builds and evaluates every chosen variant against float32. */
export async function runCompression(): Promise<void> {
  const { ids, calibrationRows, shapRows, tolerance } = compressionStore.getState()
  if (!ids.length) {
    notify('error', 'Choose at least one variant to compare.')
    return
  }
  const threshold = appStore.getState().threshold
  const signal = startJob('Comparing variants')
  try {
    // The SHAP-stability rows are split over the worker pool on CPU backends.
    const run = await modelPool.compress(
      ids,
      { calibrationRows, shapRows, tolerance, threshold },
      { signal, onProgress: progress(signal) },
    )
    if (signal.aborted) return
    compressionStore.setState({
      result: run.result,
      resultThreshold: threshold,
      resultWorkers: { workers: run.workers, backend: run.backend },
    })
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError') notify('info', 'Compression comparison cancelled.')
    else notify('error', `Compression comparison failed: ${err.message}`)
  } finally {
    endJob(signal)
  }
}

/** Downloads a variant as model.json + its .bin (float16/uint8 native, others dequantized). */
export async function downloadVariant(id: QuantSchemeId): Promise<void> {
  const stem = `${appStore.getState().schema?.schema.name ?? 'model'}-${id}`
  try {
    const files = await modelWorker.request({
      cmd: 'exportVariant',
      variant: id,
      baseName: stem,
    })
    downloadText(files.modelJson, `${stem}.json`, 'application/json')
    const a = document.createElement('a')
    a.href = URL.createObjectURL(
      new Blob([files.bin as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    )
    a.download = `${stem}.bin`
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  } catch (e) {
    notify('error', `Export of ${id} failed: ${(e as Error).message}`)
  }
}
