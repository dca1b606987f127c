/**
 * The large-n replicate of the paired bootstrap: the cell totals of n rows drawn with replacement,
 * drawn without drawing n rows.
 *
 * - **Counts** (everything accuracy and the fairness disparities depend on). The numbers of rows
 *   that n draws put in each cell follow Multinomial(n, cell counts / n) — exactly the
 *   distribution of the row draws — drawn by `multinomialDraw` (the sampler `fairnessBootstrap`
 *   uses) in O(cells · √n). The row cells and each attribute's cells are drawn as separate
 *   multinomials: each statistic's replicates then have exactly the row bootstrap's distribution;
 *   only the dependence *between* the families of statistics differs from one shared resample,
 *   and a percentile interval of one statistic does not use it.
 * - **Sums of per-row values** (pA, pB, the log-loss and Brier differences; the ECEs and the loss
 *   differences need them). Given that a row cell received k draws, their sum is the sum of k
 *   draws from the cell's rows. When k or the cell's row count is at most
 *   {@link CELL_EXACT_DRAWS} it is exactly that (k rows drawn by index). Otherwise it is drawn
 *   from the normal with the same mean k·μ and covariance k·Σ (μ, Σ: mean and population
 *   covariance of the cell's 4-vectors) — the standard central limit approximation, exact in the
 *   first two moments. So the replicates of the log-loss and Brier differences (sums of the
 *   cells' sums) have exactly the row bootstrap's mean and variance (total variance = variance of
 *   k·μ over the multinomial + mean of k·Σ, both as in row draws), and their shape departs from it
 *   only through the within-cell normal approximation of sums of more than 64 draws; the ECEs
 *   (|Σp − Σy| per bin) inherit that approximation. The vector drawn is (pA, pB − pA, dLL, dBR)
 *   and pB's sum is pA's plus the difference's, so a model compared with itself gets identical
 *   sums for both (differences 0).
 */
import { multinomialDraw } from '../binomial.ts'
import type { Rng } from '../random.ts'
import { type CellTotals, type PairedRows, ROW_CELLS, ROW_VALUES, cellTotalsOf } from './cells.ts'

/**
 * Cells that receive at most this many draws, or hold at most this many rows, have their sums
 * drawn row by row (exactly); larger ones from the normal approximation.
 */
export const CELL_EXACT_DRAWS = 64

/** What the counts replicate needs of the observed rows, computed once. */
export type CountsSampler = {
  readonly observed: CellTotals
  /** Row indices of each row cell, concatenated; cell c's rows are start[c] … start[c + 1] − 1. */
  readonly cellRows: Int32Array
  readonly start: Int32Array
  /** Per row cell: mean of (pA, pB − pA, dLL, dBR) (4) and lower Cholesky factor of their covariance (16). */
  readonly mean: Float64Array
  readonly chol: Float64Array
}

/** Lower Cholesky factor of a 4×4 positive semidefinite matrix; a vanishing pivot's column is 0. */
function choleskySemidefinite(s: Float64Array, out: Float64Array, o: number): void {
  for (let j = 0; j < 4; j++) {
    let d = s[j * 4 + j]!
    for (let k = 0; k < j; k++) d -= out[o + j * 4 + k]! ** 2
    if (!(d > 1e-12 * s[j * 4 + j]!)) continue // stays 0: no variance left in this direction
    const l = Math.sqrt(d)
    out[o + j * 4 + j] = l
    for (let i = j + 1; i < 4; i++) {
      let v = s[i * 4 + j]!
      for (let k = 0; k < j; k++) v -= out[o + i * 4 + k]! * out[o + j * 4 + k]!
      out[o + i * 4 + j] = v / l
    }
  }
}

/** Groups the rows by row cell and takes each cell's mean and covariance factor. */
export function countsSampler(rows: PairedRows): CountsSampler {
  const observed = cellTotalsOf(rows)
  const start = new Int32Array(ROW_CELLS + 1)
  for (let c = 0; c < ROW_CELLS; c++) start[c + 1] = start[c]! + observed.rowCounts[c]!
  const fill = start.slice(0, ROW_CELLS)
  const cellRows = new Int32Array(rows.n)
  for (let i = 0; i < rows.n; i++) cellRows[fill[rows.rowCell[i]!]!++] = i
  const mean = new Float64Array(ROW_CELLS * 4)
  const chol = new Float64Array(ROW_CELLS * 16)
  const cov = new Float64Array(16)
  const x = rows.values
  for (let c = 0; c < ROW_CELLS; c++) {
    const k = start[c + 1]! - start[c]!
    if (k <= CELL_EXACT_DRAWS) continue // a small cell is always drawn row by row
    // Two passes over the cell's rows: the mean of (pA, pB − pA, dLL, dBR), then the 10 distinct
    // entries of the covariance (divisor k: the covariance of one draw from the cell's rows).
    let m0 = 0
    let m1 = 0
    let m2 = 0
    let m3 = 0
    for (let r = start[c]!; r < start[c + 1]!; r++) {
      const o = cellRows[r]! * ROW_VALUES
      m0 += x[o]!
      m1 += x[o + 1]! - x[o]!
      m2 += x[o + 2]!
      m3 += x[o + 3]!
    }
    m0 /= k
    m1 /= k
    m2 /= k
    m3 /= k
    cov.fill(0)
    for (let r = start[c]!; r < start[c + 1]!; r++) {
      const o = cellRows[r]! * ROW_VALUES
      const d0 = x[o]! - m0
      const d1 = x[o + 1]! - x[o]! - m1
      const d2 = x[o + 2]! - m2
      const d3 = x[o + 3]! - m3
      cov[0]! += d0 * d0
      cov[4]! += d1 * d0
      cov[5]! += d1 * d1
      cov[8]! += d2 * d0
      cov[9]! += d2 * d1
      cov[10]! += d2 * d2
      cov[12]! += d3 * d0
      cov[13]! += d3 * d1
      cov[14]! += d3 * d2
      cov[15]! += d3 * d3
    }
    for (let a = 0; a < 4; a++)
      for (let b = 0; b <= a; b++) cov[b * 4 + a] = cov[a * 4 + b] = cov[a * 4 + b]! / k
    mean.set([m0, m1, m2, m3], c * 4)
    choleskySemidefinite(cov, chol, c * 16)
  }
  return { observed, cellRows, start, mean, chol }
}

/**
 * One replicate's totals into `t`: multinomial counts per row cell and per attribute cell, and
 * the per-cell sums (exact up to {@link CELL_EXACT_DRAWS} draws, normal above; see module doc).
 */
export function countsReplicate(rows: PairedRows, s: CountsSampler, rng: Rng, t: CellTotals): void {
  const n = rows.n
  multinomialDraw(rng, n, s.observed.rowCounts, t.rowCounts)
  t.rowSums.fill(0)
  const v = new Float64Array(4)
  const z = new Float64Array(4)
  for (let c = 0; c < ROW_CELLS; c++) {
    const k = t.rowCounts[c]!
    if (k === 0) continue
    const sums = t.rowSums.subarray(c * ROW_VALUES, c * ROW_VALUES + ROW_VALUES)
    const size = s.start[c + 1]! - s.start[c]!
    if (k <= CELL_EXACT_DRAWS || size <= CELL_EXACT_DRAWS) {
      for (let d = 0; d < k; d++) {
        const i = s.cellRows[s.start[c]! + rng.int(size)]!
        for (let a = 0; a < ROW_VALUES; a++) sums[a]! += rows.values[i * ROW_VALUES + a]!
      }
      continue
    }
    for (let a = 0; a < 4; a++) z[a] = rng.normal()
    const root = Math.sqrt(k)
    for (let a = 0; a < 4; a++) {
      let e = 0
      for (let b = 0; b <= a; b++) e += s.chol[c * 16 + a * 4 + b]! * z[b]!
      v[a] = k * s.mean[c * 4 + a]! + root * e
    }
    sums[0] = v[0]!
    sums[1] = v[0]! + v[1]!
    sums[2] = v[2]!
    sums[3] = v[3]!
  }
  rows.attributes.forEach((_, a) =>
    multinomialDraw(rng, n, s.observed.attrCounts[a]!, t.attrCounts[a]!),
  )
}
