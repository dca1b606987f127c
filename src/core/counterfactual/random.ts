/**
 * DiCE-random-like baseline for benchmarks: random changes of random feature subsets (1 feature
 * first, then 2, …), new values uniform over the allowed interval (snapped to the feature's
 * step) or the allowed categories; keeps the valid ones in the order drawn and returns the
 * first k distinct. No sparsity or proximity post-processing.
 */
import { modelInputMap } from '../modelInput.ts'
import { rngFromSeed } from '../random.ts'
import type { BatchModel } from '../shap/coalitions.ts'
import type { CounterfactualConfig } from './config.ts'
import {
  counterfactualChangedCount,
  counterfactualChanges,
  counterfactualDistance,
  counterfactualDiversity,
} from './metrics.ts'
import { ValueScorer } from './scorer.ts'
import { featureMoves, randomCandidates } from './search.ts'
import type {
  Counterfactual,
  CounterfactualCommonOptions,
  CounterfactualSet,
  Desired,
} from './types.ts'

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
  const threshold = opts.threshold ?? 0.5
  const k = Math.max(1, Math.floor(opts.k ?? 4))
  const rng = opts.rng ?? rngFromSeed(opts.seed ?? 1)
  const per = opts.samplesPerRound ?? 200
  const scorer = new ValueScorer(
    predict,
    opts.input ?? modelInputMap(cfg.schema),
    opts.precision ?? 'float32',
    opts.chunkRows,
    opts.checkCancel,
  )
  const orig = Float64Array.from(row)
  const [p0] = await scorer.score([orig])
  const prediction = p0!
  const desired: Desired = opts.desired ?? (prediction >= threshold ? 'below' : 'above')
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
      answers.push({
        values: v,
        changes: counterfactualChanges(cfg, orig, v),
        prediction: p[q]!,
        valid: true,
        nChanged: counterfactualChangedCount(v, orig),
        proximity: counterfactualDistance(cfg, orig, v),
      })
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
