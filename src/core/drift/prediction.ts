/**
 * Prediction and performance drift: how the model's predicted probabilities moved between the
 * reference and the current data (PSI on the reference predictions' deciles, KS), and — when
 * both sides have labels — accuracy, ROC AUC, log loss, Brier, ECE and the fairness
 * disparities side by side with their change. Without labels only the prediction-side numbers
 * (positive prediction rate, demographic parity) can be compared; the rest is listed as not
 * judgeable. Every number comes from metrics.ts, calibration.ts and fairness.ts.
 */
import { calibration } from '../calibration.ts'
import { type FairnessSummary, fairnessByGroup } from '../fairness.ts'
import { type Labels, type Scores, performanceMetrics } from '../metrics.ts'
import type { DriftHistogram } from './features.ts'
import { ksTwoSample } from './ks.ts'
import { type PsiBins, psiNumeric } from './psi.ts'
import { dict } from '../dict.ts'

/** Shift of the predicted probabilities. */
export type PredictionDrift = {
  /** PSI over the reference predictions' distinct deciles. */
  psi: number
  bins: PsiBins
  /** KS statistic and its asymptotic p-value. */
  ks: number
  pValue: number
  /** 20 equal-width bins on [0, 1] (for an overlaid chart). */
  histogram: DriftHistogram
  /** Mean prediction on each side. */
  refMean: number
  curMean: number
}

/**
 * Drift of the predicted probabilities `pCur` against `pRef`.
 * @throws RangeError when a side is empty or holds a NaN.
 * @example predictionDrift(pReference, pCurrent).psi
 */
export function predictionDrift(pRef: Scores, pCur: Scores): PredictionDrift {
  const ks = ksTwoSample(pRef, pCur)
  const bins = psiNumeric(pRef, pCur)
  const shares = (p: Scores): number[] => {
    const c = new Array<number>(20).fill(0)
    for (let i = 0; i < p.length; i++) c[Math.min(19, Math.max(0, Math.floor(p[i]! * 20)))]!++
    return c.map((v) => v / p.length)
  }
  const mean = (p: Scores): number => {
    let s = 0
    for (let i = 0; i < p.length; i++) s += p[i]!
    return s / p.length
  }
  return {
    psi: bins.psi,
    bins,
    ks: ks.statistic,
    pValue: ks.pValue,
    histogram: {
      edges: Array.from({ length: 21 }, (_, k) => k / 20),
      refShares: shares(pRef),
      curShares: shares(pCur),
    },
    refMean: mean(pRef),
    curMean: mean(pCur),
  }
}

/** One side of the comparison: predictions, labels (null = none) and sensitive groups. */
export type PerformanceSideInput = {
  p: Scores
  y: Labels | null
  /** Sensitive attribute → the group of every row (attributes missing on a side are skipped). */
  groups?: Readonly<Record<string, readonly string[]>>
}

/** A metric on both sides with its change. */
export type MetricChange = {
  /** Metric key: 'accuracy', 'rocAuc', …, or a fairness summary key. */
  key: string
  reference: number | null
  current: number | null
  /** current − reference; null when either side is null. */
  delta: number | null
  /** True when the change makes things worse (direction known per metric); null when delta is. */
  worse: boolean | null
  /** |delta| ≥ the tolerance (default 0.02) and worse: the change to highlight. */
  highlight: boolean
}

/** Where lower is better (everything else: higher is better). */
const LOWER_IS_BETTER = new Set([
  'logLoss',
  'brier',
  'ece',
  'mce',
  'demographicParityDifference',
  'equalizedOddsDifference',
  'equalOpportunityDifference',
])
/** Rates whose direction is neither good nor bad. */
const NEUTRAL = new Set(['positiveRate', 'predictedPositiveRate'])

function change(
  key: string,
  reference: number | null,
  current: number | null,
  tol: number,
): MetricChange {
  const delta = reference === null || current === null ? null : current - reference
  const worse =
    delta === null || NEUTRAL.has(key) ? null : LOWER_IS_BETTER.has(key) ? delta > 0 : delta < 0
  return {
    key,
    reference,
    current,
    delta,
    worse,
    highlight: worse === true && Math.abs(delta!) >= tol,
  }
}

const FAIRNESS_KEYS = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
] as const satisfies readonly (keyof FairnessSummary)[]
const SELECTION_KEYS = ['demographicParityDifference', 'demographicParityRatio'] as const

/** Metrics that need labels (what cannot be judged without them). */
export const LABELLED_METRICS = [
  'accuracy',
  'rocAuc',
  'logLoss',
  'brier',
  'ece',
  'mce',
  'positiveRate',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
] as const

/** Result of {@link performanceDrift}. */
export type PerformanceDrift =
  | {
      unlabelled: false
      threshold: number
      /** accuracy, rocAuc, logLoss, brier, ece, mce, positiveRate, predictedPositiveRate. */
      metrics: MetricChange[]
      /** Sensitive attribute → the five disparity summaries. */
      fairness: Record<string, MetricChange[]>
    }
  | {
      unlabelled: true
      threshold: number
      /** Which side lacks labels, in words. */
      reason: string
      /** Metric keys that need labels on both sides. */
      cannotJudge: string[]
      /** predictedPositiveRate only. */
      metrics: MetricChange[]
      /** Sensitive attribute → demographic parity difference and ratio (need no labels). */
      fairness: Record<string, MetricChange[]>
    }

function side(s: PerformanceSideInput, threshold: number) {
  const y = s.y ?? new Uint8Array(s.p.length)
  const m = performanceMetrics(s.p, y, threshold)
  const c = calibration(s.p, y)
  const fairness = dict<FairnessSummary>()
  for (const [attr, g] of Object.entries(s.groups ?? {}))
    fairness[attr] = fairnessByGroup(s.p, y, g, threshold)
  return { m, c, fairness }
}

/**
 * Performance, calibration and fairness on the reference and the current data side by side.
 * When either side has no labels, `unlabelled: true` with the reason and what cannot be judged;
 * the positive prediction rate and the demographic parity (which need no labels) are still
 * compared. Fairness is compared for the attributes both sides have.
 * @throws RangeError on mismatched lengths, NaN predictions or bad labels.
 * @example performanceDrift({ p: pRef, y: yRef }, { p: pCur, y: null }).unlabelled // true
 */
export function performanceDrift(
  ref: PerformanceSideInput,
  cur: PerformanceSideInput,
  opts: { threshold?: number; tolerance?: number; refName?: string; curName?: string } = {},
): PerformanceDrift {
  const threshold = opts.threshold ?? 0.5
  const tol = opts.tolerance ?? 0.02
  const a = side(ref, threshold)
  const b = side(cur, threshold)
  const attrs = Object.keys(a.fairness).filter((k) => k in b.fairness)
  const labelled = ref.y !== null && cur.y !== null
  const fairnessKeys = labelled ? FAIRNESS_KEYS : SELECTION_KEYS
  const fairness = Object.fromEntries(
    attrs.map((attr) => [
      attr,
      fairnessKeys.map((k) => change(k, a.fairness[attr]![k], b.fairness[attr]![k], tol)),
    ]),
  )
  const ppr = change(
    'predictedPositiveRate',
    a.m.predictedPositiveRate,
    b.m.predictedPositiveRate,
    tol,
  )
  if (!labelled) {
    const missing = [
      ref.y === null ? (opts.refName ?? 'the reference data') : null,
      cur.y === null ? (opts.curName ?? 'the current data') : null,
    ].filter(Boolean)
    return {
      unlabelled: true,
      threshold,
      reason: `${missing.join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no labels: accuracy, ROC AUC, log loss, Brier score, calibration and the label-based fairness gaps (equalized odds, equal opportunity) cannot be judged; only the predictions can be compared`,
      cannotJudge: [...LABELLED_METRICS],
      metrics: [ppr],
      fairness,
    }
  }
  return {
    unlabelled: false,
    threshold,
    metrics: [
      change('accuracy', a.m.accuracy, b.m.accuracy, tol),
      change('rocAuc', a.m.rocAuc, b.m.rocAuc, tol),
      change('logLoss', a.m.logLoss, b.m.logLoss, tol),
      change('brier', a.m.brier, b.m.brier, tol),
      change('ece', a.c.ece, b.c.ece, tol),
      change('mce', a.c.mce, b.c.mce, tol),
      change('positiveRate', a.m.positiveRate, b.m.positiveRate, tol),
      ppr,
    ],
    fairness,
  }
}
