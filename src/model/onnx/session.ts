/**
 * A thin onnxruntime-web wrapper: a session from the file's bytes (wasm execution provider,
 * one thread), input feeds for both input modes, prediction in chunks with the output column
 * picked and checked in [0, 1], tensors disposed. onnxruntime-web is imported lazily, only when
 * an ONNX model is opened.
 *
 * Where the wasm comes from: in Node, `import('onnxruntime-web')` resolves (package exports,
 * condition "node") to dist/ort.node.min.mjs, which loads dist/ort-wasm-simd-threaded.mjs and
 * .wasm from its own folder — no CDN, no configuration. In the browser the caller passes the
 * module (`import('onnxruntime-web/wasm')`: only ort-wasm-simd-threaded.wasm, 14 MB) and
 * `wasmPaths` pointing at the build's copy of that file (e.g. a Vite `?url` import).
 */
import type * as Ort from 'onnxruntime-web'
import { ModelError } from '../artifacts.ts'
import { DataError } from '../../core/encode.ts'
import type { Matrix } from '../../core/types.ts'
import type { OnnxInputPlan, OnnxSchemaFeature } from './columns.ts'
import { onnxHalfToNumber } from './onnxValues.ts'
import { onnxDomain, type OnnxModelRead } from './read.ts'
import { dict } from '../../core/dict.ts'

/** The onnxruntime-web module (any of its builds: they share the API). */
export type OrtModule = typeof Ort

/** Which onnxruntime-web build runs the model, and where its wasm is. */
export type OnnxRuntimeOptions = {
  /** The onnxruntime-web module; default `await import('onnxruntime-web')`. */
  ort?: OrtModule
  /** `ort.env.wasm.wasmPaths`: where the browser fetches the .wasm file. */
  wasmPaths?: string | { wasm?: string | URL; mjs?: string | URL }
  /** Execution providers in order of preference (default ['wasm']). */
  executionProviders?: readonly ('wasm' | 'webgpu')[]
}

/** An onnxruntime-web session with the decoded model it runs. */
export type OnnxSession = {
  readonly ort: OrtModule
  readonly session: Ort.InferenceSession
  /** File name or URL, for messages. */
  readonly source: string
  readonly model: OnnxModelRead
  /** Releases the session's wasm memory. */
  dispose(): Promise<void>
}

/** The operator onnxruntime said it lacks, with its domain, from its error message and the graph. */
export function onnxMissingOperator(
  message: string,
  model: OnnxModelRead,
): { opType: string; domain: string } | null {
  const domainOf = (op: string): string => {
    const node = model.graph.nodes.find((n) => n.opType === op)
    return node ? onnxDomain(node) : 'unknown domain'
  }
  const registered = /([\w.]*):(\w+)\(-?\d+\) is not a registered function\/op/.exec(message)
  if (registered) return { opType: registered[2]!, domain: registered[1] || 'ai.onnx' }
  const impl =
    /Could not find an implementation for (\w+)\(\d+\) node/.exec(message) ??
    /No Op registered for (\w+) with domain_version/.exec(message)
  if (impl) return { opType: impl[1]!, domain: domainOf(impl[1]!) }
  const noOpset = /No opset import for domain '([^']*)'/.exec(message)
  if (noOpset) {
    const node = model.graph.nodes.find(
      (n) => onnxDomain(n) === onnxDomain({ domain: noOpset[1]! }),
    )
    return node ? { opType: node.opType, domain: onnxDomain(node) } : null
  }
  return null
}

/**
 * onnxruntime-web's Node build (package exports resolve the bare name to dist/ort.node.min.mjs in
 * Node). The specifier is a variable so that a browser bundle does not pull in the default build
 * and its 28 MB JSEP wasm: the browser passes `options.ort` (`import('onnxruntime-web/wasm')`).
 */
async function ortForNode(): Promise<OrtModule> {
  const name = 'onnxruntime-web'
  return (await import(/* @vite-ignore */ name)) as OrtModule
}

/** onnxruntime modules whose env has been set (the Node build, or the module a browser passes). */
const configured = new WeakSet<object>()

/**
 * Creates an onnxruntime-web session for a decoded model.
 * @throws ModelError naming `source`: for an operator onnxruntime-web lacks, its name and domain;
 *   otherwise onnxruntime's own message.
 * @example const s = await onnxSessionCreate(bytes, onnxModelRead(bytes, 'rf.onnx'), 'rf.onnx')
 */
export async function onnxSessionCreate(
  bytes: Uint8Array,
  model: OnnxModelRead,
  source: string,
  options: OnnxRuntimeOptions = {},
): Promise<OnnxSession> {
  const ort = options.ort ?? (await ortForNode())
  if (!configured.has(ort.env) || options.wasmPaths) {
    // One thread per session: parallelism comes from the worker pool (one session per worker),
    // and wasm threads would need SharedArrayBuffer, i.e. a cross-origin-isolated page.
    ort.env.wasm.numThreads = 1
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths
    ort.env.logLevel = 'error'
    configured.add(ort.env)
  }
  let session: Ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: [...(options.executionProviders ?? ['wasm'])],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    })
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const missing = onnxMissingOperator(message, model)
    if (missing)
      throw new ModelError(
        `${source}: onnxruntime-web has no implementation of operator ${missing.opType} (domain ${missing.domain}); export the model without it`,
      )
    throw new ModelError(
      `${source}: onnxruntime-web cannot load the model: ${message.replace(/^Can't create a session\. /, '')}`,
    )
  }
  return { ort, session, source, model, dispose: () => session.release() }
}

/** The feeds for rows [r0, r1) of `x` (encoded matrix, or feature values in columns mode). */
export function onnxFeeds(
  ort: OrtModule,
  plan: OnnxInputPlan,
  x: Matrix,
  r0: number,
  r1: number,
  features: readonly OnnxSchemaFeature[],
  source: string,
): Record<string, Ort.Tensor> {
  const n = r1 - r0
  if (plan.mode === 'encoded') {
    if (x.cols !== plan.width)
      throw new ModelError(`${source}: ${x.cols} encoded columns, the model reads ${plan.width}`)
    const part = x.data.subarray(r0 * x.cols, r1 * x.cols)
    const data =
      plan.dtype === 'float64'
        ? Float64Array.from(part)
        : part instanceof Float32Array
          ? part
          : Float32Array.from(part)
    return { [plan.input]: new ort.Tensor(plan.dtype, data, [n, plan.width]) }
  }
  if (x.cols !== features.length)
    throw new ModelError(`${source}: ${x.cols} feature columns, the schema has ${features.length}`)
  const feeds = dict<Ort.Tensor>()
  for (const c of plan.inputs) {
    const f = features[c.feature]!
    const value = (i: number): number => x.data[(r0 + i) * x.cols + c.feature]!
    const dims = c.rank === 2 ? [n, 1] : [n]
    if (c.dtype === 'string') {
      const cats = f.type === 'categorical' ? f.categories : []
      feeds[c.input] = new ort.Tensor(
        'string',
        Array.from({ length: n }, (_, i) => cats[value(i)] ?? ''),
        dims,
      )
    } else if (c.dtype === 'int64') {
      const data = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const v = value(i)
        if (!Number.isInteger(v))
          throw new DataError(
            `${source}: column "${f.name}", row ${r0 + i}: value ${v} is not an integer, and the model's input "${c.input}" is int64`,
          )
        data[i] = BigInt(v)
      }
      feeds[c.input] = new ort.Tensor('int64', data, dims)
    } else {
      const data = c.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)
      for (let i = 0; i < n; i++) data[i] = value(i)
      feeds[c.input] = new ort.Tensor(c.dtype, data, dims)
    }
  }
  return feeds
}

/** Which output column to read, and how to run the rows. */
export type OnnxPredictOptions = {
  /** The output to read (OnnxOutputChoice.name). */
  output: string
  /**
   * Its column holding the class of interest, for an [N, k] output with k ≥ 2; an [N] or [N, 1]
   * output is the positive class's probability whatever `column` says.
   */
  column: number
  /** Rows per run (default 16,384). */
  chunkRows?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

/**
 * The class of interest's output (probability, or raw score under `logit`) for every row of `x`,
 * run in chunks.
 * @param x the encoded matrix (encoded mode) or the feature values (columns mode: numeric value,
 *   or the category index with −1 for empty/unknown, which reaches a string input as '').
 * @returns column `column` of the output per row, as the model gives it (probabilities or raw
 *   scores: the range is checked on the data's rows by src/core/output.ts, not here).
 * @throws ModelError when `column` is not a column of the output or the output has the wrong
 *   shape; DataError for a non-integer value meant for an int64 input.
 */
export async function onnxPredict(
  s: OnnxSession,
  plan: OnnxInputPlan,
  x: Matrix,
  features: readonly OnnxSchemaFeature[],
  options: OnnxPredictOptions,
): Promise<Float32Array> {
  const out = new Float32Array(x.rows)
  const chunk = Math.max(1, options.chunkRows ?? 16_384)
  for (let r0 = 0; r0 < x.rows; r0 += chunk) {
    options.signal?.throwIfAborted()
    const r1 = Math.min(x.rows, r0 + chunk)
    const results = await s.session.run(onnxFeeds(s.ort, plan, x, r0, r1, features, s.source), [
      options.output,
    ])
    try {
      const t = results[options.output]
      if (!t)
        throw new ModelError(`${s.source}: onnxruntime returned no output "${options.output}"`)
      const k = t.dims.length === 2 ? t.dims[1]! : 1
      if (t.dims[0] !== r1 - r0 || t.dims.length > 2)
        throw new ModelError(
          `${s.source}: output "${options.output}" has shape [${t.dims.join(', ')}] for ${r1 - r0} rows`,
        )
      const column = k === 1 ? 0 : options.column
      if (column < 0 || column >= k)
        throw new ModelError(
          `${s.source}: output "${options.output}" has ${k} column${k === 1 ? '' : 's'}; column ${options.column} does not exist`,
        )
      const data = t.data as Float32Array | Float64Array | Uint16Array
      const value =
        t.type === 'float16' && data instanceof Uint16Array
          ? (i: number) => onnxHalfToNumber(data[i]!)
          : (i: number) => data[i]!
      // No range check here: under output.kind "logit" these are raw scores for the link
      // (src/model/outputLink.ts); under "probability" the one every-row check of the data's
      // predictions (src/core/output.ts) refuses a value outside [0, 1], naming the row.
      for (let i = 0; i < r1 - r0; i++) out[r0 + i] = value(i * k + column)
    } finally {
      for (const t of Object.values(results)) t.dispose()
    }
    options.onProgress?.(r1, x.rows)
  }
  return out
}
