/**
 * A parsed CSV held column by column. Each column is dictionary-encoded: `values` holds the
 * distinct cell texts (trimmed) in first-seen order and `codes[i]` the index of row i's cell.
 * Codes are an Int32Array so a table crosses a worker boundary as transferables, or — built with
 * `shared` where SharedArrayBuffer exists (a cross-origin isolated page, Node) — without any copy:
 * the data worker, the page, the model worker and the stats worker then read the same memory
 * (4 bytes per cell: 60 MB for 1,000,000 rows × 15 columns, held once). Tables are never mutated
 * after `build`, so sharing needs no synchronisation.
 */
export type Column = {
  readonly name: string
  readonly codes: Int32Array
  readonly values: string[]
}

export type Table = { readonly nRows: number; readonly columns: Column[] }

/** The column called `name`, or undefined. */
export function tableColumn(t: Table, name: string): Column | undefined {
  return t.columns.find((c) => c.name === name)
}

/** The cell text at (row, column). */
export function columnCell(c: Column, row: number): string {
  return c.values[c.codes[row]!]!
}

/** Whether Int32Arrays can live in SharedArrayBuffers here (a cross-origin isolated page, Node). */
export function tableCanShare(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean }
  return typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false
}

/** Options of TableBuilder. */
export type TableBuilderOptions = {
  /** Rows to allocate for at first [1024]; `reserve` can raise it later. */
  capacity?: number
  /**
   * Keep the codes in SharedArrayBuffers (see `tableCanShare`) [false]. `build` then hands out
   * views of the builder's own buffers — no copy — which may be up to ~25% longer than the rows.
   */
  shared?: boolean
}

/**
 * Grows a Table row by row (the CSV parser feeds it in chunks). Rows must have the header's
 * width; the caller decides what to do with ragged rows before calling `push`. Capacity grows by
 * half when full; a caller that can estimate the final row count (the streamed parser, from the
 * file size) calls `reserve` once so that a large file is not copied over and over.
 */
export class TableBuilder {
  readonly names: string[]
  private readonly dicts: Map<string, number>[]
  private readonly values: string[][]
  private codes: Int32Array[]
  private n = 0
  private readonly shared: boolean

  constructor(names: string[], capacityOrOptions: number | TableBuilderOptions = 1024) {
    const opts =
      typeof capacityOrOptions === 'number' ? { capacity: capacityOrOptions } : capacityOrOptions
    this.names = names
    this.shared = opts.shared === true && tableCanShare()
    this.dicts = names.map(() => new Map())
    this.values = names.map(() => [])
    const capacity = Math.max(16, opts.capacity ?? 1024)
    this.codes = names.map(() => this.alloc(capacity))
  }

  private alloc(length: number): Int32Array {
    return this.shared
      ? new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT))
      : new Int32Array(length)
  }

  get rows(): number {
    return this.n
  }

  /** Appends one row of cell texts (already trimmed by the caller or not; trimmed here). */
  push(cells: readonly string[]): void {
    if (this.n === this.codes[0]?.length) this.grow()
    for (let j = 0; j < this.names.length; j++) {
      const text = (cells[j] ?? '').trim()
      const dict = this.dicts[j]!
      let code = dict.get(text)
      if (code === undefined) {
        code = this.values[j]!.length
        dict.set(text, code)
        this.values[j]!.push(text)
      }
      this.codes[j]![this.n] = code
    }
    this.n++
  }

  private grow(): void {
    this.resize(Math.ceil((this.codes[0]?.length ?? 16) * 1.5))
  }

  private resize(length: number): void {
    this.codes = this.codes.map((c) => {
      const next = this.alloc(length)
      next.set(c.subarray(0, this.n))
      return next
    })
  }

  /** Makes room for `rows` rows in all (an estimate; pushing more still works). */
  reserve(rows: number): void {
    if (Number.isFinite(rows) && rows > (this.codes[0]?.length ?? 0)) this.resize(Math.ceil(rows))
  }

  /**
   * The finished table; the builder must not be used afterwards. Unshared codes are trimmed
   * copies (exact buffers, ready to transfer); shared codes are views of the builder's buffers,
   * trimmed by copying only when more than a quarter of them would be unused.
   */
  build(): Table {
    return {
      nRows: this.n,
      columns: this.names.map((name, j) => {
        const c = this.codes[j]!
        let codes: Int32Array
        if (!this.shared) codes = c.slice(0, this.n)
        else if (c.length - this.n > c.length / 4) {
          codes = this.alloc(this.n)
          codes.set(c.subarray(0, this.n))
        } else codes = new Int32Array(c.buffer, 0, this.n)
        return { name, codes, values: this.values[j]! }
      }),
    }
  }
}
