import { useEffect, useMemo, useRef, useState } from 'react'
import { COHORT_TEXT_MAX } from '../../core/viewLimits.ts'
import { useStore } from 'zustand'
import { cohortExample } from '../../core/views/cohort.ts'
import { app } from '../../state/app.ts'
import { fmtInt } from '../format.ts'

/** How long typing must pause before a syntax error is shown (valid filters apply at once). */
const ERROR_DELAY_MS = 450

/**
 * The cohort filter of the scope bar: a predicate over the data's columns (`age > 40 and sex =
 * Female`) that picks the rows the Data table shows and, with "restrict", the rows every view,
 * the Overview's metrics and the audit use. A valid filter applies as it is typed; a syntax error
 * is shown once typing pauses, with its position marked, while the last valid filter stays
 * applied. The example in the placeholder and the help is made from the loaded data.
 */
export function CohortBar({ nRows }: { nRows: number }) {
  const table = useStore(app.session.store, (s) => s.data?.table ?? null)
  const schema = useStore(app.session.store, (s) => s.schema?.schema ?? null)
  const example = useMemo(
    () => (table && schema ? cohortExample(schema.features, schema.sensitive, table) : ''),
    [table, schema],
  )
  const text = useStore(app.cohort.store, (s) => s.text)
  const error = useStore(app.cohort.store, (s) => s.error)
  const errorAt = useStore(app.cohort.store, (s) => s.errorAt)
  const rows = useStore(app.cohort.store, (s) => s.rows)
  const hints = useStore(app.cohort.store, (s) => s.hints)
  const restrict = useStore(app.cohort.store, (s) => s.restrict)
  const [settled, setSettled] = useState(true)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current)
    },
    [],
  )
  const settle = () => {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
    setSettled(true)
  }
  const onText = (t: string) => {
    app.cohort.setText(t)
    setSettled(false)
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = setTimeout(settle, ERROR_DELAY_MS)
  }
  const count = rows ? rows.length : nRows
  const showError = error !== null && settled
  const active = rows !== null
  return (
    <div className="cohortBar" role="group" aria-labelledby="cohort-title" data-testid="cohort-bar">
      <div className="cohortRow">
        <label id="cohort-title" htmlFor="cohort-input" className="scopeLabel">
          Cohort
        </label>
        <input
          id="cohort-input"
          className="cohortInput mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          maxLength={COHORT_TEXT_MAX}
          placeholder={example ? `all rows — e.g.  ${example}` : 'all rows'}
          value={text}
          aria-invalid={showError}
          aria-describedby={showError ? 'cohort-error cohort-help' : 'cohort-help'}
          data-testid="cohort-input"
          onChange={(e) => onText(e.currentTarget.value)}
          onBlur={settle}
          onKeyDown={(e) => {
            if (e.key === 'Enter') settle()
            else if (e.key === 'Escape' && text !== '') {
              e.preventDefault()
              onText('')
            }
          }}
        />
        <button
          type="button"
          className="btn"
          onClick={() => onText('')}
          disabled={text === ''}
          data-testid="cohort-clear"
        >
          Clear
        </button>
        <span
          className={`cohortCount${active ? ' on' : ''}`}
          data-testid="cohort-count"
          data-value={count}
          aria-live="polite"
        >
          <strong>{fmtInt(count)}</strong> of {fmtInt(nRows)} rows
        </span>
        <label
          className="cohortRestrict"
          title="The Overview's metrics, the audit, Explain, Calibration and Fairness use only the cohort's rows"
        >
          <input
            type="checkbox"
            checked={restrict}
            onChange={(e) => app.cohort.setRestrict(e.currentTarget.checked)}
            data-testid="cohort-restrict"
          />
          Restrict every view
        </label>
        <details className="cohortHelp">
          <summary>Syntax</summary>
          <p id="cohort-help" className="muted small">
            <code>column op value</code> with <code>= != &lt; &lt;= &gt; &gt;=</code> or{' '}
            <code>in (a, b)</code>, combined with <code>and</code>, <code>or</code>,{' '}
            <code>not</code> and parentheses; put names or values with spaces or symbols in{' '}
            <code>&quot;…&quot;</code> or <code>&apos;…&apos;</code>.
            {example && (
              <>
                {' '}
                For this data: <code data-testid="cohort-example">{example}</code>.
              </>
            )}
          </p>
        </details>
      </div>
      {hints.length > 0 && settled && (
        <p className="cohortHint" role="status" data-testid="cohort-hint">
          Values match exactly: {hints.join('; ')}.
        </p>
      )}
      {showError && (
        <div id="cohort-error" className="cohortError" role="alert" data-testid="cohort-error">
          <span>
            <strong>Filter not applied</strong> — {error}
            {active ? '. The previous filter is still in effect.' : '.'}
          </span>
          {errorAt && (
            <code className="cohortErrorText" aria-hidden="true">
              {text.slice(0, errorAt.position)}
              <mark>{text.slice(errorAt.position, errorAt.end) || ' '}</mark>
              {text.slice(errorAt.end)}
            </code>
          )}
        </div>
      )}
    </div>
  )
}
