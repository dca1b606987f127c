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
      <ThresholdInput
        value={value}
        label="Threshold value"
        testId={testId}
        onInput={(_, v) => onChange(v)}
      />
      {note}
    </div>
  )
}

/** Props of {@link ThresholdInput}. */
export type ThresholdInputProps = {
  /** What the field shows: the threshold, or text being typed. */
  value: number | string
  /** Step of the spinner (default 0.001). */
  step?: number
  /** Accessible name. */
  label: string
  testId: string
  /** The field's text and its number (NaN while it is empty or not a number). */
  onInput: (text: string, value: number) => void
  placeholder?: string
  /** Exposed as data-value (the threshold in effect, for tests). */
  dataValue?: number | ''
}

/** A number field for a threshold in [0, 1]. */
export function ThresholdInput({
  value,
  step = 0.001,
  label,
  testId,
  onInput,
  placeholder,
  dataValue,
}: ThresholdInputProps) {
  return (
    <input
      type="number"
      min={0}
      max={1}
      step={step}
      value={value}
      placeholder={placeholder}
      aria-label={label}
      data-testid={testId}
      data-value={dataValue}
      onChange={(e) => onInput(e.currentTarget.value, e.currentTarget.valueAsNumber)}
    />
  )
}
