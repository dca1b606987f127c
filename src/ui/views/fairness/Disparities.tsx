import type { FairnessSummary } from '../../../core/fairness.ts'
import type { BootstrapInterval } from '../../../core/views/fairnessBootstrap.ts'
import { FOUR_FIFTHS, type DisparitySummary } from '../../../core/views/fairnessView.ts'
import type { FairnessAt } from '../../../core/views/fairnessAt.ts'
import type { BootstrapState } from '../../../state/fairnessQueries.ts'
import type { BootstrapTaskResult } from '../../../workers/protocol.ts'
import { fmt, fmtInterval } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

/** The five disparity numbers: test id, label and meaning. */
export const DISPARITIES: {
  key: keyof FairnessSummary
  id: string
  label: string
  hint: string
}[] = [
  {
    key: 'demographicParityDifference',
    id: 'dpd',
    label: 'Demographic parity difference',
    hint: 'max − min selection rate over the groups (0 = equal selection rates)',
  },
  {
    key: 'demographicParityRatio',
    id: 'dpr',
    label: 'Demographic parity ratio',
    hint: 'min / max selection rate (1 = equal; below 0.8 fails the four-fifths rule)',
  },
  {
    key: 'equalizedOddsDifference',
    id: 'eod',
    label: 'Equalized odds difference',
    hint: 'the larger of the TPR spread and the FPR spread',
  },
  {
    key: 'equalizedOddsRatio',
    id: 'eor',
    label: 'Equalized odds ratio',
    hint: 'the smaller of the TPR ratio and the FPR ratio (min / max)',
  },
  {
    key: 'equalOpportunityDifference',
    id: 'eopd',
    label: 'Equal opportunity difference',
    hint: 'max − min TPR over the groups',
  },
]

function Interval({ ci, id }: { ci: BootstrapInterval | undefined; id?: string }) {
  if (!ci) return <span className="muted">…</span>
  return (
    <span className="mono" data-testid={id} data-low={ci.low ?? ''} data-high={ci.high ?? ''}>
      {fmtInterval(ci.low, ci.high)}
    </span>
  )
}

function FourFifths({ flag, id }: { flag: boolean | null; id?: string }) {
  if (flag === null) return null
  return flag ? (
    <span
      className="badge bad"
      data-testid={id}
      data-value="true"
      title={`Ratio below ${FOUR_FIFTHS}: adverse impact by the four-fifths rule`}
    >
      fails 4/5 rule
    </span>
  ) : (
    <span
      className="badge ok"
      data-testid={id}
      data-value="false"
      title={`Ratio at least ${FOUR_FIFTHS}`}
    >
      passes 4/5 rule
    </span>
  )
}

/** Progress line of the bootstrap (the intervals' status). */
export function BootstrapStatusLine({ state, fresh }: { state: BootstrapState; fresh: boolean }) {
  if (state.status === 'error')
    return <p className="notice error">Bootstrap failed: {state.error}</p>
  if (fresh) {
    return (
      <p
        className="muted small"
        data-testid="fair-boot-status"
        data-status="done"
        data-ms={state.result?.ms ?? ''}
      >
        95% intervals: percentile bootstrap, B = 1000 resamples of the rows, seed 1
        {state.result ? ` · ${(state.result.ms / 1000).toFixed(2)} s in the stats worker` : ''}.
      </p>
    )
  }
  return (
    <div className="bootProgress" data-testid="fair-boot-status" data-status={state.status}>
      <label htmlFor="fair-boot-progress" className="muted small">
        {state.status === 'waiting'
          ? 'Bootstrap intervals start when the threshold settles…'
          : 'Computing bootstrap intervals (B = 1000)…'}
      </label>
      <progress
        id="fair-boot-progress"
        max={Math.max(1, state.total)}
        value={state.status === 'running' ? state.done : undefined}
      />
    </div>
  )
}

/** A disparity, or "n/a" when undefined (fewer than two groups, or a rate no group has). */
function fmtDisparity(v: number | null): string {
  return v === null ? 'n/a' : fmt(v)
}

/**
 * The disparity summary of the chosen grouping: each number with its bootstrap 95% interval, and
 * the same without the small groups; the four-fifths flag on the ratio.
 */
export function DisparitySummaryTable({
  summary,
  boot,
}: {
  summary: DisparitySummary
  boot: BootstrapTaskResult | undefined
}) {
  const hasSmall = summary.smallGroups.length > 0
  return (
    <table className="compact numeric summaryTable" data-testid="fair-summary">
      <caption className="srOnly">Disparity summary</caption>
      <thead>
        <tr>
          <th scope="col">Disparity</th>
          <th scope="col">Value</th>
          <th scope="col">95% interval</th>
          <th
            scope="col"
            title={hasSmall ? `Without ${summary.smallGroups.join(', ')}` : 'No group is small'}
          >
            Without small groups
          </th>
          <th scope="col">95% interval</th>
        </tr>
      </thead>
      <tbody>
        {DISPARITIES.map((d) => {
          const v = summary[d.key]
          const w = summary.withoutSmall[d.key]
          return (
            <tr key={d.key}>
              <th scope="row" title={d.hint}>
                {d.label}
              </th>
              <td className="big" data-testid={`fair-${d.id}`} data-value={v ?? ''}>
                {fmtDisparity(v)}
                {d.id === 'dpr' && (
                  <FourFifths flag={summary.fourFifthsFlag} id="fair-four-fifths" />
                )}
              </td>
              <td>
                <Interval ci={boot?.bootstrap.intervals[d.key]} id={`fair-${d.id}-ci`} />
              </td>
              <td data-testid={`fair-${d.id}-nosmall`} data-value={w ?? ''}>
                {fmt(w)}
                {d.id === 'dpr' && hasSmall && (
                  <FourFifths flag={summary.withoutSmall.fourFifthsFlag} />
                )}
              </td>
              <td>
                <Interval ci={boot?.bootstrap.withoutSmall[d.key]} id={`fair-${d.id}-nosmall-ci`} />
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** One row of the overview: a grouping at the shared threshold, with its intervals. */
export type OverviewRow = {
  key: string
  at: FairnessAt
  boot: BootstrapTaskResult | undefined
  selected: boolean
}

/** Disparities of every sensitive attribute (and the chosen intersection) side by side. */
export function DisparityOverview({
  rows,
  onPick,
}: {
  rows: OverviewRow[]
  onPick: (key: string) => void
}) {
  return (
    <TableScroll label="Disparities of every grouping">
      <table className="compact numeric overviewTable" data-testid="fair-overview">
        <caption className="srOnly">
          Disparities of every sensitive attribute at the shared threshold
        </caption>
        <thead>
          <tr>
            <th scope="col">Grouping</th>
            <th scope="col">Groups</th>
            {DISPARITIES.map((d) => (
              <th key={d.id} scope="col" title={d.hint}>
                {d.label.replace(' difference', ' diff.')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.selected ? 'selectedRow' : undefined}>
              <th scope="row">
                <button
                  type="button"
                  className="linkButton"
                  onClick={() => onPick(r.key)}
                  aria-pressed={r.selected}
                >
                  {r.key}
                </button>
              </th>
              <td>
                {Object.keys(r.at.rows).length}
                {r.at.summary.smallGroups.length > 0 && (
                  <span className="muted small"> ({r.at.summary.smallGroups.length} small)</span>
                )}
              </td>
              {DISPARITIES.map((d) => {
                const v = r.at.summary[d.key]
                return (
                  <td key={d.id}>
                    <div data-testid={`fair-${d.id}-${r.key}`} data-value={v ?? ''}>
                      {fmtDisparity(v)}
                      {d.id === 'dpr' && r.at.summary.fourFifthsFlag && (
                        <span className="badge bad" title="Below 0.8: fails the four-fifths rule">
                          &lt; 4/5
                        </span>
                      )}
                    </div>
                    <div className="small">
                      <Interval ci={r.boot?.bootstrap.intervals[d.key]} />
                    </div>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  )
}
