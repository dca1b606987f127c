/**
 * The sensitive groupings a comparison takes, in either form the rest of the core uses: one group
 * value per row (`fairnessByGroup`'s `readonly string[]`), or a dictionary-encoded column (a
 * Table's codes and values, `CodedColumn`) — the form used at scale, where a million rows never
 * become a million strings. Both become a group number per row, groups numbered in the order
 * `fairnessByGroup` lists them (distinct values that occur, sorted by code unit).
 */
import { groupIndex } from '../views/groups.ts'
import type { CodedColumn } from '../views/fairnessView.ts'

/** The group of each row: its value per row, or codes into `values` (one code per row). */
export type Grouping = readonly string[] | CodedColumn

/** Rows numbered by group; see {@link groupingIndex}. */
export type GroupingIndex = {
  /** The distinct group values that occur, sorted by code unit (as `fairnessByGroup`). */
  readonly names: string[]
  /** `of[i]` = index into `names` of row i's group. */
  readonly of: Int32Array
}

const isCoded = (g: Grouping): g is CodedColumn => !Array.isArray(g)

/**
 * Group numbers of the `n` rows of attribute `attr`. Equal texts are one group, whatever their
 * codes; a code whose value never occurs makes no group.
 * @throws RangeError naming the attribute when the grouping does not have one entry per row, or a
 *   code is not an index into `values` (naming the row and the code).
 * @example groupingIndex('sex', { codes: Int32Array.of(1, 0, 1), values: ['M', 'F'] }, 3).names // ['F', 'M']
 */
export function groupingIndex(attr: string, grouping: Grouping, n: number): GroupingIndex {
  const length = isCoded(grouping) ? grouping.codes.length : grouping.length
  if (length !== n)
    throw new RangeError(`grouping "${attr}" has ${length} rows, the predictions have ${n}`)
  if (!isCoded(grouping)) {
    const { names, of } = groupIndex(grouping)
    return { names, of }
  }
  const { codes, values } = grouping
  const used = new Uint8Array(values.length)
  for (let i = 0; i < n; i++) {
    const c = codes[i]!
    if (!(c >= 0 && c < values.length))
      throw new RangeError(
        `grouping "${attr}": row ${i} has code ${c}, outside 0…${values.length - 1}`,
      )
    used[c] = 1
  }
  const names = [...new Set(values.filter((_, c) => used[c] === 1))].sort()
  const number = new Map(names.map((name, g) => [name, g]))
  const byCode = Int32Array.from(values, (v, c) => (used[c] === 1 ? number.get(v)! : -1))
  const of = new Int32Array(n)
  for (let i = 0; i < n; i++) of[i] = byCode[codes[i]!]!
  return { names, of }
}
