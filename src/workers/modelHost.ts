/**
 * The model worker's logic, importable in Node: holds the loaded model (on the active tfjs
 * backend), the encoded data and the predictions; loads transactionally (a failed load leaves
 * the previous state untouched); measures backends; survives WebGPU device loss by falling back.
 */
import * as tf from '@tensorflow/tfjs'
import { DataError, encodeFeatureMatrix, encodeTable } from '../core/encode.ts'
import type { Schema } from '../core/schema.ts'
import { schemaWidth } from '../core/schema.ts'
import type { Table } from '../core/table.ts'
import { type Matrix, matrix } from '../core/types.ts'
import { ModelError, modelArtifacts, modelFetch, modelJsonParse } from '../model/artifacts.ts'
import {
  type LoadedModel,
  OutOfMemoryError,
  PREDICT_CHUNK_ROWS,
  tfFaults,
  tfGradFn,
  tfModelLoad,
  tfPredictFn,
} from '../model/tfModel.ts'
import { explainRows } from '../core/explain.ts'
import type { FastModel } from '../core/shap/fast/model.ts'
import { fastModelFromArtifacts, fastModelVerify } from '../core/shap/fast/detect.ts'
import { driftAnalyze } from '../core/drift/analyze.ts'
import { auditRun } from '../report/audit.ts'
import {
  COMPRESSION_DEFAULTS,
  type CompressionResult,
  auditQuantization,
  compressionAssemble,
  compressionExport,
  compressionMeasure,
  compressionPhis,
  compressionRun,
  compressionShapPlan,
  sensitiveGroups,
} from '../model/compression.ts'
import type { Report } from '../report/types.ts'
import { rngFromSeed, rngSplit, rngSplitSeed } from '../core/random.ts'
import { backgroundCreate } from '../core/shap/background.ts'
import { shapExplain } from '../core/shap/shap.ts'
import { schemaOffsets } from '../core/schema.ts'
import { predictionsClip } from '../core/loadChecks.ts'
import {
  AbortError,
  type BackendName,
  type BackendStatus,
  type BenchPredictResult,
  Cmd,
  type EncodeSummary,
  errorKind,
  type ExplainResult,
  type GlobalShapResult,
  type WhatIfResult,
  type DriftResult,
  type LoadResult,
  type ModelInput,
  type ModelReq,
  type ProbeResult,
  type Res,
  type SetBackendResult,
  type CompressMeasureResult,
  type ShapPiece,
  type ShapPieceResult,
  type ShapPlanResult,
  type SharedModel,
  type ShareModelResult,
} from './protocol.ts'
import { globalShapAssemble } from './poolSplit.ts'
import {
  type DeviceInfo,
  modelShape,
  type ProbeStore,
  probeCacheKey,
  probeRecordParse,
} from './probeCache.ts'

export type Post = (res: Res, transfer?: Transferable[]) => void

/** Everything the worker needs about the current session, replaced as a whole on load. */
type Session = {
  lm: LoadedModel
  modelName: string
  schema: Schema
  table: Table
  dataName: string
  /** sha256 of the data file; with the model's weights sha256 it keys the explanation cache. */
  dataSha256: string
  x: Matrix
  /** Feature values per row (numeric value or category index): counterfactuals move these. */
  values: Matrix
  labels: Uint8Array | null
  encode: EncodeSummary
  classIndex: number
  predictions: Float32Array
  /** Exact SHAP fast path (Dense first layer), verified against the model; null = black box. */
  fast: FastModel | null
  fastReason: string | null
}

/** Rows per prediction step between progress messages / cancel checks. */
const STEP_ROWS = 32768
/** Rows used to measure a backend. */
const PROBE_ROWS = 8192
/**
 * How long a job that failed with a GPU error waits for the device's `lost` promise: the job's
 * own read-back fails at once, the promise may settle seconds later (2.5 s on SwiftShader).
 */
const LOSS_GRACE_MS = 5000
/** Errors that come from the GPU (a read-back or submit on a dead device), not from the job. */
const GPU_ERROR = /GPU|mapAsync|device/i

const yieldToEvents = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** Reads picked/dropped files into artifacts: finds model.json among them, shards by basename. */
async function artifactsFromFiles(
  files: File[],
): Promise<{ art: tf.io.ModelArtifacts; name: string }> {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'))
  if (jsons.length === 0) {
    throw new ModelError(
      `no model.json among the selected model files (${files.map((f) => f.name).join(', ')})`,
    )
  }
  let chosen: { file: File; text: string } | null = null
  for (const f of jsons) {
    const text = await f.text()
    if (jsons.length === 1 || text.includes('"modelTopology"')) {
      chosen = { file: f, text }
      break
    }
  }
  if (!chosen)
    throw new ModelError(
      `none of ${jsons.map((f) => f.name).join(', ')} is a TensorFlow.js model.json`,
    )
  const src = { name: chosen.file.name, json: chosen.text }
  modelJsonParse(src)
  const shards = new Map<string, ArrayBuffer>()
  for (const f of files) if (f !== chosen.file) shards.set(f.name, await f.arrayBuffer())
  return { art: modelArtifacts(src, shards), name: chosen.file.name }
}

async function artifactsFrom(
  input: ModelInput,
): Promise<{ art: tf.io.ModelArtifacts; name: string }> {
  if (input.kind === 'files') return artifactsFromFiles(input.files)
  return { art: await modelFetch(input.url), name: input.url }
}

export type HostOptions = {
  /** Backends this runtime registered, in preference order for ties. */
  backends: readonly BackendName[]
  /** Called before the first setBackend(name) (e.g. wasm file paths). */
  prepare?: (name: BackendName) => void | Promise<void>
  /** Where probe results are cached by device and model shape (IndexedDB in the browser). */
  probeStore?: ProbeStore
  /** Describes this device for the probe cache key (with `probeStore`). */
  deviceInfo?: () => Promise<DeviceInfo>
}

/** A helper worker's model (pool.ts): loaded from the primary's artifacts, no data. */
type ShapPlanReq = Extract<ModelReq, { cmd: 'shapPlan' }>

type Attached = {
  lm: LoadedModel
  key: string
  classIndex: number
  fast: FastModel | null
}

export class ModelHost {
  private session: Session | null = null
  private active: BackendName | null = null
  private readonly statuses: BackendStatus[]
  private readonly cancelled = new Set<number>()
  /** Global SHAP results by (model, data, schema, class, settings); cleared on every load. */
  private readonly globalCache = new Map<string, GlobalShapResult>()
  /** GPU devices whose `lost` promise is already observed (tfjs reuses one device per backend). */
  private readonly watched = new WeakSet<GPUDevice>()
  private queue: Promise<void> = Promise.resolve()
  /** WebGPU device losses seen so far: a job compares it before and after to know it was hit. */
  private deviceLosses = 0
  /** Callbacks waiting for the next device loss (lossWithin). */
  private readonly lossWaiters: (() => void)[] = []
  /** Cap on rows per model call: set by the page (load's maxChunkRows) after an out-of-memory failure. */
  private maxChunk = Infinity
  private readonly opts: HostOptions
  private post: Post = () => {}
  /** Helper workers only: the primary's model (see {@link SharedModel}). */
  private attached: Attached | null = null
  private device: Promise<DeviceInfo> | null = null

  constructor(opts: HostOptions) {
    this.opts = opts
    this.statuses = opts.backends.map((name) => ({
      name,
      available: false,
      rowsPerSec: null,
      error: null,
      detail: null,
    }))
  }

  /** Entry point: cancel is handled at once; every other request runs after the previous one. */
  handle(req: ModelReq, post: Post): Promise<void> {
    this.post = post
    if (req.cmd === Cmd.Cancel) {
      this.cancelled.add(req.target)
      return Promise.resolve()
    }
    // Like a real device loss, a simulated one strikes whatever is running: it does not wait.
    if (req.cmd === Cmd.LoseDevice) return this.run(req, post)
    const job = this.queue.then(() => this.run(req, post))
    this.queue = job.catch(() => {})
    return job
  }

  private async run(req: ModelReq, post: Post): Promise<void> {
    try {
      if (this.cancelled.has(req.id)) throw new AbortError()
      switch (req.cmd) {
        case Cmd.Init:
          await this.ensureBackend()
          post({
            id: req.id,
            kind: 'result',
            result: { backends: this.statuses, active: this.active },
          })
          break
        case Cmd.Load: {
          const r = await this.load(req)
          post({ id: req.id, kind: 'result', result: r }, [r.predictions.buffer])
          break
        }
        case Cmd.Probe: {
          const r = await this.probe(req.id, req.force === true)
          post({ id: req.id, kind: 'result', result: r }, [r.predictions.buffer])
          break
        }
        case Cmd.SetBackend: {
          const r = await this.switchTo(req.backend, req.id)
          post({ id: req.id, kind: 'result', result: r }, [r.predictions.buffer])
          break
        }
        case Cmd.LoseDevice: {
          const dev = (tf.backend() as unknown as { device?: GPUDevice }).device
          if (this.active !== 'webgpu' || !dev) throw new Error('the active backend is not WebGPU')
          dev.destroy()
          post({ id: req.id, kind: 'result', result: true })
          break
        }
        case Cmd.Explain: {
          const r = await this.retryOnLoss(() => this.explain(req))
          post({ id: req.id, kind: 'result', result: r })
          break
        }
        case Cmd.GlobalShap: {
          const r = await this.retryOnLoss(() => this.globalShap(req))
          post({ id: req.id, kind: 'result', result: r })
          break
        }
        case Cmd.Audit: {
          const r = await this.retryOnLoss(() => this.audit(req))
          post({ id: req.id, kind: 'result', result: r })
          break
        }
        case Cmd.WhatIf: {
          const r = await this.retryOnLoss(() => this.whatIf(req))
          post({ id: req.id, kind: 'result', result: r })
          break
        }
        case Cmd.Compress: {
          const r = await this.retryOnLoss(() => this.compress(req))
          post(
            { id: req.id, kind: 'result', result: r },
            r.variants.map((v) => v.predictions.buffer),
          )
          break
        }
        case Cmd.ExportVariant: {
          const s = this.requireSession()
          const files = compressionExport(s.lm, req.variant, req.baseName)
          post({ id: req.id, kind: 'result', result: files }, [files.bin.buffer])
          break
        }
        case Cmd.Drift: {
          const r = await this.retryOnLoss(() => this.drift(req))
          post({ id: req.id, kind: 'result', result: r }, [r.currentPredictions.buffer])
          break
        }
        case Cmd.Memory:
          post({ id: req.id, kind: 'result', result: tf.memory().numTensors })
          break
        case Cmd.Fault:
          tfFaults.oomAboveRows = req.oomAboveRows
          post({ id: req.id, kind: 'result', result: true })
          break
        case Cmd.BenchPredict: {
          const r = await this.benchPredict(req.rows)
          post({ id: req.id, kind: 'result', result: r })
          break
        }
        case Cmd.ShareModel:
          post({ id: req.id, kind: 'result', result: this.shareModel(req.ifNot) })
          break
        case Cmd.Attach:
          await this.attach(req.model)
          post({ id: req.id, kind: 'result', result: true })
          break
        case Cmd.ShapPlan:
          post({ id: req.id, kind: 'result', result: this.shapPlan(req) })
          break
        case Cmd.ShapRows: {
          const r = await this.retryOnLoss(() => this.shapPiece(req, req.id, 'SHAP'))
          post({ id: req.id, kind: 'result', result: r }, [r.phi.buffer])
          break
        }
        case Cmd.ShapCache:
          this.globalCacheSet(req.key, { ...req.result, cached: false })
          post({ id: req.id, kind: 'result', result: true })
          break
        case Cmd.CompressMeasure: {
          const r = await this.retryOnLoss(() => this.compressMeasure(req))
          post(
            { id: req.id, kind: 'result', result: r },
            r.measured.variants.map((v) => v.predictions.buffer),
          )
          break
        }
        case Cmd.CompressShap: {
          const phis = await this.retryOnLoss(() =>
            compressionPhis(this.modelCtx().lm, req.variants, req.plan, {
              onVariant: (done, total) =>
                this.post({ id: req.id, kind: 'progress', done, total, label: 'Variant SHAP' }),
              checkCancel: this.cancelCheck(req.id),
              chunkRows: this.chunkRows(),
            }),
          )
          post(
            { id: req.id, kind: 'result', result: phis },
            Object.values(phis).map((p) => p.buffer),
          )
          break
        }
        case Cmd.CompressFinish: {
          const s = this.requireSession()
          const r = compressionAssemble(
            req.measured,
            req.phis,
            { labels: s.labels, groups: sensitiveGroups(s.schema, s.table) },
            { threshold: req.threshold, tolerance: req.tolerance },
            s.schema.features.length,
            req.ms,
          )
          post(
            { id: req.id, kind: 'result', result: r },
            r.variants.map((v) => v.predictions.buffer),
          )
          break
        }
      }
    } catch (e) {
      post({
        id: req.id,
        kind: 'error',
        errorKind: errorKind(e),
        message: (e as Error).message,
        ...(e instanceof OutOfMemoryError ? { chunkRows: this.chunkRows() } : {}),
      })
    } finally {
      this.cancelled.delete(req.id)
    }
  }

  private status(name: BackendName): BackendStatus {
    return this.statuses.find((s) => s.name === name)!
  }

  /** Sets tfjs's backend; records availability; returns false (with the reason) on failure. */
  private async trySetBackend(name: BackendName): Promise<boolean> {
    const st = this.status(name)
    try {
      await this.opts.prepare?.(name)
      const ok = await tf.setBackend(name)
      if (!ok) throw new Error('could not be initialised in this browser')
      await tf.ready()
      st.available = true
      if (name === 'webgpu') this.watchDevice()
      return true
    } catch (e) {
      st.available = false
      st.error = st.error ?? (e as Error).message
      return false
    }
  }

  private async ensureBackend(): Promise<BackendName> {
    if (this.active) return this.active
    // Until measured: wasm, then cpu — the backends that never need a GPU.
    for (const name of (['wasm', 'cpu', 'webgl', 'webgpu'] as const).filter((b) =>
      this.opts.backends.includes(b),
    )) {
      if (await this.trySetBackend(name)) {
        this.active = name
        return name
      }
    }
    throw new Error('no TensorFlow.js backend could be initialised')
  }

  /** WebGPU device loss → fall back to the best other backend, re-predict, tell the page. */
  private watchDevice(): void {
    const be = tf.backend() as unknown as { device?: GPUDevice; adapterInfo?: unknown }
    const device = be.device
    if (!device || this.watched.has(device)) return
    this.watched.add(device)
    const st = this.status('webgpu')
    void navigator.gpu
      ?.requestAdapter()
      .then((a) => {
        if (!a) return
        const info = a.info
        st.detail =
          [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') ||
          'unknown adapter'
        if (
          (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ||
          info.isFallbackAdapter
        )
          st.detail += ' (software fallback adapter)'
      })
      .catch(() => {})
    void device.lost.then((info) => {
      this.deviceLosses++
      st.available = false
      st.rowsPerSec = null
      st.error = `GPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`
      this.lossWaiters.splice(0).forEach((wake) => wake())
      // A job running on the device falls back itself (retryOnLoss); when idle, fall back now.
      const job = this.queue.then(async () => {
        if (this.active === 'webgpu') await this.fallBackFromLostDevice()
      })
      this.queue = job.catch(() => {})
    })
  }

  /**
   * After a WebGPU device loss: switch to the fastest other backend (re-predicting every row)
   * and tell the page, with the new predictions, through a `backendLost` event.
   * @returns false when no other backend could take over (the page is told that too).
   */
  private async fallBackFromLostDevice(): Promise<boolean> {
    const message = this.status('webgpu').error ?? 'GPU device lost'
    try {
      const r = await this.switchTo(this.fallbackFor('webgpu'), 0)
      this.post(
        {
          id: 0,
          kind: 'event',
          event: {
            type: 'backendLost',
            from: 'webgpu',
            to: r.backend,
            message,
            predictions: r.predictions,
          },
        },
        [r.predictions.buffer],
      )
      return true
    } catch (e) {
      this.post({
        id: 0,
        kind: 'event',
        event: { type: 'backendLostFailed', from: 'webgpu', message: (e as Error).message },
      })
      return false
    }
  }

  /**
   * Runs a job; when the WebGPU device is lost while it runs (it then fails, or finishes with
   * numbers read from a dead device), falls back to another backend and runs it once more there,
   * so the user gets the answer instead of an error. Any other failure is rethrown as it is.
   */
  private async retryOnLoss<T>(job: () => Promise<T>): Promise<T> {
    if (this.active !== 'webgpu') return job()
    const losses = this.deviceLosses
    let failure: { e: unknown } | null = null
    let result: T | undefined
    try {
      result = await job()
    } catch (e) {
      failure = { e }
    }
    // A lost device fails the job's read-back before its `lost` promise settles: wait for it.
    if (
      failure &&
      this.deviceLosses === losses &&
      !(failure.e instanceof AbortError) &&
      GPU_ERROR.test(String((failure.e as Error)?.message))
    )
      await this.lossWithin(LOSS_GRACE_MS)
    if (this.deviceLosses === losses) {
      if (failure) throw failure.e
      return result as T
    }
    if (failure?.e instanceof AbortError) throw failure.e
    if (this.active === 'webgpu' && !(await this.fallBackFromLostDevice())) {
      throw new Error(
        `${this.status('webgpu').error ?? 'GPU device lost'}; no other backend could take over`,
      )
    }
    return job()
  }

  /** Resolves at the next device loss or after `ms`, whichever comes first. */
  private lossWithin(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const k = this.lossWaiters.indexOf(wake)
        if (k >= 0) this.lossWaiters.splice(k, 1)
        resolve()
      }, ms)
      const wake = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.lossWaiters.push(wake)
    })
  }

  private fallbackFor(failed: BackendName): BackendName {
    const candidates = this.statuses.filter((s) => s.name !== failed && s.available)
    candidates.sort((a, b) => (b.rowsPerSec ?? 0) - (a.rowsPerSec ?? 0))
    return candidates[0]?.name ?? 'cpu'
  }

  private checkCancel(id: number): void {
    if (id !== 0 && this.cancelled.has(id)) throw new AbortError()
  }

  /** Predicts all rows in steps, posting progress and honouring cancel between steps. */
  private async predictAll(
    lm: LoadedModel,
    x: Matrix,
    classIndex: number,
    id: number,
    label: string,
  ): Promise<Float32Array> {
    const predict = this.predictFn(lm, classIndex)
    const step = Math.min(STEP_ROWS, this.maxChunk)
    const out = new Float32Array(x.rows)
    for (let r0 = 0; r0 < x.rows; r0 += step) {
      const r1 = Math.min(x.rows, r0 + step)
      out.set(await predict(matrix(x.data.subarray(r0 * x.cols, r1 * x.cols), r1 - r0, x.cols)), r0)
      if (id !== 0) this.post({ id, kind: 'progress', done: r1, total: x.rows, label })
      await yieldToEvents()
      this.checkCancel(id)
    }
    return out
  }

  private async load(req: Extract<ModelReq, { cmd: 'load' }>): Promise<LoadResult> {
    await this.ensureBackend()
    if (req.maxChunkRows !== undefined) this.maxChunk = Math.max(1, req.maxChunkRows)
    const prev = this.session
    let fresh: LoadedModel | null = null
    try {
      let lm = prev?.lm ?? null
      let modelName = prev?.modelName ?? ''
      if (req.model) {
        this.post({ id: req.id, kind: 'progress', done: 0, total: 1, label: 'Loading model' })
        const { art, name } = await artifactsFrom(req.model)
        this.checkCancel(req.id)
        fresh = await tfModelLoad(art, name)
        lm = fresh
        modelName = name
      }
      const schema = req.schema ?? prev?.schema
      const table = req.table ?? prev?.table
      if (!lm) throw new ModelError('no model loaded yet: load a model.json with its weight files')
      if (!table) throw new DataError('no dataset loaded yet: load a CSV file')
      if (!schema) throw new DataError('no schema: load a schema JSON or choose the target column')
      const dataName = req.table ? req.dataName : (prev?.dataName ?? req.dataName)
      const width = schemaWidth(schema)
      if (width !== lm.info.inputWidth) {
        throw new DataError(
          `width mismatch: ${modelName} expects ${lm.info.inputWidth} inputs, but ${req.schemaName} encodes ${schema.features.length} features into ${width} inputs`,
        )
      }
      const out = lm.info.outputWidth
      let classIndex = req.classIndex
      if (out === 1) classIndex = 0
      else if (classIndex < 0) {
        if (out === 2) classIndex = 1
        else
          throw new ModelError(
            `${modelName} has a softmax over ${out} classes: choose the class of interest`,
          )
      } else if (classIndex >= out)
        throw new ModelError(`class ${classIndex} does not exist: ${modelName} has ${out} outputs`)
      const enc = encodeTable(schema, table, dataName)
      const encode: EncodeSummary = {
        unknownCounts: enc.unknownCounts,
        unknownValues: enc.unknownValues,
        ignoredColumns: enc.ignoredColumns,
        missingTarget: enc.missingTarget,
        missingSensitive: enc.missingSensitive,
      }
      const t0 = performance.now()
      const predictions = await this.predictAll(lm, enc.x, classIndex, req.id, 'Predicting')
      const predictMs = performance.now() - t0
      // Refuse NaN before anything is replaced: the page's metrics would throw on it later.
      const nan = predictions.findIndex(Number.isNaN)
      if (nan >= 0) {
        const more = predictions.reduce((k, v) => k + (Number.isNaN(v) ? 1 : 0), 0) - 1
        throw new ModelError(
          `${modelName} predicts NaN for row ${nan} of ${dataName}${more ? ` and ${more} more row${more > 1 ? 's' : ''}` : ''}: check the model and the scale of the inputs`,
        )
      }
      // Views and metrics need probabilities: clip, and let the page warn (loadWarnings).
      const outOfRange = predictionsClip(predictions)
      const dataSha256 = req.table ? req.dataSha256 : (prev?.dataSha256 ?? req.dataSha256)
      const det = fastModelFromArtifacts(lm.artifacts, classIndex)
      let fast = det.model
      let fastReason = det.reason
      if (fast) {
        fastReason = await fastModelVerify(fast, this.predictFn(lm, classIndex), enc.x)
        if (fastReason) fast = null
      }
      this.session = {
        lm,
        modelName,
        schema,
        table,
        dataName,
        dataSha256,
        x: enc.x,
        values: enc.values,
        labels: enc.labels,
        encode,
        classIndex,
        predictions,
        fast,
        fastReason,
      }
      this.globalCache.clear()
      if (fresh && prev && prev.lm !== fresh) prev.lm.model.dispose()
      fresh = null
      return {
        model: lm.info,
        encode,
        labels: enc.labels ? enc.labels.slice() : null,
        predictions: predictions.slice(),
        outOfRange,
        backend: this.active!,
        predictMs,
      }
    } finally {
      fresh?.model.dispose()
    }
  }

  /** Reloads the session's model on `name` and re-predicts; keeps the old backend on failure. */
  private async switchTo(name: BackendName, id: number): Promise<SetBackendResult> {
    const s = this.session
    if (!s) throw new Error('load a model before choosing a backend')
    const from = this.active
    if (!(await this.trySetBackend(name))) {
      if (from) await tf.setBackend(from)
      throw new Error(`backend ${name} failed: ${this.status(name).error}`)
    }
    let lm: LoadedModel
    try {
      lm = await tfModelLoad(s.lm.artifacts, s.modelName)
    } catch (e) {
      this.status(name).error = (e as Error).message
      if (from) await tf.setBackend(from)
      throw e
    }
    const t0 = performance.now()
    let predictions: Float32Array
    try {
      predictions = await this.predictAll(lm, s.x, s.classIndex, id, `Predicting on ${name}`)
      predictionsClip(predictions)
    } catch (e) {
      lm.model.dispose()
      if (from) await tf.setBackend(from)
      throw e
    }
    const predictMs = performance.now() - t0
    s.lm.model.dispose()
    this.session = { ...s, lm, predictions }
    this.active = name
    return { backend: name, predictions: predictions.slice(), predictMs }
  }

  /** The probe cache key of the session's model on this device; null without a cache. */
  private async probeKey(s: Session): Promise<string | null> {
    const { probeStore, deviceInfo } = this.opts
    if (!probeStore || !deviceInfo) return null
    this.device ??= deviceInfo()
    return probeCacheKey(await this.device, modelShape(s.lm.artifacts.modelTopology, s.lm.info))
  }

  /**
   * Backend choice for the loaded model: unless `force`, the cached measurement of this device and
   * model shape is reused (its backend is activated, which checks that it still initialises; if
   * it does not, everything is measured again); otherwise {@link measure}, and the result is
   * cached.
   */
  private async probe(id: number, force: boolean): Promise<ProbeResult> {
    const s = this.session
    if (!s) throw new Error('load a model before measuring backends')
    const key = await this.probeKey(s).catch(() => null)
    let cacheNote: string | null = null
    if (key && !force) {
      const rec = probeRecordParse(await this.opts.probeStore!.get(key).catch(() => undefined))
      if (rec && this.opts.backends.includes(rec.active)) {
        this.post({ id, kind: 'progress', done: 0, total: 1, label: `Using cached ${rec.active}` })
        try {
          const r =
            rec.active === this.active
              ? { backend: rec.active, predictions: s.predictions.slice() }
              : await this.switchTo(rec.active, id)
          for (const b of rec.backends) {
            if (!this.opts.backends.includes(b.name)) continue
            const st = this.status(b.name)
            st.available = b.available
            st.rowsPerSec = b.rowsPerSec
            st.error = b.error
            st.detail = st.detail ?? b.detail
          }
          return {
            backends: this.statuses.map((b) => ({ ...b })),
            active: r.backend,
            predictions: r.predictions,
            measured: false,
            measuredAt: rec.at,
            cacheNote: null,
          }
        } catch (e) {
          if (e instanceof AbortError) throw e
          cacheNote = `the cached choice ${rec.active} did not initialise (${(e as Error).message}), so the backends were measured again`
        }
      }
    }
    const r = await this.measure(id)
    const at = Date.now()
    if (key)
      await this.opts
        .probeStore!.set(key, { version: 1, at, active: r.active, backends: r.backends })
        .catch(() => {})
    return { ...r, measured: true, measuredAt: at, cacheNote }
  }

  /** Measures every registered backend on the loaded model; activates the fastest. */
  private async measure(
    id: number,
  ): Promise<Pick<ProbeResult, 'backends' | 'active' | 'predictions'>> {
    const s = this.session!
    const rows = Math.min(s.x.rows, PROBE_ROWS)
    const sample = matrix(s.x.data.subarray(0, rows * s.x.cols), rows, s.x.cols)
    const names = this.opts.backends
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!
      const st = this.status(name)
      this.post({ id, kind: 'progress', done: k, total: names.length, label: `Measuring ${name}` })
      if (!(await this.trySetBackend(name))) continue
      let lm: LoadedModel | null = null
      try {
        lm = await tfModelLoad(s.lm.artifacts, s.modelName)
        const predict = tfPredictFn(lm, s.classIndex)
        await predict(sample) // warm-up: shader compilation, wasm init
        const times: number[] = []
        const t0 = performance.now()
        while (times.length < 5 && (times.length < 2 || performance.now() - t0 < 600)) {
          const t = performance.now()
          await predict(sample)
          times.push(performance.now() - t)
          if (performance.now() - t0 > 3000) break
        }
        times.sort((a, b) => a - b)
        st.rowsPerSec = rows / (times[Math.floor(times.length / 2)]! / 1000)
        st.error = null
      } catch (e) {
        st.available = false
        st.rowsPerSec = null
        st.error = (e as Error).message
      } finally {
        lm?.model.dispose()
      }
      await yieldToEvents()
      this.checkCancel(id)
    }
    const best = [...this.statuses]
      .filter((b) => b.available && b.rowsPerSec !== null)
      .sort((a, b) => b.rowsPerSec! - a.rowsPerSec!)[0]
    const target = best?.name ?? this.active ?? 'cpu'
    // Always re-establish the active backend: probing left tfjs on the last one measured.
    const r = await this.switchTo(target, id)
    return {
      backends: this.statuses.map((b) => ({ ...b })),
      active: r.backend,
      predictions: r.predictions,
    }
  }

  /**
   * Polled by the core between chunks: yields to the event loop (so a cancel message can
   * arrive) at most every 30 ms — a timer in a worker costs ≥ 4 ms once nested, far more than
   * a small model call — then checks whether this job was cancelled.
   */
  private cancelCheck(id: number): () => Promise<void> {
    let last = performance.now()
    return async () => {
      if (performance.now() - last > 30) {
        await yieldToEvents()
        last = performance.now()
      }
      this.checkCancel(id)
    }
  }

  /**
   * Rows per model call for explanation jobs: about 50 ms of work on the active backend (as
   * measured), so a cancel is honoured within a chunk; 8,192 before any measurement.
   */
  private chunkRows(): number {
    const rate = this.active ? this.status(this.active).rowsPerSec : null
    return Math.min(
      this.maxChunk,
      rate ? Math.max(1024, Math.min(1 << 18, Math.round(rate * 0.05))) : 8192,
    )
  }

  /** tfPredictFn / tfGradFn within the chunk cap. */
  private predictFn(lm: LoadedModel, classIndex: number) {
    return tfPredictFn(lm, classIndex, Math.min(PREDICT_CHUNK_ROWS, this.maxChunk))
  }

  private gradFn(lm: LoadedModel, classIndex: number) {
    return tfGradFn(lm, classIndex, Math.min(8192, this.maxChunk))
  }

  private requireSession(): Session {
    if (!this.session) throw new Error('load a model and data before explaining')
    return this.session
  }

  /** Per-row SHAP / IG / counterfactuals through the same core facade the CLI uses. */
  private async explain(req: Extract<ModelReq, { cmd: 'explain' }>): Promise<ExplainResult> {
    const s = this.requireSession()
    const t0 = performance.now()
    const explanations = await explainRows(
      {
        schema: s.schema,
        x: s.x,
        values: s.values,
        predict: this.predictFn(s.lm, s.classIndex),
        grad: this.gradFn(s.lm, s.classIndex),
        predictions: s.predictions,
        fast: s.fast,
      },
      req.rows,
      req.settings,
      {
        onProgress: (done, total) =>
          this.post({ id: req.id, kind: 'progress', done, total, label: 'Explaining' }),
        checkCancel: this.cancelCheck(req.id),
        chunkRows: this.chunkRows(),
      },
    )
    return {
      explanations,
      featureNames: s.schema.features.map((f) => f.name),
      ms: performance.now() - t0,
    }
  }

  /** An edited row: encode its feature values, predict, and explain it against the background. */
  private async whatIf(req: Extract<ModelReq, { cmd: 'whatIf' }>): Promise<WhatIfResult> {
    const s = this.requireSession()
    const t0 = performance.now()
    const m = s.schema.features.length
    if (req.values.length !== m)
      throw new RangeError(`what-if: ${req.values.length} values for ${m} features`)
    const x = encodeFeatureMatrix(s.schema, matrix(Float64Array.from(req.values), 1, m))
    const predict = this.predictFn(s.lm, s.classIndex)
    const prediction = (await predict(x))[0]!
    if (!req.settings.shap)
      return {
        prediction,
        shap: null,
        shapStdErr: null,
        baseValue: null,
        exact: null,
        ms: performance.now() - t0,
      }
    const rng = rngFromSeed(req.settings.seed)
    const bg = backgroundCreate(s.x, req.settings.background, rngSplit(rng))
    const [r] = await shapExplain(predict, x, bg, {
      ...(req.settings.fastPath !== false && s.fast ? { fast: s.fast } : {}),
      offsets: schemaOffsets(s.schema),
      budget: req.settings.budget,
      rng: rngSplit(rng),
      onProgress: (done, total) =>
        this.post({ id: req.id, kind: 'progress', done, total, label: 'What-if SHAP' }),
      checkCancel: this.cancelCheck(req.id),
      chunkRows: this.chunkRows(),
    })
    const names = s.schema.features.map((f) => f.name)
    const num = (v: number) => (Number.isFinite(v) ? v : null)
    return {
      prediction,
      shap: Object.fromEntries(names.map((n, j) => [n, r!.phi[j]!])),
      shapStdErr: r!.stdErr
        ? Object.fromEntries(names.map((n, j) => [n, num(r!.stdErr![j]!)]))
        : null,
      baseValue: r!.baseValue,
      exact: r!.exact,
      ms: performance.now() - t0,
    }
  }

  /** The CLI's audit on the loaded session (the browser's report export). */
  private async audit(req: Extract<ModelReq, { cmd: 'audit' }>): Promise<Report> {
    const s = this.requireSession()
    const info = s.lm.info
    const hooks = {
      onProgress: (done: number, total: number) =>
        this.post({ id: req.id, kind: 'progress', done, total, label: 'Audit' }),
      checkCancel: this.cancelCheck(req.id),
      chunkRows: this.chunkRows(),
    }
    const settings = { ...req.settings, backend: this.active ?? req.settings.backend }
    const report = await auditRun(
      {
        schema: s.schema,
        table: s.table,
        x: s.x,
        values: s.values,
        labels: s.labels,
        predict: this.predictFn(s.lm, s.classIndex),
        grad: this.gradFn(s.lm, s.classIndex),
        model: {
          sha256: info.weightsSha256,
          format: info.format,
          inputs: info.inputWidth,
          parameters: info.parameters,
          bytes: info.bytes,
        },
        dataSha256: s.dataSha256,
        fast: settings.fastPath === false ? null : s.fast,
      },
      settings,
      hooks,
    )
    return auditQuantization(
      report,
      s.lm,
      { schema: s.schema, table: s.table, x: s.x, labels: s.labels },
      settings,
      s.classIndex,
      {
        ...hooks,
        onProgress: (done: number, total: number) =>
          this.post({ id: req.id, kind: 'progress', done, total, label: 'Audit: compression' }),
      },
    )
  }

  /** Reference (the session's data) against a current dataset, same model and schema. */
  private async drift(req: Extract<ModelReq, { cmd: 'drift' }>): Promise<DriftResult> {
    const s = this.requireSession()
    const t0 = performance.now()
    const enc = encodeTable(s.schema, req.table, req.dataName)
    const p = await this.predictAll(s.lm, enc.x, s.classIndex, req.id, `Predicting ${req.dataName}`)
    predictionsClip(p)
    this.post({
      id: req.id,
      kind: 'progress',
      done: 1,
      total: 2,
      label: 'Comparing with the reference',
    })
    await yieldToEvents()
    this.checkCancel(req.id)
    const analysis = driftAnalyze(
      s.schema,
      { table: s.table, x: s.x, p: s.predictions, labels: s.labels, source: s.dataName },
      { table: req.table, x: enc.x, p, labels: enc.labels, source: req.dataName },
      { threshold: req.threshold, seed: req.seed },
    )
    return { analysis, currentPredictions: p, currentRows: enc.x.rows, ms: performance.now() - t0 }
  }

  /** Every requested variant against float32 on the session (Compression tab). */
  private async compress(req: Extract<ModelReq, { cmd: 'compress' }>): Promise<CompressionResult> {
    const s = this.requireSession()
    return compressionRun(
      s.lm,
      {
        schema: s.schema,
        x: s.x,
        labels: s.labels,
        groups: sensitiveGroups(s.schema, s.table),
        predictions: s.predictions,
      },
      { ...COMPRESSION_DEFAULTS, ...req.options, ids: req.ids, column: s.classIndex },
      {
        onProgress: (done, total) =>
          this.post({ id: req.id, kind: 'progress', done, total, label: 'Comparing variants' }),
        checkCancel: this.cancelCheck(req.id),
        chunkRows: this.chunkRows(),
      },
    )
  }

  /** SHAP for a seeded sample of rows in one job; cached by model, data, schema, class and settings. */
  private async globalShap(
    req: Extract<ModelReq, { cmd: 'globalShap' }>,
  ): Promise<GlobalShapResult> {
    const t0 = performance.now()
    const p = this.shapPlan(req)
    if ('cached' in p) return p.cached
    const { plan } = p
    const n = plan.rows.length
    const piece = await this.shapPiece(plan, req.id, `SHAP for ${n} rows`)
    const out = globalShapAssemble(plan, [piece], performance.now() - t0)
    this.globalCacheSet(plan.key, out)
    return out
  }

  private globalCacheSet(key: string, result: GlobalShapResult): void {
    if (this.globalCache.size >= 8) this.globalCache.delete(this.globalCache.keys().next().value!)
    this.globalCache.set(key, result)
  }

  /**
   * A global SHAP job up to the model calls: the cached result, or the seeded sample of rows (from
   * the cohort `pool` when given), their encoded rows and values, the background, and the seed of
   * the Kernel SHAP design — everything any worker needs to explain any subset of the rows.
   */
  private shapPlan(req: {
    n: number
    seed: number
    background: ShapPlanReq['background']
    budget: number
    pool?: number[]
    fresh?: boolean
  }): ShapPlanResult {
    const s = this.requireSession()
    const key = JSON.stringify([
      s.lm.info.weightsSha256,
      s.dataSha256,
      s.schema,
      s.classIndex,
      req.n,
      req.seed,
      req.background,
      req.budget,
      req.pool ?? null,
    ])
    const hit = req.fresh ? undefined : this.globalCache.get(key)
    if (hit) return { cached: { ...hit, cached: true } }
    const n = Math.min(req.n, req.pool ? req.pool.length : s.x.rows)
    if (n === 0) throw new RangeError('global SHAP: no rows to explain (is the cohort empty?)')
    const rng = rngFromSeed(req.seed)
    const pool = req.pool ? Int32Array.from(req.pool) : null
    if (pool && pool.some((r) => !(r >= 0 && r < s.x.rows)))
      throw new RangeError('global SHAP: a pool row is outside the data')
    const picked = rng.sampleWithoutReplacement(
      pool ? pool.length : s.x.rows,
      pool ? Math.min(n, pool.length) : n,
    )
    const rows = Int32Array.from(picked, (k) => (pool ? pool[k]! : k)).sort()
    const w = s.x.cols
    const m = s.schema.features.length
    const xs = new Float32Array(n * w)
    const values = new Float64Array(n * m)
    rows.forEach((r, i) => {
      xs.set(s.x.data.subarray(r * w, (r + 1) * w), i * w)
      values.set(s.values.data.subarray(r * m, (r + 1) * m), i * m)
    })
    const bg = backgroundCreate(s.x, req.background, rngSplit(rng))
    return {
      plan: {
        key,
        featureNames: s.schema.features.map((f) => f.name),
        rows,
        x: matrix(xs, n, w),
        values,
        bg,
        offsets: schemaOffsets(s.schema),
        designSeed: rngSplitSeed(rng),
        budget: req.budget,
        fast: s.fast !== null,
      },
    }
  }

  /** SHAP of a piece of a plan's rows on this worker's model (session or attached). */
  private async shapPiece(req: ShapPiece, id: number, label: string): Promise<ShapPieceResult> {
    const c = this.modelCtx()
    if (req.fast && !c.fast)
      throw new Error('this worker has no verified fast SHAP path for the model')
    const t0 = performance.now()
    const res = await shapExplain(this.predictFn(c.lm, c.classIndex), req.x, req.bg, {
      ...(req.fast ? { fast: c.fast } : {}),
      offsets: req.offsets,
      budget: req.budget,
      rng: rngFromSeed(req.designSeed),
      onProgress: (done, total) => this.post({ id, kind: 'progress', done, total, label }),
      checkCancel: this.cancelCheck(id),
      chunkRows: this.chunkRows(),
    })
    const m = req.offsets.length - 1
    const phi = new Float64Array(res.length * m)
    res.forEach((r, i) => phi.set(r.phi, i * m))
    return {
      phi,
      baseValue: res[0]?.baseValue ?? NaN,
      exact: res.every((r) => r.exact),
      ms: performance.now() - t0,
    }
  }

  /** The model the explanation pieces run on: the session's, or a helper's attached one. */
  private modelCtx(): { lm: LoadedModel; classIndex: number; fast: FastModel | null } {
    if (this.session) return this.session
    if (this.attached) return this.attached
    throw new Error('no model in this worker: load one (or attach the shared one)')
  }

  /** The session's model for helper workers; only the key when the caller already has it. */
  private shareModel(ifNot: string | undefined): ShareModelResult {
    const s = this.requireSession()
    const key = JSON.stringify([
      s.lm.info.weightsSha256,
      s.modelName,
      s.lm.info.parameters,
      s.classIndex,
      this.active,
      Number.isFinite(this.maxChunk) ? this.maxChunk : null,
      s.fast !== null,
    ])
    if (key === ifNot) return { key, model: null }
    const rate = this.active ? this.status(this.active).rowsPerSec : null
    return {
      key,
      model: {
        key,
        artifacts: s.lm.artifacts,
        name: s.modelName,
        classIndex: s.classIndex,
        backend: this.active!,
        fast: s.fast !== null,
        rowsPerSec: rate,
        maxChunkRows: Number.isFinite(this.maxChunk) ? this.maxChunk : null,
      },
    }
  }

  /** Helper workers: load the primary's model on the primary's backend (kept until the next one). */
  private async attach(m: SharedModel): Promise<void> {
    if (this.attached?.key === m.key) return
    if (!this.opts.backends.includes(m.backend))
      throw new Error(`backend ${m.backend} is not registered in this worker`)
    if (this.active !== m.backend && !(await this.trySetBackend(m.backend)))
      throw new Error(
        `backend ${m.backend} failed in a helper worker: ${this.status(m.backend).error}`,
      )
    this.active = m.backend
    this.status(m.backend).rowsPerSec = m.rowsPerSec
    this.maxChunk = m.maxChunkRows ?? Infinity
    const lm = await tfModelLoad(m.artifacts, m.name)
    let fast: FastModel | null = null
    if (m.fast) {
      fast = fastModelFromArtifacts(lm.artifacts, m.classIndex).model
      if (!fast) {
        lm.model.dispose()
        throw new Error('the shared model has no fast SHAP path in the helper worker')
      }
    }
    this.attached?.lm.model.dispose()
    this.attached = { lm, key: m.key, classIndex: m.classIndex, fast }
  }

  /** The all-rows part of a compression comparison on the primary, and its SHAP plan. */
  private async compressMeasure(
    req: Extract<ModelReq, { cmd: 'compressMeasure' }>,
  ): Promise<CompressMeasureResult> {
    const s = this.requireSession()
    const t0 = performance.now()
    const opts = { ...COMPRESSION_DEFAULTS, ...req.options, ids: req.ids, column: s.classIndex }
    const data = {
      schema: s.schema,
      x: s.x,
      labels: s.labels,
      groups: {},
      predictions: s.predictions,
    }
    const { shapRows, ...plan } = compressionShapPlan(data, opts)
    const measured = await compressionMeasure(
      s.lm,
      data,
      opts,
      { ...plan, shapRows },
      {
        onProgress: (done, total) =>
          this.post({ id: req.id, kind: 'progress', done, total, label: 'Measuring variants' }),
        checkCancel: this.cancelCheck(req.id),
      },
    )
    // p0 is the session's own array: the page gets a copy.
    return { measured: { ...measured, p0: measured.p0.slice() }, plan, ms: performance.now() - t0 }
  }

  /**
   * Benchmark floor of an explanation job: tiles the session's encoded rows to `rows` rows and
   * times one predict of them through tfPredictFn (chunked as usual; it disposes its tensors).
   * @throws RangeError for a non-positive or non-integer count, or above 2^27 values (512 MB).
   */
  private async benchPredict(rows: number): Promise<BenchPredictResult> {
    const s = this.requireSession()
    const w = s.x.cols
    if (!(Number.isInteger(rows) && rows > 0 && rows * w <= 2 ** 27))
      throw new RangeError(
        `benchPredict: rows must be an integer in 1..${Math.floor(2 ** 27 / w)}, got ${rows}`,
      )
    if (s.x.rows === 0) throw new RangeError('benchPredict: the data has no rows')
    const src = s.x.data instanceof Float32Array ? s.x.data : Float32Array.from(s.x.data)
    const data = new Float32Array(rows * w)
    for (let r = 0; r < rows; r += s.x.rows)
      data.set(src.subarray(0, Math.min(s.x.rows, rows - r) * w), r * w)
    const t0 = performance.now()
    await this.predictFn(s.lm, s.classIndex)(matrix(data, rows, w))
    return { ms: performance.now() - t0 }
  }

  /** For Node tests: the current session's encoded rows and predictions. */
  get current(): Readonly<Session> | null {
    return this.session
  }
}
