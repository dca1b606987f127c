/**
 * Dictionary-encoding Parquet values into Table codes. Each column keeps `values` (distinct cell
 * texts in first-seen order, as TableBuilder does for a CSV) and two maps: raw value → code, so a
 * repeated number or string is converted to text once, and text → code, so two raw values with
 * the same text ("Male" and " Male" after trimming, 0 and −0) share one code as they would in the
 * CSV twin.
 */
import { DataError } from '../encode.ts'
import { tableCanShare } from '../table.ts'
import type { CellText } from './columns.ts'

/** The distinct cell texts of one column and the code of each raw value. */
export class ColumnDict {
  /** Distinct cell texts (trimmed), in first-seen order; '' is the empty cell (a null). */
  readonly values: string[] = []
  private readonly byText = new Map<string, number>()
  private readonly byRaw = new Map<unknown, number>()
  private readonly toText: CellText

  constructor(toText: CellText) {
    this.toText = toText
  }

  /**
   * The code of a raw value (null/undefined → the empty cell) in row `row`.
   * @throws DataError starting with `where(row)` (file, column, row) when the value has no text
   *   form (a date beyond the years a Date can show).
   */
  code(raw: unknown, row: number, where: (row: number) => string): number {
    const hit = this.byRaw.get(raw)
    if (hit !== undefined) return hit
    let text: string
    if (raw === null || raw === undefined) text = ''
    else {
      const t = this.toText(raw)
      if (t === null) throw new DataError(`${where(row)}: value ${String(raw)} is out of range`)
      text = t.trim()
    }
    let code = this.byText.get(text)
    if (code === undefined) {
      code = this.values.length
      this.values.push(text)
      this.byText.set(text, code)
    }
    // Bytes (Uint8Array) are new objects per value: keying them by identity would only grow.
    if (typeof raw !== 'object' || raw === null) this.byRaw.set(raw, code)
    return code
  }
}

/** Int32 codes for `rows` rows, in a SharedArrayBuffer when `shared` and sharing is possible. */
export function allocCodes(rows: number, shared: boolean): Int32Array {
  return shared && tableCanShare()
    ? new Int32Array(new SharedArrayBuffer(rows * Int32Array.BYTES_PER_ELEMENT))
    : new Int32Array(rows)
}
