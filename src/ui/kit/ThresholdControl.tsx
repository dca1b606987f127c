import type { ReactNode } from 'react'
import { NumberField, type NumberRule } from './NumberField.tsx'
import { ViewLimits } from '../../core/viewLimits.ts'

/** A threshold: a number in [0, 1]. */
export const THRESHOLD_RULE: NumberRule = ViewLimits.threshold

/** Props of {@link ThresholdControl}. */
export type ThresholdControlProps = {
  /** The threshold t in [0, 1]. */
  value: number
  /** Called with a threshold the user picked (the number field passes only values in [0, 1]). */
  onChange: (t: number) => void
  /** The label of the slider. */
  label: string
  /** DOM id of the slider (the label points at it). */
  id: string
  /** data-testid of the number field. */
  testId: string
  /** data-testid of the slider, if tests need one. */
  rangeTestId?: string
  /** A note after the number field. */
  note?: ReactNode
}

/**
 * The decision threshold as a slider (steps of 0.01) and a number field (the kit's NumberField:
 * committed on Enter or blur, refused with a message outside [0, 1]), both showing `value`.
 */
export function ThresholdControl({
  value,
  onChange,
  label,
  id,
  testId,
  rangeTestId,
  note,
}: ThresholdControlProps) {
  return (
    <div className="thresholdRow">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        data-testid={rangeTestId}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
      <NumberField
        value={value}
        rule={THRESHOLD_RULE}
        label="Threshold value"
        testId={testId}
        step={0.01}
        size={6}
        onCommit={(v) => {
          if (typeof v === 'number') onChange(v)
        }}
      />
      {note}
    </div>
  )
}
