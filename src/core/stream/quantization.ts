/**
 * The quantization comparison of a streamed audit (issue 18): per compressed variant, mergeable
 * state that gives the in-memory audit's `quantization.<id>` entry (src/core/quantize/compare.ts,
 * `quantizationReportEntry`). A variant is a second model scored on the same rows, so its
 * accuracy, ROC AUC, ECE and fairness disparities come from an `AuditState` of its own scores
 * (exact counts, as the audit's own sections), and what compares it with the float32 model from a
 * `VariantTally`: decisions that differ, max |Δp| and the exact sum of |Δp|. Every number comes
 * from exact counts or exact sums, so any split and any merge order give the same bytes.
 */
import type { Scores } from '../metrics.ts'
import type { QuantizationReportEntry } from '../quantize/compare.ts'
import { readArray, readCount, readNumber } from './codec.ts'
import { dyadicDivToNumber } from './dyadic.ts'
import { ExactSums } from './exactSum.ts'
import { auditStateSections } from './sections.ts'
import type { AuditState } from './state.ts'

/** A tally's JSON form: [decisions that differ, max |Δp|, exact Σ|Δp| as ExactSums JSON]. */
export type VariantTallyJson = [number, number, string[]]

/** What compares a variant's scores with the float32 model's on the same rows. */
export class VariantTally {
  /** Decision threshold (predicted positive iff p ≥ threshold). */
  readonly threshold: number
  /** Rows added. */
  n = 0
  /** Rows whose decision differs between the two models. */
  disagreements = 0
  /** max |p_variant − p_base| over the rows added (0 for none). */
  maxAbsDiff = 0
  private readonly sum = new ExactSums(1)

  constructor(threshold: number) {
    this.threshold = readNumber(threshold, 'threshold')
  }

  /**
   * Adds rows scored by both models (the same rows, in the same order).
   * @throws RangeError when the lengths differ or a score is not finite.
   */
  add(base: Scores, variant: Scores): void {
    if (base.length !== variant.length)
      throw new RangeError(
        `a quantized variant's tally: ${base.length} float32 scores but ${variant.length} variant scores`,
      )
    for (let i = 0; i < base.length; i++) {
      const a = base[i]!
      const b = variant[i]!
      if (!Number.isFinite(a) || !Number.isFinite(b))
        throw new RangeError(
          `a quantized variant's tally: row ${i} has a score that is not a finite number`,
        )
    }
    const t = this.threshold
    for (let i = 0; i < base.length; i++) {
      const a = base[i]!
      const b = variant[i]!
      if (a >= t !== b >= t) this.disagreements++
      const d = Math.abs(b - a)
      if (d > this.maxAbsDiff) this.maxAbsDiff = d
      this.sum.add(0, d)
    }
    this.n += base.length
  }

  /** Adds another tally of other rows (same threshold). */
  merge(other: VariantTally): void {
    if (other.threshold !== this.threshold)
      throw new RangeError(
        `a quantized variant's tally: threshold ${other.threshold} ≠ ${this.threshold}`,
      )
    this.n += other.n
    this.disagreements += other.disagreements
    this.maxAbsDiff = Math.max(this.maxAbsDiff, other.maxAbsDiff)
    this.sum.merge(other.sum)
  }

  /** Share of rows whose decision is the same under both models (1 for no rows), as in memory. */
  agreement(): number {
    return this.n === 0 ? 1 : (this.n - this.disagreements) / this.n
  }

  /** mean |Δp|: the exact sum divided by n, correctly rounded (0 for no rows). */
  meanAbsDiff(): number {
    return this.n === 0 ? 0 : dyadicDivToNumber(this.sum.dyadic(0), this.n)
  }

  /** The JSON form (exact: counts, a float64 and the exact sum's text). */
  toJSON(): { n: number; tally: VariantTallyJson } {
    return { n: this.n, tally: [this.disagreements, this.maxAbsDiff, this.sum.toJSON()] }
  }

  /**
   * A tally read back from `toJSON`'s form.
   * @throws RangeError naming `what` when the value is malformed.
   */
  static fromJSON(value: unknown, what: string, threshold: number): VariantTally {
    const o = value as { n?: unknown; tally?: unknown } | null
    if (!o || typeof o !== 'object') throw new RangeError(`${what}: not a variant tally`)
    const arr = readArray(o.tally, `${what}.tally`)
    if (arr.length !== 3) throw new RangeError(`${what}.tally: expected 3 entries`)
    const [dis, max, sum] = arr
    const t = new VariantTally(threshold)
    t.n = readCount(o.n, `${what}.n`)
    t.disagreements = readCount(dis, `${what}.tally[0]`)
    t.maxAbsDiff = readNumber(max, `${what}.tally[1]`)
    if (t.disagreements > t.n || !(t.maxAbsDiff >= 0))
      throw new RangeError(`${what}: the tally's counts are inconsistent`)
    t.sum.merge(ExactSums.fromJSON(sum, `${what}.tally[2]`, 1))
    return t
  }
}

/**
 * The report's `quantization.<id>` entry of a variant, in `quantizationReportEntry`'s key order:
 * its scores' state (complete, every shard) gives accuracy, ROC AUC, ECE and the disparities, the
 * tally the agreement and |Δp|; `shapRankCorrelation` comes from the shard that explained the
 * sampled rows.
 * @throws RangeError when the state lacks shards or the tally and state count different rows.
 */
export function variantReportEntry(
  bytes: number,
  tally: VariantTally,
  state: AuditState,
  shapRankCorrelation: number | null,
): QuantizationReportEntry {
  if (tally.n !== state.rows)
    throw new RangeError(
      `a quantized variant's tally counts ${tally.n} rows but its state ${state.rows}`,
    )
  const s = auditStateSections(state)
  return {
    bytes,
    agreement: tally.agreement(),
    maxAbsDiff: tally.maxAbsDiff,
    meanAbsDiff: tally.meanAbsDiff(),
    accuracy: s.metrics?.accuracy ?? null,
    rocAuc: s.metrics?.rocAuc ?? null,
    ece: s.calibration?.ece ?? null,
    fairness: Object.fromEntries(
      Object.entries(s.fairness ?? {}).map(([a, f]) => [
        a,
        {
          demographicParityDifference: f.demographicParityDifference,
          equalizedOddsDifference: f.equalizedOddsDifference,
        },
      ]),
    ),
    shapRankCorrelation,
  }
}
