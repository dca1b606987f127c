/**
 * Guided counterfactual search: for a row and a desired side of the threshold, k diverse answers
 * ranked by validity, then sparsity, proximity and diversity (contracts §2). Steps, each one
 * batched into few model calls:
 * 1. seeds: every single allowed change of the row (numeric grid values, other categories) plus
 *    the row moved towards its nearest data rows on the desired side (mutable features only);
 * 2. beam search: the best partial answers (by p, at most two per changed-feature set) are
 *    extended by one more change per level until k different feature sets are valid or
 *    `maxChanges` is reached; seeded random multi-feature changes fill up when needed;
 * 3. sparsity: changes are reverted one at a time while the answer stays valid;
 * 4. proximity: each numeric change is moved back towards the row's value by a 16-ary search
 *    on the feature's step grid while the answer stays valid;
 * 5. selection: greedy by cost = 10·nChanged + proximity − ½·min(distance to chosen, 2), plus 2
 *    for repeating a chosen answer's feature set; the chosen answers are re-scored.
 */
import { rngFromSeed } from '../random.ts'
import type { BatchModel } from '../shap/coalitions.ts'
import { type CounterfactualConfig, ruleAllows } from './config.ts'
import { counterfactualDiversity } from './metrics.ts'
import { searchPool } from './pool.ts'
import { counterfactualAnswer, counterfactualScorer, counterfactualStart } from './query.ts'
import type { ValueScorer } from './scorer.ts'
import { searchContext, selectDiverse } from './steps.ts'
import type { Counterfactual, CounterfactualOptions, CounterfactualSet, Desired } from './types.ts'

export { featureMoves, randomCandidates } from './moves.ts'

/**
 * k diverse counterfactuals for one row of feature values (see module doc).
 * @example
 * const cfg = counterfactualConfig(schema, enc.values, { directions: { age: 'increase' } })
 * const set = await counterfactualSearch(predict, cfg, rowValues, { data: { values: enc.values, predictions } })
 */
export async function counterfactualSearch(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  row: ArrayLike<number>,
  opts: CounterfactualOptions = {},
): Promise<CounterfactualSet> {
  const M = cfg.features.length
  if (row.length !== M)
    throw new RangeError(
      `the row to explain has ${row.length} values, the schema has ${M} features`,
    )
  const { threshold, k, rng, scorer, orig, prediction, desired } = await counterfactualStart(
    predict,
    cfg,
    row,
    opts,
  )
  const c = searchContext(cfg, orig, desired, threshold, opts.margin ?? 1e-4, scorer)
  const stages = 5
  let stage = 0
  const onStage = (): void => opts.onProgress?.(Math.min(stages, ++stage), stages)
  const base = { prediction, desired, threshold }
  const onSide = desired === 'above' ? prediction >= threshold : prediction < threshold
  if (onSide) {
    opts.onProgress?.(stages, stages)
    return {
      ...base,
      counterfactuals: [],
      diversity: null,
      noneReason: 'the row is already on the desired side of the threshold',
      evaluations: scorer.evaluations,
    }
  }
  if (c.moves.every((m) => m.length === 0)) {
    opts.onProgress?.(stages, stages)
    return {
      ...base,
      counterfactuals: [],
      diversity: null,
      noneReason: 'all features are immutable or have no allowed value',
      evaluations: scorer.evaluations,
    }
  }
  const { pool, best } = await searchPool(c, opts, k, rng, onStage)
  const chosen = selectDiverse(c, pool, k)
  const answers: Counterfactual[] = []
  if (chosen.length > 0) {
    const p = await scorer.score(chosen.map((x) => x.v))
    chosen.forEach((x, i) => {
      const pi = p[i]!
      const valid = desired === 'above' ? pi >= threshold : pi < threshold
      if (valid) answers.push(counterfactualAnswer(cfg, orig, x.v, pi, valid))
    })
  }
  onStage()
  let noneReason: string | null = null
  if (answers.length === 0) {
    const bestP = desired === 'above' ? best : 1 - best
    noneReason = await explainFailure(predict, cfg, orig, desired, opts, k, scorer, bestP)
  }
  return {
    ...base,
    counterfactuals: answers,
    diversity: counterfactualDiversity(
      cfg,
      answers.map((a) => a.values),
    ),
    noneReason,
    evaluations: scorer.evaluations,
  }
}

/** Says why nothing was found: reruns the search with every constraint lifted. */
async function explainFailure(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  orig: Float64Array,
  desired: Desired,
  opts: CounterfactualOptions,
  k: number,
  scorer: ValueScorer,
  bestP: number,
): Promise<string> {
  const maxChanges = opts.maxChanges ?? 4
  const closest = `closest p = ${bestP.toFixed(3)}`
  const fail = `no allowed change of up to ${maxChanges} features reached the desired side (${closest})`
  if (opts.explainFailure === false) return fail
  const relaxed: CounterfactualConfig = {
    schema: cfg.schema,
    features: cfg.features.map((f) => ({
      ...f,
      mutable: true,
      direction: 'any' as const,
      allowed:
        f.kind === 'categorical' ? Int32Array.from({ length: f.max + 1 }, (_, i) => i) : f.allowed,
    })),
  }
  const sub = counterfactualScorer(predict, cfg, opts)
  const c = searchContext(relaxed, orig, desired, opts.threshold ?? 0.5, opts.margin ?? 1e-4, sub)
  const { pool } = await searchPool(c, { ...opts, randomSamples: 0 }, k, rngFromSeed(1), () => {})
  scorer.evaluations += sub.evaluations
  if (pool.length === 0) return fail
  const blocked = new Set<string>()
  let allImmutable = true
  for (const x of pool) {
    for (let j = 0; j < x.v.length; j++) {
      const f = cfg.features[j]!
      if (x.v[j] === orig[j] || ruleAllows(f, orig[j]!, x.v[j]!)) continue
      blocked.add(f.name)
      if (f.mutable) allImmutable = false
    }
  }
  const names = [...blocked].join(', ')
  if (allImmutable)
    return `all features that could flip the prediction are immutable (${names}); ${closest} with the allowed changes`
  return `the changes that flip the prediction need values the constraints exclude (${names}); ${closest} with the allowed changes`
}
