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
import { tableColumn } from '../../core/table.ts'
import { modelInfo } from '../../model/card.ts'
import { ModelError } from '../../model/errors.ts'
import type { LoadedModel } from '../../model/runtime.ts'
import { AUDIT_DEFAULTS } from '../../report/audit.ts'
import { comparableProblem, phiOf, reportComparison } from '../../report/compare.ts'
import { sessionOpen, sessionOutputCheck } from '../../session/session.ts'
import type { Handler, ModelHost, WorkerSession } from '../modelHost.ts'
import type { BackendsState } from './backends.ts'
import { modelOpen, treeShapStatus } from './load.ts'
import { compressionUnavailable } from '../../model/compression.ts'

/**
 * The model beside the session: its session, the runtime and backend it was opened on, and
 * whether the two are swapped (the views show the challenger: the host's session is then the
 * challenger's, and this entry holds the champion).
 */
type Beside = { session: WorkerSession; backends: BackendsState; swapped: boolean }

/** The model beside the session of each host (none until `challengerLoad`). */
const beside = new WeakMap<ModelHost, Beside>()

/** The host's challenger session, for tests; null when none is loaded. */
export function challengerOf(host: ModelHost): WorkerSession | null {
  const e = beside.get(host)
  if (!e) return null
  return e.swapped ? host.session : e.session
}

/** The model beside the session, checked to be on the session's table and schema. */
function besideOf(host: ModelHost): { s: WorkerSession; e: Beside } {
  const s = host.requireSession()
  const e = beside.get(host)
  if (!e) throw new Error('no challenger loaded: use "Compare with…" to load a second model')
  if (e.session.table !== s.table || e.session.schema !== s.schema)
    throw new Error(
      `the data or schema changed since ${e.session.model.card.name} was loaded beside ${s.model.card.name}: load the challenger again`,
    )
  return { s, e }
}

/** The champion (a) and the challenger (b), whichever the views show. */
function pairOf(host: ModelHost): { a: WorkerSession; b: WorkerSession } {
  const { s, e } = besideOf(host)
  return e.swapped ? { a: e.session, b: s } : { a: s, b: e.session }
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
    // Every row checked like the champion's (NaN, or not a probability under "probability").
    sessionOutputCheck(s, predictions)
    const b: WorkerSession = { ...s, predictions }
    const problem = comparableProblem(a, b)
    if (problem) throw new ModelError(`cannot compare the two models: ${problem}`)
    beside.get(host)?.session.model.dispose()
    beside.set(host, { session: b, backends: host.backends.saveState(), swapped: false })
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
  beside.get(host)?.session.model.dispose()
  beside.delete(host)
  return Promise.resolve({ result: true })
}

/**
 * Swaps the session and the model beside it (the views' "show: champion | challenger"): the
 * other model's session, runtime and backend become the host's; the comparison keeps its roles.
 * Answers like a load of the model now shown (without re-predicting: its rows are predicted).
 */
export const challengerSwap: Handler<'challengerSwap'> = async (host) => {
  const { s, e } = besideOf(host)
  const mine = host.backends.saveState()
  await host.backends.restoreState(e.backends)
  const next = e.session
  host.session = next
  host.globalCache.clear()
  beside.set(host, { session: s, backends: mine, swapped: !e.swapped })
  const predictions = next.predictions.slice()
  return {
    result: {
      model: modelInfo(next.model.card),
      card: next.model.card,
      column: next.column,
      classLabel: next.classLabel,
      encode: next.encode,
      labels: next.labels ? next.labels.slice() : null,
      predictions,
      outOfRange: null,
      backend: host.backends.active!,
      predictMs: 0,
      treeShap: treeShapStatus(next.treeShap),
      igUnavailable: next.gradUnavailable,
      compressionUnavailable: compressionUnavailable(next.model),
    },
    transfer: [predictions.buffer],
  }
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
