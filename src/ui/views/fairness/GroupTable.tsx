import type { FairnessTableRow } from '../../../core/views/fairnessView.ts'
import type { FairnessAt } from '../../../core/views/fairnessAt.ts'
import { fmt, fmtInt } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

/** Columns of the group table: id (for data-testid), header, hint, value. */
const COLUMNS: {
  id: string
  head: string
  hint: string
  get: (r: FairnessTableRow) => number | null
}[] = [
  {
    id: 'base',
    head: 'Base rate',
    hint: 'Share of rows with a positive label',
    get: (r) => r.baseRate,
  },
  {
    id: 'sel',
    head: 'Selection rate',
    hint: 'Share predicted positive, (TP + FP) / n',
    get: (r) => r.selectionRate,
  },
  { id: 'tpr', head: 'TPR', hint: 'True positive rate TP / (TP + FN)', get: (r) => r.tpr },
  { id: 'fpr', head: 'FPR', hint: 'False positive rate FP / (FP + TN)', get: (r) => r.fpr },
  { id: 'fnr', head: 'FNR', hint: 'False negative rate FN / (TP + FN)', get: (r) => r.fnr },
  { id: 'prec', head: 'Precision', hint: 'TP / (TP + FP)', get: (r) => r.precision },
  { id: 'acc', head: 'Accuracy', hint: '(TP + TN) / n', get: (r) => r.accuracy },
  { id: 'auc', head: 'AUC', hint: 'ROC AUC of the group (threshold-free)', get: (r) => r.auc },
  {
    id: 'ece',
    head: 'ECE',
    hint: 'Expected calibration error, 10 equal-width bins (threshold-free)',
    get: (r) => r.ece,
  },
]

const label = (g: string) => (g === '' ? '(empty)' : g)

/**
 * The group table: count, base rate, selection rate, TPR, FPR, FNR, precision, accuracy, AUC and
 * ECE per group and overall; small groups stay and are flagged.
 */
export function GroupTable({
  at,
  groupingKey,
  perGroup,
}: {
  at: FairnessAt
  groupingKey: string
  perGroup: boolean
}) {
  const names = Object.keys(at.rows)
  return (
    <TableScroll label={`Rates per ${groupingKey} group`}>
      <table
        className="compact numeric groupTable"
        data-testid="fair-groups"
        data-groups={names.length}
      >
        <caption className="srOnly">Rates per {groupingKey} group</caption>
        <thead>
          <tr>
            <th scope="col">{groupingKey}</th>
            <th scope="col" title="Rows in the group">
              Rows
            </th>
            {perGroup && (
              <th scope="col" title="Threshold this group is cut at">
                Threshold
              </th>
            )}
            {COLUMNS.map((c) => (
              <th key={c.id} scope="col" title={c.hint}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const r = at.rows[name]!
            return (
              <tr
                key={name}
                data-testid={`fair-row-${name}`}
                className={r.small ? 'smallGroup' : undefined}
              >
                <th scope="row">
                  {label(name)}
                  {r.small && (
                    <span
                      className="badge warn"
                      title="Fewer than 30 rows: kept in every number, but noisy"
                    >
                      small
                    </span>
                  )}
                </th>
                <td data-testid={`fair-count-${name}`} data-value={r.count}>
                  {fmtInt(r.count)}
                </td>
                {perGroup && <td>{Number.isFinite(r.threshold) ? fmt(r.threshold, 3) : '∞'}</td>}
                {COLUMNS.map((c) => {
                  const v = c.get(r)
                  return (
                    <td key={c.id} data-testid={`fair-${c.id}-${name}`} data-value={v ?? ''}>
                      {fmt(v)}
                    </td>
                  )
                })}
              </tr>
            )
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All rows</th>
            <td data-testid="fair-count-overall" data-value={at.overall.count}>
              {fmtInt(at.overall.count)}
            </td>
            {perGroup && <td />}
            {COLUMNS.map((c) => {
              const v = c.get(at.overall)
              return (
                <td key={c.id} data-testid={`fair-${c.id}-overall`} data-value={v ?? ''}>
                  {fmt(v)}
                </td>
              )
            })}
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  )
}
