/**
 * The report sections of a complete audit state (src/core/stream/state.ts): `metrics`,
 * `calibration` and `fairness` exactly as src/report/audit.ts builds them from the batch functions,
 * and for a drift audit the `drift` section as `driftAnalyze` gives it. Every number comes from
 * exact counts or exact sums, so any split into shards and any merge order give the same bytes.
 */
import { type DriftSection } from '../drift/report.ts'
import { driftOfSides } from './drift.ts'
import { shardsCheck } from './shards.ts'
import type { AuditState } from './state.ts'

/** A rate row of the report (`ReportRates` in src/report/types.ts). */
export type SectionRates = {
  count: number
  selectionRate: number | null
  tpr: number | null
  fpr: number | null
  precision: number | null
  accuracy: number | null
}

/**
 * The report sections a state gives, structurally identical to `Report`'s `metrics`,
 * `calibration` and `fairness` (src/report/types.ts; the core does not import the report layer,
 * test/core/stream checks that the types stay assignable) plus the data's row count.
 */
export type AuditSections = {
  rows: number
  metrics?: {
    accuracy: number | null
    rocAuc: number | null
    logLoss: number | null
    brier: number | null
  }
  calibration?: {
    ece: number | null
    mce: number | null
    bins: {
      lower: number
      upper: number
      count: number
      meanPredicted: number | null
      fractionPositive: number | null
    }[]
  }
  fairness?: Record<
    string,
    {
      groups: Record<string, SectionRates & { small: boolean }>
      overall: SectionRates
      demographicParityDifference: number | null
      demographicParityRatio: number | null
      equalizedOddsDifference: number | null
      equalizedOddsRatio: number | null
      equalOpportunityDifference: number | null
    }
  >
  /** Report JSON v1 `drift` (a drift audit only). */
  drift?: DriftSection
}

const rates = (g: SectionRates): SectionRates => ({
  count: g.count,
  selectionRate: g.selectionRate,
  tpr: g.tpr,
  fpr: g.fpr,
  precision: g.precision,
  accuracy: g.accuracy,
})

/**
 * The report's `metrics`, `calibration` and `fairness` sections from a complete state, exactly as
 * src/report/audit.ts builds them from the batch functions (absent without labels; `fairness`
 * absent when no sensitive attribute is present), and `drift` for a drift audit.
 * @param opts.oodShare the drift's out-of-distribution share from the OOD passes (ood.ts), or
 *   null (default) when not computed.
 * @throws RangeError when the state lacks shards (a partial cannot make a report), or a drift
 *   side has no rows.
 * @example Object.assign(report, auditStateSections(auditStateMerge(parts)))
 */
export function auditStateSections(
  state: AuditState,
  opts: { oodShare?: number | null } = {},
): AuditSections {
  shardsCheck(
    state.shards.map((shard) => ({ part: 'the state', shard })),
    true,
  )
  const out: AuditSections = { rows: state.rows }
  const drift = state.drift
    ? driftOfSides(state.drift.reference, state.drift.current, opts.oodShare ?? null).section
    : null
  const scores = state.scores
  if (!scores) {
    if (drift) out.drift = drift
    return out
  }
  const n = state.rows
  const c = scores.confusionAt(state.settings.threshold)
  out.metrics = {
    accuracy: n ? (c.tp + c.tn) / n : null,
    rocAuc: scores.rocAuc(),
    logLoss: scores.logLoss(),
    brier: scores.brier(),
  }
  out.calibration = scores.calibration()
  const fairness: NonNullable<AuditSections['fairness']> = {}
  for (const [attr, cells] of state.fairness) {
    const f = cells.fairness()
    Object.defineProperty(fairness, attr, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: {
        groups: Object.fromEntries(
          Object.entries(f.groups).map(([k, g]) => [k, { ...rates(g), small: g.small }]),
        ),
        overall: rates(f.overall),
        demographicParityDifference: f.demographicParityDifference,
        demographicParityRatio: f.demographicParityRatio,
        equalizedOddsDifference: f.equalizedOddsDifference,
        equalizedOddsRatio: f.equalizedOddsRatio,
        equalOpportunityDifference: f.equalOpportunityDifference,
      },
    })
  }
  if (Object.keys(fairness).length) out.fairness = fairness
  if (drift) out.drift = drift
  return out
}
