/**
 * The bounds of every number a user can set in the dashboard, in one place: the UI's number
 * fields take their rules from here, and the validator of untrusted view state (links, session
 * bundles, the persisted view: src/core/viewState.ts) checks against the same numbers, so a link
 * can never ask for what the UI would refuse.
 */

/** A closed range of numbers, named as a message names it (structurally a UI `NumberRule`). */
export type NumberBound = {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly integer: boolean
}

const bound = (name: string, min: number, max: number, integer = true): NumberBound => ({
  name,
  min,
  max,
  integer,
})

/**
 * Bounds of the view's numbers (inclusive). Row bounds that depend on the data (the explained
 * row, the Data tab's row, `row:N` baselines) are checked against the loaded table instead.
 */
export const ViewLimits = {
  /** Decision threshold, a probability. */
  threshold: bound('Threshold', 0, 1, false),
  /** SHAP coalitions per row (contracts §2 default 4096; 2^20 keeps one row under a minute). */
  budget: bound('Budget', 16, 1_048_576),
  /** Background rows K (first / sample / kmeans; clamped to the data's rows when run). */
  backgroundK: bound('K', 1, 1000),
  /** Seeds are 32-bit unsigned integers (xorshift state). */
  seed: bound('Seed', 0, 4_294_967_295),
  /** Fixed IG steps (contracts §2 cap of the automatic refinement). */
  igSteps: bound('IG steps', 1, 4096),
  /** Counterfactual answers per row (0 = none is allowed in settings, the UI field starts at 1). */
  counterfactuals: bound('Counterfactuals k', 1, 20),
  /** Candidate values per numeric feature in the counterfactual search. */
  cfGridSize: bound('Counterfactual grid size', 2, 256),
  /** Rows of the global SHAP sample. */
  globalN: bound('Rows', 1, 1_000_000),
  /** Calibration bin count. */
  calibrationBins: bound('Bin count', 2, 50),
  /** int8act calibration rows of the Compression lab. */
  calibrationRows: bound('Calibration rows', 1, 10_000_000),
  /** SHAP stability rows of the Compression lab. */
  shapRows: bound('SHAP stability rows', 1, 1_000_000),
  /** Fairness tolerance of the Compression lab, a difference of rates. */
  tolerance: bound('Fairness tolerance', 0, 1, false),
  /** A per-group decision threshold. */
  groupThreshold: bound('Threshold', 0, 1, false),
  /** Class of interest of a softmax model (an output column). */
  classIndex: bound('Class', 0, 1023),
} as const

/** Longest cohort filter text (characters) a link or the cohort field takes. */
export const COHORT_TEXT_MAX = 2000

/** Longest source URL (characters) a link may name. */
export const SOURCE_URL_MAX = 4096

/**
 * Why `v` is outside `b`, or null when it is inside. Non-numbers, NaN and ±Infinity are refused.
 * @example numberBoundProblem(0, ViewLimits.budget) // 'is below the minimum 16'
 */
export function numberBoundProblem(v: unknown, b: NumberBound): string | null {
  if (typeof v !== 'number') return `is not a number (${typeof v})`
  if (!Number.isFinite(v)) return `${v} is not a finite number`
  if (b.integer && !Number.isInteger(v)) return `${v} is not a whole number`
  if (v < b.min) return `${v} is below the minimum ${b.min}`
  if (v > b.max) return `${v} is above the maximum ${b.max}`
  return null
}
