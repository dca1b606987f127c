/**
 * Numbers behind the fairness view's group table and disparity summary (contracts §2): the
 * rates come from `fairnessByGroup`, AUC from `rocAuc` and ECE from `calibration`, each per group.
 * Groups are the distinct values of a sensitive attribute or of an intersection of several
 * ("Female × Black"). Small groups (< 30 rows) stay in every number and are flagged; the summary
 * adds the same disparities without them.
 */
import { calibration } from '../calibration.ts'
import {
  FAIRNESS_SMALL_GROUP_ROWS,
  type FairnessGroup,
  type FairnessSummary,
  fairnessByGroup,
  fairnessSummary,
} from '../fairness.ts'
import { type Labels, type Scores, rocAuc } from '../metrics.ts'
import { type Table, tableColumn } from '../table.ts'
import { groupIndex, labelsAt, scoresAt } from './groups.ts'
import { dict } from '../dict.ts'

/** Joins the values of an intersection of attributes: "Female × Black". */
export const INTERSECTION_SEPARATOR = ' × '

/** Demographic parity ratios below this fail the four-fifths rule (EEOC adverse impact). */
export const FOUR_FIFTHS = 0.8

/** One row of the group table: fairlearn's rates plus base rate, FNR, AUC and ECE. */
export type FairnessTableRow = FairnessGroup & {
  /** Share of rows with a positive label, (tp + fn) / count; null when count = 0. */
  baseRate: number | null
  /** False negative rate fn / (tp + fn) = 1 − tpr; null when no label is positive. */
  fnr: number | null
  /** ROC AUC of the group's rows; null unless both classes occur in the group. */
  auc: number | null
  /** ECE of the group's rows (equal-width bins); null when count = 0. */
  ece: number | null
}

/** The group table of one attribute (or intersection) at one threshold. */
export type FairnessTable = {
  /** Predicted positive iff p ≥ threshold. */
  threshold: number
  /** Rows per group value, in sorted (code-unit) order. */
  groups: Record<string, FairnessTableRow>
  /** The same numbers over all rows (`small` by the same 30-row rule). */
  overall: FairnessTableRow
}

/** Disparity numbers plus the four-fifths flag. */
export type Disparities = FairnessSummary & {
  /** True when demographicParityRatio < 0.8; null when the ratio is null. */
  fourFifthsFlag: boolean | null
}

/** Disparities with every group, and without the small ones; see `disparitySummary`. */
export type DisparitySummary = Disparities & {
  /** The same numbers over the groups that are not small (all null when every group is small). */
  withoutSmall: Disparities
  /** Names of the small groups (fewer than 30 rows), sorted. */
  smallGroups: string[]
}

/**
 * The group key of row `i` for an intersection: the attributes' values joined by " × ", in the
 * order the columns are given. A single column gives its value unchanged.
 * @example groupKeys([sex, race], 0) // 'Female × Black'
 */
export function groupKeys(columns: readonly (readonly string[])[], i: number): string {
  return columns.map((c) => c[i]!).join(INTERSECTION_SEPARATOR)
}

/** A dictionary-encoded column (a Table's), or just its codes and values. */
export type CodedColumn = { readonly codes: Int32Array; readonly values: readonly string[] }

/**
 * The group of each row in `rows` (all rows when null) for dictionary-encoded columns: one
 * column gives its cell text, several the texts joined by " × " (`groupKeys`). Works on the codes
 * — each distinct combination is joined once — so a million rows cost one pass, not a million
 * string joins.
 * @throws RangeError when no column is given or the columns differ in length.
 * @example columnGroups([sexColumn, raceColumn], null)[0] // 'Male × White'
 */
export function columnGroups(
  columns: readonly CodedColumn[],
  rows: Int32Array | null = null,
): string[] {
  if (columns.length === 0) throw new RangeError('no sensitive column is chosen: pick at least one')
  const n = columns[0]!.codes.length
  if (columns.some((c) => c.codes.length !== n))
    throw new RangeError('the sensitive columns differ in length')
  const m = rows ? rows.length : n
  const out = new Array<string>(m)
  if (columns.length === 1) {
    const { codes, values } = columns[0]!
    for (let k = 0; k < m; k++) out[k] = values[codes[rows ? rows[k]! : k]!]!
    return out
  }
  // Combination number: mixed radix over the columns' value counts (exact below 2^53).
  const radix = columns.map((c) => Math.max(1, c.values.length))
  const exact = radix.reduce((a, b) => a * b, 1) <= Number.MAX_SAFE_INTEGER
  const names = new Map<number | string, string>()
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k]! : k
    let key: number | string = 0
    if (exact) {
      for (let j = 0; j < columns.length; j++)
        key = (key as number) * radix[j]! + columns[j]!.codes[i]!
    } else key = columns.map((c) => c.codes[i]!).join(',')
    let name = names.get(key)
    if (name === undefined) {
      name = columns.map((c) => c.values[c.codes[i]!]!).join(INTERSECTION_SEPARATOR)
      names.set(key, name)
    }
    out[k] = name
  }
  return out
}

/**
 * The group of every row of `table` for the attributes `attrs` (one attribute: its value; several:
 * the intersection, "Female × Black"). Values are the table's cell texts; an empty cell is the
 * group ''. A value that itself contains " × " makes keys ambiguous; Adult has none.
 * @throws RangeError when `attrs` is empty or names a column the table lacks.
 * @example intersectionGroups(table, ['sex', 'race'])[0] // 'Male × White'
 */
export function intersectionGroups(table: Table, attrs: readonly string[]): string[] {
  if (attrs.length === 0) throw new RangeError('no sensitive column is chosen: pick at least one')
  const cols = attrs.map((name) => {
    const c = tableColumn(table, name)
    if (!c) throw new RangeError(`the data has no column "${name}" (chosen as a sensitive column)`)
    return c
  })
  return columnGroups(cols)
}

function tableRow(group: FairnessGroup, p: Scores, y: Labels, nBins: number): FairnessTableRow {
  const { tp, fn, count } = group
  return {
    ...group,
    baseRate: count === 0 ? null : (tp + fn) / count,
    fnr: tp + fn === 0 ? null : fn / (tp + fn),
    auc: rocAuc(p, y),
    ece: calibration(p, y, nBins).ece,
  }
}

/**
 * The group table: per group count, base rate, selection rate, TPR, FPR, FNR, precision,
 * accuracy, AUC, ECE and the small flag (plus the confusion counts), and the same over all rows.
 * Rates are `fairnessByGroup`'s (null on a zero denominator); AUC and ECE do not depend on the
 * threshold, so a threshold slider needs only `fairnessIndexAt` for the live rates.
 * @param nBins ECE bins (equal width) [10]
 * @returns no groups and null rates for empty input.
 * @throws RangeError on mismatched lengths, a NaN score or threshold, a label other than 0/1, or
 *   a prediction outside [0, 1] (ECE needs probabilities).
 * @example fairnessTable(p, y, sexColumn, 0.5).groups.Female!.tpr
 */
export function fairnessTable(
  p: Scores,
  y: Labels,
  groups: readonly string[],
  threshold = 0.5,
  nBins = 10,
): FairnessTable {
  const f = fairnessByGroup(p, y, groups, threshold)
  const index = groupIndex(groups)
  const rows = dict<FairnessTableRow>()
  index.names.forEach((name, g) => {
    const r = index.rows[g]!
    rows[name] = tableRow(f.groups[name]!, scoresAt(p, r), labelsAt(y, r), nBins)
  })
  const overall = { ...f.overall, small: f.overall.count < FAIRNESS_SMALL_GROUP_ROWS }
  return { threshold, groups: rows, overall: tableRow(overall, p, y, nBins) }
}

/** No comparison: fewer than two groups (e.g. a cohort of one sex grouped by sex). */
const NO_DISPARITY: Disparities = {
  demographicParityDifference: null,
  demographicParityRatio: null,
  equalizedOddsDifference: null,
  equalizedOddsRatio: null,
  equalOpportunityDifference: null,
  fourFifthsFlag: null,
}

function withFlag(s: FairnessSummary): Disparities {
  const r = s.demographicParityRatio
  return { ...s, fourFifthsFlag: r === null ? null : r < FOUR_FIFTHS }
}

/**
 * Disparities between the groups (`fairnessSummary`: demographic parity difference and ratio,
 * equalized odds difference and ratio, equal opportunity difference) with the four-fifths flag
 * (demographic parity ratio < 0.8), and the same numbers without the small groups.
 * @returns all null (flags null) with fewer than two groups that have rows (nothing to compare:
 *   the report's core numbers say 0 and 1 there, the views say n/a); likewise `withoutSmall`
 *   with fewer than two groups that are not small.
 * @example disparitySummary(fairnessTable(p, y, race)).withoutSmall.demographicParityRatio
 */
export function disparitySummary(table: {
  readonly groups: Readonly<Record<string, FairnessGroup>>
}): DisparitySummary {
  const groups = Object.values(table.groups).filter((g) => g.count > 0)
  const big = groups.filter((g) => !g.small)
  return {
    ...(groups.length < 2 ? NO_DISPARITY : withFlag(fairnessSummary(table.groups))),
    withoutSmall:
      big.length < 2
        ? NO_DISPARITY
        : withFlag(fairnessSummary(table.groups, { excludeSmall: true })),
    smallGroups: Object.keys(table.groups)
      .filter((k) => table.groups[k]!.small)
      .sort(),
  }
}
