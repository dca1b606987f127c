/**
 * The mergeable state behind the report's `fairness` section (docs/contracts.md §2): per
 * sensitive attribute, per group value, the four confusion cells at the audit's threshold. Group
 * values are data (any cell text, '__proto__' included), so they live in Maps and serialize as
 * lists, never as object keys. The finalizer is `fairnessOfCounts`, the tail of
 * `fairnessByGroup`: the same numbers as today's batch function, exactly (counts are integers).
 * State: 4 float64 per group and attribute.
 */
import { type Fairness, fairnessOfCounts } from '../fairness.ts'
import type { Labels, Scores } from '../metrics.ts'
import { readArray, readCount, readString } from './codec.ts'

/**
 * One chunk of a sensitive column: dictionary-encoded like a `Table` column (`values[codes[i]]` is
 * row i's cell text), or one text per row.
 */
export type GroupColumn = { readonly codes: ArrayLike<number>; readonly values: readonly string[] }

/** `FairnessCells.toJSON`'s shape: [group value, tp, fp, fn, tn] per group, sorted by value. */
export type FairnessCellsJson = [string, number, number, number, number][]

/**
 * Confusion cells per group of one sensitive attribute at a fixed threshold.
 * @example
 * const f = new FairnessCells(0.5)
 * f.add(p, y, { codes: sexColumn.codes, values: sexColumn.values })
 * f.fairness().demographicParityDifference
 */
export class FairnessCells {
  /** Decision threshold: predicted positive iff p ≥ threshold. */
  readonly threshold: number
  private readonly cells = new Map<string, Float64Array>()

  constructor(threshold: number) {
    if (Number.isNaN(threshold)) throw new RangeError('the fairness counts: threshold is NaN')
    this.threshold = threshold
  }

  /**
   * Counts a chunk: scores `p`, labels `y` and the group of each row.
   * @throws RangeError when lengths differ or a code has no value; nothing is counted then.
   */
  add(p: Scores, y: Labels, groups: GroupColumn | readonly string[]): void {
    FairnessCells.check(p, y, groups)
    const n = p.length
    if (Array.isArray(groups)) {
      const texts = groups as readonly string[]
      const dict = new Map<string, number>()
      const c = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        let k = dict.get(texts[i]!)
        if (k === undefined) dict.set(texts[i]!, (k = dict.size))
        c[i] = k
      }
      return this.addCoded(p, y, c, [...dict.keys()])
    }
    const g = groups as GroupColumn
    this.addCoded(p, y, g.codes, g.values)
  }

  /**
   * What `add` checks before it counts anything: equal lengths, codes within the dictionary.
   * @throws RangeError as `add`.
   */
  static check(p: Scores, y: Labels, groups: GroupColumn | readonly string[]): void {
    const named = Array.isArray(groups)
    const g = groups as GroupColumn
    const n = p.length
    if (y.length !== n || (named ? (groups as readonly string[]).length : g.codes.length) !== n)
      throw new RangeError(
        `the fairness counts: the chunk's scores, labels and groups differ in length`,
      )
    if (named) return
    for (let i = 0; i < n; i++) {
      if (!(g.codes[i]! >= 0 && g.codes[i]! < g.values.length))
        throw new RangeError(
          `the fairness counts: row ${i} of the chunk has group code ${g.codes[i]} of ${g.values.length}`,
        )
    }
  }

  private addCoded(p: Scores, y: Labels, codes: ArrayLike<number>, values: readonly string[]) {
    const m = values.length
    const local = new Float64Array(4 * m)
    const t = this.threshold
    for (let i = 0; i < codes.length; i++) {
      local[4 * codes[i]! + (p[i]! >= t ? 0 : 2) + (y[i] ? 0 : 1)]!++
    }
    for (let g = 0; g < m; g++) {
      const at = 4 * g
      if (local[at]! + local[at + 1]! + local[at + 2]! + local[at + 3]! === 0) continue
      this.addCells(values[g]!, local.subarray(at, at + 4))
    }
  }

  private addCells(value: string, c: ArrayLike<number>): void {
    let cell = this.cells.get(value)
    if (!cell) this.cells.set(value, (cell = new Float64Array(4)))
    for (let k = 0; k < 4; k++) cell[k]! += c[k]!
  }

  /** Adds `other`'s cells (same threshold) into this state; exact and commutative. */
  merge(other: FairnessCells): void {
    if (!Object.is(other.threshold, this.threshold))
      throw new RangeError(
        `the fairness counts: cannot merge cells at threshold ${other.threshold} into ${this.threshold}`,
      )
    for (const [value, c] of other.cells) this.addCells(value, c)
  }

  /** Rows counted. */
  get rows(): number {
    let n = 0
    for (const c of this.cells.values()) n += c[0]! + c[1]! + c[2]! + c[3]!
    return n
  }

  /** Per-group rates and disparities: `fairnessByGroup` of every row added. */
  fairness(): Fairness {
    return fairnessOfCounts(this.cells)
  }

  /** The serialized cells, sorted by group value (code-unit order). */
  toJSON(): FairnessCellsJson {
    return [...this.cells.keys()].sort().map((v) => {
      const c = this.cells.get(v)!
      return [v, c[0]!, c[1]!, c[2]!, c[3]!]
    })
  }

  /**
   * Reads `toJSON`'s form back.
   * @throws RangeError naming `what` and the entry when an entry is malformed or repeated.
   */
  static fromJSON(value: unknown, what: string, threshold: number): FairnessCells {
    const f = new FairnessCells(threshold)
    readArray(value, what).forEach((entry, i) => {
      const e = readArray(entry, `${what}[${i}]`)
      if (e.length !== 5) throw new RangeError(`${what}[${i}]: expected [value, tp, fp, fn, tn]`)
      const v = readString(e[0], `${what}[${i}][0]`)
      if (f.cells.has(v)) throw new RangeError(`${what}[${i}]: group "${v}" appears twice`)
      const c = Float64Array.from(e.slice(1), (x, k) => readCount(x, `${what}[${i}][${k + 1}]`))
      if (c[0]! + c[1]! + c[2]! + c[3]! === 0)
        throw new RangeError(`${what}[${i}]: group "${v}" has no rows`)
      f.cells.set(v, c)
    })
    return f
  }
}
