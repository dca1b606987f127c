/**
 * The load transaction: any combination of model, data and schema is parsed (data worker),
 * validated together with the model (model worker), measured (stats worker), and only then
 * replaces what the user had — session, performance and active backend at once. On failure an
 * error notice names the problem and the previous session stays loaded and usable.
 */
import type { ClassRequest } from '../model/card.ts'
import type { Schema } from '../core/schema.ts'
import {
  type InferChoices,
  schemaDefaultChoices,
  schemaInfer,
  schemaParse,
} from '../core/schemaIo.ts'
import { WorkerError } from '../workers/client.ts'
import type { DataInput, EncodeSummary, ModelInput } from '../workers/protocol.ts'
import type { Backends } from './backends.ts'
import type { Jobs } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { DataState, SchemaSource, Session } from './session.ts'

/** What a user can hand over at once; omitted parts keep what is loaded. */
export type LoadBundle = {
  model?: ModelInput
  data?: DataInput
  schema?:
    | { kind: 'file'; file: File }
    | { kind: 'url'; url: string }
    | { kind: 'object'; schema: Schema; name: string }
  /** Choices for inferring a schema from the data (when no schema is given). */
  infer?: InferChoices
  /** The class of interest (absent: the model's default for a new model, else the one loaded). */
  cls?: ClassRequest
}

/** The built-in demos: the same Adult rows and schema under a tfjs MLP and an XGBoost model. */
export const DEMOS = {
  mlp: { label: 'Adult — MLP', model: 'demo/model.json', schema: 'demo/schema.json' },
  xgboost: {
    label: 'Adult — XGBoost',
    model: 'demo-xgboost/model.json',
    schema: 'demo-xgboost/schema.json',
  },
} as const
/** One of the {@link DEMOS} (`?demo=xgboost` in the page's URL opens that one). */
export type DemoName = keyof typeof DEMOS
/** The demo's rows (both demos explain the same held-out Adult rows). */
const DEMO_DATA = 'demo/data.csv'

/**
 * The demo a `?demo=` value names, or null for any other value (absent, `0`, a typo).
 * @example demoNamed('xgboost') // 'xgboost'
 */
export const demoNamed = (v: string | null): DemoName | null =>
  v !== null && Object.hasOwn(DEMOS, v) ? (v as DemoName) : null

/** The load actions. */
export type Loader = {
  /**
   * Loads any combination of model, data and schema (see the module comment).
   * @returns true when the bundle was loaded.
   */
  loadBundle(bundle: LoadBundle): Promise<boolean>
  /** Re-infers the schema with new choices (target, positive, sensitive, features). */
  applyInferChoices(choices: InferChoices): Promise<boolean>
  /**
   * A built-in demo (default the MLP): model, schema and data shipped under `base` in public/demo/
   * (and public/demo-xgboost/ for the XGBoost model).
   */
  loadDemo(base: string, demo?: DemoName): Promise<boolean>
  /** After a model worker crash the fresh worker is empty: re-sends what the user had. */
  reloadAfterRestart(message: string): void
}

/** The stores a load replaces. */
export type LoadTargets = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  backends: Backends
}

/**
 * The load actions over the stores they replace.
 * @example const loader = createLoader(deps, stores); await loader.loadBundle({ data })
 */
export function createLoader(
  deps: Pick<StateDeps, 'data' | 'model' | 'stats' | 'fetch'>,
  { jobs, session, metrics, backends }: LoadTargets,
): Loader {
  const { notify, startJob, endJob, progress } = jobs

  async function readSchema(src: NonNullable<LoadBundle['schema']>): Promise<SchemaSource> {
    if (src.kind === 'object') return { schema: src.schema, name: src.name, inferred: false }
    if (src.kind === 'file')
      return {
        schema: schemaParse(await src.file.text(), src.file.name),
        name: src.file.name,
        inferred: false,
      }
    let res: Response
    try {
      res = await deps.fetch(src.url)
    } catch (e) {
      throw new WorkerError('DataError', `${src.url}: could not be fetched (${errorMessage(e)})`)
    }
    if (!res.ok) throw new WorkerError('DataError', `${src.url}: HTTP ${res.status}`)
    return {
      schema: schemaParse(await res.text(), src.url),
      name: src.url,
      inferred: false,
      url: src.url,
    }
  }

  function reportEncodeNotices(enc: EncodeSummary, schema: Schema): void {
    if (enc.ignoredColumns.length)
      notify('info', `Columns not in the schema, ignored: ${enc.ignoredColumns.join(', ')}`)
    if (enc.missingTarget)
      notify(
        'warning',
        `The data has no target column "${schema.target.column}": performance, calibration and fairness need it.`,
      )
    const missing = enc.missingSensitive
    if (missing.length)
      notify(
        'warning',
        `Sensitive column${missing.length > 1 ? 's' : ''} missing from the data: ${missing.join(', ')} — fairness by ${missing.length > 1 ? 'these' : 'it'} is unavailable.`,
      )
  }

  async function loadBundle(bundle: LoadBundle): Promise<boolean> {
    const signal = startJob('Loading')
    const before = session.store.getState()
    try {
      let data: DataState | null = null
      if (bundle.data) {
        const parsed = await deps.data.request(
          { cmd: 'parse', input: bundle.data },
          { signal, onProgress: progress(signal) },
        )
        data = { ...parsed, input: bundle.data }
      }
      let schema: SchemaSource | null = null
      let inferChoices: InferChoices | null = null
      if (bundle.schema) schema = await readSchema(bundle.schema)
      else if (bundle.infer || (data && !before.schema) || (data && before.schema?.inferred)) {
        const table = (data ?? before.data)!.table
        inferChoices = bundle.infer ?? schemaDefaultChoices(table)
        schema = {
          schema: schemaInfer(table, inferChoices),
          name: 'inferred schema',
          inferred: true,
        }
      }
      const cls: ClassRequest = bundle.cls ?? (bundle.model ? { kind: 'auto' } : before.cls)
      const res = await deps.model.request(
        {
          cmd: 'load',
          ...(bundle.model ? { model: bundle.model } : {}),
          ...(data ? { table: data.table } : {}),
          ...(schema ? { schema: schema.schema } : {}),
          cls,
          dataName: data?.name ?? before.data?.name ?? 'the data',
          dataSha256: data?.sha256 ?? before.data?.sha256 ?? '',
          schemaName: schema?.name ?? before.schema?.name ?? 'the schema',
        },
        { signal, onProgress: progress(signal) },
      )
      const labels = res.labels
      progress(signal)(0, 1, 'Computing metrics')
      // The model worker has switched to the new session: the page follows even if cancelled now.
      const table = (data ?? before.data)!.table
      const schemaNow = (schema ?? before.schema!).schema
      // The columns the checks read travel alone (shared codes; the others' values stay here).
      const checked = new Set([schemaNow.target.column, ...schemaNow.sensitive])
      const [free, checks] = await Promise.all([
        metrics.measure(res.predictions, labels),
        deps.stats.request({
          cmd: 'loadChecks',
          schema: schemaNow,
          table: { nRows: table.nRows, columns: table.columns.filter((c) => checked.has(c.name)) },
          labels,
          outOfRange: res.outOfRange,
        }),
      ])
      session.commit({
        model: bundle.model
          ? { info: res.model, input: bundle.model }
          : before.model && { ...before.model, info: res.model },
        data: data ?? before.data,
        schema: schema ?? before.schema,
        inferChoices: schema ? inferChoices : before.inferChoices,
        cls,
        classLabel: res.classLabel,
        column: res.column,
        encode: res.encode,
        labels,
        predictions: res.predictions,
        modelFacts: {
          card: res.card,
          treeShap: res.treeShap,
          igUnavailable: res.igUnavailable,
          compressionUnavailable: res.compressionUnavailable,
        },
      })
      metrics.accept(free)
      backends.setLoaded(res.backend, res.predictMs)
      reportEncodeNotices(res.encode, schemaNow)
      for (const w of checks.warnings) notify('warning', w)
      const measured = backends.store.getState().backends.some((b) => b.rowsPerSec !== null)
      if (bundle.model || !measured) void backends.probeBackends()
      return true
    } catch (e) {
      if (isAbortError(e))
        notify('info', 'Loading cancelled; the previous model and data are still loaded.')
      else
        notify(
          'error',
          `${errorMessage(e)}${before.ready ? ' — the previously loaded model and data are still loaded.' : ''}`,
        )
      return false
    } finally {
      endJob(signal)
    }
  }

  return {
    loadBundle,
    applyInferChoices: (choices) => loadBundle({ infer: choices }),
    loadDemo: (base, demo = 'mlp') => {
      const url = (path: string) => new URL(`${base}${path}`, location.href).href
      const d = DEMOS[demo]
      return loadBundle({
        model: { kind: 'url', url: url(d.model) },
        data: { kind: 'url', url: url(DEMO_DATA) },
        schema: { kind: 'url', url: url(d.schema) },
      })
    },
    reloadAfterRestart(message) {
      const s = session.store.getState()
      notify(
        'error',
        `The model worker stopped (${message}) and was restarted; reloading the current model and data.`,
      )
      if (!s.model || !s.data || !s.schema) return
      const signal = startJob('Reloading after a worker restart')
      const cap = deps.model.chunkCap
      deps.model
        .request(
          {
            cmd: 'load',
            model: s.model.input,
            table: s.data.table,
            schema: s.schema.schema,
            cls: s.cls,
            dataName: s.data.name,
            dataSha256: s.data.sha256,
            schemaName: s.schema.name,
            ...(cap !== null ? { maxChunkRows: cap } : {}),
          },
          { signal, onProgress: progress(signal) },
        )
        .then(async (r) => {
          if ((await metrics.deliver(r.predictions)) !== 'stale')
            backends.setLoaded(r.backend, null)
        })
        .catch((e: Error) => notify('error', `Reloading after the restart failed: ${e.message}`))
        .finally(() => endJob(signal))
    },
  }
}
