/**
 * Rank agreement between two attributions of the same row (SHAP next to integrated gradients, or
 * SHAP of a model next to SHAP of its quantized copy): Spearman's ρ, the overlap of the top k
 * features by |value|, and whether both put the same feature first.
 */

/** Attribution per feature name. */
export type Attribution = Readonly<Record<string, number>>

/**
 * Ranks 1…n of `a` with ties given their average rank (the mid-rank), as Spearman's ρ needs.
 * @example rankAverage([10, 20, 10]) // Float64Array [1.5, 3, 1.5]
 */
export function rankAverage(a: ArrayLike<number>): Float64Array {
  const n = a.length
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i]! - a[j]!)
  const ranks = new Float64Array(n)
  for (let s = 0; s < n;) {
    let e = s + 1
    while (e < n && a[order[e]!] === a[order[s]!]) e++
    const mid = (s + 1 + e) / 2 // average of ranks s+1 … e
    for (let k = s; k < e; k++) ranks[order[k]!] = mid
    s = e
  }
  return ranks
}

/**
 * Spearman's rank correlation: the Pearson correlation of the average ranks of `a` and `b`, in
 * [−1, 1] (1 = same order). Ties get mid-ranks, so the value equals scipy's `spearmanr`.
 * @returns null when undefined: fewer than 2 pairs, or either side constant.
 * @throws RangeError when the lengths differ or a value is NaN.
 * @example spearman([1, 2, 3], [10, 30, 20]) // 0.5
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) {
    throw new RangeError(
      `a rank correlation needs as many values on each side, got ${a.length} and ${b.length}`,
    )
  }
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) {
      throw new RangeError(`a rank correlation cannot rank NaN (value ${i})`)
    }
  }
  const n = a.length
  if (n < 2) return null
  const ra = rankAverage(a)
  const rb = rankAverage(b)
  const mean = (n + 1) / 2 // the mean of average ranks is always (n + 1)/2
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean
    const db = rb[i]! - mean
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  if (saa === 0 || sbb === 0) return null
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)))
}

/**
 * Feature names by decreasing |value|; equal magnitudes in code-unit order of the name (a
 * deterministic tie-break).
 */
export function featuresByMagnitude(a: Attribution): string[] {
  return Object.keys(a).sort(
    (f, g) => Math.abs(a[g]!) - Math.abs(a[f]!) || (f < g ? -1 : f > g ? 1 : 0),
  )
}

/**
 * Share of the top-k features by |value| of `a` that are also in the top k of `b`, in [0, 1]
 * (k is capped at the number of features of the smaller attribution).
 * @returns null when either attribution has no feature.
 * @throws RangeError unless k is a positive integer.
 * @example topKOverlap({ a: 3, b: -2, c: 0.1 }, { a: 1, b: 0, c: 2 }, 2) // 0.5
 */
export function topKOverlap(a: Attribution, b: Attribution, k: number): number | null {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(
      `the number of top features compared must be a positive whole number, got ${k}`,
    )
  const kk = Math.min(k, Object.keys(a).length, Object.keys(b).length)
  if (kk === 0) return null
  const top = new Set(featuresByMagnitude(b).slice(0, kk))
  return (
    featuresByMagnitude(a)
      .slice(0, kk)
      .filter((f) => top.has(f)).length / kk
  )
}

/** Whether two attributions agree on their most important feature. */
export type TopFeatureAgreement = {
  /** The feature with the largest |value| in `a` (ties: first name); null when a is empty. */
  a: string | null
  /** The same for `b`. */
  b: string | null
  /** True when both name the same feature (false when either is empty). */
  agree: boolean
}

/**
 * The most important feature (largest |value|) of each attribution and whether they agree; the
 * explanation view flags a disagreement between SHAP and IG.
 * @example topFeatureAgreement({ age: 0.2, sex: -0.3 }, { age: 0.4, sex: 0.1 }).agree // false
 */
export function topFeatureAgreement(a: Attribution, b: Attribution): TopFeatureAgreement {
  const ta = featuresByMagnitude(a)[0] ?? null
  const tb = featuresByMagnitude(b)[0] ?? null
  return { a: ta, b: tb, agree: ta !== null && ta === tb }
}

/** Agreement summary of two attributions; see `attributionAgreement`. */
export type AttributionAgreement = {
  /** Spearman's ρ of the signed values over the shared features; null when undefined. */
  spearman: number | null
  /** Spearman's ρ of |value| (importance order regardless of sign); null when undefined. */
  spearmanAbs: number | null
  /** Top-k overlap by |value|; null when a side is empty. */
  topKOverlap: number | null
  /** The k used. */
  k: number
  /** Top feature of each side and whether they agree. */
  top: TopFeatureAgreement
}

/**
 * Everything the explanation view shows next to SHAP and IG: ρ on signed values and on
 * magnitudes (over the features both have), the top-k overlap and the top-feature agreement.
 * @throws RangeError unless k is a positive integer, or when a value is NaN.
 * @example attributionAgreement(shap, ig).top.agree
 */
export function attributionAgreement(a: Attribution, b: Attribution, k = 3): AttributionAgreement {
  const shared = Object.keys(a).filter((f) => Object.hasOwn(b, f))
  const va = shared.map((f) => a[f]!)
  const vb = shared.map((f) => b[f]!)
  return {
    spearman: spearman(va, vb),
    spearmanAbs: spearman(va.map(Math.abs), vb.map(Math.abs)),
    topKOverlap: topKOverlap(a, b, k),
    k,
    top: topFeatureAgreement(a, b),
  }
}
