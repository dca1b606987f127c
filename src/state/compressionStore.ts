/**
 * The Compression tab: which variants to build, the options of the comparison, the results, and
 * downloads of a variant as a tfjs model. Work runs in the model worker pool (progress, cancel).
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { QUANT_SCHEME_IDS, type QuantSchemeId } from '../core/quantize/schemes.ts'
import type { CompressionResult } from '../model/compression.ts'
import type { Jobs } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'

/** The variants to compare, the comparison's options and its result. */
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

/** The options a user sets (everything but the result). */
export type CompressionOptionsPatch = Partial<
  Omit<CompressionState, 'result' | 'resultThreshold' | 'resultWorkers'>
>

/** The compression store and its actions. */
export type CompressionStore = {
  readonly store: StoreApi<CompressionState>
  setOptions(patch: CompressionOptionsPatch): void
  /** Builds and evaluates every chosen variant against float32. */
  run(): Promise<void>
  /** Downloads a variant as model.json + its .bin (float16/uint8 native, others dequantized). */
  downloadVariant(id: QuantSchemeId): Promise<void>
  /** A result belongs to a model, data and schema: a new one clears it. */
  clearResult(): void
}

/** The stores a comparison reads. */
export type CompressionInputs = { jobs: Jobs; session: Session; metrics: MetricsStore }

/**
 * The compression store.
 * @example const compression = createCompression(deps, inputs); await compression.run()
 */
export function createCompression(
  deps: Pick<StateDeps, 'model' | 'pool' | 'download'>,
  { jobs, session, metrics }: CompressionInputs,
): CompressionStore {
  const store = createStore<CompressionState>()(() => ({
    ids: [...QUANT_SCHEME_IDS],
    calibrationRows: 200,
    shapRows: 50,
    tolerance: 0.02,
    result: null,
    resultThreshold: null,
    resultWorkers: null,
  }))
  const { notify, startJob, endJob, progress } = jobs
  return {
    store,
    setOptions: (patch) => store.setState(patch),
    async run() {
      const { ids, calibrationRows, shapRows, tolerance } = store.getState()
      if (!ids.length) {
        notify('error', 'Choose at least one variant to compare.')
        return
      }
      const threshold = metrics.store.getState().threshold
      const signal = startJob('Comparing variants')
      try {
        // The SHAP-stability rows are split over the worker pool on CPU backends.
        const run = await deps.pool.compress(
          ids,
          { calibrationRows, shapRows, tolerance, threshold },
          { signal, onProgress: progress(signal) },
        )
        if (signal.aborted) return
        store.setState({
          result: run.result,
          resultThreshold: threshold,
          resultWorkers: { workers: run.workers, backend: run.backend },
        })
      } catch (e) {
        if (isAbortError(e)) notify('info', 'Compression comparison cancelled.')
        else notify('error', `Compression comparison failed: ${errorMessage(e)}`)
      } finally {
        endJob(signal)
      }
    },
    async downloadVariant(id) {
      const stem = `${session.store.getState().schema?.schema.name ?? 'model'}-${id}`
      try {
        const files = await deps.model.request({
          cmd: 'exportVariant',
          variant: id,
          baseName: stem,
        })
        deps.download(new Blob([files.modelJson], { type: 'application/json' }), `${stem}.json`)
        deps.download(
          new Blob([files.bin as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
          `${stem}.bin`,
        )
      } catch (e) {
        notify('error', `Export of ${id} failed: ${errorMessage(e)}`)
      }
    },
    clearResult: () => store.setState({ result: null, resultThreshold: null, resultWorkers: null }),
  }
}
