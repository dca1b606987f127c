/**
 * A quote-aware scan of a CSV's records without parsing its cells: where each record starts (a
 * newline outside quotes), which records are data rows (the header is the first record that is
 * not blank; blank and whitespace-only single-field records are skipped, as papaparse and
 * src/core/csv.ts skip them), and so the global index of every data row. The CLI uses it to cut a
 * file into byte ranges that start on a record (shards), to know each range's first global row,
 * and to find given rows' bytes — in one sequential read, with no text decoded.
 *
 * The scanner sees code units: bytes for UTF-8, 16-bit units for UTF-16 (by BOM). A single-field
 * record with no ASCII content but other characters is decoded to decide whether it is white space
 * (U+00A0 and friends, which `trim` removes). Quotes follow
 * RFC 4180 as papaparse reads them: a field opens a quote only at its first character; inside
 * quotes `""` is a quote and any other quote closes. A file whose quoting is malformed is refused
 * by the parser later, naming the row.
 */

/** A data row's record: [start, end) in bytes (end includes its newline). */
export type RecordSpan = [number, number]

/** What a finished scan knows. */
export type CsvScanResult = {
  /** Byte offset where the first data row's record may start (after the header's newline). */
  headerEnd: number
  /** Data rows in the file. */
  rows: number
  /** For each cut asked for: the first record start at or after it, and the data rows before it. */
  cuts: { at: number; firstRow: number }[]
  /** The records of the rows asked for, by global row. */
  spans: Map<number, RecordSpan>
  /** True when the file ends inside a quoted field. */
  openQuote: { row: number } | null
}

const QUOTE = 0x22
const SPACE = 0x20
const TAB = 0x09

/** Non-ASCII units kept per record to decide whether it is white space (beyond: content). */
const MAX_UNSURE_UNITS = 4096

/** Scans code units pushed in order (see the module doc). */
export class CsvScanner {
  private readonly delim: number
  private readonly nl: number[]
  private readonly unitBytes: number
  private inQuotes = false
  private quotePending = false
  private fieldStart = true
  private recDelim = false
  private recContent = false
  private recOther: number[] = []
  private recStart: number
  private nlMatched = 0
  private headerSeen = false
  private headerEndAt = -1
  private n = 0
  private readonly cutAt: number[]
  private readonly cutOut: { at: number; firstRow: number }[]
  private nextCut = 0
  private readonly wanted: ReadonlySet<number>
  readonly spans = new Map<number, RecordSpan>()
  private quoteOpenedRow = 0

  /**
   * @param delimiter the file's delimiter (one character).
   * @param newline the file's record separator ('\n', '\r\n' or '\r').
   * @param start byte offset of the first unit (after a BOM).
   * @param cuts ascending byte offsets to find record starts for.
   * @param wanted global data rows whose record spans to keep.
   */
  constructor(opts: {
    delimiter: string
    newline: string
    unitBytes: 1 | 2
    start: number
    cuts?: readonly number[]
    wanted?: ReadonlySet<number>
  }) {
    this.delim = opts.delimiter.charCodeAt(0)
    this.nl = Array.from(opts.newline, (c) => c.charCodeAt(0))
    this.unitBytes = opts.unitBytes
    this.recStart = opts.start
    this.cutAt = [...(opts.cuts ?? [])]
    this.cutOut = this.cutAt.map((at) => ({ at, firstRow: -1 }))
    this.wanted = opts.wanted ?? new Set()
  }

  /** Scans `units`, the first of which lies at byte offset `at`. */
  push(units: ArrayLike<number>, at: number): void {
    const ub = this.unitBytes
    const nl = this.nl
    const nl0 = nl[0]!
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false
          if (u === QUOTE) {
            this.recContent = true
            continue
          }
          this.inQuotes = false // the quote closed the field; u is read below
        } else {
          if (u === QUOTE) this.quotePending = true
          else if (u !== SPACE && u !== TAB) this.content(u)
          continue
        }
      }
      if (this.nlMatched > 0) {
        if (u === nl[this.nlMatched]) {
          if (++this.nlMatched === nl.length) this.endRecord(at + (i + 1) * ub)
          continue
        }
        // A partial newline ('\r' without '\n' under '\r\n') is ordinary content.
        this.nlMatched = 0
        this.recContent = true
        this.fieldStart = false
      }
      if (u === nl0) {
        if (nl.length === 1) this.endRecord(at + (i + 1) * ub)
        else this.nlMatched = 1
        continue
      }
      if (u === this.delim) {
        this.recDelim = true
        this.fieldStart = true
        continue
      }
      if (u === QUOTE && this.fieldStart) {
        this.inQuotes = true
        this.quoteOpenedRow = this.n
        this.fieldStart = false
        continue
      }
      this.fieldStart = false
      if (u !== SPACE && u !== TAB && u !== 0x0b && u !== 0x0c && u !== 0x0d) this.content(u)
    }
  }

  /** A unit that is not ASCII white space: content, unless it may be Unicode white space. */
  private content(u: number): void {
    if (this.recContent) return
    if (u < 0x80 || this.recOther.length >= MAX_UNSURE_UNITS) this.recContent = true
    else this.recOther.push(u)
  }

  /** Whether the record's non-ASCII units are all white space (decoded). */
  private otherIsBlank(): boolean {
    const units = this.recOther
    const text =
      this.unitBytes === 1
        ? new TextDecoder().decode(Uint8Array.from(units))
        : String.fromCharCode(...units)
    return text.trim() === ''
  }

  private endRecord(end: number): void {
    const start = this.recStart
    this.recStart = end
    this.nlMatched = 0
    this.fieldStart = true
    const blank =
      !this.recDelim && !this.recContent && (this.recOther.length === 0 || this.otherIsBlank())
    this.recDelim = false
    this.recContent = false
    this.recOther = []
    if (blank) return
    if (!this.headerSeen) {
      this.headerSeen = true
      this.headerEndAt = end
      return
    }
    while (this.nextCut < this.cutAt.length && this.cutAt[this.nextCut]! <= start) {
      this.cutOut[this.nextCut++] = { at: start, firstRow: this.n }
    }
    if (this.wanted.has(this.n)) this.spans.set(this.n, [start, end])
    this.n++
  }

  /** Ends the scan at byte `size` (the file's length) and returns what it found. */
  finish(size: number): CsvScanResult {
    const open = this.inQuotes && !this.quotePending
    if (this.inQuotes && this.quotePending) this.inQuotes = false
    if (!open && (this.recStart < size || this.nlMatched > 0)) {
      if (this.nlMatched > 0) this.recContent = true
      this.endRecord(size)
    }
    for (let k = this.nextCut; k < this.cutAt.length; k++)
      this.cutOut[k] = { at: size, firstRow: this.n }
    return {
      headerEnd: this.headerEndAt < 0 ? size : this.headerEndAt,
      rows: this.n,
      cuts: this.cutOut,
      spans: this.spans,
      openQuote: open ? { row: this.quoteOpenedRow } : null,
    }
  }
}
