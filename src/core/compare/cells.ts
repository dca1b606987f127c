/**
 * The rows of a paired comparison reduced to what its bootstrap statistics need, and those
 * statistics computed from cell totals.
 *
 * Every row falls in one *row cell* = (champion's calibration bin, challenger's bin, label,
 * champion's decision, challenger's decision) — 10 · 10 · 2 · 2 · 2 = 800 cells — and carries four
 * values: pA, pB, dLL = logLoss_B − logLoss_A and dBR = Brier_B − Brier_A of that row. For each
 * sensitive attribute, every row also falls in one *attribute cell* = (group, label, champion's
 * decision, challenger's decision). The accuracy difference and every fairness disparity of both
 * models are functions of the cells' row counts alone; the log-loss and Brier differences and the
 * two ECEs also need the cells' sums of the four values (ECE_r = Σ_bins |Σp − Σy| / N, the bin of
 * model r being part of the cell). So a resample of rows only has to produce {@link CellTotals}.
 */
import { calibrationBinIndex } from '../calibration.ts'
import { ValueError } from '../errors.ts'
import {
  type FairnessGroup,
  type FairnessSummary,
  fairnessSummary,
  groupRates,
} from '../fairness.ts'
import {
  type Confusion,
  type Labels,
  type Scores,
  logLossRow,
  metricsCheckInputs,
} from '../metrics.ts'
import { DISPARITY_KEYS } from '../views/fairnessBootstrap.ts'
import type { GroupingIndex } from './groupings.ts'
import { dict } from '../dict.ts'

/** Calibration bins of the ECE (docs/contracts.md §2). */
export const ECE_BINS = 10
/** Number of row cells: bins² × label × two decisions. */
export const ROW_CELLS = ECE_BINS * ECE_BINS * 8
/** Values summed per row cell: pA, pB, dLL, dBR. */
export const ROW_VALUES = 4
/** The statistics measured on the rows (then 5 disparities per attribute), in output order. */
export const ROW_STATS = ['accuracy', 'logLoss', 'brier', 'ece'] as const

/** The disparities that need labels (TPR or FPR); without labels they are undefined. */
const LABELLED_DISPARITIES: ReadonlySet<string> = new Set([
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
])

/** One sensitive attribute of a comparison. */
export type PairedAttribute = {
  readonly name: string
  /** Group values, in `fairnessByGroup` order. */
  readonly groups: readonly string[]
  /** Attribute cell of each row: group · 8 + label · 4 + champion's decision · 2 + challenger's. */
  readonly cell: Int32Array
}

/** The per-row data of a comparison; see {@link pairedRows}. */
export type PairedRows = {
  readonly n: number
  /** False when there are no labels: only agreement and demographic parity are then defined. */
  readonly labelled: boolean
  /** Row cell of each row: (((binA · 10 + binB) · 2 + label) · 2 + decA) · 2 + decB. */
  readonly rowCell: Int32Array
  /** pA, pB, dLL, dBR of each row (n × 4, row-major). */
  readonly values: Float64Array
  readonly attributes: readonly PairedAttribute[]
}

/** Row counts (and value sums) per cell of one set of rows, e.g. a bootstrap resample. */
export type CellTotals = {
  /** Rows per row cell (ROW_CELLS). */
  readonly rowCounts: Float64Array
  /** Sums of pA, pB, dLL, dBR per row cell (ROW_CELLS × 4). */
  readonly rowSums: Float64Array
  /** Rows per attribute cell, one array (groups × 8) per attribute. */
  readonly attrCounts: Float64Array[]
}

function checkProbabilities(which: string, p: Scores): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!
    if (!(v >= 0 && v <= 1))
      throw new ValueError({
        subject: `the ${which}'s prediction`,
        row: i,
        value: v,
        problem: 'not a probability in [0, 1]',
        where: 'compareModels',
      })
  }
}

/**
 * The paired rows of two models' probabilities on the same rows. `labels` null = no target
 * column (all rows count as label 0 in the cells, and `labelled` is false).
 * @throws RangeError on mismatched lengths, a NaN or a value outside [0, 1], a label other than
 *   0/1, a NaN threshold, or a grouping of another length.
 */
export function pairedRows(
  champion: Scores,
  challenger: Scores,
  labels: Labels | null,
  groupings: readonly (GroupingIndex & { readonly name: string })[],
  threshold: number,
): PairedRows {
  const n = champion.length
  const y = labels ?? new Uint8Array(n)
  metricsCheckInputs('compareModels (champion)', champion, y)
  metricsCheckInputs('compareModels (challenger)', challenger, y)
  checkProbabilities('champion', champion)
  checkProbabilities('challenger', challenger)
  if (Number.isNaN(threshold)) throw new RangeError('the decision threshold is NaN')
  const rowCell = new Int32Array(n)
  const values = new Float64Array(n * ROW_VALUES)
  const dec = (p: number): number => (p >= threshold ? 1 : 0)
  for (let i = 0; i < n; i++) {
    const a = champion[i]!
    const b = challenger[i]!
    const yi = y[i]!
    const bins = calibrationBinIndex(a, ECE_BINS) * ECE_BINS + calibrationBinIndex(b, ECE_BINS)
    rowCell[i] = ((bins * 2 + yi) * 2 + dec(a)) * 2 + dec(b)
    const o = i * ROW_VALUES
    values[o] = a
    values[o + 1] = b
    values[o + 2] = logLossRow(b, yi) - logLossRow(a, yi)
    values[o + 3] = (b - yi) * (b - yi) - (a - yi) * (a - yi)
  }
  const attributes = groupings.map((g) => {
    if (g.of.length !== n)
      throw new RangeError(
        `grouping "${g.name}" has ${g.of.length} rows, the predictions have ${n}`,
      )
    const cell = new Int32Array(n)
    for (let i = 0; i < n; i++) cell[i] = g.of[i]! * 8 + (rowCell[i]! & 7)
    return { name: g.name, groups: g.names, cell }
  })
  return { n, labelled: labels !== null, rowCell, values, attributes }
}

/** Zeroed totals shaped for `rows`. */
export function cellTotalsEmpty(rows: PairedRows): CellTotals {
  return {
    rowCounts: new Float64Array(ROW_CELLS),
    rowSums: new Float64Array(ROW_CELLS * ROW_VALUES),
    attrCounts: rows.attributes.map((a) => new Float64Array(a.groups.length * 8)),
  }
}

/** Adds row `i` once to `t`. */
export function cellTotalsAdd(rows: PairedRows, t: CellTotals, i: number): void {
  const c = rows.rowCell[i]!
  t.rowCounts[c]!++
  for (let v = 0; v < ROW_VALUES; v++)
    t.rowSums[c * ROW_VALUES + v]! += rows.values[i * ROW_VALUES + v]!
  for (let a = 0; a < rows.attributes.length; a++) t.attrCounts[a]![rows.attributes[a]!.cell[i]!]!++
}

/** The totals of every row once (the observed data). */
export function cellTotalsOf(rows: PairedRows): CellTotals {
  const t = cellTotalsEmpty(rows)
  for (let i = 0; i < rows.n; i++) cellTotalsAdd(rows, t, i)
  return t
}

/** The two models' confusions of group `g` from an attribute's cell counts. */
export function attributeConfusions(
  counts: ArrayLike<number>,
  g: number,
): { champion: Confusion; challenger: Confusion } {
  const c = (y: number, a: number, b: number): number => counts[g * 8 + y * 4 + a * 2 + b]!
  return {
    champion: {
      tp: c(1, 1, 0) + c(1, 1, 1),
      fn: c(1, 0, 0) + c(1, 0, 1),
      fp: c(0, 1, 0) + c(0, 1, 1),
      tn: c(0, 0, 0) + c(0, 0, 1),
    },
    challenger: {
      tp: c(1, 0, 1) + c(1, 1, 1),
      fn: c(1, 0, 0) + c(1, 1, 0),
      fp: c(0, 0, 1) + c(0, 1, 1),
      tn: c(0, 0, 0) + c(0, 1, 0),
    },
  }
}

/**
 * Both models' disparity summaries (`fairnessSummary`, every group included) of one attribute
 * from its cell counts; a group without rows has null rates and drops out, as in
 * `fairnessBootstrap`.
 */
export function pairedAttributeSummaries(
  attr: PairedAttribute,
  counts: ArrayLike<number>,
): { champion: FairnessSummary; challenger: FairnessSummary } {
  const a = dict<FairnessGroup>()
  const b = dict<FairnessGroup>()
  attr.groups.forEach((name, g) => {
    const { champion, challenger } = attributeConfusions(counts, g)
    a[name] = { ...groupRates(champion), small: false }
    b[name] = { ...groupRates(challenger), small: false }
  })
  return { champion: fairnessSummary(a), challenger: fairnessSummary(b) }
}

/** Number of statistics {@link pairedDeltas} writes: 4 + 5 per attribute. */
export function pairedStatCount(rows: PairedRows): number {
  return ROW_STATS.length + DISPARITY_KEYS.length * rows.attributes.length
}

/**
 * challenger − champion of every statistic on the rows that `t` totals (N = Σ counts rows), in
 * the order accuracy, log loss, Brier, ECE, then per attribute the five disparities
 * (`DISPARITY_KEYS`). NaN marks an undefined value: no rows, no labels (everything but demographic
 * parity), or a disparity null under either model.
 */
export function pairedDeltas(rows: PairedRows, t: CellTotals, out: Float64Array): void {
  let total = 0
  let accuracy = 0
  let dLL = 0
  let dBR = 0
  const bins = new Float64Array(2 * ECE_BINS) // Σp − Σy per bin: the champion's, then the challenger's
  for (let c = 0; c < ROW_CELLS; c++) {
    const k = t.rowCounts[c]!
    if (k === 0) continue
    const decB = c & 1
    const decA = (c >> 1) & 1
    const y = (c >> 2) & 1
    const binPair = c >> 3
    total += k
    accuracy += k * (Number(decB === y) - Number(decA === y))
    dLL += t.rowSums[c * ROW_VALUES + 2]!
    dBR += t.rowSums[c * ROW_VALUES + 3]!
    bins[Math.floor(binPair / ECE_BINS)]! += t.rowSums[c * ROW_VALUES]! - k * y
    bins[ECE_BINS + (binPair % ECE_BINS)]! += t.rowSums[c * ROW_VALUES + 1]! - k * y
  }
  let eceA = 0
  let eceB = 0
  for (let b = 0; b < ECE_BINS; b++) {
    eceA += Math.abs(bins[b]!)
    eceB += Math.abs(bins[ECE_BINS + b]!)
  }
  const ok = rows.labelled && total > 0
  out[0] = ok ? accuracy / total : NaN
  out[1] = ok ? dLL / total : NaN
  out[2] = ok ? dBR / total : NaN
  out[3] = ok ? eceB / total - eceA / total : NaN
  rows.attributes.forEach((attr, a) => {
    const s = pairedAttributeSummaries(attr, t.attrCounts[a]!)
    DISPARITY_KEYS.forEach((key, m) => {
      const va = s.champion[key]
      const vb = s.challenger[key]
      const defined =
        va !== null && vb !== null && (rows.labelled || !LABELLED_DISPARITIES.has(key))
      out[ROW_STATS.length + a * DISPARITY_KEYS.length + m] = defined ? vb - va : NaN
    })
  })
}
