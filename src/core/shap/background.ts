/**
 * Background (reference) sets for interventional SHAP and expected-gradient IG: which data rows
 * stand for "the feature is absent", each with a weight. Three ways (docs/contracts.md §3
 * `--background first:K | sample:K | kmeans:K`): the first K rows, a seeded random sample of
 * K rows, or K-means on the encoded rows with each centroid replaced by its nearest real member
 * (a medoid, so every background row is a real, plausible row) weighted by its cluster's size.
 */
import { type Matrix, matrix } from '../types.ts'
import { type Rng, rngFromSeed, rngSplit } from '../random.ts'

/** The background: encoded rows, their weights (sum 1) and the data rows they came from. */
export type Background = {
  readonly x: Matrix
  /** Non-negative, sum 1. Equal for `first` and `sample`; cluster share for `kmeans`. */
  readonly weights: Float64Array
  /** 0-based data row of each background row. */
  readonly rows: Int32Array
  /** How it was chosen; `custom` = {@link backgroundFromRows}. */
  readonly kind: BackgroundKind | 'custom'
}

/** How a background is chosen (CLI `--background first:K | sample:K | kmeans:K`). */
export type BackgroundKind = 'first' | 'sample' | 'kmeans'

/** How to pick a background: kind and size K (clamped to the number of data rows). */
export type BackgroundSpec = { kind: BackgroundKind; k: number }

function pickRows(
  x: Matrix,
  rows: Int32Array,
  weights: Float64Array,
  kind: BackgroundKind,
): Background {
  const w = x.cols
  const data =
    x.data instanceof Float64Array
      ? new Float64Array(rows.length * w)
      : new Float32Array(rows.length * w)
  rows.forEach((r, i) => data.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  return { x: matrix(data, rows.length, w), weights, rows, kind }
}

function checkK(x: Matrix, k: number): number {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`the SHAP background: K must be a positive integer, got ${k}`)
  if (x.rows === 0) throw new RangeError('the SHAP background: the data has no rows')
  return Math.min(k, x.rows)
}

/**
 * The first K rows, equally weighted (the default, K = 50).
 * @example backgroundFirst(encoded.x, 50)
 */
export function backgroundFirst(x: Matrix, k = 50): Background {
  const n = checkK(x, k)
  const rows = new Int32Array(n)
  for (let i = 0; i < n; i++) rows[i] = i
  return pickRows(x, rows, new Float64Array(n).fill(1 / n), 'first')
}

/** K rows drawn without replacement with `rng`, in ascending row order, equally weighted. */
export function backgroundSample(x: Matrix, k: number, rng: Rng): Background {
  const n = checkK(x, k)
  const rows = rng.sampleWithoutReplacement(x.rows, n).sort()
  return pickRows(x, rows, new Float64Array(n).fill(1 / n), 'sample')
}

/** Options of {@link backgroundKmeans}. */
export type KmeansOptions = {
  /** Lloyd iterations at most (default 30); stops earlier when no assignment changes. */
  maxIter?: number
  /** Fit the centroids on at most this many rows, sampled with the rng (default 10,000). */
  fitRows?: number
}

function dist2(
  a: ArrayLike<number>,
  ao: number,
  b: ArrayLike<number>,
  bo: number,
  w: number,
): number {
  let s = 0
  for (let j = 0; j < w; j++) {
    const d = a[ao + j]! - b[bo + j]!
    s += d * d
  }
  return s
}

/**
 * K-means (k-means++ seeding with `rng`, Lloyd iterations, squared Euclidean distance on the
 * encoded rows); each centroid is then replaced by the member row nearest to it and weighted by
 * its cluster's share of all rows. Empty clusters are dropped, so fewer than K rows may return
 * (e.g. when the data has fewer than K distinct rows).
 * @example backgroundKmeans(encoded.x, 50, rngFromSeed(1))
 */
export function backgroundKmeans(
  x: Matrix,
  k: number,
  rng: Rng,
  opts: KmeansOptions = {},
): Background {
  const n = checkK(x, k)
  const w = x.cols
  const maxIter = opts.maxIter ?? 30
  const fitRows = Math.max(n, opts.fitRows ?? 10_000)
  const fit = x.rows > fitRows ? rng.sampleWithoutReplacement(x.rows, fitRows).sort() : null
  const nf = fit ? fit.length : x.rows
  const rowOf = (i: number): number => (fit ? fit[i]! : i)
  const X = x.data

  // k-means++ seeding.
  const cent = new Float64Array(n * w)
  const d2 = new Float64Array(nf).fill(Infinity)
  let first = rowOf(rng.int(nf))
  for (let c = 0; c < n; c++) {
    for (let j = 0; j < w; j++) cent[c * w + j] = X[first * w + j]!
    let total = 0
    for (let i = 0; i < nf; i++) {
      const d = dist2(X, rowOf(i) * w, cent, c * w, w)
      if (d < d2[i]!) d2[i] = d
      total += d2[i]!
    }
    if (c === n - 1) break
    if (total === 0) {
      first = rowOf(rng.int(nf))
      continue
    }
    let u = rng.uniform() * total
    let pick = nf - 1
    for (let i = 0; i < nf; i++) {
      u -= d2[i]!
      if (u < 0) {
        pick = i
        break
      }
    }
    first = rowOf(pick)
  }

  // Lloyd iterations on the fit rows.
  const assign = new Int32Array(nf).fill(-1)
  const sums = new Float64Array(n * w)
  const counts = new Float64Array(n)
  const nearest = (ro: number): number => {
    let best = 0
    let bd = Infinity
    for (let c = 0; c < n; c++) {
      const d = dist2(X, ro, cent, c * w, w)
      if (d < bd) {
        bd = d
        best = c
      }
    }
    return best
  }
  for (let it = 0; it < maxIter; it++) {
    let changed = 0
    for (let i = 0; i < nf; i++) {
      const c = nearest(rowOf(i) * w)
      if (c !== assign[i]) {
        assign[i] = c
        changed++
      }
    }
    if (changed === 0 && it > 0) break
    sums.fill(0)
    counts.fill(0)
    for (let i = 0; i < nf; i++) {
      const c = assign[i]!
      counts[c]!++
      const ro = rowOf(i) * w
      for (let j = 0; j < w; j++) sums[c * w + j] = sums[c * w + j]! + X[ro + j]!
    }
    for (let c = 0; c < n; c++) {
      if (counts[c] === 0) continue // keep an empty cluster's centroid; it may win rows back
      for (let j = 0; j < w; j++) cent[c * w + j] = sums[c * w + j]! / counts[c]!
    }
  }

  // Assign every row, then take each cluster's medoid (member nearest to the centroid).
  const size = new Float64Array(n)
  const medoid = new Int32Array(n).fill(-1)
  const medD = new Float64Array(n).fill(Infinity)
  for (let r = 0; r < x.rows; r++) {
    const c = nearest(r * w)
    size[c]!++
    const d = dist2(X, r * w, cent, c * w, w)
    if (d < medD[c]!) {
      medD[c] = d
      medoid[c] = r
    }
  }
  const keep: number[] = []
  for (let c = 0; c < n; c++) if (size[c]! > 0) keep.push(c)
  keep.sort((a, b) => medoid[a]! - medoid[b]!)
  const rows = Int32Array.from(keep, (c) => medoid[c]!)
  const weights = Float64Array.from(keep, (c) => size[c]! / x.rows)
  return pickRows(x, rows, weights, 'kmeans')
}

/** Builds the background a spec asks for; `rng` is only used by `sample` and `kmeans`. */
export function backgroundCreate(x: Matrix, spec: BackgroundSpec, rng: Rng): Background {
  switch (spec.kind) {
    case 'first':
      return backgroundFirst(x, spec.k)
    case 'sample':
      return backgroundSample(x, spec.k, rng)
    case 'kmeans':
      return backgroundKmeans(x, spec.k, rng)
  }
}

/**
 * The background every explanation made with `seed` uses — the row explanations and the audit
 * (`explainRows`), what-if, global SHAP: {@link backgroundCreate} with the seed's first split
 * stream (`rngSplit(rngFromSeed(seed))`). One function, so the same settings give the same
 * background, hence the same base value E f, in every view; a caller that draws other numbers
 * from the seed (a row sample, the Kernel SHAP design) takes them from its own streams, never
 * from this one. `first:K` uses no randomness at all.
 * @example backgroundSeeded(session.x, { kind: 'kmeans', k: 20 }, 7)
 */
export function backgroundSeeded(x: Matrix, spec: BackgroundSpec, seed: number): Background {
  return backgroundCreate(x, spec, rngSplit(rngFromSeed(seed)))
}

/** Weighted mean of the background's encoded rows (float64): IG's default baseline. */
export function backgroundMean(bg: Background): Float64Array {
  const w = bg.x.cols
  const out = new Float64Array(w)
  for (let r = 0; r < bg.x.rows; r++) {
    const wt = bg.weights[r]!
    for (let j = 0; j < w; j++) out[j] = out[j]! + wt * bg.x.data[r * w + j]!
  }
  return out
}

/** A background from explicit encoded rows and optional weights (normalised to sum 1). */
export function backgroundFromRows(
  x: Matrix,
  weights?: ArrayLike<number>,
  rows?: ArrayLike<number>,
): Background {
  if (x.rows === 0) throw new RangeError('the SHAP background: no rows')
  const wt = new Float64Array(x.rows)
  let s = 0
  for (let i = 0; i < x.rows; i++) {
    const v = weights ? weights[i]! : 1
    if (!(v >= 0)) throw new RangeError(`the SHAP background: weight ${i} is ${v}`)
    wt[i] = v
    s += v
  }
  if (!(s > 0)) throw new RangeError('the SHAP background: weights sum to 0')
  for (let i = 0; i < x.rows; i++) wt[i] = wt[i]! / s
  const idx = new Int32Array(x.rows)
  for (let i = 0; i < x.rows; i++) idx[i] = rows ? rows[i]! : i
  return { x, weights: wt, rows: idx, kind: 'custom' }
}
