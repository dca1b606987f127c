import { memo } from 'react'
import type { ReliabilityBin } from '../../../core/views/calibrationView.ts'
import type { AttributeCalibration } from '../../../state/calibrationStore.ts'
import { fmt, fmtInt } from '../../format.ts'

/** The reliability bins: range, rows, mean predicted, fraction positive and Wilson interval. */
export const BinsTable = memo(function BinsTable({ bins }: { bins: readonly ReliabilityBin[] }) {
  return (
    <table className="compact numeric" data-testid="calib-bins" data-bins={bins.length}>
      <caption>Reliability bins</caption>
      <thead>
        <tr>
          <th scope="col" className="left">
            Bin (predicted p)
          </th>
          <th scope="col">Rows</th>
          <th scope="col">Mean predicted</th>
          <th scope="col">Fraction positive</th>
          <th scope="col" title="Wilson 95% interval of the fraction positive">
            Wilson 95%
          </th>
        </tr>
      </thead>
      <tbody>
        {bins.map((b, k) => (
          <tr key={k} data-testid="calib-bin" className={b.count === 0 ? 'muted' : undefined}>
            <th scope="row" className="mono">
              {k === 0 ? '[' : '('}
              {fmt(b.lower, 3)}, {fmt(b.upper, 3)}]
            </th>
            <td data-testid="calib-bin-count" data-value={b.count}>
              {fmtInt(b.count)}
            </td>
            <td data-value={b.meanPredicted ?? ''}>{fmt(b.meanPredicted)}</td>
            <td data-value={b.fractionPositive ?? ''}>{fmt(b.fractionPositive)}</td>
            <td className="mono">
              {b.wilsonLow === null || b.wilsonHigh === null
                ? '—'
                : `${fmt(b.wilsonLow, 3)}–${fmt(b.wilsonHigh, 3)}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
})

/** Per-group rows, ECE, MCE, Brier score and log loss of every sensitive attribute. */
export const GroupEceTable = memo(function GroupEceTable({
  byAttr,
}: {
  byAttr: readonly AttributeCalibration[]
}) {
  return (
    <table className="compact numeric groupEce" data-testid="calib-groups">
      <caption>Calibration of every group</caption>
      <thead>
        <tr>
          <th scope="col">Attribute</th>
          <th scope="col" className="left">
            Group
          </th>
          <th scope="col">Rows</th>
          <th scope="col">ECE</th>
          <th scope="col">MCE</th>
          <th scope="col">Brier</th>
          <th scope="col">Log loss</th>
        </tr>
      </thead>
      <tbody>
        {byAttr.flatMap((a) =>
          Object.entries(a.groups).map(([name, g], k) => (
            <tr key={`${a.attr}\u0000${name}`} className={k === 0 ? 'groupStart' : undefined}>
              {k === 0 ? (
                <th scope="rowgroup" rowSpan={Object.keys(a.groups).length}>
                  {a.attr}
                </th>
              ) : null}
              <th scope="row">
                {name === '' ? <i>(empty)</i> : name}
                {g.small && (
                  <span className="badge warn" title="Fewer than 30 rows: the numbers are noisy">
                    small
                  </span>
                )}
              </th>
              <td>{fmtInt(g.count)}</td>
              <td data-testid={`calib-group-ece-${a.attr}-${name}`} data-value={g.ece ?? ''}>
                {fmt(g.ece)}
              </td>
              <td>{fmt(g.mce)}</td>
              <td>{fmt(g.brier)}</td>
              <td>{fmt(g.logLoss)}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  )
})
