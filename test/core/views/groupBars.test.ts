import { describe, expect, it } from 'vitest'
import { type Grouping, fairnessAt } from '../../../src/core/views/fairnessAt.ts'
import { fairnessIndex } from '../../../src/core/views/fairnessThresholds.ts'
import { fairnessTable } from '../../../src/core/views/fairnessView.ts'
import { NA_MARK_HEIGHT, groupBarRows } from '../../../src/core/views/groupBars.ts'

/**
 * Group A: 3 rows, all labelled negative, none predicted positive → TPR and precision undefined,
 * selection rate and FPR a true 0. Group B: 4 rows, 2 positive labels, 2 predicted positive.
 */
const p = [0.1, 0.2, 0.3, 0.9, 0.8, 0.1, 0.2]
const y = Uint8Array.from([0, 0, 0, 1, 0, 1, 0])
const groups = ['A', 'A', 'A', 'B', 'B', 'B', 'B']

function grouping(): Grouping {
  const scores = Float64Array.from(p)
  const values = ['A', 'B']
  return {
    key: 'g',
    attrs: ['g'],
    columns: [{ codes: Int32Array.from(groups, (g) => values.indexOf(g)), values }],
    index: fairnessIndex(scores, y, groups),
    table: fairnessTable(scores, y, groups, 0.5),
  }
}

describe('groupBarRows', () => {
  const at = fairnessAt(grouping(), 0.5)

  it('keeps an undefined rate null and marks it n/a, never 0', () => {
    const [a, b] = groupBarRows(at, ['A', 'B'], 'tpr')
    expect(a).toMatchObject({ group: 'A', value: null, naMark: NA_MARK_HEIGHT, naLabel: 'n/a' })
    expect(a!.count).toBe(3)
    // B: tp = 1 (0.9), fn = 1 (0.1) → 1/2, counted by hand.
    expect(b).toMatchObject({ group: 'B', value: 0.5, naMark: null, naLabel: null })
    const [pa] = groupBarRows(at, ['A'], 'precision')
    expect(pa).toMatchObject({ value: null, naLabel: 'n/a' })
  })

  it('draws a true zero rate as 0 without a placeholder', () => {
    const [a] = groupBarRows(at, ['A'], 'selectionRate')
    expect(a).toMatchObject({ value: 0, naMark: null, naLabel: null })
    const [f] = groupBarRows(at, ['A'], 'fpr')
    expect(f).toMatchObject({ value: 0, naMark: null })
  })

  it('carries the overall rate, group size and threshold, in the order asked', () => {
    const rows = groupBarRows(at, ['B', 'A'], 'selectionRate')
    expect(rows.map((r) => r.group)).toEqual(['B', 'A'])
    // Overall: 2 of 7 rows at or above 0.5.
    expect(rows[0]!.overall).toBeCloseTo(2 / 7, 12)
    expect(rows[0]!.threshold).toBe(0.5)
    expect(() => groupBarRows(at, ['C'], 'tpr')).toThrow(/"C" is not a group/)
  })
})
