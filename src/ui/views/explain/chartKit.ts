/**
 * Shared pieces of the Explain view's charts: where a feature value falls on the colour scale, a
 * value's text, and the settings captions printed under each chart. Presentation only: every
 * number shown comes from the worker (src/core); the colours, legends and axes are the kit's
 * (src/ui/kit).
 */
import type { ExplainSettings } from '../../../core/explain.ts'
import type { Feature } from '../../../core/schema.ts'
import type { BackgroundSpec } from '../../../core/shap/background.ts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import type { GlobalShapMethod } from '../../../workers/protocol/model.ts'

/**
 * Maps a feature's values to [0, 1] for colouring: numeric values by their 5th–95th percentile range
 * (min–max when that range is empty) so one outlier does not wash the rest out; categorical values
 * by category index over the category count. Unknown categories (−1) map to null.
 */
export function colorPosition(
  feature: Feature,
  values: ArrayLike<number>,
): (v: number) => number | null {
  if (feature.type === 'categorical') {
    const k = feature.categories.length
    return (v) => (v < 0 ? null : k <= 1 ? 0.5 : v / (k - 1))
  }
  const sorted = Float64Array.from(values).sort()
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))] ?? 0
  let lo = q(0.05)
  let hi = q(0.95)
  if (!(hi > lo)) {
    lo = sorted[0] ?? 0
    hi = sorted[sorted.length - 1] ?? 0
  }
  return (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5)
}

/** A feature value as text: the number, or the category name ("(unknown)" for −1). */
export function featureValueText(feature: Feature, v: number): string {
  if (feature.type === 'categorical') return feature.categories[v] ?? '(unknown)'
  return String(+v.toPrecision(6))
}

/** "first 50 rows", "seeded sample of 50 rows", "50 K-medoids". */
export function backgroundText(b: BackgroundSpec): string {
  return b.kind === 'first'
    ? `first ${b.k} rows`
    : b.kind === 'sample'
      ? `seeded sample of ${b.k} rows`
      : `${b.k} K-medoids`
}

/** Settings line of a SHAP computation. */
export function shapSettingsText(s: ExplainSettings, exact: boolean | undefined): string {
  return `SHAP ${exact ? '(exact Shapley values)' : '(Kernel SHAP estimate)'} · background ${backgroundText(s.background)} · budget ${s.budget} coalitions · seed ${s.seed}`
}

/** Settings line of an integrated-gradients computation (`steps` = steps used). */
export function igSettingsText(
  s: ExplainSettings,
  steps: number | undefined,
  gap: number | undefined,
): string {
  const mode = s.igSteps === 'auto' ? 'auto' : 'fixed'
  return `IG · baseline ${s.igBaseline} · ${steps ?? '—'} steps (${mode}) · ${s.igMethod} rule · completeness gap ${gap === undefined ? '—' : gap.toExponential(2)}`
}

/** Settings line of a global SHAP run (`treeShap`: interventional TreeSHAP of the margin). */
export function globalSettingsText(
  u: GlobalUsed,
  rows: number,
  exact: boolean,
  method: GlobalShapMethod = 'shap',
): string {
  const what =
    method === 'treeShap'
      ? 'Interventional TreeSHAP of the margin (exact)'
      : `SHAP ${exact ? '(exact Shapley values)' : '(Kernel SHAP estimates)'}`
  return `${what} for ${rows} rows sampled with seed ${u.seed} from ${u.cohort ? `the cohort “${u.cohort}”` : 'all rows'} · background ${backgroundText(u.background)}${method === 'treeShap' ? '' : ` · budget ${u.budget} coalitions`}`
}

/** What a global result's φ measure, for axis labels: the probability, or a tree model's margin. */
export const phiUnitsText = (method: GlobalShapMethod | undefined): string =>
  method === 'treeShap' ? 'TreeSHAP, margin before the link' : 'predicted probability'
