import { useEffect, useRef, useState } from 'react'
import { useStore } from 'zustand'
import { app } from '../../../state/app.ts'
import { fmtInt } from '../../format.ts'

/** How long typing must pause before a syntax error is shown (valid filters apply at once). */
const ERROR_DELAY_MS = 450

/**
 * The cohort filter: a predicate over the data's columns (`age > 40 and sex = Female`) that picks
 * the rows the table shows and, with "restrict", the rows every view uses. A valid filter applies
 * as it is typed; a syntax error is shown once typing pauses, with its position marked, while the
 * last valid filter stays applied.
 */
export function CohortBar({ nRows }: { nRows: number }) {
  const text = useStore(app.cohort.store, (s) => s.text)
  const error = useStore(app.cohort.store, (s) => s.error)
  const errorAt = useStore(app.cohort.store, (s) => s.errorAt)
  const rows = useStore(app.cohort.store, (s) => s.rows)
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
    <section
      className="card full cohortBar"
      aria-labelledby="cohort-title"
      data-testid="cohort-bar"
    >
      <div className="cohortHead">
        <h2 id="cohort-title">Cohort filter</h2>
        <span
          className={`cohortCount${active ? ' on' : ''}`}
          data-testid="cohort-count"
          data-value={count}
          aria-live="polite"
        >
          <strong>{fmtInt(count)}</strong> of {fmtInt(nRows)} rows
        </span>
      </div>
      <div className="cohortRow">
        <label htmlFor="cohort-input" className="srOnly">
          Filter rows
        </label>
        <input
          id="cohort-input"
          className="cohortInput mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="e.g.  age > 40 and sex = Female"
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
        <label
          className="cohortRestrict"
          title="Performance, Calibration, Fairness and Explain use only the cohort's rows"
        >
          <input
            type="checkbox"
            checked={restrict}
            onChange={(e) => app.cohort.setRestrict(e.currentTarget.checked)}
            data-testid="cohort-restrict"
          />
          Restrict all views to this cohort
        </label>
      </div>
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
      <p id="cohort-help" className="muted small cohortHelp">
        <code>column op value</code> with <code>= != &lt; &lt;= &gt; &gt;=</code> or{' '}
        <code>in (a, b)</code>, combined with <code>and</code>, <code>or</code>, <code>not</code>{' '}
        and parentheses; quote names or values with spaces:{' '}
        <code>&quot;native country&quot; = &apos;United States&apos;</code>.
      </p>
    </section>
  )
}
