import type { GroupThresholds } from '../../../core/views/fairnessThresholds.ts'
import type { AccuracyEffect, FairnessAt } from '../../../core/views/fairnessAt.ts'
import { app } from '../../../state/app.ts'
import type { GroupThresholdSetting } from '../../../state/fairnessStore.ts'
import { fmt, fmtSigned } from '../../format.ts'
import { own } from '../../../core/dict.ts'
import { NumberField } from '../../kit/NumberField.tsx'
import { ViewLimits } from '../../../core/viewLimits.ts'

const CRITERIA: {
  id: 'eo' | 'dp'
  key: GroupThresholds['criterion']
  label: string
  rate: string
}[] = [
  { id: 'eo', key: 'equalOpportunity', label: 'Equal opportunity', rate: 'TPR' },
  { id: 'dp', key: 'demographicParity', label: 'Demographic parity', rate: 'selection rate' },
]

/** An accuracy change: "±" when it is exactly 0. */
const signed = (v: number | null) => fmtSigned(v, 4, '±')

/**
 * A group's own threshold: empty = the shared one; committed on Enter or blur; refused with a
 * message outside [0, 1]. An infinite threshold (a helper's "select nobody") shows as empty with
 * an ∞ placeholder.
 */
function GroupThresholdInput({
  groupingKey,
  group,
  value,
  fallback,
}: {
  groupingKey: string
  group: string
  value: number | undefined
  fallback: number
}) {
  const name = group === '' ? '(empty)' : group
  const groupValue =
    value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(4))
  return (
    <NumberField
      value={groupValue}
      rule={{ ...ViewLimits.groupThreshold, name: `Threshold for ${name}`, optional: true }}
      step={0.01}
      size={6}
      placeholder={value !== undefined && !Number.isFinite(value) ? '∞ (none)' : fmt(fallback, 3)}
      label={`Threshold for ${name}`}
      testId={`fair-gthr-${group}`}
      dataValue={value ?? ''}
      onCommit={(v) =>
        app.fairness.setGroupThreshold(groupingKey, group, typeof v === 'number' ? v : NaN)
      }
    />
  )
}

/** Props of {@link ThresholdsPanel}. */
export type ThresholdsPanelProps = {
  groupingKey: string
  threshold: number
  /** The chosen grouping's rates under the thresholds in effect. */
  at: FairnessAt
  helpers: Record<GroupThresholds['criterion'], GroupThresholds>
  setting: GroupThresholdSetting | undefined
  effect: AccuracyEffect
}

/**
 * Per-group thresholds: what the equal-opportunity and demographic-parity helpers would choose and
 * the accuracy each costs, buttons to apply them, and an editable threshold per group.
 */
export function ThresholdsPanel({
  groupingKey,
  threshold,
  at,
  helpers,
  setting,
  effect,
}: ThresholdsPanelProps) {
  const names = Object.keys(at.rows)
  const groupThresholds = setting?.thresholds ?? {}
  return (
    <div className="thresholdsPanel">
      <table className="compact numeric helperTable" data-testid="fair-helpers">
        <caption>
          Helpers: one threshold per {groupingKey} group, chosen to bring every group to the overall
          rate at t = {fmt(threshold, 3)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Target</th>
            <th scope="col">Accuracy at t</th>
            <th scope="col">Accuracy with helper</th>
            <th scope="col">Change</th>
            <th scope="col">
              <span className="srOnly">Apply</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {CRITERIA.map((c) => {
            const h = helpers[c.key]
            return (
              <tr key={c.id}>
                <th scope="row">
                  {c.label} <span className="muted small">(equal {c.rate})</span>
                </th>
                <td>{fmt(h.target)}</td>
                <td>{fmt(h.baselineAccuracy)}</td>
                <td data-testid={`fair-helper-${c.id}-acc`} data-value={h.accuracy ?? ''}>
                  {fmt(h.accuracy)}
                </td>
                <td
                  data-testid={`fair-helper-${c.id}-change`}
                  data-value={h.accuracyChange ?? ''}
                  className={h.accuracyChange !== null && h.accuracyChange < 0 ? 'neg' : undefined}
                >
                  {signed(h.accuracyChange)}
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => app.fairness.applyGroupThresholds(groupingKey, h)}
                    data-testid={`fair-helper-${c.id}-apply`}
                  >
                    Apply
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <div className="groupThresholds">
        <table className="compact numeric" data-testid="fair-group-thresholds">
          <caption>
            Threshold per group{' '}
            <span className="muted small">(empty: the shared t = {fmt(threshold, 3)})</span>
          </caption>
          <thead>
            <tr>
              <th scope="col" className="left">
                Group
              </th>
              <th scope="col">Threshold</th>
              <th scope="col">Selection rate</th>
              <th scope="col">TPR</th>
            </tr>
          </thead>
          <tbody>
            {names.map((g) => (
              <tr key={g}>
                <th scope="row">{g === '' ? '(empty)' : g}</th>
                <td>
                  <GroupThresholdInput
                    groupingKey={groupingKey}
                    group={g}
                    value={own(groupThresholds, g)}
                    fallback={threshold}
                  />
                  {own(groupThresholds, g) !== undefined &&
                    !Number.isFinite(own(groupThresholds, g)) && (
                      <span className="muted small"> ∞</span>
                    )}
                </td>
                <td>{fmt(at.rows[g]!.selectionRate)}</td>
                <td>{fmt(at.rows[g]!.tpr)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div
          className="appliedBox"
          data-testid="fair-applied"
          data-criterion={setting?.criterion ?? ''}
        >
          {setting ? (
            <>
              <p>
                <strong>Per-group thresholds in effect</strong>{' '}
                {setting.criterion === 'manual'
                  ? '(set by hand)'
                  : `(${setting.criterion === 'equalOpportunity' ? 'equal opportunity' : 'demographic parity'} helper at t = ${fmt(setting.at, 3)})`}
                . The disparity summary, group table, charts and intervals above use them; a group
                without its own threshold follows the slider.
              </p>
              <p>
                Accuracy{' '}
                <span data-testid="fair-acc-applied" data-value={effect.accuracy ?? ''}>
                  {fmt(effect.accuracy)}
                </span>{' '}
                vs {fmt(effect.baselineAccuracy)} with t = {fmt(threshold, 3)} for everyone: change{' '}
                <strong data-testid="fair-acc-change" data-value={effect.accuracyChange ?? ''}>
                  {signed(effect.accuracyChange)}
                </strong>
                .
              </p>
              <button
                type="button"
                onClick={() => app.fairness.clearGroupThresholds(groupingKey)}
                data-testid="fair-thresholds-clear"
              >
                Use t for every group
              </button>
            </>
          ) : (
            <p className="muted">
              Every group uses the shared threshold. Apply a helper or type a group&apos;s own
              threshold.
            </p>
          )}
        </div>
      </div>
    </div>
  )
}
