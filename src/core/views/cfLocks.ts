/**
 * Features locked for the counterfactual search: the ones a counterfactual never changes. Both the
 * Explain and the Data tab read and write them in the explanation settings
 * (`counterfactualConstraints.immutable`), so the one request path (worker `explain` → explainRows
 * → counterfactualConfig) applies them. Absent = the default of the search: the schema's sensitive
 * attributes that are features.
 */
import type { ExplainSettings } from '../explain.ts'
import type { Schema } from '../schema.ts'

/**
 * The locked features, in schema order: the settings' explicit list, else the schema's sensitive
 * attributes. Names that are not features of `schema` are left out.
 * @example lockedFeatures(adultSchema, EXPLAIN_DEFAULTS) // ['sex', 'race'] when both are features
 */
export function lockedFeatures(schema: Schema, settings: ExplainSettings): string[] {
  const want = new Set(settings.counterfactualConstraints?.immutable ?? schema.sensitive)
  return schema.features.map((f) => f.name).filter((n) => want.has(n))
}

/**
 * `settings` with `names` as the explicit list of locked features (an empty list = nothing locked,
 * sensitive attributes included); the other counterfactual constraints are kept.
 */
export function withLockedFeatures(
  settings: ExplainSettings,
  names: readonly string[],
): ExplainSettings {
  return {
    ...settings,
    counterfactualConstraints: { ...settings.counterfactualConstraints, immutable: [...names] },
  }
}

/**
 * `settings` fitted to a newly loaded schema: an explicit lock list naming a feature the schema
 * lacks (it belonged to another model or data) is dropped, so the default (sensitive attributes)
 * applies again; otherwise the settings are returned unchanged (same object).
 */
export function locksForSchema(schema: Schema, settings: ExplainSettings): ExplainSettings {
  const c = settings.counterfactualConstraints
  const names = new Set(schema.features.map((f) => f.name))
  if (!c?.immutable || c.immutable.every((n) => names.has(n))) return settings
  const { immutable: _dropped, ...rest } = c
  const { counterfactualConstraints: _old, ...base } = settings
  return Object.keys(rest).length > 0 ? { ...base, counterfactualConstraints: rest } : base
}
