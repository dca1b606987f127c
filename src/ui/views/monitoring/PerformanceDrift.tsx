import type { MetricChange, PerformanceDrift as PerfDrift } from '../../../core/drift/prediction.ts'
import { fmt, fmtSigned } from '../../format.ts'
import { METRIC_INFO, metricLabel } from './metricInfo.ts'

/** Reference, current and change of each metric; worse changes ≥ the tolerance are highlighted. */
function ChangeTable({
  id,
  title,
  rows,
}: {
  id: string
  title: string
  rows: readonly MetricChange[]
}) {
  return (
    <table className="perfTable" data-testid={id}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col" className="num">
            Reference
          </th>
          <th scope="col" className="num">
            Current
          </th>
          <th scope="col" className="num">
            Change
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const info = METRIC_INFO[c.key]
          const state = c.highlight
            ? 'worse'
            : c.worse === false && c.delta !== 0
              ? 'better'
              : c.worse
                ? 'slightlyWorse'
                : 'neutral'
          return (
            <tr
              key={c.key}
              data-metric={c.key}
              data-highlight={c.highlight}
              className={c.highlight ? 'highlight' : undefined}
            >
              <th scope="row" title={info?.hint}>
                {metricLabel(c.key)}
                {info?.better && <span className="muted small"> ({info.better} is better)</span>}
              </th>
              <td
                className="num"
                data-testid={`${id}-${c.key}-reference`}
                data-value={c.reference ?? ''}
              >
                {fmt(c.reference)}
              </td>
              <td
                className="num"
                data-testid={`${id}-${c.key}-current`}
                data-value={c.current ?? ''}
              >
                {fmt(c.current)}
              </td>
              <td
                className={`num delta ${state}`}
                data-testid={`${id}-${c.key}-delta`}
                data-value={c.delta ?? ''}
              >
                {fmtSigned(c.delta)}
                {c.highlight && <span className="deltaNote"> worse</span>}
                {state === 'better' && <span className="deltaNote"> better</span>}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/**
 * Performance, calibration and fairness on the reference and the current data side by side
 * (labelled), or what can and cannot be judged (no labels on a side).
 */
export function PerformanceDrift({ perf, tolerance }: { perf: PerfDrift; tolerance: number }) {
  const attrs = Object.keys(perf.fairness)
  return (
    <div className="perf" data-testid="perf-drift" data-labelled={String(!perf.unlabelled)}>
      {perf.unlabelled && (
        <div className="cannotJudge" role="note" data-testid="perf-unlabelled">
          <strong>Performance cannot be judged without labels.</strong>
          <p>Why: {perf.reason}.</p>
          <p className="small">
            Not judgeable: {perf.cannotJudge.map(metricLabel).join(', ')}. Compared anyway, because
            they need no labels: the predicted positive rate and demographic parity.
          </p>
        </div>
      )}
      <div className="perfTables">
        <ChangeTable
          id="perf"
          title={perf.unlabelled ? 'Predictions' : 'Performance and calibration'}
          rows={perf.metrics}
        />
        {attrs.map((a) => (
          <ChangeTable
            key={a}
            id={`perf-fair-${a}`}
            title={`Fairness by ${a}`}
            rows={perf.fairness[a]!}
          />
        ))}
      </div>
      <p className="muted small caption">
        Decisions at threshold {perf.threshold} (predicted positive iff p ≥ t). Change = current −
        reference; changes for the worse of at least {tolerance} are highlighted. Fairness compares
        the attributes both datasets have; disparities are max − min over groups (ratios min / max).
      </p>
    </div>
  )
}
