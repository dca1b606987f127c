/**
 * The report's `drift` section (docs/contracts.md §4) from the core's drift results. Structurally
 * identical to `Report['drift']` in src/report/types.ts (the core does not import the report
 * layer; test/core/drift checks that the two stay assignable).
 */
import type { FeatureDrift } from './features.ts'
import type { PredictionDrift } from './prediction.ts'

/** `Report['drift']`. */
export type DriftSection = {
  features: Record<
    string,
    {
      psi: number
      ks: number | null
      pValue: number | null
      wasserstein: number | null
      chi2: number | null
      drifted: boolean
    }
  >
  maxPsi: number
  prediction: { psi: number; ks: number | null }
  oodShare: number | null
}

const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v)

/**
 * The `drift` section: per feature (keyed by schema feature name, in schema order) PSI, KS,
 * the raw (unadjusted) test p-value, Wasserstein, χ² and the `drifted` flag (which uses the
 * Holm-adjusted p-value, see features.ts); maxPsi = the largest feature PSI (0 without
 * features); the predictions' PSI and KS; oodShare = share of current rows above the 95th
 * percentile threshold (null when not computed). Non-finite numbers become null.
 * @example report.drift = driftReportSection(features, prediction, ood.share95)
 */
export function driftReportSection(
  features: readonly FeatureDrift[],
  prediction: Pick<PredictionDrift, 'psi' | 'ks'>,
  oodShare: number | null,
): DriftSection {
  return {
    features: Object.fromEntries(
      features.map((f) => [
        f.feature,
        {
          psi: f.psi,
          ks: finite(f.ks),
          pValue: finite(f.pValue),
          wasserstein: finite(f.wasserstein),
          chi2: finite(f.chi2),
          drifted: f.drifted,
        },
      ]),
    ),
    maxPsi: features.reduce((m, f) => Math.max(m, f.psi), 0),
    prediction: { psi: prediction.psi, ks: finite(prediction.ks) },
    oodShare: finite(oodShare),
  }
}
