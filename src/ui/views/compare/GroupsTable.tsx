import type { GroupComparison, RateKey } from '../../../core/compare/types.ts'
import { fmt, fmtInt, fmtSigned } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

const RATES: readonly RateKey[] = ['selectionRate', 'tpr', 'fpr', 'precision', 'accuracy']

/** A safe test-id part of a group value. */
export const idPart = (s: string): string => s.replace(/[^A-Za-z0-9_-]+/g, '_')

/**
 * Per group of one sensitive attribute: rows, each §2 rate of both models with its change, and
 * how many of the group's rows the two decide differently (and which way).
 */
export function GroupsTable({
  attr,
  groups,
}: {
  attr: string
  groups: Record<string, GroupComparison>
}) {
  const a = idPart(attr)
  return (
    <TableScroll label={`Per-group rates by ${attr}`}>
      <table className="numbers compareGroups" data-testid={`cmp-groups-${a}`}>
        <caption>
          Per-group rates by {attr}: champion → challenger (Δ); groups under 30 rows are flagged
        </caption>
        <thead>
          <tr>
            <th scope="col">{attr}</th>
            <th scope="col">rows</th>
            {RATES.map((r) => (
              <th key={r} scope="col">
                {r}
              </th>
            ))}
            <th scope="col" title="Rows of the group whose decisions differ">
              decide differently
            </th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(groups).map(([g, c]) => (
            <tr key={g} className={c.small ? 'flagged' : ''}>
              <th scope="row">
                {g}
                {c.small ? ' (small)' : ''}
              </th>
              <td>{fmtInt(c.count)}</td>
              {RATES.map((r) => (
                <td
                  key={r}
                  className="twoLines"
                  data-testid={`cmp-group-${a}-${idPart(g)}-${r}`}
                  data-champion={c.champion[r] ?? ''}
                  data-challenger={c.challenger[r] ?? ''}
                  data-value={c.delta[r] ?? ''}
                >
                  {fmt(c.champion[r], 3)} → {fmt(c.challenger[r], 3)}
                  <br />
                  <span className="muted">{fmtSigned(c.delta[r], 3, '±')}</span>
                </td>
              ))}
              <td
                data-testid={`cmp-group-${a}-${idPart(g)}-disagreements`}
                data-value={c.disagreements}
                title={`${c.championOnlyPositive} only the champion predicts positive, ${c.challengerOnlyPositive} only the challenger`}
              >
                {fmtInt(c.disagreements)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  )
}
