/**
 * Row orders for the data table: rows by score (prediction), ties by row number, in O(n) — a
 * least-significant-digit radix sort of the float32 scores' bits — so ordering a million rows
 * takes tens of milliseconds instead of a comparator sort's second.
 */

/** Ascending or descending. */
export type OrderDirection = 'asc' | 'desc'

/**
 * float32 bits → an unsigned key with the same order as the numbers (negatives flipped whole,
 * positives with the sign bit set); -0 is +0, and NaN sorts beyond ±Infinity.
 */
function sortableKeys(p: Float32Array, rows: Int32Array, desc: boolean): Uint32Array {
  const bits = new Uint32Array(p.buffer, p.byteOffset, p.length)
  const keys = new Uint32Array(rows.length)
  for (let k = 0; k < rows.length; k++) {
    const raw = bits[rows[k]!]!
    const b = raw === 0x80000000 ? 0 : raw
    const key = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0
    keys[k] = desc ? ~key >>> 0 : key
  }
  return keys
}

/**
 * `rows` (all rows 0…n−1 when null; given in ascending order) ordered by `p[row]`, ascending or
 * descending, rows with equal scores in ascending row order. Stable two-pass radix sort on 16-bit
 * digits of the float32 score: O(n).
 * @throws RangeError when a row is outside `p`.
 * @example rowsByScore(Float32Array.of(0.9, 0.1, 0.5), null, 'desc') // Int32Array [0, 2, 1]
 */
export function rowsByScore(
  p: Float32Array,
  rows: Int32Array | null,
  dir: OrderDirection,
): Int32Array {
  const n = rows ? rows.length : p.length
  let idx: Int32Array = new Int32Array(n)
  if (rows) {
    for (let k = 0; k < n; k++) {
      const r = rows[k]!
      if (!(r >= 0 && r < p.length))
        throw new RangeError(`row ${r} is outside the ${p.length} predictions`)
      idx[k] = r
    }
  } else for (let k = 0; k < n; k++) idx[k] = k
  if (n < 2) return idx
  let keys: Uint32Array = sortableKeys(p, idx, dir === 'desc')
  let nextIdx: Int32Array = new Int32Array(n)
  let nextKeys: Uint32Array = new Uint32Array(n)
  const count = new Int32Array(1 << 16)
  for (const shift of [0, 16]) {
    count.fill(0)
    for (let k = 0; k < n; k++) count[(keys[k]! >>> shift) & 0xffff]!++
    let sum = 0
    for (let d = 0; d < count.length; d++) {
      const c = count[d]!
      count[d] = sum
      sum += c
    }
    for (let k = 0; k < n; k++) {
      const at = count[(keys[k]! >>> shift) & 0xffff]!++
      nextIdx[at] = idx[k]!
      nextKeys[at] = keys[k]!
    }
    ;[idx, nextIdx] = [nextIdx, idx]
    ;[keys, nextKeys] = [nextKeys, keys]
  }
  return idx
}

/**
 * `rows` (all rows when null) in descending row order.
 * @example rowsReversed(null, 3) // Int32Array [2, 1, 0]
 */
export function rowsReversed(rows: Int32Array | null, n: number): Int32Array {
  const m = rows ? rows.length : n
  const out = new Int32Array(m)
  for (let k = 0; k < m; k++) out[k] = rows ? rows[m - 1 - k]! : m - 1 - k
  return out
}

/** The data table's order: by data row number or by predicted probability. */
export type DataSort = { key: 'row' | 'prediction'; dir: OrderDirection }

/**
 * The rows the table shows, in display order: `rows` (or all `n`), ordered by `sort` (prediction
 * ties by row number, a radix sort: tens of milliseconds for a million rows).
 * @returns null for "all rows by row number" (no allocation); `rows` unchanged for rows
 *   ascending, or for a prediction order without predictions.
 * @example dataViewOrder(null, 3, Float32Array.of(0.9, 0.1, 0.5), { key: 'prediction', dir: 'desc' }) // [0, 2, 1]
 */
export function dataViewOrder(
  rows: Int32Array | null,
  n: number,
  p: Float32Array | null,
  sort: DataSort,
): Int32Array | null {
  if (sort.key === 'row' && sort.dir === 'asc') return rows
  if (sort.key === 'row') return rowsReversed(rows, n)
  return p ? rowsByScore(p, rows, sort.dir) : rows
}

/** Above this many rows, ordering by prediction is left to the stats worker. */
export const DATA_ORDER_SYNC_MAX_ROWS = 100_000

/**
 * Whether `dataViewOrder` of these inputs is left to the stats worker: an order by prediction of
 * more than {@link DATA_ORDER_SYNC_MAX_ROWS} rows (`rows`, or all `n` when null).
 */
export function dataOrderIsAsync(
  rows: Int32Array | null,
  n: number,
  p: Float32Array | null,
  sort: DataSort,
): boolean {
  return (
    sort.key === 'prediction' && p !== null && (rows ? rows.length : n) > DATA_ORDER_SYNC_MAX_ROWS
  )
}

/**
 * Identifies the inputs of an order: the version of the rows (the cohort's), of the predictions,
 * and the sort.
 * @example dataOrderKey(2, 5, { key: 'prediction', dir: 'desc' }) // '2:5:prediction:desc'
 */
export function dataOrderKey(
  rowsVersion: number,
  predictionsVersion: number,
  sort: DataSort,
): string {
  return `${rowsVersion}:${predictionsVersion}:${sort.key}:${sort.dir}`
}
