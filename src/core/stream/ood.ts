/**
 * The out-of-distribution share of the drift section (src/core/drift/ood.ts) over sharded data.
 * The detector needs three passes, because each depends on the one before:
 * 1. `OodMoments` (reference rows of the fit half): exact sums Σx, Σxxᵀ, Σ s·x, Σ s², Σ s with
 *    s = ‖x‖² per row. The fit half is `oodSplit(n, seed)` — a function of the reference's total
 *    row count n and the seed, so every shard decides by global row index. Merged, they give the
 *    detector (`OodMoments.model`): mean and covariance rounded once from exact rational sums, and
 *    Σ‖x − μ‖⁴ from the raw sums by exact algebra, then `oodModelOfMoments` as `oodFit` runs it.
 * 2. `OodCalibration` (reference rows of the other half): each row's distance under that detector;
 *    only the largest ⌈5%⌉ + 1 are kept (the 95th and 99th percentiles need no others) → thresholds.
 * 3. `OodCount` (current rows): how many lie above each threshold → the share.
 * Every merge is exact (sums, integer counts, a set of largest values), so the share does not
 * depend on the split. Against `oodFit` the detector differs only by the batch's own float64
 * rounding of its running sums (~1e-15 relative); a current row whose distance lies within that of
 * a threshold could count differently (the batch is not exact either).
 * Cost per fit row: ~k²/2 exact additions for k non-zero encoded inputs (one-hot rows are sparse:
 * the Adult schema has k ≈ 14 of 88); passes 2 and 3 cost what `oodScore` costs (p² per row).
 */
import { type OodLayout, type OodModel, oodModelOfMoments, oodSplit } from '../drift/ood.ts'
import type { Matrix } from '../types.ts'
import { base64Encode, readCount, readObject, textChecksum } from './codec.ts'
import {
  type Dyadic,
  DYADIC_ZERO,
  dyadicAdd,
  dyadicDivToNumber,
  dyadicFromNumber,
  dyadicMul,
  dyadicToNumber,
} from './dyadic.ts'
import { ExactSums } from './exactSum.ts'

/** What all passes share: the reference's size, the seed of the split and the layout. */
export type OodPlan = { nRows: number; seed: number; layout: OodLayout }

/** Which of the reference's n rows are fitted on (a byte per row). */
export function oodFitMask(plan: OodPlan): Uint8Array {
  if (plan.nRows < 4)
    throw new RangeError(
      `the out-of-distribution detector needs at least 4 reference rows, got ${plan.nRows}`,
    )
  const mask = new Uint8Array(plan.nRows)
  for (const r of oodSplit(plan.nRows, plan.seed).fitRows) mask[r] = 1
  return mask
}

/** Checks that x holds reference rows firstRow … of the plan's width. */
export function oodCheckRows(plan: OodPlan, x: Matrix, firstRow: number): void {
  if (x.cols !== plan.layout.width)
    throw new RangeError(
      `the out-of-distribution detector: rows have ${x.cols} columns, the detector ${plan.layout.width}`,
    )
  if (!(Number.isSafeInteger(firstRow) && firstRow >= 0 && firstRow + x.rows <= plan.nRows))
    throw new RangeError(
      `the out-of-distribution detector: rows ${firstRow}..${firstRow + x.rows - 1} are outside the reference's ${plan.nRows}`,
    )
}

/**
 * Pass 1: exact moments of the fit half of the reference (see the module doc).
 * Sums: p (Σx) + p(p+1)/2 (Σxxᵀ, upper triangle) + p (Σ s·x) + 2 (Σ s², Σ s).
 */
export class OodMoments {
  readonly plan: OodPlan
  private mask: Uint8Array | null = null
  private readonly sums: ExactSums
  private fitted = 0

  constructor(plan: OodPlan) {
    this.plan = plan
    if (plan.nRows < 4)
      throw new RangeError(
        `the out-of-distribution detector needs at least 4 reference rows, got ${plan.nRows}`,
      )
    const p = plan.layout.width
    this.sums = new ExactSums(p + (p * (p + 1)) / 2 + p + 2)
  }

  /** Fit rows seen so far. */
  get rows(): number {
    return this.fitted
  }

  /**
   * Adds the fit rows among reference rows firstRow … firstRow + x.rows − 1 (encoded as the
   * model's input).
   * @throws RangeError on a width mismatch or rows outside the reference.
   */
  add(x: Matrix, firstRow: number): void {
    oodCheckRows(this.plan, x, firstRow)
    const p = x.cols
    const exactProducts = x.data instanceof Float32Array // float32 × float32 fits a float64
    const s2 = p
    const sx = p + (p * (p + 1)) / 2
    const sums = this.sums
    const nz = new Int32Array(p)
    const mask = (this.mask ??= oodFitMask(this.plan))
    for (let r = 0; r < x.rows; r++) {
      if (!mask[firstRow + r]) continue
      const row = r * p
      let k = 0
      let s = 0
      for (let j = 0; j < p; j++) {
        const v = x.data[row + j]!
        if (v === 0) continue
        nz[k++] = j
        s += v * v
        sums.add(j, v)
      }
      for (let a = 0; a < k; a++) {
        const i = nz[a]!
        const vi = x.data[row + i]!
        const base = s2 + i * p - (i * (i - 1)) / 2 - i
        for (let b = a; b < k; b++) {
          const j = nz[b]!
          if (exactProducts) sums.add(base + j, vi * x.data[row + j]!)
          else sums.addProduct(base + j, vi, x.data[row + j]!)
        }
        sums.addProduct(sx + i, s, vi)
      }
      sums.addProduct(sx + p, s, s)
      sums.add(sx + p + 1, s)
      this.fitted++
    }
  }

  /** Adds `other`'s sums (same plan): exact. */
  merge(other: OodMoments): void {
    if (oodPlanKey(other.plan) !== oodPlanKey(this.plan))
      throw new RangeError('the out-of-distribution detector: cannot merge moments of another plan')
    this.sums.merge(other.sums)
    this.fitted += other.fitted
  }

  /**
   * The detector (thresholds still 0: pass 2 sets them) from the merged moments of all fit rows.
   * @throws RangeError when not every fit row was added.
   */
  model(): OodModel {
    const { n, mean, cov, sumFourth } = this.moments()
    const { fitRows, calibrationRows } = oodSplit(this.plan.nRows, this.plan.seed)
    return oodModelOfMoments(this.plan.layout, mean, cov, sumFourth, n, fitRows, calibrationRows)
  }

  /**
   * The fit rows' moments as `oodFit` uses them: n; the mean μ_j = (Σx_j rounded once) / n; the
   * covariance Σ (x_i − μ_i)(x_j − μ_j) / n (p × p) and Σ_rows (s − 2μ·x + ‖μ‖²)², each computed
   * exactly from the sums and rounded once (s = a row's ‖x‖², summed in float64 in column order).
   * @throws RangeError when not every fit row was added.
   */
  moments(): { n: number; mean: Float64Array; cov: Float64Array; sumFourth: number } {
    const { nRows, layout } = this.plan
    const n = Math.floor(nRows / 2)
    if (this.fitted !== n)
      throw new RangeError(
        `the out-of-distribution detector: ${this.fitted} fit rows were added, the split has ${n}`,
      )
    const p = layout.width
    const S = (i: number) => this.sums.dyadic(i)
    const s2 = (i: number, j: number) => S(p + i * p - (i * (i - 1)) / 2 + (j - i))
    const mean = Float64Array.from({ length: p }, (_, j) => this.sums.value(j) / n)
    const mu = Array.from(mean, dyadicFromNumber)
    const S1 = Array.from({ length: p }, (_, j) => S(j))
    const nD = dyadicFromNumber(n)
    const cov = new Float64Array(p * p)
    let tt: Dyadic = DYADIC_ZERO // Σ_rows (μ·x)² = μᵀ S2 μ
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        const sij = s2(i, j)
        // n · cov_ij = Σ (x_i − μ_i)(x_j − μ_j) = S2_ij − μ_i S1_j − μ_j S1_i + n μ_i μ_j
        let num = dyadicAdd(sij, dyadicMul(dyadicMul(nD, mu[i]!), mu[j]!))
        num = dyadicAdd(num, neg(dyadicAdd(dyadicMul(mu[i]!, S1[j]!), dyadicMul(mu[j]!, S1[i]!))))
        const v = dyadicDivToNumber(num, n)
        cov[i * p + j] = v
        cov[j * p + i] = v
        const t = dyadicMul(dyadicMul(mu[i]!, mu[j]!), sij)
        tt = dyadicAdd(tt, i === j ? t : dyadicAdd(t, t))
      }
    }
    // Σ_rows (s − 2μ·x + ‖μ‖²)² by expansion (see the module doc), exactly.
    const sx = p + (p * (p + 1)) / 2
    let m2: Dyadic = DYADIC_ZERO
    let muV: Dyadic = DYADIC_ZERO
    let muS1: Dyadic = DYADIC_ZERO
    for (let j = 0; j < p; j++) {
      m2 = dyadicAdd(m2, dyadicMul(mu[j]!, mu[j]!))
      muV = dyadicAdd(muV, dyadicMul(mu[j]!, S(sx + j)))
      muS1 = dyadicAdd(muS1, dyadicMul(mu[j]!, S1[j]!))
    }
    const terms: [number, Dyadic][] = [
      [1, S(sx + p)],
      [-4, muV],
      [4, tt],
      [2, dyadicMul(m2, S(sx + p + 1))],
      [-4, dyadicMul(m2, muS1)],
      [1, dyadicMul(nD, dyadicMul(m2, m2))],
    ]
    let fourth: Dyadic = DYADIC_ZERO
    for (const [c, d] of terms) fourth = dyadicAdd(fourth, dyadicMul(dyadicFromNumber(c), d))
    return { n, mean, cov, sumFourth: dyadicToNumber(fourth) }
  }

  /** Serialized: the fit rows seen and the exact sums. */
  toJSON(): { fitted: number; sums: string[] } {
    return { fitted: this.fitted, sums: this.sums.toJSON() }
  }

  /**
   * Reads `toJSON`'s form back for `plan`.
   * @throws RangeError naming `what` and the field that is wrong.
   */
  static fromJSON(value: unknown, what: string, plan: OodPlan): OodMoments {
    const o = readObject(value, what)
    const m = new OodMoments(plan)
    m.fitted = readCount(o.fitted, `${what}.fitted`)
    m.sums.merge(ExactSums.fromJSON(o.sums, `${what}.sums`, m.sums.size))
    return m
  }
}

const neg = (d: Dyadic): Dyadic => ({ m: -d.m, e: d.e })

/** A text that identifies a plan (size, seed, layout): equal plans, equal keys. */
export function oodPlanKey(plan: OodPlan): string {
  const l = plan.layout
  return JSON.stringify([
    plan.nRows,
    plan.seed,
    l.width,
    Array.from(l.offsets),
    l.features,
    l.categorical,
    l.categoryFloor,
  ])
}

/**
 * A checksum of a detector's numbers (mean, whitening, thresholds): passes 2 and 3 record it so
 * that a partial computed under another detector is refused.
 */
export function oodModelKey(model: OodModel): string {
  return textChecksum(
    [
      base64Encode(model.mean),
      base64Encode(model.whiten),
      base64Encode(Float64Array.of(model.thresholds.p95, model.thresholds.p99)),
    ].join(','),
  )
}
