/**
 * Row choices that do not depend on how the rows were split into shards or chunks: they are
 * functions of the global 0-based row index and the seed (and, for `rowsDrawn`, the total).
 *
 * - `rowsDrawn(n, seed)`: today's default explained rows (`auditDefaultRows` in
 *   src/report/audit.ts: `count` distinct rows ≥ 50 drawn with `rngFromSeed(seed)`, sorted). Every
 *   shard that knows the total n (Parquet metadata; a CSV line count) computes the same list and
 *   keeps the rows of it that fall in its range.
 * - `RowSample`: when the total is not known in advance, a bottom-k sample: each row gets a seeded
 *   hash of its global index, and the `count` rows with the smallest hashes are kept — among the
 *   rows ≥ `skip` when the data has more than `skip` rows, else among all. Merging keeps the `count`
 *   smallest of the union, so any split gives the same rows. It is a uniform sample without
 *   replacement like `rowsDrawn`'s, but not the same rows: a report made this way says so.
 *   Each kept row carries a caller-chosen JSON payload (e.g. its cells) so that the rows can be
 *   explained after the merge without reading the data again.
 */
import { rngFromSeed } from '../random.ts'
import { readArray, readCount, readNumber, readObject } from './codec.ts'

/**
 * The default explained rows of an n-row audit: `count` distinct rows ≥ `skip` (past the default
 * background) drawn with the seed, ascending; rows < skip only when there are no others. Equal to
 * `auditDefaultRows(n, seed, count)` of src/report/audit.ts.
 * @example rowsDrawn(10_000_000, 1) // 8 rows, the same in every shard
 */
export function rowsDrawn(nRows: number, seed: number, count = 8, skip = 50): number[] {
  const lo = nRows > skip ? skip : 0
  const n = nRows - lo
  const k = Math.min(count, n)
  if (k <= 0) return []
  const picked = rngFromSeed(seed).sampleWithoutReplacement(n, k)
  return Array.from(picked, (r) => r + lo).sort((a, b) => a - b)
}

/** A 32-bit avalanche mix (murmur3's finaliser). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * The seeded hash of global row `row`: a 53-bit integer (two mixed 32-bit words of seed and row),
 * the sample's ordering key; ties (rare) are broken by the row index.
 */
export function rowHash(seed: number, row: number): number {
  const s = mix32(Math.floor(seed) ^ 0x5bd1e995) ^ mix32(Math.floor(seed / 4294967296) + 0x27d4eb2d)
  const lo = row >>> 0
  const hi = Math.floor(row / 4294967296)
  const a = mix32(lo ^ mix32(s ^ hi))
  const b = mix32(a ^ mix32(lo + 0x9e3779b9) ^ s)
  return (a >>> 11) * 4294967296 + b // 21 + 32 bits
}

type Kept = { row: number; hash: number; payload: unknown }

const before = (a: Kept, b: Kept) => a.hash < b.hash || (a.hash === b.hash && a.row < b.row)

/**
 * A bottom-k sample of rows by seeded hash (see the module doc).
 * @example
 * const s = new RowSample({ seed: 1, count: 8 })
 * s.add(firstRow, chunkRows, (i) => cellsOfRow(i))
 * s.rows() // 8 global row indices, ascending
 */
export class RowSample {
  readonly seed: number
  readonly count: number
  readonly skip: number
  /** Rows seen (so that the finalizer knows whether the data has more than `skip` rows). */
  private n = 0
  /** Bottom-k among rows < skip and among rows ≥ skip, each sorted by (hash, row). */
  private readonly low: Kept[] = []
  private readonly high: Kept[] = []

  constructor(opts: { seed: number; count?: number; skip?: number }) {
    this.seed = readNumber(opts.seed, 'row sample seed')
    this.count = readCount(opts.count ?? 8, 'row sample count')
    this.skip = readCount(opts.skip ?? 50, 'row sample skip')
  }

  /**
   * Offers rows firstRow … firstRow + n − 1; `payload(i)` (i = 0 … n − 1 within the chunk) is
   * called only for rows that are kept for now.
   */
  add(firstRow: number, n: number, payload: (i: number) => unknown = () => null): void {
    for (let i = 0; i < n; i++) {
      const row = firstRow + i
      const pool = row < this.skip ? this.low : this.high
      const hash = rowHash(this.seed, row)
      const worst = pool[pool.length - 1]
      if (pool.length >= this.count && worst && !before({ row, hash, payload: null }, worst))
        continue
      this.insert(pool, { row, hash, payload: payload(i) })
    }
    this.n += n
  }

  private insert(pool: Kept[], k: Kept): void {
    if (this.count === 0) return
    if (pool.some((p) => p.row === k.row))
      throw new RangeError(`row sample: row ${k.row} was offered twice`)
    let at = pool.length
    while (at > 0 && before(k, pool[at - 1]!)) at--
    pool.splice(at, 0, k)
    if (pool.length > this.count) pool.pop()
  }

  /** Adds `other`'s rows (same seed, count and skip): any order of merges keeps the same rows. */
  merge(other: RowSample): void {
    if (other.seed !== this.seed || other.count !== this.count || other.skip !== this.skip)
      throw new RangeError('row sample: cannot merge samples with another seed, count or skip')
    for (const k of other.low) this.insert(this.low, k)
    for (const k of other.high) this.insert(this.high, k)
    this.n += other.n
  }

  /** The chosen rows with their payloads, ascending by row. */
  chosen(): { row: number; payload: unknown }[] {
    const pool = this.n > this.skip ? this.high : this.low
    return pool.map((k) => ({ row: k.row, payload: k.payload })).sort((a, b) => a.row - b.row)
  }

  /** The chosen global row indices, ascending. */
  rows(): number[] {
    return this.chosen().map((c) => c.row)
  }

  /** Serialized: settings, rows seen and the kept rows with payloads (both pools). */
  toJSON(): { seed: number; count: number; skip: number; seen: number; kept: [number, unknown][] } {
    const kept = [...this.low, ...this.high].map((k): [number, unknown] => [k.row, k.payload])
    return { seed: this.seed, count: this.count, skip: this.skip, seen: this.n, kept }
  }

  /**
   * Reads `toJSON`'s form back.
   * @throws RangeError naming `what` on a malformed field or more kept rows than a sample keeps.
   */
  static fromJSON(value: unknown, what: string): RowSample {
    const o = readObject(value, what)
    const s = new RowSample({
      seed: readNumber(o.seed, `${what}.seed`),
      count: readCount(o.count, `${what}.count`),
      skip: readCount(o.skip, `${what}.skip`),
    })
    s.n = readCount(o.seen, `${what}.seen`)
    for (const [i, entry] of readArray(o.kept, `${what}.kept`).entries()) {
      const e = readArray(entry, `${what}.kept[${i}]`)
      const row = readCount(e[0], `${what}.kept[${i}][0]`)
      s.insert(row < s.skip ? s.low : s.high, { row, hash: rowHash(s.seed, row), payload: e[1] })
    }
    if (s.low.length + s.high.length !== readArray(o.kept, `${what}.kept`).length)
      throw new RangeError(`${what}.kept: more rows than the sample keeps`)
    return s
  }
}
