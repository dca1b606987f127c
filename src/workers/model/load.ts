/**
 * The model worker's load: model files (picked, dropped or a URL), table and schema validated as
 * one transaction — the model opened by the runtime that recognises it, a session opened on the
 * data (width check, class, encoding, fast path), every row predicted in steps with progress and
 * cancel, NaN and (under output.kind "probability") values outside [0, 1] refused. Only when everything succeeded is the previous
 * session replaced; otherwise the error names the problem and the old one stays (and the new
 * model is disposed).
 */
import { DataError } from '../../core/encode.ts'
import { modelInfo } from '../../model/card.ts'
import { ModelError } from '../../model/errors.ts'
import { modelFilesFetched } from '../../model/files.ts'
import { type RuntimeEntry, modelFilesChoose, runtimeEntryFor } from '../../model/registry.ts'
import type { LoadedModel, ModelFiles } from '../../model/runtime.ts'
import type { Schema } from '../../core/schema.ts'
import { sessionOpen, sessionOutputCheck } from '../../session/session.ts'
import type { Handler, Job, ModelHost } from '../modelHost.ts'
import type { ModelInput, TreeShapStatus } from '../protocol/model.ts'
import type { SessionTreeShap } from '../../session/treeShap.ts'
import { compressionUnavailable } from '../../model/compression.ts'

/** A model's files from the page's input: the picked files, or the URL's. */
function modelFilesOf(input: ModelInput, entries: readonly RuntimeEntry[]): Promise<ModelFiles> {
  return input.kind === 'files'
    ? modelFilesChoose(input.files, entries)
    : modelFilesFetched(input.url, fetch, input.linked === true)
}

/** Opens the input's model on its runtime's active backend, for `schema`. */
export async function modelOpen(
  host: ModelHost,
  input: ModelInput,
  schema: Schema | undefined,
  job: Job,
): Promise<LoadedModel> {
  const b = host.backends
  job.progress(0, 1, 'Loading model')
  const files = await modelFilesOf(input, b.entries)
  const entry = runtimeEntryFor(files.main, b.entries, files.name)
  await b.ensure(entry)
  const source = await b.runtime!.sourceFromFiles(files)
  job.check()
  return b.runtime!.open(source, schema)
}

/** What the page is told about TreeSHAP on a session (no functions: it crosses postMessage). */
export function treeShapStatus(t: SessionTreeShap): TreeShapStatus {
  if (t.status === 'available')
    return {
      status: 'available',
      kinds: [...t.kinds],
      pathDependentUnavailable: t.pathDependentUnavailable,
    }
  return t.status === 'unavailable'
    ? { status: 'unavailable', reason: t.reason }
    : { status: 'none' }
}

/** The transactional load (see the module doc). */
export const load: Handler<'load'> = async (host, req, job) => {
  if (!req.model) await host.backends.ensure()
  if (req.maxChunkRows !== undefined) host.maxChunk = Math.max(1, req.maxChunkRows)
  const prev = host.session
  const schema = req.schema ?? prev?.schema
  const saved = host.backends.saveState()
  let fresh: LoadedModel | null = null
  let done = false
  try {
    if (req.model) fresh = await modelOpen(host, req.model, schema, job)
    // A model opened for one schema (ONNX) is reopened for a new one; a tfjs model is kept unless
    // the new schema changes the output kind (the link is part of the opened model).
    else if (
      prev &&
      req.schema &&
      host.backends.runtime &&
      (host.backends.runtime.schemaBound || req.schema.output.kind !== prev.schema.output.kind)
    )
      fresh = await host.backends.runtime.open(prev.model.source, req.schema)
    const model = fresh ?? prev?.model ?? null
    const table = req.table ?? prev?.table
    if (!model)
      throw new ModelError(
        'no model loaded yet: load a model (model.json with its weight files, an .onnx file or an XGBoost JSON)',
      )
    if (!table) throw new DataError('no dataset loaded yet: load a CSV file')
    if (!schema) throw new DataError('no schema: load a schema JSON or choose the target column')
    const name = req.table ? req.dataName : (prev?.dataName ?? req.dataName)
    const sha256 = req.table ? req.dataSha256 : (prev?.dataSha256 ?? req.dataSha256)
    const s = await sessionOpen(model, schema, { table, name, sha256 }, req.cls, {
      schemaName: req.schemaName,
      ...host.callCap(),
    })
    const t0 = performance.now()
    const predictions = await host.predictAll(s.predict, s.x, job, 'Predicting')
    const predictMs = performance.now() - t0
    // Every row's output, before anything is replaced: NaN, or not a probability under
    // output.kind "probability" (the same message as the CLI's).
    sessionOutputCheck(s, predictions)
    host.session = { ...s, predictions }
    host.globalCache.clear()
    if (fresh && prev && prev.model !== fresh) prev.model.dispose()
    fresh = null
    done = true
    const copy = predictions.slice()
    return {
      result: {
        model: modelInfo(model.card),
        card: model.card,
        column: s.column,
        classLabel: s.classLabel,
        encode: s.encode,
        labels: s.labels ? s.labels.slice() : null,
        predictions: copy,
        backend: host.backends.active!,
        predictMs,
        treeShap: treeShapStatus(s.treeShap),
        igUnavailable: s.gradUnavailable,
        compressionUnavailable: compressionUnavailable(model),
      },
      transfer: [copy.buffer],
    }
  } finally {
    fresh?.dispose()
    // A failed load leaves the earlier session on the runtime and backend it had.
    if (!done) await host.backends.restoreState(saved)
  }
}
