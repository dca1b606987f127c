import type { RowPart } from '../../../state/dataRow.ts'

/**
 * Progress of a request about the open row, shown in place of its result. Determinate once the
 * worker reports progress; `indeterminate` for searches that report only at the end.
 */
export function PartProgress({
  part,
  label,
  indeterminate = false,
}: {
  part: RowPart
  label: string
  indeterminate?: boolean
}) {
  const known = !indeterminate && part.total > 0
  return (
    <div className="partProgress" role="status">
      <span className="muted small">{label}…</span>
      {known ? (
        <progress max={part.total} value={part.done} aria-label={label} />
      ) : (
        <progress aria-label={label} />
      )}
    </div>
  )
}
