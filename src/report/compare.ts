/**
 * The report's `comparison` section (docs/contracts.md §8): a champion and a challenger session
 * on the same rows, compared by the core's engine (`compareModels`: McNemar, DeLong, paired
 * bootstrap) — the same engine the compression lab uses for its variants. Explanations are
 * compared on a seeded sample of rows with the audit's SHAP settings (background, budget, seed),
 * each model on its own inputs, players = the schema's features (not with `shap` off, nor when
 * the two schemas name different features).
 */
import { compareModels, comparisonSection } from '../core/compare/compare.ts'
import { compareSampleRows } from '../core/compare/explanations.ts'
import type { ComparisonSection } from '../core/compare/types.ts'
import { rngFromSeed, rngSplit } from '../core/random.ts'
import { backgroundCreate } from '../core/shap/background.ts'
import { shapExplain } from '../core/shap/shap.ts'
import { type CheckCancel, type Matrix, matrix } from '../core/types.ts'
import { sensitiveGroups } from '../model/compression.ts'
import type { Session } from '../session/session.ts'
import type { AuditSettings } from './audit.ts'

/** Rows whose SHAP values are compared (the compression lab's sample size). */
export const COMPARE_SHAP_ROWS = 50

/** The `comparison` section with the challenger's identity. */
export type ReportComparison = ComparisonSection & {
  challenger: { sha256: string; format: string }
}

/** φ (rows × features) of `rows` of a session, exact or sampled SHAP with the audit's settings. */
export async function phiOf(
  s: Session,
  rows: readonly number[],
  settings: AuditSettings,
  checkCancel?: CheckCancel,
): Promise<Matrix> {
  const { x } = s
  const w = x.cols
  const xs = new Float32Array(rows.length * w)
  rows.forEach((r, i) => xs.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  const bg = backgroundCreate(x, settings.background, rngSplit(rngFromSeed(settings.seed)))
  const res = await shapExplain(s.predict, matrix(xs, rows.length, w), bg, {
    offsets: s.input.offsets,
    budget: settings.budget,
    seed: settings.seed,
    ...(settings.fastPath !== false && s.fast ? { fast: s.fast } : {}),
    ...(checkCancel ? { checkCancel } : {}),
  })
  const m = s.input.offsets.length - 1
  const phi = new Float64Array(rows.length * m)
  res.forEach((r, i) => phi.set(r.phi, i * m))
  return matrix(phi, rows.length, m)
}

/** Why the two sessions cannot be compared row by row, or null when they can. */
export function comparableProblem(a: Session, b: Session): string | null {
  if (a.table.nRows !== b.table.nRows)
    return `the champion has ${a.table.nRows} rows and the challenger ${b.table.nRows}`
  if ((a.labels === null) !== (b.labels === null))
    return 'one schema finds the target column and the other does not'
  if (a.labels && b.labels && a.labels.some((y, i) => y !== b.labels![i]))
    return 'the two schemas label the rows differently (target column or positive value)'
  return null
}

/**
 * Compares the challenger session with the champion's on the same data.
 * @param pA, pB f of every row under each model (the audit's predictions).
 * @throws Error naming why the sessions cannot be compared (see {@link comparableProblem}).
 */
export async function reportComparison(
  champion: Session,
  challenger: Session,
  pA: Float32Array,
  pB: Float32Array,
  settings: AuditSettings,
  checkCancel?: CheckCancel,
): Promise<ReportComparison> {
  const problem = comparableProblem(champion, challenger)
  if (problem) throw new Error(`cannot compare the two models: ${problem}`)
  const n = champion.table.nRows
  const featuresA = champion.schema.features.map((f) => f.name)
  const featuresB = challenger.schema.features.map((f) => f.name)
  const sameFeatures =
    featuresA.length === featuresB.length && featuresA.every((f, i) => f === featuresB[i])
  let explanations
  if (settings.shap && sameFeatures && n > 0) {
    const rows = compareSampleRows(n, COMPARE_SHAP_ROWS, settings.seed)
    explanations = {
      champion: await phiOf(champion, rows, settings, checkCancel),
      challenger: await phiOf(challenger, rows, settings, checkCancel),
      features: featuresA,
    }
  }
  const c = compareModels({
    champion: pA,
    challenger: pB,
    labels: champion.labels,
    groupings: sensitiveGroups(champion.schema, champion.table),
    threshold: settings.threshold,
    seed: settings.seed,
    ...(explanations ? { explanations } : {}),
  })
  return {
    challenger: { sha256: challenger.model.card.sha256, format: challenger.model.card.format },
    ...comparisonSection(c),
  }
}
