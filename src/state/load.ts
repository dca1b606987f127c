/**
 * The load transaction: any combination of model, data and schema is parsed (data worker),
 * validated together with the model (model worker), measured (stats worker), and only then
 * replaces what the user had — session, performance and active backend at once. On failure an
 * error notice names the problem and the previous session stays loaded and usable.
 *
 * Bring your own model: a model or CSV that comes alone waits (src/state/schemaEditor.ts) for its
 * other part instead of pairing with what is loaded — a new model never reuses the loaded schema.
 * When model and CSV are both there and no schema fits (none inferred from the CSV has the model's
 * width, or the model worker refuses the given one), the schema editor opens on a draft.
 */
import type { ClassRequest } from '../model/card.ts'
import type { Schema } from '../core/schema.ts'
import { type InferChoices, schemaDefaultChoices, schemaInfer } from '../core/schemaIo.ts'
import { schemaInferColumns } from '../core/schemaColumns.ts'
import {
  draftOfProfiles,
  draftOfSchema,
  draftSchema,
  schemaFitsModel,
} from '../core/schemaDraft.ts'
import type { DataInput, ModelInput } from '../workers/protocol.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import {
  PENDING_NONE,
  type PendingModel,
  createPending,
  pendingAny,
  pendingMessage,
} from './schemaEditor.ts'
import { encodeNotices, readSchema, schemaInferOrNull } from './loadInputs.ts'
import type { DataState, SchemaSource, SessionState } from './session.ts'
import { DEMOS, DEMO_DATA } from './demos.ts'
import type { LoadBundle, Loader, LoadTargets } from './loadTypes.ts'

export type { LoadBundle, Loader, LoadTargets } from './loadTypes.ts'
export { DEMOS, type DemoName, demoNamed } from './demos.ts'

/**
 * The load actions over the stores they replace.
 * @example const loader = createLoader(deps, stores); await loader.loadBundle({ data })
 */
export function createLoader(
  deps: Pick<StateDeps, 'data' | 'model' | 'stats' | 'fetch'>,
  { jobs, session, metrics, backends }: LoadTargets,
): Loader {
  const { notify, startJob, endJob, progress } = jobs
  const pending = createPending()

  /** Parses a CSV in the data worker. */
  async function parse(input: DataInput, signal: AbortSignal): Promise<DataState> {
    const parsed = await deps.data.request(
      { cmd: 'parse', input },
      { signal, onProgress: progress(signal) },
    )
    return { ...parsed, input }
  }

  /** Opens a model alone in the model worker (checked, described, freed). */
  async function inspect(input: ModelInput, signal: AbortSignal): Promise<PendingModel> {
    const r = await deps.model.request({ cmd: 'inspect', model: input }, { signal })
    const inputs = r.card.inputs.map(({ name, dtype }) => ({ name, dtype }))
    return { input, info: r.model, inputModes: r.inputModes, inputs }
  }

  /** What one load hands the model worker; an absent part keeps the one loaded. */
  type Parts = {
    model: ModelInput | null
    data: DataState | null
    schema: SchemaSource | null
    inferChoices: InferChoices | null
    cls: ClassRequest | undefined
  }

  /** Validates the parts with the model, measures, and replaces the session (see module doc). */
  async function transact(signal: AbortSignal, before: SessionState, p: Parts): Promise<void> {
    const { model, data, schema } = p
    const cls: ClassRequest = p.cls ?? (model ? { kind: 'auto' } : before.cls)
    const res = await deps.model.request(
      {
        cmd: 'load',
        ...(model ? { model } : {}),
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
      }),
    ])
    session.commit({
      model: model
        ? { info: res.model, input: model }
        : before.model && { ...before.model, info: res.model },
      data: data ?? before.data,
      schema: schema ?? before.schema,
      inferChoices: schema ? p.inferChoices : before.inferChoices,
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
    pending.setState(PENDING_NONE)
    metrics.accept(free)
    backends.setLoaded(res.backend, res.predictMs)
    for (const [level, text] of encodeNotices(res.encode, schemaNow)) notify(level, text)
    for (const w of checks.warnings) notify('warning', w)
    const measured = backends.store.getState().backends.some((b) => b.rowsPerSec !== null)
    if (model || !measured) void backends.probeBackends()
  }

  /**
   * Bring-your-own: the bundle joins what waits. Without both a model and a CSV the parts are
   * kept and the page says what they wait for; without a schema one is inferred from the CSV if it
   * fits the model, else the schema editor opens. A failed load keeps the parts and opens the
   * editor (on the given schema, or the draft being edited).
   * @returns true when a session was loaded.
   */
  async function loadOwn(
    signal: AbortSignal,
    before: SessionState,
    bundle: LoadBundle,
    data: DataState | null,
    schema: SchemaSource | null,
  ): Promise<boolean> {
    const pend = pending.getState()
    data ??= pend.data
    schema ??= pend.schema
    // A complete bundle (model, CSV, schema) loads as given; otherwise a new model is opened
    // alone first, so that it can wait with its card or size the schema check.
    const complete = bundle.model && data && schema
    const model = complete ? null : bundle.model ? await inspect(bundle.model, signal) : pend.model
    const modelInput = complete ? bundle.model! : model?.input
    if (!modelInput || !data) {
      const kept = { ...PENDING_NONE, model, data, schema }
      pending.setState(kept)
      notify('info', pendingMessage(kept)!)
      return false
    }
    let inferChoices: InferChoices | null = null
    if (!schema && model) {
      const choices = schemaDefaultChoices(data.table)
      // A model with one input per column (an ONNX pipeline): its inputs name the features.
      const byColumns =
        model.inputs && !model.inputModes.includes('encoded')
          ? schemaInferColumns(data.table, choices, model.inputs)
          : null
      const inferred =
        byColumns === null
          ? schemaInferOrNull(data.table, choices)
          : typeof byColumns === 'string'
            ? null
            : byColumns
      if (inferred && schemaFitsModel(inferred, model.info.inputWidth, model.inputModes)) {
        schema = { schema: inferred, name: 'inferred schema', inferred: true }
        inferChoices = choices
      } else {
        pending.setState({ model, data, schema: null, draft: draftOfProfiles(data.profiles) })
        notify(
          'info',
          `No schema came with ${model.info.name} and ${data.name}, and none inferred from the CSV fits the model's ${model.info.inputWidth} inputs: build one in the schema editor (choose the target, then the features in the model's input order).`,
        )
        return false
      }
    }
    try {
      await transact(signal, before, {
        model: modelInput,
        data,
        schema,
        inferChoices,
        cls: bundle.cls,
      })
      return true
    } catch (e) {
      // The parts stay, with the editor open on the schema that did not fit (a model that
      // cannot even be opened alone has nothing to edit a schema for).
      const opened =
        model ?? (isAbortError(e) ? null : await inspect(modelInput, signal).catch(() => null))
      if (!isAbortError(e) && opened) {
        pending.setState({
          model: opened,
          data,
          schema: null,
          draft:
            pend.draft ??
            (schema && !schema.inferred
              ? draftOfSchema(schema.schema)
              : draftOfProfiles(data.profiles)),
        })
      }
      throw e
    }
  }

  /**
   * Parts handed over one after another (a model, then its CSV before the model was read) join:
   * a load still running is superseded by one that carries its parts too, and says nothing. A
   * bundle that repeats a part of the running one (another model) replaces it instead.
   */
  let running: { bundle: LoadBundle; signal: AbortSignal } | null = null
  const absorbed = new WeakSet<AbortSignal>()

  async function loadBundle(given: LoadBundle): Promise<boolean> {
    const parts = ['model', 'data', 'schema', 'infer'] as const
    const join =
      running && parts.every((k) => !(running!.bundle[k] && given[k])) && !running.bundle.infer
        ? running
        : null
    const bundle: LoadBundle = join ? { ...join.bundle, ...given } : given
    if (join) absorbed.add(join.signal)
    const signal = startJob('Loading')
    running = { bundle, signal }
    const before = session.store.getState()
    try {
      const data: DataState | null = bundle.data ? await parse(bundle.data, signal) : null
      let schema: SchemaSource | null = bundle.schema
        ? await readSchema(bundle.schema, deps.fetch)
        : null
      const own =
        !bundle.infer &&
        (pendingAny(pending.getState()) ||
          !before.ready ||
          (bundle.model && (!bundle.schema || bundle.data)))
      if (own) return await loadOwn(signal, before, bundle, data, schema)
      let inferChoices: InferChoices | null = null
      if (
        !schema &&
        (bundle.infer || (data && !before.schema) || (data && before.schema?.inferred))
      ) {
        const table = (data ?? before.data)!.table
        inferChoices = bundle.infer ?? schemaDefaultChoices(table)
        schema = {
          schema: schemaInfer(table, inferChoices),
          name: 'inferred schema',
          inferred: true,
        }
      }
      await transact(signal, before, {
        model: bundle.model ?? null,
        data,
        schema,
        inferChoices,
        cls: bundle.cls,
      })
      return true
    } catch (e) {
      if (isAbortError(e)) {
        if (!absorbed.has(signal))
          notify('info', 'Loading cancelled; the previous model and data are still loaded.')
      } else
        notify(
          'error',
          `${errorMessage(e)}${before.ready ? ' — the previously loaded model and data are still loaded.' : ''}`,
        )
      return false
    } finally {
      if (running?.signal === signal) running = null
      endJob(signal)
    }
  }

  /** Assembles the editor's draft and loads it with the waiting model and CSV. */
  async function applyDraft(): Promise<boolean> {
    const p = pending.getState()
    if (!p.draft) return false
    let schema: Schema
    try {
      schema = draftSchema(p.draft)
    } catch (e) {
      notify('error', errorMessage(e))
      return false
    }
    return loadBundle({
      schema: { kind: 'object', schema, name: `${schema.name}.schema.json (edited)` },
    })
  }

  return {
    pending,
    loadBundle,
    applyDraft,
    editDraft: (draft) => pending.setState({ draft }),
    discardPending: () => pending.setState(PENDING_NONE),
    async useLoaded() {
      const m = pending.getState().model
      const { data, schema } = session.store.getState()
      if (!m || !data || !schema) return false
      pending.setState(PENDING_NONE)
      return loadBundle({
        model: m.input,
        schema: { kind: 'object', schema: schema.schema, name: schema.name },
      })
    },
    editLoaded() {
      const { model, data, schema } = session.store.getState()
      if (!model || !data || !schema) return
      pending.setState({
        model: { ...model, inputModes: ['encoded'] },
        data,
        schema: null,
        draft: draftOfSchema(schema.schema),
      })
    },
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
