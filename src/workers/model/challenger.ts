/**
 * The model worker's challenger (issue 19): a second model opened on the session's data and schema
 * next to the champion, with its own session and predictions, and the comparison of the two by
 * the core's engine (`compareModels`: McNemar, DeLong, paired bootstrap) on the rows in view.
 *
 * The challenger load is a transaction of its own: the model is opened by the runtime that
 * recognises it (which may be another runtime than the champion's: an XGBoost challenger of a
 * tfjs champion), a session opened on the champion's table and schema (width check, class), every
 * row predicted with progress and cancel. The host's runtime and backend are put back afterwards,
 * so the champion's session, backend and caches never change; a failed load keeps the previous
 * challenger. The challenger lives beside the host (a WeakMap), not in it: every other job sees
 * the champion only.
 */
import { calibration } from '../../core/calibration.ts'
import { compareModels } from '../../core/compare/compare.ts'
import { compareSampleRows } from '../../core/compare/explanations.ts'
import type { Grouping } from '../../core/compare/groupings.ts'
import { predictionsClip } from '../../core/loadChecks.ts'
import { tableColumn } from '../../core/table.ts'
import { modelInfo } from '../../model/card.ts'
import { ModelError } from '../../model/errors.ts'
import type { LoadedModel } from '../../model/runtime.ts'
import { AUDIT_DEFAULTS } from '../../report/audit.ts'
import { comparableProblem, phiOf, reportComparison } from '../../report/compare.ts'
import { sessionOpen } from '../../session/session.ts'
import type { Handler, ModelHost, WorkerSession } from '../modelHost.ts'
import { modelOpen } from './load.ts'

/** The challenger of each host (none until `challengerLoad`). */
const challengers = new WeakMap<ModelHost, WorkerSession>()

/** The host's challenger session, for tests and the jobs below; null when none is loaded. */
export const challengerOf = (host: ModelHost): WorkerSession | null => challengers.get(host) ?? null

/** The champion and the challenger, checked to be on the same table and schema. */
function pairOf(host: ModelHost): { a: WorkerSession; b: WorkerSession } {
  const a = host.requireSession()
  const b = challengers.get(host)
  if (!b) throw new Error('no challenger loaded: use "Compare with…" to load a second model')
  if (b.table !== a.table || b.schema !== a.schema)
    throw new Error(
      `the champion's data or schema changed since the challenger ${b.model.card.name} was loaded: load the challenger again`,
    )
  return { a, b }
}

/** Opens the challenger on the session's data and schema (see the module doc). */
export const challengerLoad: Handler<'challengerLoad'> = async (host, req, job) => {
  const a = host.session
  if (!a) throw new Error('load a model and data before loading a challenger to compare with')
  const saved = host.backends.saveState()
  let fresh: LoadedModel | null = null
  try {
    fresh = await modelOpen(host, req.model, a.schema, job)
    const s = await sessionOpen(
      fresh,
      a.schema,
      { table: a.table, name: a.dataName, sha256: a.dataSha256 },
      req.cls,
      { schemaName: `the champion's schema (${a.schema.name})`, ...host.callCap() },
    )
    const predictions = await host.predictAll(s.predict, s.x, job, 'Predicting (challenger)')
    const nan = predictions.findIndex(Number.isNaN)
    if (nan >= 0)
      throw new ModelError(`the challenger ${fresh.card.name} predicts NaN for row ${nan}`)
    predictionsClip(predictions)
    const b: WorkerSession = { ...s, predictions }
    const problem = comparableProblem(a, b)
    if (problem) throw new ModelError(`cannot compare the two models: ${problem}`)
    challengers.get(host)?.model.dispose()
    challengers.set(host, b)
    fresh = null
    const copy = predictions.slice()
    return {
      result: {
        model: modelInfo(b.model.card),
        card: b.model.card,
        predictions: copy,
        igUnavailable: b.gradUnavailable,
      },
      transfer: [copy.buffer],
    }
  } finally {
    fresh?.dispose()
    // The champion's runtime and backend stay the ones models open on.
    await host.backends.restoreState(saved)
  }
}

/** Forgets the challenger. */
export const challengerClear: Handler<'challengerClear'> = (host) => {
  challengers.get(host)?.model.dispose()
  challengers.delete(host)
  return Promise.resolve({ result: true })
}

/** `idx` of `src` (all of it when idx is null). */
function pick<T extends Float32Array | Uint8Array | Int32Array>(
  src: T,
  idx: Int32Array | null,
  make: (n: number) => T,
): T {
  if (!idx) return src
  const out = make(idx.length)
  for (let k = 0; k < idx.length; k++) out[k] = src[idx[k]!]!
  return out
}

/** Champion vs challenger on the rows in view (see CompareRequest). */
export const compare: Handler<'compare'> = async (host, req, job) => {
  const t0 = performance.now()
  const { a, b } = pairOf(host)
  const idx = req.rows
  const pA = pick(a.predictions, idx, (n) => new Float32Array(n))
  const pB = pick(b.predictions, idx, (n) => new Float32Array(n))
  const y = a.labels ? pick(a.labels, idx, (n) => new Uint8Array(n)) : null
  const groupings: Record<string, Grouping> = {}
  for (const attr of a.schema.sensitive) {
    const col = tableColumn(a.table, attr)
    if (col)
      groupings[attr] = {
        codes: pick(col.codes, idx, (n) => new Int32Array(n)),
        values: col.values,
      }
  }
  let explanations
  if (req.explain && pA.length > 0) {
    job.progress(0, 2, 'Explaining both models')
    const settings = { ...AUDIT_DEFAULTS, ...req.explain.settings, seed: req.seed }
    const local = compareSampleRows(pA.length, req.explain.rows, req.seed)
    const rows = idx ? local.map((r) => idx[r]!) : local
    const champion = await phiOf(a, rows, settings, job.cancelCheck())
    job.progress(1, 2, 'Explaining both models')
    const challenger = await phiOf(b, rows, settings, job.cancelCheck())
    explanations = {
      champion,
      challenger,
      features: a.schema.features.map((f) => f.name),
      k: req.explain.k,
    }
  }
  job.check()
  const c = compareModels({
    champion: pA,
    challenger: pB,
    labels: y,
    groupings,
    threshold: req.threshold,
    seed: req.seed,
    B: req.B,
    ...(explanations ? { explanations } : {}),
  })
  const disagreementRows = idx ? c.disagreementRows.map((r) => idx[r]!) : c.disagreementRows
  const result = {
    ...c,
    disagreementRows,
    calibration: y
      ? { champion: calibration(pA, y).bins, challenger: calibration(pB, y).bins }
      : null,
    ms: performance.now() - t0,
  }
  return { result, transfer: [disagreementRows.buffer as ArrayBuffer] }
}

/** The report's `comparison` section on every row, as `glassbox compare` writes it. */
export const compareReport: Handler<'compareReport'> = async (host, req, job) => {
  const { a, b } = pairOf(host)
  const result = await reportComparison(
    a,
    b,
    a.predictions,
    b.predictions,
    req.settings,
    job.cancelCheck(),
  )
  return { result }
}
