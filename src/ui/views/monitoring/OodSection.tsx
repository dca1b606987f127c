import type { DriftOod } from '../../../core/drift/analyze.ts'
import { type Table, columnCell, tableColumn } from '../../../core/table.ts'
import { csvFromRows } from '../../../core/views/csvExport.ts'
import { downloadText } from '../../../state/download.ts'
import { fmt, fmtInt, fmtPct } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

/** Contributions listed per row (the rest are summed up in the tooltip). */
const SHOWN = 3

const cellOf = (table: Table, feature: string, row: number) => {
  const col = tableColumn(table, feature)
  return col ? columnCell(col, row) : '—'
}

/**
 * Out-of-distribution rows of the current data: the shares above the reference's 95th / 99th
 * distance percentiles and the most unusual rows with the features that make them so.
 */
export function OodSection({
  ood,
  table,
  predictions,
  seed,
  currentName,
}: {
  ood: DriftOod | null
  table: Table
  predictions: Float32Array
  seed: number
  currentName: string
}) {
  if (!ood) {
    return (
      <p className="muted" data-testid="ood-rows" data-count="0">
        Not computed: the detector needs at least 4 reference rows.
      </p>
    )
  }
  const exportCsv = () =>
    downloadText(
      csvFromRows(
        [
          'row',
          'distance',
          'beyond',
          'prediction',
          ...Array.from({ length: SHOWN }, (_, k) => [
            `feature_${k + 1}`,
            `share_${k + 1}`,
            `value_${k + 1}`,
          ]).flat(),
        ],
        ood.top.map((t) => [
          t.row,
          t.score,
          t.score > ood.thresholds.p99 ? 'p99' : t.score > ood.thresholds.p95 ? 'p95' : '',
          predictions[t.row] ?? null,
          ...Array.from({ length: SHOWN }, (_, k) => {
            const c = t.contributions[k]
            return c ? [c.feature, c.share, cellOf(table, c.feature, t.row)] : [null, null, null]
          }).flat(),
        ]),
      ),
      'ood-rows.csv',
      'text/csv',
    )
  return (
    <div className="ood">
      <p className="oodLead">
        <strong data-testid="ood-share95-text">{fmtPct(ood.share95)}</strong> of the current rows
        are farther from the reference than 95% of held-out reference rows (about 5% would be
        expected), <strong>{fmtPct(ood.share99)}</strong> farther than 99%.
      </p>
      <div className="trustNote" role="note">
        <span className="trustBadge">less trustworthy</span> The model has seen little data like the
        rows below: its predictions, explanations (SHAP, IG) and counterfactuals for them
        extrapolate, so treat them with care.
      </div>
      <div className="tableHead">
        <h3 id="ood-rows-title">The {ood.top.length} most unusual current rows</h3>
        <button
          type="button"
          className="btn small"
          onClick={exportCsv}
          aria-label="Export the most unusual rows as CSV"
          data-testid="ood-export-csv"
        >
          CSV
        </button>
      </div>
      <TableScroll labelledBy="ood-rows-title">
        <table className="oodTable" data-testid="ood-rows" data-count={ood.top.length}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th
                scope="col"
                className="num"
                title="Mahalanobis distance from the reference (encoded inputs)"
              >
                Distance
              </th>
              <th scope="col">Beyond</th>
              <th scope="col" className="num">
                Prediction
              </th>
              <th scope="col">
                What makes it unusual (share of the squared distance) and the row’s value
              </th>
            </tr>
          </thead>
          <tbody>
            {ood.top.map((t) => {
              const beyond =
                t.score > ood.thresholds.p99 ? 'p99' : t.score > ood.thresholds.p95 ? 'p95' : null
              return (
                <tr key={t.row} data-row={t.row} data-score={t.score}>
                  <th scope="row" className="num">
                    {fmtInt(t.row)}
                  </th>
                  <td className="num">{fmt(t.score, 2)}</td>
                  <td>
                    {beyond ? (
                      <span className={`flagChip ${beyond === 'p99' ? 'drifted' : 'watch'}`}>
                        {beyond === 'p99' ? '> 99th pct' : '> 95th pct'}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num">
                    {fmt(predictions[t.row] ?? null, 3)}{' '}
                    {beyond && (
                      <span
                        className="trustBadge"
                        title="Explanations and counterfactuals of this row are less trustworthy"
                      >
                        less trustworthy
                      </span>
                    )}
                  </td>
                  <td>
                    <ul className="contribs">
                      {t.contributions.slice(0, SHOWN).map((c) => (
                        <li key={c.feature} data-feature={c.feature} data-share={c.share}>
                          <span className="contribBar" aria-hidden="true">
                            <span style={{ width: `${100 * c.share}%` }} />
                          </span>
                          <span className="contribName">{c.feature}</span>{' '}
                          <span className="muted">{fmtPct(c.share, 0)}</span>{' '}
                          <span className="contribValue">= {cellOf(table, c.feature, t.row)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </TableScroll>
      <p className="muted small caption">
        Row numbers are 0-based rows of {currentName}. Distance: Mahalanobis distance of the encoded
        row (numeric features standardised by the schema, categorical one-hot) from the mean of{' '}
        {fmtInt(ood.fitRows)} seeded reference rows, with a Ledoit–Wolf shrunk covariance (δ ={' '}
        {fmt(ood.shrinkage, 3)}); thresholds {fmt(ood.thresholds.p95, 2)} (95th) and{' '}
        {fmt(ood.thresholds.p99, 2)} (99th) are percentiles of the other{' '}
        {fmtInt(ood.calibrationRows)} reference rows; seed {seed}. A feature’s share is its block’s
        part of the squared whitened distance.
      </p>
    </div>
  )
}
