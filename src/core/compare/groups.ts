/**
 * Per-group view of a comparison: each group's rates under both models with their differences,
 * and how many of its rows the two models decide differently (which groups the disagreement
 * cohort falls in). Computed from the attribute's cell counts (`cells.ts`).
 */
import { FAIRNESS_SMALL_GROUP_ROWS, type GroupRates, groupRates } from '../fairness.ts'
import { type PairedAttribute, attributeConfusions } from './cells.ts'
import type { GroupComparison, RateKey } from './types.ts'
import { dict } from '../dict.ts'

const RATE_KEYS: readonly RateKey[] = ['selectionRate', 'tpr', 'fpr', 'precision', 'accuracy']

/** The rates that need labels: null in a comparison without labels. */
function withoutLabels(r: GroupRates): GroupRates {
  return { ...r, tpr: null, fpr: null, precision: null, accuracy: null }
}

/**
 * Every group of `attr` under both models, from its cell counts (groups × 8).
 * Without labels (`labelled` false) only the counts and selection rates mean something: tpr, fpr,
 * precision and accuracy are null (the confusion counts then treat every row as negative).
 * @example groupComparisons(attr, totals.attrCounts[0], true).Female.delta.tpr
 */
export function groupComparisons(
  attr: PairedAttribute,
  counts: ArrayLike<number>,
  labelled: boolean,
): Record<string, GroupComparison> {
  const out = dict<GroupComparison>()
  attr.groups.forEach((name, g) => {
    const confusions = attributeConfusions(counts, g)
    let a = groupRates(confusions.champion)
    let b = groupRates(confusions.challenger)
    if (!labelled) {
      a = withoutLabels(a)
      b = withoutLabels(b)
    }
    const c = (y: number, da: number, db: number): number => counts[g * 8 + y * 4 + da * 2 + db]!
    const championOnlyPositive = c(0, 1, 0) + c(1, 1, 0)
    const challengerOnlyPositive = c(0, 0, 1) + c(1, 0, 1)
    const delta = {} as Record<RateKey, number | null>
    for (const k of RATE_KEYS) {
      const va = a[k]
      const vb = b[k]
      delta[k] = va === null || vb === null ? null : vb - va
    }
    out[name] = {
      count: a.count,
      small: a.count < FAIRNESS_SMALL_GROUP_ROWS,
      champion: a,
      challenger: b,
      delta,
      disagreements: championOnlyPositive + challengerOnlyPositive,
      championOnlyPositive,
      challengerOnlyPositive,
    }
  })
  return out
}
