/**
 * Chart data of the Fairness view's per-group rate bars. A rate the group cannot have (a true
 * positive rate without positive labels, a precision without predicted positives) stays null and
 * is marked "n/a" by a placeholder of its own — never turned into a 0-height bar that would read as
 * a rate of 0.
 */
import type { FairnessAt } from './fairnessAt.ts'

/** The rates drawn as bars. */
export type BarRateKey = 'selectionRate' | 'tpr' | 'fpr' | 'precision'

/** Height of the "n/a" placeholder on the 0–1 rate axis (room for its label, not a rate). */
export const NA_MARK_HEIGHT = 0.08

/** One group's bar. */
export type GroupBarRow = {
  group: string
  /** The rate in [0, 1]; null = undefined for this group (no bar is drawn). */
  value: number | null
  /** NA_MARK_HEIGHT when `value` is null (the placeholder's height), else null (no placeholder). */
  naMark: number | null
  /** 'n/a' when `value` is null, else null: the placeholder's label. */
  naLabel: string | null
  /** The rate over all rows, or null. */
  overall: number | null
  count: number
  small: boolean
  /** Threshold the group's rows are cut at. */
  threshold: number
}

/**
 * One bar row per group of `names` (in that order) for rate `key`.
 * @throws TypeError when a name is not a group of `at`.
 * @example groupBarRows(at, ['F', 'M'], 'tpr') // [{ group: 'F', value: null, naLabel: 'n/a', … }, …]
 */
export function groupBarRows(
  at: FairnessAt,
  names: readonly string[],
  key: BarRateKey,
): GroupBarRow[] {
  return names.map((group) => {
    const r = at.rows[group]
    if (!r) throw new TypeError(`"${group}" is not a group of the chosen sensitive columns`)
    const value = r[key]
    const missing = value === null || !Number.isFinite(value)
    return {
      group,
      value: missing ? null : value,
      naMark: missing ? NA_MARK_HEIGHT : null,
      naLabel: missing ? 'n/a' : null,
      overall: at.overall[key],
      count: r.count,
      small: r.small,
      threshold: r.threshold,
    }
  })
}
