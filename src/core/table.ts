/**
 * A parsed CSV held column by column. Each column is dictionary-encoded: `values` holds the
 * distinct cell texts (trimmed) in first-seen order and `codes[i]` the index of row i's cell.
 * Codes are an Int32Array so a table crosses a worker boundary as transferables.
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

/**
 * Grows a Table row by row (the CSV parser feeds it in chunks). Rows must have the header's
 * width; the caller decides what to do with ragged rows before calling `push`.
 */
export class TableBuilder {
  readonly names: string[]
  private readonly dicts: Map<string, number>[]
  private readonly values: string[][]
  private codes: Int32Array[]
  private n = 0

  constructor(names: string[], capacity = 1024) {
    this.names = names
    this.dicts = names.map(() => new Map())
    this.values = names.map(() => [])
    this.codes = names.map(() => new Int32Array(Math.max(16, capacity)))
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
    this.codes = this.codes.map((c) => {
      const next = new Int32Array(c.length * 2)
      next.set(c)
      return next
    })
  }

  /** The finished table; codes are trimmed copies, so the builder can be dropped. */
  build(): Table {
    return {
      nRows: this.n,
      columns: this.names.map((name, j) => ({
        name,
        codes: this.codes[j]!.slice(0, this.n),
        values: this.values[j]!,
      })),
    }
  }
}
