import { useState } from 'react'
import type { DraftFeature, DraftSpan } from '../../core/schemaDraft.ts'

/** What a feature row can ask of the editor. */
export type FeatureRowActions = {
  change(f: DraftFeature): void
  retype(type: DraftFeature['type']): void
  /** Moves the feature to 0-based position `to`. */
  moveTo(to: number): void
  remove(): void
}

/**
 * One feature of the schema editor: its position (type a number, or the ↑/↓ buttons), the model
 * input indexes it fills, its type, and its mean/std (numeric) or its categories, one per line in
 * one-hot order (categorical).
 */
export function FeatureRow({
  f,
  index,
  count,
  span,
  act,
}: {
  f: DraftFeature
  index: number
  count: number
  span: DraftSpan
  act: FeatureRowActions
}) {
  const [pos, setPos] = useState<string | null>(null)
  const commitPos = () => {
    const n = Number(pos)
    if (pos !== null && Number.isInteger(n) && n >= 1) act.moveTo(Math.min(count, n) - 1)
    setPos(null)
  }
  const inputs =
    span.end === span.start
      ? 'none'
      : span.end - span.start === 1
        ? String(span.start)
        : `${span.start}–${span.end - 1}`
  return (
    <tr data-testid={`editor-feature-${f.name}`}>
      <td>
        <input
          className="posInput"
          type="number"
          min={1}
          max={count}
          aria-label={`Position of ${f.name}`}
          data-testid={`editor-pos-${f.name}`}
          value={pos ?? String(index + 1)}
          onChange={(e) => setPos(e.currentTarget.value)}
          onBlur={commitPos}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitPos()
          }}
        />
        <button
          type="button"
          aria-label={`Move ${f.name} up`}
          disabled={index === 0}
          onClick={() => act.moveTo(index - 1)}
        >
          ↑
        </button>
        <button
          type="button"
          aria-label={`Move ${f.name} down`}
          disabled={index === count - 1}
          onClick={() => act.moveTo(index + 1)}
        >
          ↓
        </button>
      </td>
      <th scope="row">{f.name}</th>
      <td className="mono" data-testid={`editor-span-${f.name}`}>
        {inputs}
      </td>
      <td>
        <select
          aria-label={`Type of ${f.name}`}
          value={f.type}
          data-testid={`editor-type-${f.name}`}
          onChange={(e) => act.retype(e.currentTarget.value as DraftFeature['type'])}
        >
          <option value="numeric">numeric</option>
          <option value="categorical">categorical</option>
        </select>
      </td>
      <td>
        {f.type === 'numeric' ? (
          <span className="statInputs">
            {(['mean', 'std'] as const).map((k) => (
              <label key={k}>
                {k}{' '}
                <input
                  type="text"
                  inputMode="decimal"
                  value={f[k]}
                  data-testid={`editor-${k}-${f.name}`}
                  onChange={(e) => act.change({ ...f, [k]: e.currentTarget.value })}
                />{' '}
              </label>
            ))}
          </span>
        ) : (
          <label>
            <span className="srOnly">Categories of {f.name}, one per line, in one-hot order</span>
            <textarea
              rows={Math.min(10, Math.max(2, f.categories.length))}
              value={f.categories.join('\n')}
              data-testid={`editor-categories-${f.name}`}
              onChange={(e) => act.change({ ...f, categories: e.currentTarget.value.split('\n') })}
            />
          </label>
        )}
      </td>
      <td>
        <button
          type="button"
          onClick={act.remove}
          data-testid={`editor-remove-${f.name}`}
          aria-label={`Remove ${f.name} from the features`}
        >
          Remove
        </button>
      </td>
    </tr>
  )
}
