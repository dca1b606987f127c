/**
 * Out-of-distribution rows: the Mahalanobis distance of each current row from the reference,
 * in the encoded input space (numeric features standardised by the schema, categorical
 * features one-hot), with thresholds set on held-out reference rows.
 *
 * Fit: a seeded half of the reference rows gives the mean μ and the covariance S (1/n). S is
 * singular for one-hot blocks and noisy for rare categories, so it is shrunk towards a scaled
 * identity with the Ledoit–Wolf (2004) intensity δ exactly as scikit-learn's `ledoit_wolf`
 * computes it: Σ = (1 − δ)·S + δ·(tr S / p)·I. (Eigenvalues are floored at 1e-9 · tr S / p, and
 * Σ = I when every fitted row is identical.) Before shrinking, the variance of every one-hot
 * column is floored at s(1 − s) with s = 5% (`categoryFloor`): a category rarer than 1 in 20
 * counts as a 1-in-20 category. Without the floor, Mahalanobis distance in one-hot space measures
 * category rarity above all (on the UCI adult data a lone Armed-Forces occupation gives d ≈ 47,
 * the 99th percentile is 29, and rows whose age moved by 8σ are not flagged); with it the
 * thresholds are ≈ 8.8 / 11.3 and those rows all exceed the 95th percentile. (δ and tr S / p are
 * computed on the unfloored S.)
 * Score: d(x) = ‖W(x − μ)‖ with W = Σ^{−1/2} the symmetric (ZCA) whitening matrix, so d² is the
 * squared Mahalanobis distance and the whitened difference w = W(x − μ) stays aligned with the
 * encoded columns: the share of d² in a feature's block, Σ_{j ∈ block} w_j² / d², says how much
 * that feature makes the row unusual (shares are ≥ 0 and sum to 1).
 * Thresholds: the 95th and 99th percentiles (numpy 'linear') of the scores of the other half of
 * the reference; a row is flagged when its score is strictly above the threshold, so rows drawn
 * like the reference are flagged about 5% / 1% of the time.
 */
import { rngFromSeed } from '../random.ts'
import type { Matrix } from '../types.ts'
import { symmetricEigen } from './eigen.ts'
import { quantileLinear } from './special.ts'

/** A fitted detector; see the module doc. */
export type OodModel = {
  /** Encoded width p. */
  width: number
  /** Mean of the fitted rows (length p). */
  mean: Float64Array
  /** Σ^{−1/2}, p × p row-major, symmetric. */
  whiten: Float64Array
  /** Ledoit–Wolf shrinkage intensity δ in [0, 1]. */
  shrinkage: number
  /** The one-hot variance floor's category share (see the module doc). */
  categoryFloor: number
  /** Player blocks: feature f = encoded columns [offsets[f], offsets[f + 1]). */
  offsets: Int32Array
  /** Feature names, one per block. */
  features: string[]
  /** Score percentiles of the calibration rows. */
  thresholds: { p95: number; p99: number }
  /** Reference rows (0-based) the mean and covariance were fitted on, ascending. */
  fitRows: Int32Array
  /** Reference rows the thresholds were set on, ascending. */
  calibrationRows: Int32Array
}

/** Options of {@link oodFit}. */
export type OodFitOptions = {
  /** Seed of the fit / calibration split (default 1). */
  seed?: number
  /** Feature blocks (schemaOffsets); default every encoded column its own feature. */
  offsets?: Int32Array
  /** Feature names (default the column index as text). */
  features?: string[]
  /**
   * Which features are one-hot blocks (their columns get the variance floor); default: every
   * block wider than one column.
   */
  categorical?: readonly boolean[]
  /**
   * Variance floor of one-hot columns as a category share s: var ≥ s(1 − s) (default 0.05).
   * Without it a category seen in 0.01% of the rows alone puts a row at distance ≈ 100, so the
   * thresholds measure category rarity and no numeric move short of ~30σ is flagged.
   */
  categoryFloor?: number
}

/** Ledoit–Wolf intensity of centred rows (scikit-learn's `ledoit_wolf_shrinkage`). */
function ledoitWolf(cov: Float64Array, sumFourth: number, n: number, p: number): number {
  let trace = 0
  let frob = 0
  for (let i = 0; i < p; i++) trace += cov[i * p + i]!
  for (let i = 0; i < p * p; i++) frob += cov[i]! * cov[i]!
  const mu = trace / p
  const beta = (sumFourth / n - frob) / (p * n)
  const delta = (frob - 2 * mu * trace + p * mu * mu) / p
  const b = Math.min(beta, delta)
  return b <= 0 || delta <= 0 ? 0 : b / delta
}

/** The detector's validated layout: width, feature blocks, names, one-hot flags, floor. */
export type OodLayout = {
  width: number
  offsets: Int32Array
  features: string[]
  categorical: boolean[]
  categoryFloor: number
}

/**
 * Checks and completes `opts` for an encoded width p (see `OodFitOptions` for the defaults).
 * @throws RangeError when the offsets do not span the width or a list has the wrong length.
 */
export function oodLayout(p: number, opts: OodFitOptions = {}): OodLayout {
  const offsets = opts.offsets ?? Int32Array.from({ length: p + 1 }, (_, i) => i)
  const F = offsets.length - 1
  if (offsets[0] !== 0 || offsets[F] !== p)
    throw new RangeError(
      `the feature offsets of the out-of-distribution detector must span 0..${p}`,
    )
  const features = opts.features ?? Array.from({ length: F }, (_, f) => String(f))
  if (features.length !== F)
    throw new RangeError(`${features.length} feature names for ${F} features`)
  if (opts.categorical && opts.categorical.length !== F) {
    throw new RangeError(`${opts.categorical.length} categorical flags for ${F} features`)
  }
  const categorical = Array.from({ length: F }, (_, f) =>
    opts.categorical ? opts.categorical[f]! : offsets[f + 1]! - offsets[f]! > 1,
  )
  return { width: p, offsets, features, categorical, categoryFloor: opts.categoryFloor ?? 0.05 }
}

/**
 * The fit / calibration split of n reference rows: a seeded half (⌊n/2⌋ rows drawn with
 * `rngFromSeed(seed)`) to fit on, the rest to set the thresholds on; both ascending. A function of
 * n and the seed only, so shards of the reference agree on it by global row index.
 */
export function oodSplit(
  n: number,
  seed = 1,
): { fitRows: Int32Array; calibrationRows: Int32Array } {
  const half = Math.floor(n / 2)
  const fitRows = rngFromSeed(seed).sampleWithoutReplacement(n, half).sort()
  const inFit = new Uint8Array(n)
  for (const r of fitRows) inFit[r] = 1
  const calibrationRows = new Int32Array(n - half)
  for (let r = 0, k = 0; r < n; r++) if (!inFit[r]) calibrationRows[k++] = r
  return { fitRows, calibrationRows }
}

/**
 * Fits the detector on a seeded half of the reference's encoded rows and sets the thresholds
 * on the other half (see module doc).
 * @throws RangeError when there are fewer than 4 rows or the offsets do not span the width.
 * @example const det = oodFit(encRef.x, { seed: 1, offsets: schemaOffsets(schema), features })
 */
export function oodFit(x: Matrix, opts: OodFitOptions = {}): OodModel {
  const n = x.rows
  const p = x.cols
  if (n < 4)
    throw new RangeError(
      `the out-of-distribution detector needs at least 4 reference rows, got ${n}`,
    )
  const layout = oodLayout(p, opts)
  const half = Math.floor(n / 2)
  const { fitRows, calibrationRows } = oodSplit(n, opts.seed ?? 1)

  const mean = new Float64Array(p)
  for (const r of fitRows) for (let j = 0; j < p; j++) mean[j] = mean[j]! + x.data[r * p + j]!
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / half
  const cov = new Float64Array(p * p)
  const c = new Float64Array(p)
  let sumFourth = 0
  for (const r of fitRows) {
    let sq = 0
    for (let j = 0; j < p; j++) {
      c[j] = x.data[r * p + j]! - mean[j]!
      sq += c[j]! * c[j]!
    }
    sumFourth += sq * sq
    for (let i = 0; i < p; i++) {
      const ci = c[i]!
      if (ci === 0) continue
      for (let j = i; j < p; j++) cov[i * p + j] = cov[i * p + j]! + ci * c[j]!
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = cov[i * p + j]! / half
      cov[i * p + j] = v
      cov[j * p + i] = v
    }
  }
  const model = oodModelOfMoments(layout, mean, cov, sumFourth, half, fitRows, calibrationRows)
  const calib = oodScoreRows(model, x, calibrationRows).sort()
  model.thresholds = { p95: quantileLinear(calib, 0.95), p99: quantileLinear(calib, 0.99) }
  return model
}

/**
 * The detector from the fitted rows' moments (thresholds left at 0 for the caller to set): mean
 * μ, covariance S (1/n, p × p, symmetric, overwritten by the one-hot floor), Σ_rows ‖x − μ‖⁴ and
 * the number n of fitted rows. `oodFit` computes the moments from the rows; the streamed audit
 * (src/core/stream) from exact sums merged over shards.
 */
export function oodModelOfMoments(
  layout: OodLayout,
  mean: Float64Array,
  cov: Float64Array,
  sumFourth: number,
  n: number,
  fitRows: Int32Array,
  calibrationRows: Int32Array,
): OodModel {
  const p = layout.width
  const { offsets } = layout
  let trace = 0
  for (let i = 0; i < p; i++) trace += cov[i * p + i]!
  const mu = trace / p
  const shrinkage = mu > 0 ? ledoitWolf(cov, sumFourth, n, p) : 1
  const target = mu > 0 ? mu : 1
  const s0 = layout.categoryFloor
  const floorVar = s0 * (1 - s0)
  for (let f = 0; f < layout.features.length; f++) {
    if (!layout.categorical[f]) continue
    for (let j = offsets[f]!; j < offsets[f + 1]!; j++)
      cov[j * p + j] = Math.max(cov[j * p + j]!, floorVar)
  }
  const sigma = new Float64Array(p * p)
  for (let i = 0; i < p * p; i++) sigma[i] = (1 - shrinkage) * cov[i]!
  for (let i = 0; i < p; i++) sigma[i * p + i] = sigma[i * p + i]! + shrinkage * target
  const { values, vectors } = symmetricEigen(sigma, p)
  const floor = 1e-9 * target
  const whiten = new Float64Array(p * p)
  for (let k = 0; k < p; k++) {
    const s = 1 / Math.sqrt(Math.max(values[k]!, floor))
    for (let i = 0; i < p; i++) {
      const vik = vectors[i * p + k]! * s
      if (vik === 0) continue
      for (let j = 0; j < p; j++) whiten[i * p + j] = whiten[i * p + j]! + vik * vectors[j * p + k]!
    }
  }
  return {
    width: p,
    mean,
    whiten,
    shrinkage,
    categoryFloor: s0,
    offsets,
    features: layout.features,
    thresholds: { p95: 0, p99: 0 },
    fitRows,
    calibrationRows,
  }
}

/** Whitened difference W(x_r − μ) of row r into `out`; returns ‖·‖². */
function whitened(
  model: OodModel,
  x: Matrix,
  r: number,
  diff: Float64Array,
  out: Float64Array,
): number {
  const p = model.width
  for (let j = 0; j < p; j++) diff[j] = x.data[r * p + j]! - model.mean[j]!
  let d2 = 0
  const W = model.whiten
  for (let i = 0; i < p; i++) {
    let s = 0
    for (let j = 0; j < p; j++) s += W[i * p + j]! * diff[j]!
    out[i] = s
    d2 += s * s
  }
  return d2
}

function oodScoreRows(model: OodModel, x: Matrix, rows: ArrayLike<number>): Float64Array {
  const diff = new Float64Array(model.width)
  const w = new Float64Array(model.width)
  return Float64Array.from({ length: rows.length }, (_, k) =>
    Math.sqrt(whitened(model, x, rows[k]!, diff, w)),
  )
}

function checkWidth(model: OodModel, x: Matrix): void {
  if (x.cols !== model.width)
    throw new RangeError(
      `the rows have ${x.cols} columns, the out-of-distribution detector ${model.width}`,
    )
}

/**
 * Mahalanobis distance (not squared; ≥ 0) of every row of `x` from the fitted reference.
 * @throws RangeError on a width mismatch.
 * @example oodScore(det, encCur.x).filter((d) => d > det.thresholds.p95).length
 */
export function oodScore(model: OodModel, x: Matrix): Float64Array {
  checkWidth(model, x)
  return oodScoreRows(
    model,
    x,
    Int32Array.from({ length: x.rows }, (_, i) => i),
  )
}

/** One feature's share of a row's squared distance. */
export type OodContribution = { feature: string; share: number }

/**
 * Each feature's share of row `row`'s squared Mahalanobis distance (see module doc), sorted by
 * share, largest first. Shares are in [0, 1] and sum to 1 (all 0 for a row exactly at the mean).
 * @throws RangeError on a width mismatch or a row outside x.
 */
export function oodContributions(model: OodModel, x: Matrix, row: number): OodContribution[] {
  checkWidth(model, x)
  if (!(Number.isInteger(row) && row >= 0 && row < x.rows))
    throw new RangeError(`row ${row} is outside the data's rows 0..${x.rows - 1}`)
  const w = new Float64Array(model.width)
  const d2 = whitened(model, x, row, new Float64Array(model.width), w)
  const out = model.features.map((feature, f) => {
    let s = 0
    for (let j = model.offsets[f]!; j < model.offsets[f + 1]!; j++) s += w[j]! * w[j]!
    return { feature, share: d2 > 0 ? s / d2 : 0 }
  })
  return out.sort((a, b) => b.share - a.share)
}

/** One of the most unusual rows. */
export type OodRow = { row: number; score: number; contributions: OodContribution[] }

/** Result of {@link oodDetect}. */
export type OodResult = {
  /** Mahalanobis distance per row of x. */
  scores: Float64Array
  thresholds: { p95: number; p99: number }
  /** Share of rows with score > p95 / > p99, in [0, 1]. */
  share95: number
  share99: number
  /** The `top` rows with the largest scores (ties by row), with per-feature contributions. */
  top: OodRow[]
}

/**
 * Scores every row of `x`, the flagged shares and the most unusual rows with what makes them so.
 * @example oodDetect(oodFit(encRef.x, opts), encCur.x, { top: 10 }).share95
 */
export function oodDetect(model: OodModel, x: Matrix, opts: { top?: number } = {}): OodResult {
  const scores = oodScore(model, x)
  let n95 = 0
  let n99 = 0
  for (const s of scores) {
    if (s > model.thresholds.p95) n95++
    if (s > model.thresholds.p99) n99++
  }
  const k = Math.min(opts.top ?? 10, x.rows)
  const order = Array.from({ length: x.rows }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  )
  const top = order
    .slice(0, k)
    .map((row) => ({ row, score: scores[row]!, contributions: oodContributions(model, x, row) }))
  const n = Math.max(1, x.rows)
  return { scores, thresholds: { ...model.thresholds }, share95: n95 / n, share99: n99 / n, top }
}
