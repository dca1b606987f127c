/**
 * DiCE-random-like baseline for benchmarks: random changes of random feature subsets (1 feature
 * first, then 2, …), new values uniform over the allowed interval (snapped to the feature's
 * step) or the allowed categories; keeps the valid ones in the order drawn and returns the
 * first k distinct. No sparsity or proximity post-processing.
 */
import type { BatchModel } from '../shap/coalitions.ts'
import type { CounterfactualConfig } from './config.ts'
import { counterfactualDiversity } from './metrics.ts'
import { featureMoves, randomCandidates } from './moves.ts'
import { counterfactualAnswer, counterfactualStart } from './query.ts'
import type { Counterfactual, CounterfactualCommonOptions, CounterfactualSet } from './types.ts'

/** Options of {@link counterfactualRandom}. */
export type CounterfactualRandomOptions = CounterfactualCommonOptions & {
  /** Random candidates drawn per number of changed features (default 200). */
  samplesPerRound?: number
}

/**
 * Random-search counterfactuals (the benchmark baseline).
 * @example await counterfactualRandom(predict, cfg, rowValues, { k: 4, seed: 1 })
 */
export async function counterfactualRandom(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  row: ArrayLike<number>,
  opts: CounterfactualRandomOptions = {},
): Promise<CounterfactualSet> {
  const { threshold, k, rng, scorer, orig, prediction, desired } = await counterfactualStart(
    predict,
    cfg,
    row,
    opts,
  )
  const per = opts.samplesPerRound ?? 200
  const valid = (p: number): boolean => (desired === 'above' ? p >= threshold : p < threshold)
  const moves = cfg.features.map((f, j) => featureMoves(f, orig[j]!))
  const nMutable = moves.filter((m) => m.length > 0).length
  const answers: Counterfactual[] = []
  const seen = new Set<string>()
  for (let nf = 1; nf <= nMutable && answers.length < k; nf++) {
    await opts.checkCancel?.()
    const rows = randomCandidates(cfg, orig, moves, nf, per, rng)
    const p = await scorer.score(rows)
    for (let q = 0; q < rows.length && answers.length < k; q++) {
      if (!valid(p[q]!)) continue
      const v = rows[q]!
      const key = v.join(',')
      if (seen.has(key)) continue
      seen.add(key)
      answers.push(counterfactualAnswer(cfg, orig, v, p[q]!, true))
    }
    opts.onProgress?.(nf, nMutable)
  }
  return {
    counterfactuals: answers,
    diversity: counterfactualDiversity(
      cfg,
      answers.map((a) => a.values),
    ),
    noneReason:
      answers.length > 0
        ? null
        : nMutable === 0
          ? 'all features are immutable or have no allowed value'
          : 'random search found no valid change',
    prediction,
    desired,
    threshold,
    evaluations: scorer.evaluations,
  }
}
