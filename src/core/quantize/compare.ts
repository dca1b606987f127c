/**
 * A quantized variant against the float32 model on the same rows (docs/contracts.md §4
 * "quantization"): agreement of decisions, |Δp|, the variant's accuracy, ROC AUC and ECE, its
 * fairness disparities with their change from float32, and the stability of its attributions.
 * The formulas live in `metrics.ts`, `calibration.ts` and `fairness.ts`; this module only pairs
 * the two models' numbers.
 */
import { calibration } from '../calibration.ts'
import { fairnessByGroup } from '../fairness.ts'
import { type Labels, type Scores, accuracyAt, rocAuc } from '../metrics.ts'
import { rngFromSeed } from '../random.ts'
import type { Matrix } from '../types.ts'
import { spearman } from '../views/rank.ts'

/** One model's outputs on the compared rows: f per row, and optionally attributions. */
export type VariantOutputs = {
  /** f(x) per row, in [0, 1]. */
  p: Scores
  /** Attributions (e.g. SHAP) per explained row × raw feature, the same rows for both models. */
  phi?: Matrix
}

/** Rates of one group under the variant, with the change from float32 (variant − base). */
export type VariantGroupRates = {
  selectionRate: number | null
  tpr: number | null
  fpr: number | null
  selectionRateDelta: number | null
  tprDelta: number | null
  fprDelta: number | null
}

/** Fairness of one sensitive attribute under the variant; deltas = variant − float32. */
export type VariantFairness = {
  demographicParityDifference: number | null
  equalizedOddsDifference: number | null
  /** The float32 model's values, for display next to the variant's. */
  baseDemographicParityDifference: number | null
  baseEqualizedOddsDifference: number | null
  demographicParityDifferenceDelta: number | null
  equalizedOddsDifferenceDelta: number | null
  groups: Record<string, VariantGroupRates>
}

/** Everything {@link variantCompare} measures. Null where undefined (no labels, one class…). */
export type VariantComparison = {
  /** Rows compared. */
  n: number
  /** Share of rows whose decision (p ≥ threshold) is the same under both models, in [0, 1]. */
  agreement: number
  /** max |p_variant − p_base| over rows (0 for no rows). */
  maxAbsDiff: number
  /** mean |p_variant − p_base| over rows (0 for no rows). */
  meanAbsDiff: number
  accuracy: number | null
  rocAuc: number | null
  ece: number | null
  accuracyDelta: number | null
  rocAucDelta: number | null
  eceDelta: number | null
  fairness: Record<string, VariantFairness>
  /** Spearman correlation of the two global mean |φ| vectors (features ranked by importance). */
  shapRankCorrelation: number | null
  /** |top-5 features of base ∩ top-5 of variant| / 5 (by mean |φ|), in [0, 1]. */
  top5Overlap: number | null
  /** max over explained rows and features of |φ_variant − φ_base|. */
  maxRowAbsDeltaPhi: number | null
}

/** The report's `quantization.<id>` entry (docs/contracts.md §4). */
export type QuantizationReportEntry = {
  bytes: number
  agreement: number
  maxAbsDiff: number
  meanAbsDiff: number
  accuracy: number | null
  rocAuc: number | null
  ece: number | null
  fairness: Record<
    string,
    { demographicParityDifference: number | null; equalizedOddsDifference: number | null }
  >
  shapRankCorrelation: number | null
}

const delta = (v: number | null, b: number | null): number | null =>
  v === null || b === null ? null : v - b

/** Mean |φ| per feature (column) over the explained rows. */
export function meanAbsAttribution(phi: Matrix): Float64Array {
  const out = new Float64Array(phi.cols)
  for (let r = 0; r < phi.rows; r++)
    for (let c = 0; c < phi.cols; c++) out[c] = out[c]! + Math.abs(phi.data[r * phi.cols + c]!)
  if (phi.rows > 0) for (let c = 0; c < phi.cols; c++) out[c] = out[c]! / phi.rows
  return out
}

/** Indices of the k largest values, larger first, ties to the lower index. */
function topK(v: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: v.length }, (_, i) => i)
    .sort((a, b) => v[b]! - v[a]! || a - b)
    .slice(0, k)
}

type Attribution = Pick<
  VariantComparison,
  'shapRankCorrelation' | 'top5Overlap' | 'maxRowAbsDeltaPhi'
>

function attributionStability(base?: Matrix, variant?: Matrix): Attribution {
  if (!base || !variant)
    return { shapRankCorrelation: null, top5Overlap: null, maxRowAbsDeltaPhi: null }
  if (base.rows !== variant.rows || base.cols !== variant.cols)
    throw new RangeError(
      `variantCompare: φ shapes differ (${base.rows}x${base.cols} vs ${variant.rows}x${variant.cols})`,
    )
  const ib = meanAbsAttribution(base)
  const iv = meanAbsAttribution(variant)
  const k = Math.min(5, base.cols)
  const tb = new Set(topK(ib, k))
  const overlap = topK(iv, k).filter((j) => tb.has(j)).length
  let maxD = 0
  for (let i = 0; i < base.data.length; i++)
    maxD = Math.max(maxD, Math.abs(variant.data[i]! - base.data[i]!))
  return {
    shapRankCorrelation: base.rows === 0 ? null : spearman(ib, iv),
    top5Overlap: k === 0 || base.rows === 0 ? null : overlap / k,
    maxRowAbsDeltaPhi: base.rows === 0 ? null : maxD,
  }
}

function attributeFairness(
  base: Scores,
  variant: Scores,
  y: Labels | null,
  groups: readonly string[],
  threshold: number,
): VariantFairness {
  // Selection rates need no labels; with none, TPR/FPR and equalized odds are null.
  const labels = y ?? new Uint8Array(base.length)
  const fb = fairnessByGroup(base, labels, groups, threshold)
  const fv = fairnessByGroup(variant, labels, groups, threshold)
  const eo = (f: typeof fb): number | null => (y ? f.equalizedOddsDifference : null)
  const rates: Record<string, VariantGroupRates> = {}
  for (const [name, gv] of Object.entries(fv.groups)) {
    const gb = fb.groups[name]!
    const tpr = y ? gv.tpr : null
    const fpr = y ? gv.fpr : null
    rates[name] = {
      selectionRate: gv.selectionRate,
      tpr,
      fpr,
      selectionRateDelta: delta(gv.selectionRate, gb.selectionRate),
      tprDelta: y ? delta(gv.tpr, gb.tpr) : null,
      fprDelta: y ? delta(gv.fpr, gb.fpr) : null,
    }
  }
  return {
    demographicParityDifference: fv.demographicParityDifference,
    equalizedOddsDifference: eo(fv),
    baseDemographicParityDifference: fb.demographicParityDifference,
    baseEqualizedOddsDifference: eo(fb),
    demographicParityDifferenceDelta: delta(
      fv.demographicParityDifference,
      fb.demographicParityDifference,
    ),
    equalizedOddsDifferenceDelta: delta(eo(fv), eo(fb)),
    groups: rates,
  }
}

/**
 * Compares a variant's outputs with the float32 model's on the same rows. `y` = labels (null
 * when the data has no target column: accuracy, ROC AUC, ECE, TPR/FPR and equalized odds are
 * then null); `groups[attr][i]` = row i's value of sensitive attribute `attr`.
 * @throws RangeError when the row counts, group columns or attribution shapes disagree.
 * @example variantCompare({ p: p32 }, { p: pUint8 }, y, { sex }, 0.5).agreement // 0.9955
 */
export function variantCompare(
  base: VariantOutputs,
  variant: VariantOutputs,
  y: Labels | null,
  groups: Readonly<Record<string, readonly string[]>>,
  threshold = 0.5,
): VariantComparison {
  const n = base.p.length
  if (variant.p.length !== n)
    throw new RangeError(`variantCompare: ${n} base rows but ${variant.p.length} variant rows`)
  if (y && y.length !== n) throw new RangeError(`variantCompare: ${n} rows but ${y.length} labels`)
  let same = 0
  let maxD = 0
  let sumD = 0
  for (let i = 0; i < n; i++) {
    const b = base.p[i]!
    const v = variant.p[i]!
    if (b >= threshold === v >= threshold) same++
    const d = Math.abs(v - b)
    maxD = Math.max(maxD, d)
    sumD += d
  }
  const accuracy = y ? accuracyAt(variant.p, y, threshold) : null
  const auc = y ? rocAuc(variant.p, y) : null
  const ece = y ? calibration(variant.p, y).ece : null
  const fairness: Record<string, VariantFairness> = {}
  for (const [attr, g] of Object.entries(groups))
    fairness[attr] = attributeFairness(base.p, variant.p, y, g, threshold)
  return {
    n,
    agreement: n === 0 ? 1 : same / n,
    maxAbsDiff: maxD,
    meanAbsDiff: n === 0 ? 0 : sumD / n,
    accuracy,
    rocAuc: auc,
    ece,
    accuracyDelta: y ? delta(accuracy, accuracyAt(base.p, y, threshold)) : null,
    rocAucDelta: y ? delta(auc, rocAuc(base.p, y)) : null,
    eceDelta: y ? delta(ece, calibration(base.p, y).ece) : null,
    fairness,
    ...attributionStability(base.phi, variant.phi),
  }
}

/**
 * The contract's report entry from a comparison and the variant's packed bytes.
 * @example report.quantization.uint8 = quantizationReportEntry(cmp, variant.bytes)
 */
export function quantizationReportEntry(
  c: VariantComparison,
  bytes: number,
): QuantizationReportEntry {
  return {
    bytes,
    agreement: c.agreement,
    maxAbsDiff: c.maxAbsDiff,
    meanAbsDiff: c.meanAbsDiff,
    accuracy: c.accuracy,
    rocAuc: c.rocAuc,
    ece: c.ece,
    fairness: Object.fromEntries(
      Object.entries(c.fairness).map(([a, f]) => [
        a,
        {
          demographicParityDifference: f.demographicParityDifference,
          equalizedOddsDifference: f.equalizedOddsDifference,
        },
      ]),
    ),
    shapRankCorrelation: c.shapRankCorrelation,
  }
}

/** A disparity that grew by more than the tolerance under a variant. */
export type FairnessWidening = {
  attribute: string
  metric: 'demographicParityDifference' | 'equalizedOddsDifference'
  base: number
  variant: number
  delta: number
}

/**
 * The disparities (demographic parity or equalized odds difference, per attribute) that the
 * variant widens by more than `tolerance` (absolute, default 0.02) over float32.
 * @returns an empty list when nothing widened (null deltas never flag).
 * @example fairnessWidened(cmp).map((f) => `${f.attribute}: +${f.delta.toFixed(3)}`)
 */
export function fairnessWidened(
  c: Pick<VariantComparison, 'fairness'>,
  tolerance = 0.02,
): FairnessWidening[] {
  const out: FairnessWidening[] = []
  for (const [attribute, f] of Object.entries(c.fairness)) {
    const pairs = [
      [
        'demographicParityDifference',
        f.baseDemographicParityDifference,
        f.demographicParityDifference,
      ],
      ['equalizedOddsDifference', f.baseEqualizedOddsDifference, f.equalizedOddsDifference],
    ] as const
    for (const [metric, b, v] of pairs)
      if (b !== null && v !== null && v - b > tolerance)
        out.push({ attribute, metric, base: b, variant: v, delta: v - b })
  }
  return out
}

/**
 * The seeded sample of rows whose attributions are compared: `k` distinct rows of `n`, sorted
 * (all rows when k ≥ n).
 * @example compareSampleRows(2000, 16, 1)
 */
export function compareSampleRows(n: number, k: number, seed: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i)
  return Array.from(rngFromSeed(seed).sampleWithoutReplacement(n, k)).sort((a, b) => a - b)
}
