/**
 * A quantized variant against the float32 model on the same rows (docs/contracts.md §4
 * "quantization"): agreement of decisions, |Δp|, the variant's accuracy, ROC AUC and ECE, its
 * fairness disparities with their change from float32, and the stability of its attributions.
 * A quantized variant is a second model: the numbers come from the comparison engine
 * (`compare/compare.ts`, without its bootstrap), this module only picks the lab's view of them.
 */
import { compareModels } from '../compare/compare.ts'
import { explanationAgreement } from '../compare/explanations.ts'
import type { DisparityComparisons, GroupComparison } from '../compare/types.ts'
import type { Labels, Scores } from '../metrics.ts'
import type { Matrix } from '../types.ts'
import { dict } from '../dict.ts'

export { compareSampleRows, meanAbsAttribution } from '../compare/explanations.ts'

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

type Attribution = Pick<
  VariantComparison,
  'shapRankCorrelation' | 'top5Overlap' | 'maxRowAbsDeltaPhi'
>

function attributionStability(base?: Matrix, variant?: Matrix): Attribution {
  if (!base || !variant)
    return { shapRankCorrelation: null, top5Overlap: null, maxRowAbsDeltaPhi: null }
  const agreement = explanationAgreement(base, variant, 5)
  let maxD = 0
  for (let i = 0; i < base.data.length; i++)
    maxD = Math.max(maxD, Math.abs(variant.data[i]! - base.data[i]!))
  return {
    shapRankCorrelation: agreement.shapRankCorrelation,
    top5Overlap: agreement.topKOverlap,
    maxRowAbsDeltaPhi: base.rows === 0 ? null : maxD,
  }
}

/** The compression lab's view of one attribute from the engine's comparison of it. */
function attributeFairness(
  f: DisparityComparisons,
  groups: Record<string, GroupComparison>,
): VariantFairness {
  const rates = dict<VariantGroupRates>()
  for (const [name, g] of Object.entries(groups)) {
    rates[name] = {
      selectionRate: g.challenger.selectionRate,
      tpr: g.challenger.tpr,
      fpr: g.challenger.fpr,
      selectionRateDelta: g.delta.selectionRate,
      tprDelta: g.delta.tpr,
      fprDelta: g.delta.fpr,
    }
  }
  const dp = f.demographicParityDifference
  const eo = f.equalizedOddsDifference
  return {
    demographicParityDifference: dp.challenger,
    equalizedOddsDifference: eo.challenger,
    baseDemographicParityDifference: dp.champion,
    baseEqualizedOddsDifference: eo.champion,
    demographicParityDifferenceDelta: dp.delta,
    equalizedOddsDifferenceDelta: eo.delta,
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
    throw new RangeError(
      `the quantization comparison: ${n} base rows but ${variant.p.length} variant rows`,
    )
  if (y && y.length !== n)
    throw new RangeError(`the quantization comparison: ${n} rows but ${y.length} labels`)
  // The comparison engine without its bootstrap: one implementation of every difference.
  const c = compareModels({
    champion: base.p,
    challenger: variant.p,
    labels: y,
    groupings: groups,
    threshold,
    B: 0,
  })
  let maxD = 0
  let sumD = 0
  for (let i = 0; i < n; i++) {
    const d = Math.abs(variant.p[i]! - base.p[i]!)
    maxD = Math.max(maxD, d)
    sumD += d
  }
  const { accuracy, rocAuc, ece } = c.metrics
  const fairness = dict<VariantFairness>()
  for (const attr of Object.keys(groups))
    fairness[attr] = attributeFairness(c.fairness[attr]!, c.groups[attr]!)
  return {
    n,
    agreement: c.agreement,
    maxAbsDiff: maxD,
    meanAbsDiff: n === 0 ? 0 : sumD / n,
    accuracy: accuracy.challenger,
    rocAuc: rocAuc.challenger,
    ece: ece.challenger,
    accuracyDelta: accuracy.delta,
    rocAucDelta: rocAuc.delta,
    eceDelta: ece.delta,
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
