/**
 * Pearson's chi-squared test of independence on a contingency table (rows = samples, e.g.
 * reference and current; columns = categories).
 */
import { chiSquareSf } from './special.ts'

/** Result of {@link chiSquare}. */
export type ChiSquareResult = {
  /** Σ (observed − expected)² / expected, expected = row total × column total / N; ≥ 0. */
  statistic: number
  /** (rows − 1)(columns − 1), counting only rows and columns with a non-zero total. */
  dof: number
  /** P(χ²(dof) ≥ statistic), in [0, 1]; 1 when dof = 0. */
  pValue: number
}

/**
 * Pearson's chi-squared test on counts `table[r][c]` — scipy.stats.chi2_contingency with
 * `correction=False` (no Yates correction, also for 2 × 2 tables). Rows and columns whose total
 * is 0 are dropped first (their expected counts would be 0); a table left with one row or one
 * column has dof 0, statistic 0 and p-value 1.
 * @throws RangeError on ragged rows or a negative or non-finite count.
 * @example chiSquare([[10, 20], [20, 10]]) // statistic 6.667, dof 1, pValue 0.00982
 */
export function chiSquare(table: readonly (readonly number[])[]): ChiSquareResult {
  const cols = table[0]?.length ?? 0
  const rowSum = table.map((row, r) => {
    if (row.length !== cols)
      throw new RangeError(
        `the contingency table's row ${r} has ${row.length} cells, row 0 has ${cols}`,
      )
    let s = 0
    row.forEach((v, c) => {
      if (!(v >= 0 && Number.isFinite(v)))
        throw new RangeError(`the contingency table's cell (${r}, ${c}) = ${v} is not a count`)
      s += v
    })
    return s
  })
  const colSum = new Array<number>(cols).fill(0)
  for (const row of table) row.forEach((v, c) => (colSum[c]! += v))
  const total = rowSum.reduce((a, b) => a + b, 0)
  const rows = rowSum.filter((s) => s > 0).length
  const usedCols = colSum.filter((s) => s > 0).length
  const dof = Math.max(0, rows - 1) * Math.max(0, usedCols - 1)
  if (dof === 0) return { statistic: 0, dof: 0, pValue: 1 }
  let stat = 0
  table.forEach((row, r) => {
    if (rowSum[r] === 0) return
    row.forEach((o, c) => {
      if (colSum[c] === 0) return
      const e = (rowSum[r]! * colSum[c]!) / total
      stat += ((o - e) * (o - e)) / e
    })
  })
  return { statistic: stat, dof, pValue: chiSquareSf(stat, dof) }
}
