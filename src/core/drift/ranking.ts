/**
 * Which drift matters: features ranked by drift × global importance, importance = mean |φ|
 * (SHAP, raw-feature players) of the model. A large shift in a feature the model ignores ranks
 * below a moderate shift in one it relies on.
 */
import type { ShapResult } from '../shap/shap.ts'

/** One row of the ranking. */
export type DriftRank = {
  feature: string
  /** The feature's PSI (the drift magnitude used). */
  psi: number
  /** Mean |φ| of the feature (probability units); 0 when not given. */
  importance: number
  /** importance / Σ importance, in [0, 1] (0 when every importance is 0). */
  importanceShare: number
  /** psi × importance: the sort key. */
  score: number
  drifted: boolean
}

/**
 * Global importance per feature: the mean over explained rows of |φ_f| (f in player order).
 * @returns an empty-safe Float64Array (zeros when there are no results).
 * @example shapMeanAbs(await shapExplain(predict, sampleX, bg, { offsets }))
 */
export function shapMeanAbs(results: readonly ShapResult[], players?: number): Float64Array {
  const M = players ?? results[0]?.phi.length ?? 0
  const out = new Float64Array(M)
  for (const r of results) for (let f = 0; f < M; f++) out[f] = out[f]! + Math.abs(r.phi[f]!)
  if (results.length) for (let f = 0; f < M; f++) out[f] = out[f]! / results.length
  return out
}

/**
 * Ranks `features` by psi × importance, largest first; ties by PSI, then by name. `importance`
 * is keyed by feature name (a missing feature counts 0) or given in the same order as
 * `features`.
 * @throws RangeError when an importance is negative or NaN, or an array has the wrong length.
 * @example driftRanking(featureDrift(schema, a, b), { age: 0.05, sex: 0.01 })[0].feature
 */
export function driftRanking(
  features: readonly { feature: string; psi: number; drifted: boolean }[],
  importance: Readonly<Record<string, number>> | ArrayLike<number>,
): DriftRank[] {
  const isArray = typeof (importance as ArrayLike<number>).length === 'number'
  if (isArray && (importance as ArrayLike<number>).length !== features.length) {
    throw new RangeError(
      `${(importance as ArrayLike<number>).length} feature importances for ${features.length} features`,
    )
  }
  const imp = features.map((f, i) => {
    const v = isArray
      ? (importance as ArrayLike<number>)[i]!
      : ((importance as Record<string, number>)[f.feature] ?? 0)
    if (!(v >= 0))
      throw new RangeError(`the importance of feature "${f.feature}" is ${v}, not a number ≥ 0`)
    return v
  })
  const total = imp.reduce((a, b) => a + b, 0)
  return features
    .map((f, i) => ({
      feature: f.feature,
      psi: f.psi,
      importance: imp[i]!,
      importanceShare: total > 0 ? imp[i]! / total : 0,
      score: f.psi * imp[i]!,
      drifted: f.drifted,
    }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.psi - a.psi ||
        (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    )
}
