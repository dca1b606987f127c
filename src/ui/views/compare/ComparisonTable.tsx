import type { MetricComparison, TestedComparison } from '../../../core/compare/types.ts'
import { fmt, fmtInterval, fmtP, fmtSigned } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

/** One row of a comparison table: a label, its numbers, a test id stem and a tooltip. */
export type ComparisonRowSpec = {
  id: string
  label: string
  hint: string
  value: MetricComparison | TestedComparison
  /** Lower is better (log loss, Brier, ECE, disparity differences): a negative delta is good. */
  lowerIsBetter: boolean
}

/** A cell whose exact value is in `data-value` (e2e compares it with the core). */
function Num({ id, v, text }: { id: string; v: number | null; text: string }) {
  return (
    <td data-testid={id} data-value={v ?? ''}>
      {text}
    </td>
  )
}

/** Whether a delta's interval excludes 0 and which way it points. */
function tone(c: MetricComparison, lowerIsBetter: boolean): string {
  if (!c.ci || c.delta === null) return ''
  const [lo, hi] = c.ci
  if (lo <= 0 && hi >= 0) return ''
  return c.delta < 0 === lowerIsBetter ? 'better' : 'worse'
}

/**
 * Champion, challenger, delta (challenger − champion), its interval and p-value per row; a delta
 * whose interval excludes 0 is marked better or worse for the challenger.
 */
export function ComparisonTable({
  caption,
  rows,
  testId,
}: {
  caption: string
  rows: ComparisonRowSpec[]
  testId: string
}) {
  return (
    <TableScroll label={caption}>
      <table className="numbers compareTable" data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">metric</th>
            <th scope="col">champion</th>
            <th scope="col">challenger</th>
            <th scope="col">Δ (challenger − champion)</th>
            <th scope="col">95% interval of Δ</th>
            <th scope="col">p-value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ id, label, hint, value: c, lowerIsBetter }) => (
            <tr key={id} className={tone(c, lowerIsBetter)} data-testid={`${id}-row`}>
              <th scope="row" title={hint}>
                {label}
              </th>
              <Num id={`${id}-champion`} v={c.champion} text={fmt(c.champion)} />
              <Num id={`${id}-challenger`} v={c.challenger} text={fmt(c.challenger)} />
              <Num id={`${id}-delta`} v={c.delta} text={fmtSigned(c.delta)} />
              <td data-testid={`${id}-ci`} data-lo={c.ci?.[0] ?? ''} data-hi={c.ci?.[1] ?? ''}>
                {fmtInterval(c.ci?.[0], c.ci?.[1])}
              </td>
              {'pValue' in c ? (
                <Num id={`${id}-p`} v={c.pValue} text={fmtP(c.pValue)} />
              ) : (
                <td className="muted">—</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  )
}
