import { useMemo, type ReactNode } from 'react'
import type { Schema } from '../../../core/schema.ts'
import type { Table } from '../../../core/table.ts'
import { fmt } from '../../format.ts'

/** Row height in px: fixed, so row k sits at k · ROW_H and only the visible window is rendered. */
export const ROW_H = 28

/** A table column: header, width, and the text of data row i (built when the row renders). */
export type Column = {
  key: string
  header: string
  /** Tooltip of the header. */
  title?: string
  width: number
  /** Left offset for the frozen columns (sticky while scrolling sideways). */
  left?: number
  numeric: boolean
  /** Cell text of data row i, built only when the row is rendered. */
  text: (i: number) => string
  cls?: (i: number) => string
  content?: (i: number) => ReactNode
}

const charPx = 7.4

/** Width of a column from its header and its distinct cells (at most the first 2,000). */
function columnWidth(header: string, values: readonly string[]): number {
  let longest = 0
  for (let k = 0; k < values.length && k < 2000; k++) longest = Math.max(longest, values[k]!.length)
  return Math.round(Math.min(240, Math.max(56, longest * charPx + 20, header.length * 8 + 20)))
}

/**
 * The table's columns: row number, prediction, label and predicted class (frozen on the left),
 * the schema's features, then the CSV's other columns.
 */
export function useColumns(
  table: Table,
  schema: Schema,
  predictions: Float32Array,
  labels: Uint8Array | null,
  threshold: number,
): Column[] {
  return useMemo(() => {
    const positive = (i: number) => predictions[i]! >= threshold
    const frozen: Column[] = [
      {
        key: '#',
        header: 'Row',
        title: 'Data row number (0-based)',
        width: 64,
        numeric: true,
        text: (i) => String(i),
      },
      {
        key: 'prediction',
        header: 'Prediction',
        title: `Predicted probability of ${schema.target.column} = ${schema.target.positive}`,
        width: 112,
        numeric: true,
        text: (i) => fmt(predictions[i]!),
        content: (i) => (
          <>
            <span
              className="pBar"
              aria-hidden="true"
              style={{ width: `${Math.max(0, Math.min(1, predictions[i]!)) * 100}%` }}
            />
            <span className="pText">{fmt(predictions[i]!)}</span>
          </>
        ),
      },
      {
        key: 'label',
        header: 'Label',
        title: `1 when ${schema.target.column} = ${schema.target.positive}`,
        width: 62,
        numeric: true,
        text: (i) => (labels ? String(labels[i]) : '—'),
      },
      {
        key: 'predicted',
        header: 'Predicted',
        title: `Predicted class: 1 when the prediction ≥ the threshold ${threshold}`,
        width: 86,
        numeric: true,
        text: (i) => (positive(i) ? '1' : '0'),
        cls: (i) => (labels && labels[i] !== (positive(i) ? 1 : 0) ? 'miss' : ''),
        content: (i) => {
          const miss = labels !== null && labels[i] !== (positive(i) ? 1 : 0)
          return (
            <>
              {positive(i) ? '1' : '0'}
              {miss && (
                <span className="missMark" title="Differs from the label">
                  {' '}
                  ✕<span className="srOnly"> misclassified</span>
                </span>
              )}
            </>
          )
        },
      },
    ]
    let left = 0
    for (const c of frozen) {
      c.left = left
      left += c.width
    }
    const features = new Set(schema.features.map((f) => f.name))
    const numericNames = new Set(
      schema.features.filter((f) => f.type === 'numeric').map((f) => f.name),
    )
    const cols = [
      ...schema.features.map((f) => table.columns.find((c) => c.name === f.name)),
      ...table.columns.filter((c) => !features.has(c.name)),
    ]
    const rest: Column[] = cols
      .filter((c) => c !== undefined)
      .map((c) => ({
        key: `col:${c.name}`,
        header: c.name,
        width: columnWidth(c.name, c.values),
        numeric: numericNames.has(c.name),
        text: (i: number) => c.values[c.codes[i]!]!,
        ...(c.name === schema.target.column ? { title: 'Target column' } : {}),
      }))
    return [...frozen, ...rest]
  }, [table, schema, predictions, labels, threshold])
}
