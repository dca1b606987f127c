/**
 * What both counterfactual searches (the guided one and the random baseline) resolve before they
 * search: the options' defaults, the scorer, the row's prediction and the desired side, and the
 * shape of one re-scored answer. One definition, so the two searches cannot drift apart.
 */
import { modelInputMap } from '../modelInput.ts'
import { type Rng, rngFromSeed } from '../random.ts'
import type { BatchModel } from '../shap/coalitions.ts'
import type { CounterfactualConfig } from './config.ts'
import {
  counterfactualChangedCount,
  counterfactualChanges,
  counterfactualDistance,
} from './metrics.ts'
import { ValueScorer } from './scorer.ts'
import type { Counterfactual, CounterfactualCommonOptions, Desired } from './types.ts'

/** A query with its defaults resolved and the row scored; see {@link counterfactualStart}. */
export type CounterfactualQuery = {
  /** Decision threshold: positive iff p ≥ threshold [0.5]. */
  threshold: number
  /** Answers wanted, an integer ≥ 1 [4]. */
  k: number
  /** The random stream: `opts.rng`, else `rngFromSeed(opts.seed ?? 1)`. */
  rng: Rng
  /** Scores feature-value rows and counts the model rows evaluated (the row's own included). */
  scorer: ValueScorer
  /** The row's feature values as float64 (schema order). */
  orig: Float64Array
  /** f(row). */
  prediction: number
  /** `opts.desired`, else the opposite side of the threshold from `prediction`. */
  desired: Desired
}

/**
 * A scorer of feature-value rows for `predict`: model inputs built by the options' input map
 * [the schema's §1 encoding], with their precision [float32, the model boundary], chunk size and
 * cancel check.
 */
export function counterfactualScorer(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  opts: CounterfactualCommonOptions,
): ValueScorer {
  return new ValueScorer(
    predict,
    opts.input ?? modelInputMap(cfg.schema),
    opts.precision ?? 'float32',
    opts.chunkRows,
    opts.checkCancel,
  )
}

/**
 * Resolves the options common to both searches and scores the row (one model row evaluated).
 * @example const q = await counterfactualStart(predict, cfg, rowValues, { k: 4 })
 */
export async function counterfactualStart(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  row: ArrayLike<number>,
  opts: CounterfactualCommonOptions,
): Promise<CounterfactualQuery> {
  const threshold = opts.threshold ?? 0.5
  const k = Math.max(1, Math.floor(opts.k ?? 4))
  const rng = opts.rng ?? rngFromSeed(opts.seed ?? 1)
  const scorer = counterfactualScorer(predict, cfg, opts)
  const orig = Float64Array.from(row)
  const [p0] = await scorer.score([orig])
  const prediction = p0!
  const desired: Desired = opts.desired ?? (prediction >= threshold ? 'below' : 'above')
  return { threshold, k, rng, scorer, orig, prediction, desired }
}

/**
 * One answer: the candidate `values`, its changes from `orig`, its re-scored prediction and
 * validity, sparsity and proximity (contracts §2).
 */
export function counterfactualAnswer(
  cfg: CounterfactualConfig,
  orig: Float64Array,
  values: Float64Array,
  prediction: number,
  valid: boolean,
): Counterfactual {
  return {
    values,
    changes: counterfactualChanges(cfg, orig, values),
    prediction,
    valid,
    nChanged: counterfactualChangedCount(values, orig),
    proximity: counterfactualDistance(cfg, orig, values),
  }
}
