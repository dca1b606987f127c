/**
 * Population stability index (docs/contracts.md §4):
 * PSI = Σ_bins (c_i − r_i) · ln(c_i / r_i), with r_i / c_i the reference / current share of
 * bin i plus ε = 1e-4 (added to every share, both sides, no renormalisation, so an empty bin
 * costs a finite amount). PSI ≥ 0; 0 iff the shares agree. Rules of thumb: < 0.1 stable,
 * 0.1–0.2 watch, > 0.2 drifted.
 *
 * Numeric bins: edges = the reference's deciles q = 0.1, 0.2, …, 0.9 by numpy's 'linear' rule
 * (`np.percentile(ref, [10, …, 90])`), exact duplicates removed; bins (−∞, e₁], (e₁, e₂], …,
 * (e_k, +∞), so a value equal to an edge falls in the bin below it.
 * Categorical bins: the reference's distinct values, then one "unseen" bin for every current
 * value the reference does not have (its reference share is 0, i.e. ε after smoothing).
 */
import { quantileLinear, sortedCopy } from './special.ts'

/** The smoothing ε added to every bin share. */
export const PSI_EPS = 1e-4
/** PSI above which a feature is flagged as drifted. */
export const PSI_DRIFT = 0.2
/** PSI above which (up to {@link PSI_DRIFT}) a feature is worth watching. */
export const PSI_WATCH = 0.1
/** The label of the categorical bin for values the reference does not have. */
export const PSI_UNSEEN = 'unseen'

/** Bins and shares behind one PSI value (what an overlaid bar chart needs). */
export type PsiBins = {
  /** One label per bin: `≤ e₁`, `(e₁, e₂]`, …, `> e_k` for numeric; category names + "unseen". */
  labels: string[]
  /** Numeric only: the inner edges e₁ < … < e_k (bins = edges.length + 1); [] for categorical. */
  edges: number[]
  refCounts: number[]
  curCounts: number[]
  /** Shares before smoothing (count / n), each side summing to 1. */
  refShares: number[]
  curShares: number[]
  /** Per-bin term (c_i − r_i) ln(c_i / r_i) after smoothing; Σ = psi. */
  terms: number[]
  psi: number
}

/**
 * PSI of two count vectors over the same bins (shares = count / total + ε).
 * @throws RangeError on different lengths or an empty side.
 * @example psiFromCounts([50, 50], [50, 50]) // 0
 */
export function psiFromCounts(
  refCounts: ArrayLike<number>,
  curCounts: ArrayLike<number>,
  eps = PSI_EPS,
): { psi: number; terms: number[] } {
  if (refCounts.length !== curCounts.length) {
    throw new RangeError(
      `the PSI needs as many bins on each side: ${refCounts.length} reference bins but ${curCounts.length} current bins`,
    )
  }
  let nr = 0
  let nc = 0
  for (let i = 0; i < refCounts.length; i++) {
    nr += refCounts[i]!
    nc += curCounts[i]!
  }
  if (nr === 0 || nc === 0)
    throw new RangeError(
      'the PSI needs at least one value in the reference and in the current data',
    )
  const terms: number[] = []
  let psi = 0
  for (let i = 0; i < refCounts.length; i++) {
    const r = refCounts[i]! / nr + eps
    const c = curCounts[i]! / nc + eps
    const t = (c - r) * Math.log(c / r)
    terms.push(t)
    psi += t
  }
  return { psi, terms }
}

/**
 * The numeric PSI edges of a reference sample: its distinct deciles (see module doc).
 * @throws RangeError on an empty sample or a NaN.
 * @example psiEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) // [1.9, 2.8, …, 9.1]
 */
export function psiEdges(ref: ArrayLike<number>): number[] {
  const s = sortedCopy('the reference', ref)
  if (s.length === 0) throw new RangeError('the PSI bins need at least one reference value')
  const edges: number[] = []
  for (let k = 1; k <= 9; k++) {
    const e = quantileLinear(s, k / 10)
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e)
  }
  return edges
}

/**
 * Counts of `values` in the bins (−∞, e₁], (e₁, e₂], …, (e_k, +∞) of ascending `edges`; with
 * `weights`, value i counts weights[i] times (e.g. distinct values with their counts).
 * @example psiBinCounts([1, 2, 3], [2]) // [2, 1]
 */
export function psiBinCounts(
  values: ArrayLike<number>,
  edges: readonly number[],
  weights?: ArrayLike<number>,
): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    // First edge ≥ v (binary search): that edge closes v's bin.
    let lo = 0
    let hi = edges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (edges[mid]! < v) lo = mid + 1
      else hi = mid
    }
    counts[lo]! += weights ? weights[i]! : 1
  }
  return counts
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)))

function bins(
  labels: string[],
  edges: number[],
  refCounts: number[],
  curCounts: number[],
): PsiBins {
  const { psi, terms } = psiFromCounts(refCounts, curCounts)
  const nr = refCounts.reduce((a, b) => a + b, 0)
  const nc = curCounts.reduce((a, b) => a + b, 0)
  return {
    labels,
    edges,
    refCounts,
    curCounts,
    refShares: refCounts.map((c) => c / nr),
    curShares: curCounts.map((c) => c / nc),
    terms,
    psi,
  }
}

/**
 * PSI of a numeric feature over the reference's distinct decile bins (see module doc).
 * @throws RangeError on an empty sample or a NaN.
 * @example psiNumeric(refAges, curAges).psi
 */
export function psiNumeric(ref: ArrayLike<number>, cur: ArrayLike<number>): PsiBins {
  const edges = psiEdges(ref)
  for (let i = 0; i < cur.length; i++) {
    if (Number.isNaN(cur[i]!)) throw new RangeError(`value ${i} of the current data is NaN`)
  }
  return psiNumericBins(edges, psiBinCounts(ref, edges), psiBinCounts(cur, edges))
}

/**
 * `psiNumeric`'s result from the decile `edges` and both sides' counts in the bins (−∞, e₁], …,
 * (e_k, +∞): labels, shares, terms and PSI (the streamed audit counts the bins itself).
 * @throws RangeError as `psiFromCounts`.
 */
export function psiNumericBins(edges: number[], refCounts: number[], curCounts: number[]): PsiBins {
  const labels = edges.map((e, k) =>
    k === 0 ? `≤ ${fmt(e)}` : `(${fmt(edges[k - 1]!)}, ${fmt(e)}]`,
  )
  labels.push(`> ${fmt(edges[edges.length - 1]!)}`)
  return bins(labels, edges, refCounts, curCounts)
}

/** Categorical PSI plus the current values the reference does not have. */
export type PsiCategorical = PsiBins & {
  /** Current values absent from the reference, most frequent first (ties by name). */
  newCategories: string[]
}

/**
 * PSI of a categorical feature over the reference's distinct values plus "unseen" (see module
 * doc). Bins follow `order` for the categories it lists (e.g. the schema's categories), then the
 * remaining reference values in code-unit order, then "unseen" (always present, possibly empty).
 * Inputs are value → count maps (or arrays of values, one per row).
 * @throws RangeError when a side is empty.
 * @example psiCategorical(['a', 'a', 'b'], ['a', 'c']).newCategories // ['c']
 */
export function psiCategorical(
  ref: readonly string[] | ReadonlyMap<string, number>,
  cur: readonly string[] | ReadonlyMap<string, number>,
  order: readonly string[] = [],
): PsiCategorical {
  const refMap = countMap(ref)
  const curMap = countMap(cur)
  const cats = order.filter((c) => refMap.has(c))
  const listed = new Set(cats)
  cats.push(...[...refMap.keys()].filter((c) => !listed.has(c)).sort())
  const refCounts = cats.map((c) => refMap.get(c)!)
  const curCounts = cats.map((c) => curMap.get(c) ?? 0)
  const fresh = [...curMap.entries()].filter(([c]) => !refMap.has(c))
  fresh.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  refCounts.push(0)
  curCounts.push(fresh.reduce((s, [, n]) => s + n, 0))
  return {
    ...bins([...cats, PSI_UNSEEN], [], refCounts, curCounts),
    newCategories: fresh.map(([c]) => c),
  }
}

function countMap(v: readonly string[] | ReadonlyMap<string, number>): ReadonlyMap<string, number> {
  const m = new Map<string, number>()
  if (Array.isArray(v)) for (const s of v as readonly string[]) m.set(s, (m.get(s) ?? 0) + 1)
  else for (const [s, n] of v as ReadonlyMap<string, number>) if (n > 0) m.set(s, n)
  return m
}
