/**
 * Row grouping shared by the calibration and fairness views: one pass over the group value of
 * every row gives the distinct groups in the order `fairnessByGroup` lists them (sorted by code
 * unit), each row's group number and the rows of each group, so per-group work (AUC, ECE,
 * bootstrap counts, sorted scores) never looks a string up in its inner loop.
 */
import type { Labels, Scores } from '../metrics.ts'

/** Rows grouped by a per-row group value; see `groupIndex`. */
export type GroupIndex = {
  /** Distinct group values, sorted by code unit (`Array.prototype.sort`), like fairnessByGroup. */
  readonly names: string[]
  /** `of[i]` = index into `names` of row i's group. */
  readonly of: Int32Array
  /** `rows[g]` = the row indices of group g, ascending; never empty. */
  readonly rows: Int32Array[]
}

/**
 * Groups rows by `groups[i]` ('' is a group like any other).
 * @returns no names and empty arrays for empty input.
 * @example groupIndex(['b', 'a', 'b']).rows // [Int32Array [1], Int32Array [0, 2]]
 */
export function groupIndex(groups: readonly string[]): GroupIndex {
  const first = new Map<string, number>()
  const raw = new Int32Array(groups.length)
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!
    let k = first.get(g)
    if (k === undefined) {
      k = first.size
      first.set(g, k)
    }
    raw[i] = k
  }
  const names = [...first.keys()].sort()
  const remap = new Int32Array(names.length)
  names.forEach((name, k) => (remap[first.get(name)!] = k))
  const of = raw.map((k) => remap[k]!)
  const counts = new Int32Array(names.length)
  for (let i = 0; i < of.length; i++) counts[of[i]!]!++
  const rows = Array.from(counts, (c) => new Int32Array(c))
  const fill = new Int32Array(names.length)
  for (let i = 0; i < of.length; i++) {
    const g = of[i]!
    rows[g]![fill[g]!++] = i
  }
  return { names, of, rows }
}

/**
 * The scores of `rows` as float64 (exact copies of float32 inputs, so comparisons and sums are
 * the same as on the full array).
 */
export function scoresAt(p: Scores, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length)
  for (let k = 0; k < rows.length; k++) out[k] = p[rows[k]!]!
  return out
}

/** The labels of `rows`. */
export function labelsAt(y: Labels, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length)
  for (let k = 0; k < rows.length; k++) out[k] = y[rows[k]!]!
  return out
}

/**
 * Checks that there is one group value per score (row).
 * @throws RangeError saying both counts when they differ.
 */
export function groupsCheckLength(p: Scores, groups: readonly string[]): void {
  if (groups.length !== p.length) {
    throw new RangeError(
      `${p.length} predictions but ${groups.length} group values: one group value per row is needed`,
    )
  }
}
