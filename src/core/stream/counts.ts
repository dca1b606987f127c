/**
 * Exact counts of float64 values: the sorted distinct values of everything added, each with its
 * count in one of `width` columns (width 1: a sample's values; width 2: scores with their label,
 * column 0 = negatives, column 1 = positives). This is all that ROC AUC, the ROC and PR curves,
 * KS, Wasserstein, deciles and histograms need, and it merges exactly: the merge of two states
 * is the merge of two sorted runs, whatever split or order the rows came in.
 *
 * Adding is buffered: values collect in a buffer per column (2^18 values), which is sorted (the
 * engine's native typed-array sort) and run-length encoded into a run when full; runs are merged
 * like a log-structured merge tree (a run is merged into the one below while that is at most
 * twice its size), so every value is merged O(log(n / buffer)) times and there are O(log n) runs.
 *
 * Memory: 8 bytes per distinct value for the key plus 4 per column for the counts (12 bytes for a
 * sample, 16 for scores with labels), plus the buffers (2 MiB per column) and, while runs merge,
 * a second copy of the runs being merged. −0 is counted as +0. A count per value and column is at
 * most 2^32 − 1.
 */
import { base64Decode, base64Encode, readCount, readObject, readString } from './codec.ts'

/** Sorted distinct values and their counts per column. */
export type CountsRun = {
  /** Distinct values, strictly increasing. */
  readonly keys: Float64Array
  /** counts[c][k] = rows of column c with value keys[k]; every key has a count > 0 somewhere. */
  readonly counts: readonly Uint32Array[]
}

const BUFFER = 1 << 18
const MAX_COUNT = 4294967295

function mergeRuns(a: CountsRun, b: CountsRun, width: number): CountsRun {
  const na = a.keys.length
  const nb = b.keys.length
  const keys = new Float64Array(na + nb)
  const counts = Array.from({ length: width }, () => new Uint32Array(na + nb))
  let i = 0
  let j = 0
  let k = 0
  while (i < na || j < nb) {
    const va = i < na ? a.keys[i]! : Infinity
    const vb = j < nb ? b.keys[j]! : Infinity
    if (j >= nb || (i < na && va < vb)) {
      keys[k] = va
      for (let c = 0; c < width; c++) counts[c]![k] = a.counts[c]![i]!
      i++
    } else if (i >= na || vb < va) {
      keys[k] = vb
      for (let c = 0; c < width; c++) counts[c]![k] = b.counts[c]![j]!
      j++
    } else {
      keys[k] = va
      for (let c = 0; c < width; c++) {
        const sum = a.counts[c]![i]! + b.counts[c]![j]!
        if (sum > MAX_COUNT)
          throw new RangeError(`value counts: more than ${MAX_COUNT} rows have the value ${va}`)
        counts[c]![k] = sum
      }
      i++
      j++
    }
    k++
  }
  return { keys: keys.slice(0, k), counts: counts.map((c) => c.slice(0, k)) }
}

/** One run from sorted columns (each ascending). */
function runOfSorted(sorted: readonly Float64Array[], width: number): CountsRun {
  let run: CountsRun = { keys: new Float64Array(0), counts: sorted.map(() => new Uint32Array(0)) }
  for (let c = 0; c < width; c++) {
    const s = sorted[c]!
    const keys = new Float64Array(s.length)
    const cnt = new Uint32Array(s.length)
    let k = -1
    for (let i = 0; i < s.length; i++) {
      if (k >= 0 && s[i] === keys[k]) cnt[k]!++
      else {
        keys[++k] = s[i]!
        cnt[k] = 1
      }
    }
    const counts = Array.from({ length: width }, (_, d) =>
      d === c ? cnt.slice(0, k + 1) : new Uint32Array(k + 1),
    )
    run = mergeRuns(run, { keys: keys.slice(0, k + 1), counts }, width)
  }
  return run
}

/**
 * Exact counts of values in `width` columns (see the module doc).
 * @example
 * const s = new ValueCounts(2)
 * s.add(Float32Array.of(0.2, 0.7, 0.7), Uint8Array.of(0, 1, 0))
 * s.run().keys // [0.2, 0.699999988079071]; counts [[1, 1], [0, 1]]
 */
export class ValueCounts {
  /** Number of count columns (1 or 2). */
  readonly width: number
  private runs: CountsRun[] = []
  private readonly buffers: Float64Array[]
  private readonly filled: number[]
  private readonly totals: number[]

  constructor(width: 1 | 2) {
    this.width = width
    this.buffers = Array.from({ length: width }, () => new Float64Array(1024))
    this.filled = new Array<number>(width).fill(0)
    this.totals = new Array<number>(width).fill(0)
  }

  /**
   * Counts `values`, row i in column `column[i]` (required iff width is 2; 0 or 1).
   * @throws RangeError naming `what` and the index when a value is NaN or a column is not 0/1;
   *   nothing is counted then.
   */
  add(values: ArrayLike<number>, column?: ArrayLike<number>, what = 'values'): void {
    if ((column !== undefined) !== (this.width === 2))
      throw new RangeError(`${what}: columns must be given iff the counts have two columns`)
    if (column && column.length !== values.length)
      throw new RangeError(`${what}: ${values.length} values but ${column.length} labels`)
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i]!)) throw new RangeError(`${what}: value ${i} is NaN`)
      if (column && column[i] !== 0 && column[i] !== 1)
        throw new RangeError(`${what}: label ${i} is ${column[i]}, not 0 or 1`)
    }
    for (let i = 0; i < values.length; i++) {
      const c = column ? column[i]! : 0
      if (this.filled[c] === this.buffers[c]!.length) this.grow(c)
      this.buffers[c]![this.filled[c]!++] = values[i]! + 0 // −0 → +0
      this.totals[c]!++
    }
  }

  /** Rows counted in column c. */
  total(c = 0): number {
    return this.totals[c] ?? 0
  }

  /** Adds every count of `other` (same width) into this state: exact and commutative. */
  merge(other: ValueCounts): void {
    if (other.width !== this.width)
      throw new RangeError(`value counts: cannot merge width ${other.width} into ${this.width}`)
    const run = other.run()
    for (let c = 0; c < this.width; c++) this.totals[c]! += other.totals[c]!
    this.push(run)
  }

  /** The counts as one run (merges the buffers and runs; cheap when already merged). */
  run(): CountsRun {
    this.flush()
    while (this.runs.length > 1) {
      const b = this.runs.pop()!
      const a = this.runs.pop()!
      this.runs.push(mergeRuns(a, b, this.width))
    }
    return (
      this.runs[0] ?? {
        keys: new Float64Array(0),
        counts: Array.from({ length: this.width }, () => new Uint32Array(0)),
      }
    )
  }

  /** Doubles column c's buffer up to 2^18 values, then flushes the buffers into a run. */
  private grow(c: number): void {
    const b = this.buffers[c]!
    if (b.length >= BUFFER) return this.flush()
    const bigger = new Float64Array(2 * b.length)
    bigger.set(b)
    this.buffers[c] = bigger
  }

  private flush(): void {
    if (this.filled.every((f) => f === 0)) return
    const sorted = this.buffers.map((b, c) => b.slice(0, this.filled[c]!).sort())
    this.filled.fill(0)
    this.push(runOfSorted(sorted, this.width))
  }

  private push(run: CountsRun): void {
    if (run.keys.length === 0) return
    this.runs.push(run)
    for (let n = this.runs.length; n >= 2; n = this.runs.length) {
      const top = this.runs[n - 1]!
      const below = this.runs[n - 2]!
      if (below.keys.length > 2 * top.keys.length) break
      this.runs.length = n - 2
      this.runs.push(mergeRuns(below, top, this.width))
    }
  }

  /**
   * The serialized form: distinct values as base64 float32 when every one is a float32 (model
   * scores always are), else float64; counts as base64 uint32 per column.
   */
  toJSON(): ValueCountsJson {
    const { keys, counts } = this.run()
    const f32 = Float32Array.from(keys)
    let single = true
    for (let k = 0; k < keys.length && single; k++) single = f32[k] === keys[k]
    return {
      width: this.width,
      distinct: keys.length,
      keyType: single ? 'f32' : 'f64',
      keys: base64Encode(single ? f32 : keys),
      counts: counts.map(base64Encode),
    }
  }

  /**
   * Reads `toJSON`'s form back, checking it: values strictly increasing and not NaN, every value
   * counted at least once, sizes consistent.
   * @throws RangeError naming `what` and the field that is wrong.
   */
  static fromJSON(value: unknown, what: string, width: 1 | 2): ValueCounts {
    const o = readObject(value, what)
    if (o.width !== width) throw new RangeError(`${what}.width: expected ${width}`)
    const n = readCount(o.distinct, `${what}.distinct`)
    const keyType = readString(o.keyType, `${what}.keyType`)
    if (keyType !== 'f32' && keyType !== 'f64')
      throw new RangeError(`${what}.keyType: expected "f32" or "f64", got "${keyType}"`)
    const keys =
      keyType === 'f32'
        ? Float64Array.from(base64Decode(o.keys, Float32Array, n, `${what}.keys`))
        : base64Decode(o.keys, Float64Array, n, `${what}.keys`)
    if (!Array.isArray(o.counts) || o.counts.length !== width)
      throw new RangeError(`${what}.counts: expected ${width} base64 columns`)
    const counts = o.counts.map((t, c) =>
      base64Decode(t as unknown, Uint32Array, n, `${what}.counts[${c}]`),
    )
    const out = new ValueCounts(width)
    for (let k = 0; k < n; k++) {
      if (Number.isNaN(keys[k]!) || (k > 0 && !(keys[k]! > keys[k - 1]!)))
        throw new RangeError(`${what}.keys: value ${k} (${keys[k]}) is not above the one before`)
      if (Object.is(keys[k], -0)) throw new RangeError(`${what}.keys: value ${k} is −0`)
      let any = 0
      for (let c = 0; c < width; c++) {
        any += counts[c]![k]!
        out.totals[c]! += counts[c]![k]!
      }
      if (any === 0) throw new RangeError(`${what}.counts: value ${k} (${keys[k]}) has no rows`)
    }
    out.push({ keys, counts })
    return out
  }
}

/** `ValueCounts.toJSON`'s shape. */
export type ValueCountsJson = {
  width: number
  distinct: number
  keyType: 'f32' | 'f64'
  keys: string
  counts: string[]
}
