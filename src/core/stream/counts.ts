/**
 * Exact counts of float64 values: the sorted distinct values of everything added, each with its
 * count in one of `width` columns (width 1: a sample's values; width 2: scores with their label,
 * column 0 = negatives, column 1 = positives). This is all that ROC AUC, the ROC and PR curves,
 * KS, Wasserstein, deciles and histograms need, and it merges exactly: the merge of two states
 * is the merge of two sorted runs, whatever split or order the rows came in.
 *
 * Adding is buffered. Float32 values in [0, 2) — probabilities from a model — are kept as 32-bit
 * keys (the float32 bit pattern, times the width, plus the column: ascending like the values), up
 * to 2^22 of them, and radix-sorted when the buffer is full; other values collect per column in
 * float64 buffers of 2^18 and are sorted with the engine's sort. Each sorted buffer is run-length
 * encoded into a run, and runs are merged like a log-structured merge tree (a run is merged into
 * the one below while that is no larger), so every value is merged O(log(n / buffer))
 * times and there are O(log n) runs. Adding scores costs ~50 ns per row.
 *
 * Memory: 8 bytes per distinct value for the key plus 4 per column for the counts (12 bytes for a
 * sample, 16 for scores with labels), plus the buffers (up to 16 MiB of keys and 2 MiB per column,
 * grown as needed) and, while runs merge or a buffer is sorted, a second copy of what is merged or
 * sorted. −0 is counted as +0. A count per value and column is at most 2^32 − 1.
 */
import { base64Decode, base64Encode, readCount, readObject, readString } from './codec.ts'

/** Sorted distinct values and their counts per column. */
export type CountsRun = {
  /** Distinct values, strictly increasing. */
  readonly keys: Float64Array
  /** counts[c][k] = rows of column c with value keys[k]; every key has a count > 0 somewhere. */
  readonly counts: readonly Uint32Array[]
}

/** Values a column buffers before they are sorted into a run (2 MiB of float64). */
const BUFFER = 1 << 18
/** Float32 keys buffered before a run (16 MiB): large, so that few runs need merging. */
const BUFFER32 = 1 << 22
const MAX_COUNT = 4294967295
const F32 = new Float32Array(1)
const U32 = new Uint32Array(F32.buffer)

function mergeRuns(a: CountsRun, b: CountsRun, width: number): CountsRun {
  const ka = a.keys
  const kb = b.keys
  const na = ka.length
  const nb = kb.length
  const len = na + nb
  const keys = new Float64Array(len)
  const counts = Array.from({ length: width }, () => new Uint32Array(len))
  // Columns 0 and 1 (column 1 aliases column 0 when width is 1; its writes are then repeated).
  const a0 = a.counts[0]!
  const b0 = b.counts[0]!
  const o0 = counts[0]!
  const a1 = a.counts[width - 1]!
  const b1 = b.counts[width - 1]!
  const o1 = counts[width - 1]!
  let i = 0
  let j = 0
  let k = 0
  for (; i < na || j < nb; k++) {
    const x = i < na ? ka[i]! : Infinity
    const y = j < nb ? kb[j]! : Infinity
    if (j >= nb || x < y) {
      keys[k] = x
      o0[k] = a0[i]!
      o1[k] = a1[i]!
      i++
    } else if (i >= na || y < x) {
      keys[k] = y
      o0[k] = b0[j]!
      o1[k] = b1[j]!
      j++
    } else {
      const c0 = a0[i]! + b0[j]!
      const c1 = a1[i]! + b1[j]!
      if (c0 > MAX_COUNT || c1 > MAX_COUNT)
        throw new RangeError(`value counts: more than ${MAX_COUNT} rows have the value ${x}`)
      keys[k] = x
      o0[k] = c0
      o1[k] = c1
      i++
      j++
    }
  }
  // Shared values leave the arrays longer than the run: copy to size (memcpy, cheap).
  return k === len
    ? { keys, counts }
    : { keys: keys.slice(0, k), counts: counts.map((c) => c.slice(0, k)) }
}

/**
 * Sorts 32-bit keys ascending (LSD radix sort, three passes of 11 bits, through `scratch` of the
 * same length); returns the array holding the result (`keys` or `scratch`). About ten times
 * faster than the engine's typed-array sort, which dominated adding scores.
 */
function radixSort32(keys: Uint32Array, scratch: Uint32Array): Uint32Array {
  const count = new Int32Array(2048)
  let src = keys
  let dst = scratch
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0)
    for (let i = 0; i < src.length; i++) count[(src[i]! >>> shift) & 2047]!++
    if (count[(src[0]! >>> shift) & 2047] === src.length) continue // one bucket: nothing moves
    for (let b = 0, sum = 0; b < 2048; b++) {
      const c = count[b]!
      count[b] = sum
      sum += c
    }
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!
      dst[count[(v >>> shift) & 2047]!++] = v
    }
    const t = src
    src = dst
    dst = t
  }
  return src
}

/**
 * One run from sorted 32-bit keys bits · width + column, bits = the float32 bit pattern of a value
 * in [0, 2) (ascending as uint32 exactly when the values ascend).
 */
function runOfKeys32(sorted: Uint32Array, width: number): CountsRun {
  const shift = width - 1 // key = bits << shift | column
  let len = 0
  for (let i = 0, prev = -1; i < sorted.length; i++) {
    const v = sorted[i]! >>> shift
    if (v !== prev) len++
    prev = v
  }
  const keys = new Float64Array(len)
  const counts = Array.from({ length: width }, () => new Uint32Array(len))
  const c0 = counts[0]!
  const c1 = counts[width - 1]!
  for (let i = 0, k = -1, prev = -1; i < sorted.length; i++) {
    const key = sorted[i]!
    const v = key >>> shift
    if (v !== prev) {
      U32[0] = v
      keys[++k] = F32[0]!
      prev = v
    }
    if (key & shift) c1[k]!++
    else c0[k]!++
  }
  return { keys, counts }
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
  /** Values that are float32s in [0, 2) (probabilities): 32-bit keys, see `runOfKeys32`. */
  private keys32 = new Uint32Array(16)
  private filled32 = 0
  /** Other values, per column. */
  private readonly buffers: Float64Array[]
  private readonly filled: number[]
  private readonly totals: number[]

  /** Most keys (float32 values) and most values per column buffered before a run is made. */
  private readonly limit32: number
  private readonly limit: number

  /**
   * @param width 1 (a sample) or 2 (values with a 0/1 column, e.g. scores with labels).
   * @param bufferRows smaller buffers than the defaults (2^22 keys, 2^18 values per column), for
   *   tests and memory-tight callers.
   */
  constructor(width: 1 | 2, bufferRows?: number) {
    this.width = width
    this.limit32 = Math.max(16, Math.min(BUFFER32, bufferRows ?? BUFFER32))
    this.limit = Math.max(16, Math.min(BUFFER, bufferRows ?? BUFFER))
    this.buffers = Array.from({ length: width }, () => new Float64Array(16))
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
    const width = this.width
    for (let i = 0; i < values.length; i++) {
      const c = column ? column[i]! : 0
      const v = values[i]! + 0 // −0 → +0
      F32[0] = v
      if (F32[0] === v && v >= 0 && v < 2) {
        // Read the bits before a flush, which reuses the F32/U32 scratch.
        const key = (U32[0]! << (width - 1)) | c
        if (this.filled32 === this.keys32.length) this.grow32()
        this.keys32[this.filled32++] = key
      } else {
        if (this.filled[c] === this.buffers[c]!.length) this.grow(c)
        this.buffers[c]![this.filled[c]!++] = v
      }
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
    if (b.length >= this.limit) return this.flush()
    const bigger = new Float64Array(Math.min(this.limit, 2 * b.length))
    bigger.set(b)
    this.buffers[c] = bigger
  }

  /** Doubles the 32-bit key buffer up to 2^22 keys, then flushes the buffers into a run. */
  private grow32(): void {
    if (this.keys32.length >= this.limit32) return this.flush()
    const bigger = new Uint32Array(Math.min(this.limit32, 2 * this.keys32.length))
    bigger.set(this.keys32)
    this.keys32 = bigger
  }

  private flush(): void {
    if (this.filled32 > 0) {
      const keys = this.keys32.subarray(0, this.filled32)
      this.push(runOfKeys32(radixSort32(keys, new Uint32Array(keys.length)), this.width))
      this.filled32 = 0
    }
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
      if (below.keys.length > top.keys.length) break
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
