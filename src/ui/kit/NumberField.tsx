import { useId, useState } from 'react'
import {
  type NumberFieldValue,
  type NumberRule,
  numberFieldParse,
  numberFieldText,
} from './numberField.ts'

export type { NumberFieldValue, NumberRule } from './numberField.ts'

/** Props of {@link NumberField}. */
export type NumberFieldProps = {
  /** The value in effect (null = empty, for an optional field; a keyword such as 'auto'). */
  value: NumberFieldValue
  /** Called with an accepted value when the user commits (Enter or leaving the field). */
  onCommit: (v: NumberFieldValue) => void
  /** What the field accepts; `rule.name` names it in messages. */
  rule: NumberRule
  /** DOM id, for an outside `<label htmlFor>`. */
  id?: string
  /** Accessible name when no `<label>` points at the field. */
  label?: string
  testId?: string
  placeholder?: string
  /** Fixed decimals of the value shown (default: up to 6 significant digits). */
  digits?: number
  /** ArrowUp / ArrowDown change the value by this much (committed at once, clamped). */
  step?: number
  /** Width of the input in characters (default 7). */
  size?: number
  /** Exposed as data-value (the value in effect, for tests). */
  dataValue?: number | string
  /** Extra ids the input is described by (a note next to it). */
  describedBy?: string
}

/**
 * The kit's number field, used by every number input of the dashboard. What is typed stays in the
 * field as typed and is committed only on Enter or when the field loses focus, so typing "512"
 * never passes through "5" (which a live-clamping field turned into 16, then 161, then 1612).
 * Text the rule refuses is not committed: the field is marked invalid and a message next to it
 * names the problem, until the text is fixed or Escape puts the value in effect back.
 */
export function NumberField({
  value,
  onCommit,
  rule,
  id,
  label,
  testId,
  placeholder,
  digits,
  step,
  size = 7,
  dataValue,
  describedBy,
}: NumberFieldProps) {
  const shown = numberFieldText(value, digits)
  // The text being typed (null: not editing, the field shows the value in effect).
  const [draft, setDraft] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A new value in effect (set elsewhere: a slider, a helper, a reset) replaces what was typed.
  const [seen, setSeen] = useState(shown)
  if (seen !== shown) {
    setSeen(shown)
    setDraft(null)
    setError(null)
  }
  const msgId = useId()
  const commit = (text: string) => {
    const r = numberFieldParse(text, rule)
    if (!r.ok) {
      setError(r.message)
      return
    }
    setDraft(null)
    setError(null)
    if (r.value !== value) onCommit(r.value)
  }
  const stepBy = (dir: number) => {
    if (step === undefined) return
    const from = numberFieldParse(draft ?? shown, rule)
    const base = from.ok && typeof from.value === 'number' ? from.value : null
    if (base === null) return
    let next = Number((base + dir * step).toPrecision(12))
    if (rule.min !== undefined) next = Math.max(rule.min, next)
    if (rule.max !== undefined) next = Math.min(rule.max, next)
    commit(String(next))
  }
  const describe = [error ? msgId : null, describedBy ?? null].filter(Boolean).join(' ')
  return (
    <span className={`numberField${error ? ' invalid' : ''}`}>
      <input
        id={id}
        type="text"
        inputMode={rule.integer ? 'numeric' : 'decimal'}
        className="numInput"
        autoComplete="off"
        spellCheck={false}
        size={size}
        value={draft ?? shown}
        placeholder={placeholder}
        aria-label={label}
        aria-invalid={error !== null}
        aria-describedby={describe || undefined}
        data-testid={testId}
        data-value={dataValue}
        onChange={(e) => {
          setDraft(e.currentTarget.value)
          if (error) setError(null)
        }}
        onBlur={() => {
          if (draft !== null) commit(draft)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            if (draft !== null) commit(draft)
          } else if (e.key === 'Escape' && (draft !== null || error)) {
            e.preventDefault()
            setDraft(null)
            setError(null)
          } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
            if (step === undefined) return
            e.preventDefault()
            stepBy(e.key === 'ArrowUp' ? 1 : -1)
          }
        }}
      />
      {error && (
        <span
          id={msgId}
          className="fieldMsg"
          role="alert"
          data-testid={testId ? `${testId}-error` : undefined}
        >
          {error}
        </span>
      )}
    </span>
  )
}
