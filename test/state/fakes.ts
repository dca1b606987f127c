/**
 * Fake workers and a small session for the state tests: every request is recorded; a handler per
 * command answers it (asynchronously, like a worker), or the request stays pending until the test
 * settles it. The stats fake runs the real stats host inline, so the numbers are the page's.
 */
import { type RequestOptions, WorkerError } from '../../src/workers/client.ts'
import type { Schema } from '../../src/core/schema.ts'
import type { Column, Table } from '../../src/core/table.ts'
import { columnProfile } from '../../src/core/schemaIo.ts'
import {
  type ModelCard,
  type ModelInfo,
  classLabel,
  modelInfo,
  outputColumn,
} from '../../src/model/card.ts'
import { type App, createApp } from '../../src/state/createApp.ts'
import type { PoolPort, StateDeps } from '../../src/state/ports.ts'
import type {
  BackendStatus,
  LoadResult,
  ParsedData,
  ProbeResult,
  WorkerEvent,
} from '../../src/workers/protocol.ts'
import { statsRequestInline } from '../../src/state/statsWorker.ts'

/** A request as the fake received it. */
export type FakeRequest = { cmd: string } & Record<string, unknown>

/** One recorded request; `settle` answers it by hand (when no handler did). */
export type FakeCall = {
  req: FakeRequest
  opts: RequestOptions
  /** The request's signal fired. */
  aborted: boolean
  resolve: (value: unknown) => void
  reject: (e: unknown) => void
}

/** Answers a request (a value or a promise; a throw rejects it). */
export type FakeHandler = (req: FakeRequest, opts: RequestOptions) => unknown

/** A worker client that records requests and answers them with `handlers`. */
export class FakeWorker {
  readonly calls: FakeCall[] = []
  handlers: Record<string, FakeHandler> = {}
  onEvent: (e: WorkerEvent) => void = () => {}
  onRestart: (message: string) => void = () => {}
  chunkCap: number | null = null

  request<T>(req: { cmd: string }, opts: RequestOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: FakeCall = {
        req: req as FakeRequest,
        opts,
        aborted: false,
        resolve: resolve as (v: unknown) => void,
        reject,
      }
      this.calls.push(call)
      const abort = () => {
        call.aborted = true
        reject(new WorkerError('AbortError', 'cancelled'))
      }
      if (opts.signal?.aborted) return abort()
      opts.signal?.addEventListener('abort', abort, { once: true })
      const handler = this.handlers[req.cmd]
      if (handler)
        Promise.resolve()
          .then(() => handler(call.req, opts))
          .then(call.resolve, reject)
    })
  }

  /** Requests of command `cmd` so far. */
  count(cmd: string): number {
    return this.calls.filter((c) => c.req.cmd === cmd).length
  }

  /** The last request of command `cmd`. */
  last(cmd: string): FakeCall {
    const c = this.calls.filter((x) => x.req.cmd === cmd).at(-1)
    if (!c) throw new Error(`no ${cmd} request was made`)
    return c
  }
}

/** Runs a stats request through the real stats host on this thread. */
export function statsInline(req: FakeRequest, opts: RequestOptions): Promise<unknown> {
  return statsRequestInline(req as Parameters<typeof statsRequestInline>[0], opts)
}

/** A dictionary-encoded column of `cells`. */
export function column(name: string, cells: readonly string[]): Column {
  const values = [...new Set(cells)]
  return { name, values, codes: Int32Array.from(cells, (c) => values.indexOf(c)) }
}

/** A table of named columns of equal length. */
export function table(cols: Record<string, readonly string[]>): Table {
  const columns = Object.entries(cols).map(([name, cells]) => column(name, cells))
  return { nRows: columns[0]?.codes.length ?? 0, columns }
}

/** 40 rows: age, sex (F/M), race (A/B/C), label y (1/0), with predictions to match. */
export function sampleTable(n = 40): { table: Table; labels: Uint8Array; p: Float32Array } {
  const age: string[] = []
  const sex: string[] = []
  const race: string[] = []
  const y: string[] = []
  const labels = new Uint8Array(n)
  const p = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    age.push(String(20 + ((i * 7) % 50)))
    sex.push(i % 3 === 0 ? 'F' : 'M')
    race.push(['A', 'B', 'C'][i % 4 === 0 ? 2 : i % 2]!)
    labels[i] = (i * 5) % 7 < 3 ? 1 : 0
    y.push(String(labels[i]))
    p[i] = ((i * 37) % 100) / 100
  }
  return { table: table({ age, sex, race, y }), labels, p }
}

/** The schema of `sampleTable`. */
export const sampleSchema: Schema = {
  schemaVersion: 1,
  name: 'sample',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'age', type: 'numeric', mean: 40, std: 10 },
    { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
  ],
  sensitive: ['sex', 'race'],
  output: { kind: 'probability' },
}

/** A model card for the fakes: a tfjs sigmoid model over 3 encoded inputs. */
export const sampleCard: ModelCard = {
  name: 'model.json',
  format: 'layers-model',
  runtime: 'tfjs',
  inputs: [{ name: 'input', dtype: 'float32', shape: [null, 3] }],
  outputs: [{ name: 'output', dtype: 'float32', shape: [null, 1] }],
  inputWidth: 3,
  outputWidth: 1,
  activation: 'sigmoid',
  parameters: 10,
  bytes: 40,
  sha256: '0'.repeat(64),
  details: { kind: 'tfjs', layers: 2, weightDtypes: ['float32'] },
}

/** The card's summary as the page shows it. */
export const sampleModel: ModelInfo = modelInfo(sampleCard)

/** What the fake data worker parses `name` into. */
export function parsed(name: string, t: Table): ParsedData {
  const profiles = t.columns.map((c) => columnProfile(c, t.nRows))
  return { name, bytes: 100, sha256: `sha-${name}`, table: t, delimiter: ',', profiles }
}

/** A load result with predictions `p` and labels `labels`. */
export function loadResult(p: Float32Array, labels: Uint8Array | null): LoadResult {
  return {
    model: sampleModel,
    card: sampleCard,
    column: outputColumn(0),
    classLabel: classLabel(1),
    encode: {
      unknownCounts: [],
      unknownValues: [],
      ignoredColumns: [],
      missingTarget: false,
      missingSensitive: [],
    },
    labels,
    predictions: p,
    backend: 'wasm',
    predictMs: 2,
    treeShap: { status: 'none' },
    igUnavailable: null,
    compressionUnavailable: null,
  }
}

/** Backends as a probe reports them. */
export const probedBackends: BackendStatus[] = [
  { name: 'wasm', available: true, rowsPerSec: 5e5, error: null, detail: null },
  { name: 'cpu', available: true, rowsPerSec: 3e4, error: null, detail: null },
]

/** A probe answer: `p` predicted on wasm; `measured` false = from the probe cache. */
export function probeResult(p: Float32Array, measured: boolean): ProbeResult {
  return {
    backends: probedBackends,
    active: 'wasm',
    predictions: p,
    measured,
    measuredAt: 1,
    cacheNote: null,
  }
}

/** The fake pool's record. */
export type FakePool = PoolPort & { resets: number }

/** Fake workers, deps and an app over them (not wired). */
export type Harness = {
  data: FakeWorker
  model: FakeWorker
  stats: FakeWorker
  pool: FakePool
  deps: StateDeps
  app: App
}

/**
 * An app over fake workers: the data worker parses to `sampleTable`, the model worker loads to its
 * predictions and probes to the same predictions from the cache, the stats worker is the real host.
 */
export function harness(): Harness {
  const data = new FakeWorker()
  const model = new FakeWorker()
  const stats = new FakeWorker()
  const sample = sampleTable()
  data.handlers.parse = () => parsed('data.csv', sample.table)
  model.handlers.load = () => loadResult(sample.p.slice(), sample.labels.slice())
  model.handlers.probe = () => probeResult(sample.p.slice(), false)
  model.handlers.inspect = () => ({ model: sampleModel, card: sampleCard, inputModes: ['encoded'] })
  stats.handlers.performance = statsInline
  stats.handlers.loadChecks = statsInline
  stats.handlers.grouping = statsInline
  stats.handlers.calibration = statsInline
  // The intervals' numbers are the stats host's business (test/workers): an answer per task here.
  stats.handlers.bootstrap = (req) => ({
    results: (req.tasks as { key: string; thresholds?: Record<string, number> }[]).map((t) => ({
      key: t.key,
      threshold: req.threshold,
      thresholds: t.thresholds ?? {},
      bootstrap: null,
    })),
    ms: 1,
  })
  stats.handlers.order = statsInline
  const pool: FakePool = {
    resets: 0,
    reset() {
      pool.resets++
    },
    globalShap: () => Promise.reject(new Error('no global SHAP in this test')),
    compress: () => Promise.reject(new Error('no compression in this test')),
  }
  const deps: StateDeps = {
    data,
    model,
    stats,
    pool,
    poolHardware: 4,
    fetch: () => Promise.reject(new Error('no network in tests')),
    now: () => 0,
    download: () => {},
  }
  return { data, model, stats, pool, deps, app: createApp(deps) }
}

/** The bundle of a load of the sample: a model URL, the data file, the schema object. */
export const sampleBundle = {
  model: { kind: 'url', url: 'https://example.test/model.json' },
  data: { kind: 'url', url: 'https://example.test/data.csv' },
  schema: { kind: 'object', schema: sampleSchema, name: 'schema.json' },
} as const

/** Lets every pending promise callback and zero-delay timer run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}
