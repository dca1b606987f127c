import type { FeatureDrift } from '../../../core/drift/features.ts'
import { PSI_DRIFT, PSI_WATCH } from '../../../core/drift/psi.ts'
import {
  type DriftSort,
  type DriftSortKey,
  driftSortFeatures,
} from '../../../core/views/driftView.ts'
import { fmt, fmtEdge, fmtP } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

const COLUMNS: { key: DriftSortKey; label: string; title: string; num: boolean }[] = [
  { key: 'feature', label: 'Feature', title: 'Schema feature', num: false },
  { key: 'kind', label: 'Type', title: 'Numeric or categorical', num: false },
  {
    key: 'psi',
    label: 'PSI',
    title: `Population stability index: > ${PSI_DRIFT} drifted, ${PSI_WATCH}–${PSI_DRIFT} watch`,
    num: true,
  },
  {
    key: 'ks',
    label: 'KS',
    title: 'Two-sample Kolmogorov–Smirnov statistic (numeric features)',
    num: true,
  },
  {
    key: 'chi2',
    label: 'χ² (df)',
    title: 'Chi-squared statistic over the reference categories + unseen (categorical features)',
    num: true,
  },
  {
    key: 'pAdjusted',
    label: 'p (Holm)',
    title: 'p-value of the KS or χ² test, Holm-adjusted across all features',
    num: true,
  },
  {
    key: 'wasserstein',
    label: 'Wasserstein',
    title: 'Wasserstein-1 distance in the feature’s units (numeric features)',
    num: true,
  },
  {
    key: 'flag',
    label: 'Flag',
    title: 'drifted: PSI > 0.2 or p (Holm) < 0.05; watch: PSI in (0.1, 0.2]',
    num: false,
  },
]

/** The flag's word: what the tests read. */
export const flagText = (f: FeatureDrift) => (f.drifted ? 'drifted' : f.watch ? 'watch' : '—')

const why = (f: FeatureDrift) =>
  f.reasons.map((r) => (r === 'psi' ? `PSI > ${PSI_DRIFT}` : 'p < 0.05')).join(' · ')

export type FeatureDriftTableProps = {
  features: readonly FeatureDrift[]
  sort: DriftSort
  onSort: (s: DriftSort) => void
  selected: string | null
  onSelect: (feature: string) => void
}

/** Per-feature drift with sortable columns; a row's feature button selects it for the chart. */
export function FeatureDriftTable({
  features,
  sort,
  onSort,
  selected,
  onSelect,
}: FeatureDriftTableProps) {
  const rows = driftSortFeatures(features, sort)
  const head = (c: (typeof COLUMNS)[number]) => {
    const on = sort.key === c.key
    const next: DriftSort = {
      key: c.key,
      dir: on ? (sort.dir === 'asc' ? 'desc' : 'asc') : c.num || c.key === 'flag' ? 'desc' : 'asc',
    }
    return (
      <th
        key={c.key}
        scope="col"
        className={c.num ? 'num' : undefined}
        aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
        title={c.title}
      >
        <button
          type="button"
          className="sortBtn"
          onClick={() => onSort(next)}
          data-testid={`drift-sort-${c.key}`}
        >
          {c.label}
          <span aria-hidden="true" className="sortMark">
            {on ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    )
  }
  return (
    <TableScroll label="Feature drift table">
      <table className="driftTable" data-testid="drift-table" data-sort={`${sort.key}:${sort.dir}`}>
        <caption className="srOnly">
          Drift of every feature between the reference and the current data; choose a feature to see
          its distributions
        </caption>
        <thead>
          <tr>{COLUMNS.map(head)}</tr>
        </thead>
        <tbody>
          {rows.map((f) => {
            const flag = flagText(f)
            return (
              <tr
                key={f.feature}
                data-feature={f.feature}
                className={`${f.feature === selected ? 'selected ' : ''}${f.drifted ? 'isDrifted' : f.watch ? 'isWatch' : ''}`}
              >
                <th scope="row">
                  <button
                    type="button"
                    className="linkBtn"
                    aria-pressed={f.feature === selected}
                    onClick={() => onSelect(f.feature)}
                    title={`Show the distributions of ${f.feature}`}
                  >
                    {f.feature}
                  </button>
                  {f.newCategories.length > 0 && (
                    <span className="newCats" title={f.newCategories.join(', ')}>
                      {f.newCategories.length} new categor
                      {f.newCategories.length === 1 ? 'y' : 'ies'}
                    </span>
                  )}
                </th>
                <td className="muted">{f.kind}</td>
                <td className="num" data-testid={`drift-psi-${f.feature}`} data-value={f.psi}>
                  <span className="psiCell">
                    <span
                      className="psiBar"
                      style={{ width: `${Math.min(100, (100 * f.psi) / 0.5)}%` }}
                      aria-hidden="true"
                    />
                    <span className="psiText">{fmt(f.psi)}</span>
                  </span>
                </td>
                <td className="num">{fmt(f.ks, 3)}</td>
                <td className="num">
                  {f.chi2 === null
                    ? '—'
                    : `${f.chi2 >= 1000 ? f.chi2.toExponential(2) : f.chi2.toFixed(1)} (${f.dof ?? '—'})`}
                </td>
                <td className="num" data-value={f.pAdjusted} title={`raw p = ${fmtP(f.pValue)}`}>
                  {fmtP(f.pAdjusted)}
                </td>
                <td
                  className="num"
                  title={
                    f.refMean !== null && f.curMean !== null
                      ? `mean ${fmtEdge(f.refMean)} → ${fmtEdge(f.curMean)}`
                      : undefined
                  }
                >
                  {f.wasserstein === null ? '—' : fmtEdge(f.wasserstein)}
                </td>
                <td className="flagCell">
                  <span
                    className={`flagChip ${f.drifted ? 'drifted' : f.watch ? 'watch' : 'none'}`}
                    data-testid={`drift-flag-${f.feature}`}
                    title={f.drifted ? why(f) : undefined}
                  >
                    {flag}
                  </span>
                  {f.drifted && <span className="why muted">{why(f)}</span>}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </TableScroll>
  )
}
