/**
 * Dictionary-encoding Parquet values into Table codes. Each column keeps `values` (distinct cell
 * texts in first-seen order, as TableBuilder does for a CSV) and two maps: text → code, so two
 * raw values with the same text ("Male" and " Male" after trimming, 0 and −0) share one code as
 * they would in the CSV twin, and raw value → code for non-string values (capped), so a repeated
 * number or date is converted to text once.
 */
import { DataError } from '../encode.ts'
import { tableCanShare } from '../table.ts'
import type { CellText } from './columns.ts'

/**
 * Raw values cached per column: past this many, a new number is converted to text each time it
 * is seen (a high-cardinality column — an id, a score — gains little from the cache, and the map
 * would double its memory).
 */
const RAW_CACHE_MAX = 1 << 16

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

  /** The code of a cell text (trimmed here), added when new. */
  private textCode(text: string): number {
    const t = text.trim()
    let code = this.byText.get(t)
    if (code === undefined) {
      code = this.values.length
      this.values.push(t)
      this.byText.set(t, code)
    }
    return code
  }

  /**
   * The code of a raw value in row `row`: a string is its own text, null/undefined the empty
   * cell, anything else goes through the column's conversion (numbers, dates, …).
   * @throws DataError starting with `where(row)` (file, column, row) when the value has no text
   *   form (a date beyond the years a Date can show).
   */
  code(raw: unknown, row: number, where: (row: number) => string): number {
    if (typeof raw === 'string') return this.textCode(raw)
    if (raw === null || raw === undefined) return this.textCode('')
    const hit = this.byRaw.get(raw)
    if (hit !== undefined) return hit
    const text = this.toText(raw)
    if (text === null) throw new DataError(`${where(row)}: value ${String(raw)} is out of range`)
    const code = this.textCode(text)
    // Bytes (Uint8Array) are new objects per value: keying them by identity would only grow.
    if (typeof raw !== 'object' && this.byRaw.size < RAW_CACHE_MAX) this.byRaw.set(raw, code)
    return code
  }
}

/** Int32 codes for `rows` rows, in a SharedArrayBuffer when `shared` and sharing is possible. */
export function allocCodes(rows: number, shared: boolean): Int32Array {
  return shared && tableCanShare()
    ? new Int32Array(new SharedArrayBuffer(rows * Int32Array.BYTES_PER_ELEMENT))
    : new Int32Array(rows)
}
