/**
 * Agreement of two models' explanations on the same sample of rows (docs/contracts.md §8
 * `comparison.explanations`, and the compression lab's attribution stability): each model's
 * global importance of a feature is its mean |φ| over the sampled rows; the SHAP rank correlation
 * is Spearman's ρ of the two importance vectors (features ranked by importance, ties by mid-rank),
 * and the top-k overlap is |top k of one ∩ top k of the other| / k.
 */
import { rngFromSeed } from '../random.ts'
import type { Matrix } from '../types.ts'
import { spearman } from '../views/rank.ts'

/** How two models' explanations agree; see {@link explanationAgreement}. */
export type ExplanationAgreement = {
  /** Spearman's ρ of the two mean-|φ| vectors, in [−1, 1]; null with no rows or a constant side. */
  shapRankCorrelation: number | null
  /** |top-k features of the champion ∩ top-k of the challenger| / k, in [0, 1]; null with no rows or features. */
  topKOverlap: number | null
  /** The k used: the one asked for, capped at the number of features. */
  k: number
  /** Rows explained (the sample size). */
  rows: number
  /** Mean |φ| per feature (column) of the champion. */
  champion: Float64Array
  /** Mean |φ| per feature of the challenger. */
  challenger: Float64Array
}

/**
 * Mean |φ| per feature (column) over the explained rows (zeros for no rows).
 * @example meanAbsAttribution(matrix(Float32Array.of(1, -2, -3, 4), 2, 2)) // [2, 3]
 */
export function meanAbsAttribution(phi: Matrix): Float64Array {
  const out = new Float64Array(phi.cols)
  for (let r = 0; r < phi.rows; r++)
    for (let c = 0; c < phi.cols; c++) out[c] = out[c]! + Math.abs(phi.data[r * phi.cols + c]!)
  if (phi.rows > 0) for (let c = 0; c < phi.cols; c++) out[c] = out[c]! / phi.rows
  return out
}

/**
 * Indices of the k largest values, larger first, ties to the lower index.
 * @example attributionTopK([0.1, 0.5, 0.5], 2) // [1, 2]
 */
export function attributionTopK(v: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: v.length }, (_, i) => i)
    .sort((a, b) => v[b]! - v[a]! || a - b)
    .slice(0, k)
}

/**
 * Agreement of two attribution matrices (sampled rows × features, the same rows and features in
 * the same order for both models).
 * @throws RangeError when the shapes differ or k is not a positive integer.
 * @example explanationAgreement(shapA, shapB, 5).topKOverlap
 */
export function explanationAgreement(
  champion: Matrix,
  challenger: Matrix,
  k: number,
): ExplanationAgreement {
  if (champion.rows !== challenger.rows || champion.cols !== challenger.cols)
    throw new RangeError(
      `the two models' SHAP values differ in shape (${champion.rows}x${champion.cols} vs ${challenger.rows}x${challenger.cols})`,
    )
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`the number of top features compared must be a positive integer, got ${k}`)
  const a = meanAbsAttribution(champion)
  const b = meanAbsAttribution(challenger)
  const kk = Math.min(k, champion.cols)
  const top = new Set(attributionTopK(a, kk))
  const overlap = attributionTopK(b, kk).filter((j) => top.has(j)).length
  const rows = champion.rows
  return {
    shapRankCorrelation: rows === 0 ? null : spearman(a, b),
    topKOverlap: kk === 0 || rows === 0 ? null : overlap / kk,
    k: kk,
    rows,
    champion: a,
    challenger: b,
  }
}

/**
 * The seeded sample of rows whose attributions are compared: `k` distinct rows of `n`, sorted
 * (all rows when k ≥ n).
 * @example compareSampleRows(2000, 16, 1)
 */
export function compareSampleRows(n: number, k: number, seed: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i)
  return Array.from(rngFromSeed(seed).sampleWithoutReplacement(n, k)).sort((a, b) => a - b)
}
