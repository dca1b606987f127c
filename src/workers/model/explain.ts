/**
 * Per-row explanations on the model worker's session: SHAP, IG and counterfactuals of data rows
 * through the same core facade the CLI uses (explainRows), and what-if — an edited row's
 * prediction and SHAP against the background. Tree models add TreeSHAP of the margin to both.
 */
import { explainRows, treeShapKindsOf } from '../../core/explain.ts'
import { rngFromSeed, rngSplit } from '../../core/random.ts'
import { backgroundSeeded } from '../../core/shap/background.ts'
import { shapExplain } from '../../core/shap/shap.ts'
import { matrix } from '../../core/types.ts'
import type { Handler } from '../modelHost.ts'

/** SHAP / IG / counterfactuals of data rows (explainRows on the session). */
export const explain: Handler<'explain'> = async (host, req, job) => {
  const s = host.requireSession()
  const t0 = performance.now()
  const explanations = await explainRows(
    {
      schema: s.schema,
      x: s.x,
      values: s.values,
      predict: s.predict,
      ...(s.grad ? { grad: s.grad } : {}),
      igUnavailable: s.gradUnavailable,
      predictions: s.predictions,
      fast: s.fast,
      fastUnavailable: s.fastReason,
      input: s.input,
      ...(s.treeShap.status === 'available' ? { treeShap: s.treeShap.explain } : {}),
    },
    req.rows,
    req.settings,
    {
      onProgress: (done, total) => job.progress(done, total, 'Explaining'),
      checkCancel: job.cancelCheck(),
      chunkRows: host.chunkRows(),
    },
  )
  const featureNames = s.schema.features.map((f) => f.name)
  const treeShapUnavailable = s.treeShap.status === 'unavailable' ? s.treeShap.reason : null
  return {
    result: { explanations, featureNames, treeShapUnavailable, ms: performance.now() - t0 },
  }
}

/** An edited row: its model inputs, prediction, and SHAP against the background. */
export const whatIf: Handler<'whatIf'> = async (host, req, job) => {
  const s = host.requireSession()
  const t0 = performance.now()
  const m = s.schema.features.length
  if (req.values.length !== m)
    throw new RangeError(`what-if: ${req.values.length} values for ${m} features`)
  const x = s.inputFromValues(matrix(Float64Array.from(req.values), 1, m))
  const prediction = (await s.predict(x))[0]!
  const ms = () => performance.now() - t0
  const empty = { shap: null, shapStdErr: null, baseValue: null, exact: null }
  if (!req.settings.shap) return { result: { prediction, ...empty, treeShap: null, ms: ms() } }
  const rng = rngFromSeed(req.settings.seed)
  rngSplit(rng) // the background's stream (backgroundSeeded draws the same one)
  const bg = backgroundSeeded(s.x, req.settings.background, req.settings.seed)
  const [r] = await shapExplain(s.predict, x, bg, {
    ...(req.settings.fastPath !== false && s.fast ? { fast: s.fast } : {}),
    offsets: s.input.offsets,
    budget: req.settings.budget,
    rng: rngSplit(rng),
    onProgress: (done, total) => job.progress(done, total, 'What-if SHAP'),
    checkCancel: job.cancelCheck(),
    chunkRows: host.chunkRows(),
  })
  const t = s.treeShap
  const kinds = treeShapKindsOf(req.settings)
  const [tree] =
    t.status === 'available' && kinds.length > 0 ? await t.explain(x, bg, kinds) : [null]
  const names = s.schema.features.map((f) => f.name)
  const num = (v: number) => (Number.isFinite(v) ? v : null)
  return {
    result: {
      prediction,
      shap: Object.fromEntries(names.map((n, j) => [n, r!.phi[j]!])),
      shapStdErr: r!.stdErr
        ? Object.fromEntries(names.map((n, j) => [n, num(r!.stdErr![j]!)]))
        : null,
      baseValue: r!.baseValue,
      exact: r!.exact,
      treeShap: tree && (tree.interventional || tree.pathDependent) ? tree : null,
      ms: ms(),
    },
  }
}
