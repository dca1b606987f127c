/**
 * Waterfall of one explanation: from the base value (SHAP's v(∅), the mean prediction over the
 * background) through each feature's contribution φ to the prediction, the largest |φ| first,
 * the smallest folded into one "other N features" step.
 */

/** One bar of the waterfall. */
export type WaterfallStep = {
  /** 'feature' = one feature; 'other' = the folded small features. */
  kind: 'feature' | 'other'
  /** "age = 52", the feature name alone when its value is not given, or "other 4 features". */
  label: string
  /** The features in the step (one, or the folded ones by decreasing |φ|). */
  features: string[]
  /** φ of the step (sum of the folded φ for 'other'), in prediction units. */
  contribution: number
  /** Running total before the step (the first step starts at the base value). */
  start: number
  /** Running total after the step = start + contribution. */
  end: number
}

/** Waterfall data; see `waterfallSteps`. */
export type Waterfall = {
  baseValue: number
  /** Steps from the base value, by decreasing |φ|, the fold (if any) last. */
  steps: WaterfallStep[]
  /** baseValue + Σφ: where the last step ends. */
  total: number
  /** The model's prediction when given, else null. */
  prediction: number | null
  /** prediction − total (SHAP's efficiency gap, ~0 for exact values); null without prediction. */
  gap: number | null
}

/** Options of `waterfallSteps`. */
export type WaterfallOptions = {
  /** Features shown on their own, a positive integer [10]. */
  readonly maxFeatures?: number
  /** The model's prediction f(x), to report the sum check `gap`. */
  readonly prediction?: number
}

/**
 * Steps of the waterfall: features sorted by decreasing |φ| (equal magnitudes by name), the first
 * `maxFeatures` shown on their own and the rest folded into one "other N features" step at the
 * end. A fold of a single feature would hide its name for nothing, so exactly maxFeatures + 1
 * features are all shown. Each step starts where the previous ended; the last ends at
 * baseValue + Σφ (`total`), which is the prediction for exact SHAP values (see `gap`).
 * @returns no steps and total = baseValue when phi is empty.
 * @throws RangeError when maxFeatures is not a positive integer or a value is not finite.
 * @example waterfallSteps(0.24, shap, rowValues, { maxFeatures: 5, prediction: 0.71 }).gap
 */
export function waterfallSteps(
  baseValue: number,
  phi: Readonly<Record<string, number>>,
  values: Readonly<Record<string, string>> = {},
  options: WaterfallOptions = {},
): Waterfall {
  const maxFeatures = options.maxFeatures ?? 10
  if (!Number.isInteger(maxFeatures) || maxFeatures < 1) {
    throw new RangeError(
      `the number of features shown must be a positive whole number, got ${maxFeatures}`,
    )
  }
  if (!Number.isFinite(baseValue))
    throw new RangeError(`the explanation's base value is ${baseValue}, not a finite number`)
  for (const [f, v] of Object.entries(phi)) {
    if (!Number.isFinite(v))
      throw new RangeError(`the attribution of feature "${f}" is ${v}, not a finite number`)
  }
  const order = Object.keys(phi).sort(
    (f, g) => Math.abs(phi[g]!) - Math.abs(phi[f]!) || (f < g ? -1 : f > g ? 1 : 0),
  )
  const shownCount = order.length <= maxFeatures + 1 ? order.length : maxFeatures
  const steps: WaterfallStep[] = []
  let at = baseValue
  const push = (kind: WaterfallStep['kind'], label: string, features: string[], c: number) => {
    steps.push({ kind, label, features, contribution: c, start: at, end: at + c })
    at += c
  }
  for (const f of order.slice(0, shownCount)) {
    push('feature', Object.hasOwn(values, f) ? `${f} = ${values[f]!}` : f, [f], phi[f]!)
  }
  const rest = order.slice(shownCount)
  if (rest.length > 0) {
    let sum = 0
    for (const f of rest) sum += phi[f]!
    push('other', `other ${rest.length} features`, rest, sum)
  }
  const prediction = options.prediction ?? null
  return {
    baseValue,
    steps,
    total: at,
    prediction,
    gap: prediction === null ? null : prediction - at,
  }
}
