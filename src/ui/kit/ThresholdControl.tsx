import type { ReactNode } from 'react'

/** Props of {@link ThresholdControl}. */
export type ThresholdControlProps = {
  /** The threshold t in [0, 1]. */
  value: number
  /** Called with a number the user picked; values outside [0, 1] and NaN are the caller's to refuse. */
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
 * The decision threshold as a slider (steps of 0.01) and a number field (steps of 0.001), both
 * showing `value`. An emptied or half-typed number field reports NaN, which the caller ignores
 * (appStore's setThreshold does), so the threshold never jumps to 0 while typing.
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
      <input
        type="number"
        min={0}
        max={1}
        step={0.001}
        value={value}
        aria-label="Threshold value"
        data-testid={testId}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
      {note}
    </div>
  )
}
