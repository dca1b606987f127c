/**
 * The mergeable state behind the report's `metrics` and `calibration` (docs/contracts.md §2, §4):
 * exact counts of (score, label) pairs, exact sums of the per-row log loss and Brier terms, and the
 * 10 calibration bins (count, exact Σp, positives). Every finalizer reads only these, so the
 * numbers do not depend on how the rows were split or in which order the parts were merged:
 * - ROC AUC, the ROC and PR curves and average precision come from the sorted distinct scores with
 *   their positive and negative counts, through the very code `rankingMetrics` runs
 *   (`rankingMetricsOfTies`): bit for bit today's numbers.
 * - log loss and Brier are the exact sums of today's per-row float64 terms (`logLossRow`, (p−y)²),
 *   rounded once, divided by n: within a few ulps of today's row-order float64 sums.
 * - calibration: the bins of `calibrationBinIndex` with exact Σp, through `calibrationOfBins`.
 * State: 16 bytes per distinct score (its float64 and two uint32 counts) + 20 exact sums.
 */
import { type Calibration, calibrationBinIndex, calibrationOfBins } from '../calibration.ts'
import {
  type Confusion,
  type Labels,
  type RankingMetrics,
  type ScoreTies,
  type Scores,
  logLossRow,
  rankingMetricsOfTies,
} from '../metrics.ts'
import { readArray, readCount, readObject } from './codec.ts'
import { ValueCounts, type ValueCountsJson } from './counts.ts'
import { ExactSums } from './exactSum.ts'

/** Calibration bins (docs/contracts.md §2). */
export const STREAM_CALIBRATION_BINS = 10
const LOG_LOSS = 0
const BRIER = 1
const SUM_P = 2

/** `ScoreState.toJSON`'s shape. */
export type ScoreStateJson = {
  rows: number
  counts: ValueCountsJson
  /** Exact sums: log loss, Brier, then Σp of each calibration bin. */
  sums: string[]
  binCount: number[]
  binPositives: number[]
}

/**
 * Exact, mergeable state of scores and labels (see the module doc).
 * @example
 * const s = new ScoreState()
 * s.add(chunkScores, chunkLabels, firstRowOfChunk)
 * s.merge(otherShard)
 * s.ranking().rocAuc // = rocAuc(allScores, allLabels)
 */
export class ScoreState {
  private readonly counts = new ValueCounts(2)
  private readonly sums = new ExactSums(SUM_P + STREAM_CALIBRATION_BINS)
  private readonly binCount = new Float64Array(STREAM_CALIBRATION_BINS)
  private readonly binPositives = new Float64Array(STREAM_CALIBRATION_BINS)
  private n = 0

  /** Rows added. */
  get rows(): number {
    return this.n
  }

  /**
   * Adds a chunk of rows: probabilities `p` of the class of interest and labels `y` (1 positive).
   * `firstRow` (the global index of the chunk's first row) only serves the error messages.
   * @throws RangeError naming the row when lengths differ, a score is not in [0, 1] or a label is
   *   not 0/1; the chunk is then not added at all.
   */
  add(p: Scores, y: Labels, firstRow = 0): void {
    ScoreState.check(p, y, firstRow)
    const sums = this.sums
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!
      const label = y[i]!
      const k = calibrationBinIndex(v, STREAM_CALIBRATION_BINS)
      this.binCount[k]!++
      this.binPositives[k]! += label
      sums.add(SUM_P + k, v)
      sums.add(LOG_LOSS, logLossRow(v, label))
      const d = v - label
      sums.add(BRIER, d * d)
    }
    this.counts.add(p, y, 'scores')
    this.n += p.length
  }

  /**
   * What `add` checks before it adds anything (so that a caller can check a chunk for all of its
   * parts first).
   * @throws RangeError as `add`.
   */
  static check(p: Scores, y: Labels, firstRow = 0): void {
    if (p.length !== y.length)
      throw new RangeError(`the score counts: ${p.length} scores but ${y.length} labels`)
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!
      if (!(v >= 0 && v <= 1))
        throw new RangeError(
          `the score counts: row ${firstRow + i}: ${v} is not a probability in [0, 1]`,
        )
      if (y[i]! > 1)
        throw new RangeError(`the score counts: row ${firstRow + i}: label ${y[i]} is not 0/1`)
    }
  }

  /** Adds `other`'s rows into this state (exact; any order of merges gives the same state). */
  merge(other: ScoreState): void {
    this.counts.merge(other.counts)
    this.sums.merge(other.sums)
    for (let k = 0; k < STREAM_CALIBRATION_BINS; k++) {
      this.binCount[k]! += other.binCount[k]!
      this.binPositives[k]! += other.binPositives[k]!
    }
    this.n += other.n
  }

  /** Rows grouped by distinct score, decreasing, with cumulative counts (see `ScoreTies`). */
  ties(): ScoreTies {
    const { keys, counts } = this.counts.run()
    const neg = counts[0]!
    const pos = counts[1]!
    const d = keys.length
    const score = new Float64Array(d)
    const tp = new Float64Array(d)
    const fp = new Float64Array(d)
    let cp = 0
    let cn = 0
    for (let k = 0; k < d; k++) {
      const at = d - 1 - k
      cp += pos[at]!
      cn += neg[at]!
      score[k] = keys[at]!
      tp[k] = cp
      fp[k] = cn
    }
    return { score, tp, fp, nPos: cp, nNeg: cn }
  }

  /**
   * ROC AUC (Mann-Whitney with mid-ranks), `rocAuc` of every row added bit for bit: the very
   * operations of `rankingMetrics`' AUC in the same order, read straight from the counts (without
   * the 24 bytes per distinct score that `ties` allocates). Exact while the Mann-Whitney U stays
   * below 2^53 (up to ~1.9·10^8 rows), as it is for `rocAuc`.
   * @returns null unless both classes occur.
   */
  rocAuc(): number | null {
    const { keys, counts } = this.counts.run()
    const neg = counts[0]!
    const pos = counts[1]!
    const nPos = this.counts.total(1)
    const nNeg = this.counts.total(0)
    if (nPos === 0 || nNeg === 0) return null
    let u = 0
    let fp = 0
    for (let k = keys.length - 1; k >= 0; k--) {
      const dp = pos[k]!
      const dn = neg[k]!
      fp += dn
      u += dp * (nNeg - fp) + 0.5 * dp * dn
    }
    return u / (nPos * nNeg)
  }

  /** ROC AUC, ROC and PR curves, average precision: `rankingMetrics` of every row added. */
  ranking(maxPoints = 201): RankingMetrics {
    return rankingMetricsOfTies(this.ties(), maxPoints)
  }

  /** Confusion counts at `threshold` (predicted positive iff p ≥ threshold): `confusionAt`. */
  confusionAt(threshold: number): Confusion {
    if (Number.isNaN(threshold)) throw new RangeError('the decision threshold is NaN')
    const { keys, counts } = this.counts.run()
    let tp = 0
    let fp = 0
    let fn = 0
    let tn = 0
    for (let k = 0; k < keys.length; k++) {
      if (keys[k]! >= threshold) {
        tp += counts[1]![k]!
        fp += counts[0]![k]!
      } else {
        fn += counts[1]![k]!
        tn += counts[0]![k]!
      }
    }
    return { tp, fp, tn, fn }
  }

  /** Mean log loss in nats (`logLoss`), from the exact sum; null without rows. */
  logLoss(): number | null {
    return this.n === 0 ? null : this.sums.value(LOG_LOSS) / this.n
  }

  /** Brier score (`brier`), from the exact sum; null without rows. */
  brier(): number | null {
    return this.n === 0 ? null : this.sums.value(BRIER) / this.n
  }

  /** Reliability bins, ECE and MCE (`calibration`), from exact per-bin sums. */
  calibration(): Calibration {
    const sumP = Float64Array.from({ length: STREAM_CALIBRATION_BINS }, (_, k) =>
      this.sums.value(SUM_P + k),
    )
    return calibrationOfBins(this.binCount, sumP, this.binPositives)
  }

  /** The serialized state (see `ScoreStateJson`). */
  toJSON(): ScoreStateJson {
    return {
      rows: this.n,
      counts: this.counts.toJSON(),
      sums: this.sums.toJSON(),
      binCount: Array.from(this.binCount),
      binPositives: Array.from(this.binPositives),
    }
  }

  /**
   * Reads `toJSON`'s form back and checks that its parts agree (rows = Σ score counts = Σ bin
   * counts, positives likewise, bin positives ≤ bin counts).
   * @throws RangeError naming `what` and the field that is wrong.
   */
  static fromJSON(value: unknown, what: string): ScoreState {
    const o = readObject(value, what)
    const s = new ScoreState()
    s.n = readCount(o.rows, `${what}.rows`)
    s.counts.merge(ValueCounts.fromJSON(o.counts, `${what}.counts`, 2))
    s.sums.merge(ExactSums.fromJSON(o.sums, `${what}.sums`, SUM_P + STREAM_CALIBRATION_BINS))
    const bins = (field: 'binCount' | 'binPositives') => {
      const a = readArray(o[field], `${what}.${field}`)
      if (a.length !== STREAM_CALIBRATION_BINS)
        throw new RangeError(`${what}.${field}: ${a.length} bins, expected 10`)
      return Float64Array.from(a, (v, k) => readCount(v, `${what}.${field}[${k}]`))
    }
    s.binCount.set(bins('binCount'))
    s.binPositives.set(bins('binPositives'))
    const sum = (a: Float64Array) => a.reduce((x, v) => x + v, 0)
    const scored = s.counts.total(0) + s.counts.total(1)
    if (scored !== s.n || sum(s.binCount) !== s.n)
      throw new RangeError(
        `${what}: ${s.n} rows, but the score counts hold ${scored} and the bins ${sum(s.binCount)}`,
      )
    if (sum(s.binPositives) !== s.counts.total(1))
      throw new RangeError(
        `${what}: the bins hold ${sum(s.binPositives)} positives, the score counts ${s.counts.total(1)}`,
      )
    for (let k = 0; k < STREAM_CALIBRATION_BINS; k++) {
      if (s.binPositives[k]! > s.binCount[k]!)
        throw new RangeError(`${what}.binPositives[${k}]: more positives than rows in the bin`)
    }
    return s
  }
}
