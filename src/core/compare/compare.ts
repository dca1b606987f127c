/**
 * The comparison engine: champion against challenger on the same rows (docs/contracts.md §8).
 * Point values are the audit's own functions (`accuracyAt`, `rocAuc`, `logLoss`, `brier`,
 * `calibration`, the §2 disparities), so each model's numbers equal its audit report's. Around
 * them: McNemar's exact test for accuracy (`mcnemar.ts`), DeLong's test and interval for ROC AUC
 * (`delong.ts`), and paired bootstrap percentile intervals for accuracy, log loss, Brier, ECE and
 * every disparity (`bootstrap.ts`). Comparing a model with itself gives zero differences,
 * agreement 1, p-values 1 and [0, 0] intervals.
 */
import { calibration } from '../calibration.ts'
import { type Labels, type Scores, accuracyAt, brier, logLoss } from '../metrics.ts'
import { DISPARITY_KEYS } from '../views/fairnessBootstrap.ts'
import { pairedReplicates, percentileInterval } from './bootstrap.ts'
import { ROW_STATS, cellTotalsOf, pairedAttributeSummaries, pairedRows } from './cells.ts'
import { delongTest } from './delong.ts'
import { explanationAgreement } from './explanations.ts'
import { groupingIndex } from './groupings.ts'
import { groupComparisons } from './groups.ts'
import { mcnemarExact } from './mcnemar.ts'
import type {
  CompareInput,
  ComparisonSection,
  DisparityComparisons,
  MetricComparison,
  ModelComparison,
} from './types.ts'
import { dict } from '../dict.ts'

const diff = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : b - a

const LABELLED_ONLY: ReadonlySet<string> = new Set([
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
])

/** Rows whose decisions differ, ascending. */
function disagreeing(a: Scores, b: Scores, threshold: number): Int32Array {
  const out: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i]! >= threshold !== b[i]! >= threshold) out.push(i)
  return Int32Array.from(out)
}

/** McNemar's discordant counts: b = champion right & challenger wrong, c = the reverse. */
function discordant(a: Scores, b: Scores, y: Labels, threshold: number): [number, number] {
  let nb = 0
  let nc = 0
  for (let i = 0; i < y.length; i++) {
    const rightA = a[i]! >= threshold === (y[i] === 1)
    const rightB = b[i]! >= threshold === (y[i] === 1)
    if (rightA && !rightB) nb++
    else if (rightB && !rightA) nc++
  }
  return [nb, nc]
}

/**
 * Compares two models' probabilities on the same rows: agreement of decisions, each metric of
 * both with its difference, interval and (accuracy, ROC AUC) p-value, every fairness disparity of
 * every attribute with its interval, per-group rates, and optionally the agreement of their
 * explanations. Without labels (`labels` null) only agreement, demographic parity and selection
 * rates are defined; everything else is null with a reason.
 * @throws RangeError on mismatched lengths, probabilities that are NaN or outside [0, 1], labels
 *   other than 0/1, a NaN threshold, a grouping of another length or with a bad code, B not a
 *   non-negative integer, level outside (0, 1), or explanations of different shapes.
 * @example compareModels({ champion: pA, challenger: pB, labels: y, groupings: { sex } }).metrics.rocAuc.pValue
 */
export function compareModels(input: CompareInput): ModelComparison {
  const threshold = input.threshold ?? 0.5
  const seed = input.seed ?? 1
  const level = input.level ?? 0.95
  const B = input.B ?? 1000
  if (!(level > 0 && level < 1))
    throw new RangeError(`the confidence level must be in (0, 1), got ${level}`)
  const { champion: pA, challenger: pB, labels: y } = input
  const n = pA.length
  if (pB.length !== n)
    throw new RangeError(
      `the champion has ${n} rows, the challenger ${pB.length}: both models must score the same rows`,
    )
  const attrs = Object.entries(input.groupings ?? {}).map(([name, g]) => ({
    name,
    ...groupingIndex(name, g, n),
  }))
  const rows = pairedRows(pA, pB, y, attrs, threshold)
  const observed = cellTotalsOf(rows)
  const reps = pairedReplicates(rows, {
    B,
    seed,
    ...(input.method ? { method: input.method } : {}),
  })
  const intervals = reps.draws.map((d) => percentileInterval(d, level))
  const reasons = dict<string>()
  const defined = dict<number>()
  /** The entry of statistic `s` with its bootstrap interval; `why` explains a null value. */
  const withCi = (
    path: string,
    s: number,
    value: Omit<MetricComparison, 'ci'>,
    why: string | null = null,
  ): MetricComparison => {
    const iv = intervals[s]!
    defined[path] = iv.defined
    if (why !== null) reasons[path] = why
    if (iv.ci === null)
      reasons[`${path}.ci`] =
        why ??
        (B === 0
          ? 'the bootstrap was not run (B = 0)'
          : `undefined in every one of the ${B} bootstrap replicates`)
    return { ...value, ci: iv.ci }
  }
  const pair = (a: number | null, b: number | null) => ({
    champion: a,
    challenger: b,
    delta: diff(a, b),
  })

  const disagreementRows = disagreeing(pA, pB, threshold)
  let mcnemar: ModelComparison['mcnemar'] = null
  let delong: ModelComparison['delong'] = null
  let metrics: ModelComparison['metrics']
  if (y) {
    const [b, c] = discordant(pA, pB, y, threshold)
    mcnemar = { b, c, pValue: mcnemarExact(b, c) }
    delong = delongTest(pA, pB, y)
    if (delong.reason !== null)
      for (const key of ['ci', 'pValue']) reasons[`metrics.rocAuc.${key}`] = delong.reason
    metrics = {
      accuracy: {
        ...withCi(
          'metrics.accuracy',
          0,
          pair(accuracyAt(pA, y, threshold), accuracyAt(pB, y, threshold)),
        ),
        pValue: n === 0 ? null : mcnemar.pValue,
      },
      rocAuc: {
        ...pair(delong.champion, delong.challenger),
        ci: delong.ci,
        pValue: delong.pValue,
      },
      logLoss: withCi('metrics.logLoss', 1, pair(logLoss(pA, y), logLoss(pB, y))),
      brier: withCi('metrics.brier', 2, pair(brier(pA, y), brier(pB, y))),
      ece: withCi('metrics.ece', 3, pair(calibration(pA, y).ece, calibration(pB, y).ece)),
    }
  } else {
    reasons['metrics'] = 'no labels: the data has no target column'
    const none = { ...pair(null, null), ci: null }
    metrics = {
      accuracy: { ...none, pValue: null },
      rocAuc: { ...none, pValue: null },
      logLoss: none,
      brier: none,
      ece: none,
    }
  }

  const fairness = dict<DisparityComparisons>()
  const groups: ModelComparison['groups'] = dict()
  rows.attributes.forEach((attr, a) => {
    const s = pairedAttributeSummaries(attr, observed.attrCounts[a]!)
    const entry = {} as DisparityComparisons
    DISPARITY_KEYS.forEach((key, m) => {
      const path = `fairness.${attr.name}.${key}`
      const known = rows.labelled || !LABELLED_ONLY.has(key)
      const stat = ROW_STATS.length + a * DISPARITY_KEYS.length + m
      entry[key] = known
        ? withCi(path, stat, pair(s.champion[key], s.challenger[key]))
        : withCi(path, stat, pair(null, null), 'no labels')
    })
    fairness[attr.name] = entry
    groups[attr.name] = groupComparisons(attr, observed.attrCounts[a]!, rows.labelled)
  })

  const out: ModelComparison = {
    rows: n,
    agreement: n === 0 ? 1 : (n - disagreementRows.length) / n,
    disagreements: disagreementRows.length,
    metrics,
    fairness,
    threshold,
    disagreementRows,
    groups,
    featureImportance: null,
    mcnemar,
    delong,
    bootstrap: { B, seed, level, method: reps.method, defined },
    reasons,
  }
  const ex = input.explanations
  if (ex) {
    if (ex.features.length !== ex.champion.cols)
      throw new RangeError(
        `${ex.features.length} feature names for ${ex.champion.cols} φ columns of the SHAP values`,
      )
    const agree = explanationAgreement(ex.champion, ex.challenger, ex.k ?? 5)
    const { shapRankCorrelation, topKOverlap, k } = agree
    out.explanations = { shapRankCorrelation, topKOverlap, k, rows: agree.rows }
    out.featureImportance = ex.features.map((feature, j) => ({
      feature,
      champion: agree.champion[j]!,
      challenger: agree.challenger[j]!,
    }))
  }
  return out
}

/**
 * The report's `comparison` section (§8) of a comparison, without the challenger's identity
 * (the caller adds `challenger: { sha256, format }`): only the contract's keys, JSON-ready.
 * @example report.comparison = { challenger: { sha256, format }, ...comparisonSection(c) }
 */
export function comparisonSection(c: ModelComparison): ComparisonSection {
  const { rows, agreement, disagreements, metrics, fairness, explanations } = c
  return {
    rows,
    agreement,
    disagreements,
    metrics,
    fairness,
    ...(explanations ? { explanations } : {}),
  }
}
