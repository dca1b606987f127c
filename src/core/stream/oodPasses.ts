/**
 * Passes 2 and 3 of the streamed out-of-distribution share (see ood.ts): the thresholds from the
 * calibration half of the reference, then the count of current rows above them. Both hold the
 * detector's key so that parts computed under another detector do not merge.
 */
import { type OodModel, oodScore } from '../drift/ood.ts'
import { quantileLinearOf } from '../drift/special.ts'
import type { Matrix } from '../types.ts'
import { base64Decode, base64Encode, readCount, readObject, readString } from './codec.ts'
import { type OodPlan, oodCheckRows, oodFitMask, oodModelKey } from './ood.ts'

/** The calibration rows of a chunk as their own matrix (copied), with how many there were. */
function calibrationRowsOf(x: Matrix, firstRow: number, fit: Uint8Array): Matrix {
  const p = x.cols
  const keep: number[] = []
  for (let r = 0; r < x.rows; r++) if (!fit[firstRow + r]) keep.push(r)
  const data = new Float64Array(keep.length * p)
  keep.forEach((r, k) => {
    for (let j = 0; j < p; j++) data[k * p + j] = x.data[r * p + j]!
  })
  return { data, rows: keep.length, cols: p }
}

/**
 * Pass 2: the largest distances of the reference's calibration rows — the ⌈(m − 1)·5%⌉ + 1 or so
 * that numpy's 'linear' 95th and 99th percentiles of all m of them read — mergeable by keeping the
 * largest of the union.
 */
export class OodCalibration {
  readonly plan: OodPlan
  readonly model: OodModel
  /** Calibration rows in all (m) and how many of the largest distances are kept (K). */
  readonly total: number
  readonly keep: number
  private fit: Uint8Array | null = null
  private top = new Float64Array(0)
  private seen = 0

  /** `model` = pass 1's detector (`OodMoments.model`), thresholds not yet set. */
  constructor(plan: OodPlan, model: OodModel) {
    this.plan = plan
    this.model = model
    this.total = plan.nRows - Math.floor(plan.nRows / 2)
    this.keep = this.total - Math.floor((this.total - 1) * 0.95)
  }

  /** Calibration rows seen so far. */
  get rows(): number {
    return this.seen
  }

  /**
   * Scores the calibration rows among reference rows firstRow … firstRow + x.rows − 1.
   * @throws RangeError on a width mismatch or rows outside the reference.
   */
  add(x: Matrix, firstRow: number): void {
    oodCheckRows(this.plan, x, firstRow)
    const rows = calibrationRowsOf(x, firstRow, (this.fit ??= oodFitMask(this.plan)))
    this.absorb(oodScore(this.model, rows), rows.rows)
  }

  private absorb(scores: Float64Array, rows: number): void {
    const all = new Float64Array(this.top.length + scores.length)
    all.set(this.top)
    all.set(scores, this.top.length)
    all.sort()
    this.top = all.slice(Math.max(0, all.length - this.keep))
    this.seen += rows
  }

  /** Adds `other`'s largest distances (same detector): exact. */
  merge(other: OodCalibration): void {
    if (oodModelKey(other.model) !== oodModelKey(this.model))
      throw new RangeError(
        'the out-of-distribution detector: cannot merge calibration scores of another detector',
      )
    this.absorb(other.top, other.seen)
  }

  /**
   * The detector with its thresholds: the 95th and 99th percentiles (numpy 'linear') of the
   * distances of all calibration rows, as `oodFit` sets them.
   * @throws RangeError when not every calibration row was scored.
   */
  thresholds(): OodModel {
    if (this.seen !== this.total)
      throw new RangeError(
        `the out-of-distribution detector: ${this.seen} calibration rows were scored, the split has ${this.total}`,
      )
    const offset = this.total - this.top.length
    const at = (i: number) => {
      if (i < offset)
        throw new RangeError(
          'the out-of-distribution detector: a percentile below the kept distances',
        )
      return this.top[i - offset]!
    }
    return {
      ...this.model,
      thresholds: {
        p95: quantileLinearOf(this.total, at, 0.95),
        p99: quantileLinearOf(this.total, at, 0.99),
      },
    }
  }

  /** Serialized: the detector's key, the rows scored, the kept distances (ascending). */
  toJSON(): { model: string; seen: number; kept: number; top: string } {
    return {
      model: oodModelKey(this.model),
      seen: this.seen,
      kept: this.top.length,
      top: base64Encode(this.top),
    }
  }

  /**
   * Reads `toJSON`'s form back for `plan` and `model`.
   * @throws RangeError naming `what` when the detector differs or a field is malformed.
   */
  static fromJSON(value: unknown, what: string, plan: OodPlan, model: OodModel): OodCalibration {
    const o = readObject(value, what)
    if (readString(o.model, `${what}.model`) !== oodModelKey(model))
      throw new RangeError(`${what}: computed under another detector`)
    const c = new OodCalibration(plan, model)
    const kept = readCount(o.kept, `${what}.kept`)
    if (kept > c.keep) throw new RangeError(`${what}.kept: ${kept} distances, at most ${c.keep}`)
    const top = base64Decode(o.top, Float64Array, kept, `${what}.top`)
    for (let i = 0; i < kept; i++) {
      if (!(top[i]! >= (i > 0 ? top[i - 1]! : 0)))
        throw new RangeError(`${what}.top: distance ${i} is not ascending`)
    }
    c.top = top
    c.seen = readCount(o.seen, `${what}.seen`)
    return c
  }
}

/**
 * Pass 3: current rows above each threshold of the detector (from `OodCalibration.thresholds`).
 * `share95` is the drift section's `oodShare`, as `oodDetect` computes it.
 */
export class OodCount {
  readonly model: OodModel
  private n = 0
  private n95 = 0
  private n99 = 0

  constructor(model: OodModel) {
    this.model = model
  }

  /** Scores current rows (encoded as the model's input) and counts those above the thresholds. */
  add(x: Matrix): void {
    for (const s of oodScore(this.model, x)) {
      if (s > this.model.thresholds.p95) this.n95++
      if (s > this.model.thresholds.p99) this.n99++
    }
    this.n += x.rows
  }

  /** Adds `other`'s counts (same detector). */
  merge(other: OodCount): void {
    if (oodModelKey(other.model) !== oodModelKey(this.model))
      throw new RangeError(
        'the out-of-distribution detector: cannot merge counts of another detector',
      )
    this.n += other.n
    this.n95 += other.n95
    this.n99 += other.n99
  }

  /** Share of current rows above the 95th / 99th percentile threshold, in [0, 1]. */
  shares(): { rows: number; share95: number; share99: number } {
    const d = Math.max(1, this.n)
    return { rows: this.n, share95: this.n95 / d, share99: this.n99 / d }
  }

  /** Serialized: the detector's key and the three counts. */
  toJSON(): { model: string; rows: number; above95: number; above99: number } {
    return { model: oodModelKey(this.model), rows: this.n, above95: this.n95, above99: this.n99 }
  }

  /**
   * Reads `toJSON`'s form back for `model`.
   * @throws RangeError naming `what` when the detector differs or a count is malformed.
   */
  static fromJSON(value: unknown, what: string, model: OodModel): OodCount {
    const o = readObject(value, what)
    if (readString(o.model, `${what}.model`) !== oodModelKey(model))
      throw new RangeError(`${what}: computed under another detector`)
    const c = new OodCount(model)
    c.n = readCount(o.rows, `${what}.rows`)
    c.n95 = readCount(o.above95, `${what}.above95`)
    c.n99 = readCount(o.above99, `${what}.above99`)
    if (c.n99 > c.n95 || c.n95 > c.n)
      throw new RangeError(`${what}: counts above the thresholds exceed the rows`)
    return c
  }
}
