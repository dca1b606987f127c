/**
 * Untrusted view state (a shared link, a session bundle's manifest, the view persisted in
 * IndexedDB) checked field by field before anything is applied: {@link VIEW_FIELDS} is the table
 * of every field a view state may hold, each with its check (type, bounds from viewLimits.ts,
 * names that must exist in the loaded schema). {@link viewStateValidate} returns the accepted
 * fields and the dropped ones with their reasons; a dropped field is never applied, so it is
 * never persisted either (the persisted view is collected from the stores).
 *
 * Adding a field is one entry in {@link VIEW_FIELDS} (its dotted path → its check), then reading
 * it in the state layer's apply and writing it in its collect.
 */
import type { CounterfactualConfigOptions, Direction } from './counterfactual/config.ts'
import type { IgRule } from './attribution/quadrature.ts'
import { dict } from './dict.ts'
import { QUANT_SCHEME_IDS } from './quantize/schemes.ts'
import type { BackgroundKind } from './shap/background.ts'
import { TREE_SHAP_KINDS } from './tree/explain.ts'
import { DriftSortKeys } from './views/driftView.ts'
import {
  type ViewCheck,
  type ViewContext,
  ViewDrop,
  bool,
  dataRow,
  featureIndex,
  featureName,
  inBound,
  isRecord,
  listOf,
  nullOr,
  oneOf,
  oneOfCtx,
  orValue,
  recordOf,
  sensitiveName,
  sourceUrl,
  text,
  viewValueText,
} from './viewChecks.ts'
import { COHORT_TEXT_MAX, ViewLimits } from './viewLimits.ts'

export { type ViewContext, ViewDrop } from './viewChecks.ts'

/** The integrated-gradients quadrature rules, in the order the UI lists them. */
export const IG_RULES: readonly IgRule[] = [
  'midpoint',
  'trapezoid',
  'left',
  'right',
  'gausslegendre',
]
const BACKGROUND_KINDS: readonly BackgroundKind[] = ['first', 'sample', 'kmeans']
const DIRECTIONS: readonly Direction[] = ['any', 'increase', 'decrease']

/** `mean | zeros | expected | row:N` with N a row of the loaded data. */
const igBaseline: ViewCheck<string> = (v, ctx) => {
  if (v === 'mean' || v === 'zeros' || v === 'expected') return v
  const m = typeof v === 'string' ? /^row:(\d{1,10})$/.exec(v) : null
  if (typeof v !== 'string' || !m)
    return new ViewDrop(`${viewValueText(v)} is not mean, zeros, expected or row:N`)
  const r = dataRow(Number(m[1]), ctx)
  return r instanceof ViewDrop ? new ViewDrop(`row:N: ${r.reason}`) : v
}

const finite = (v: unknown): number | ViewDrop =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : new ViewDrop(`${viewValueText(v)} is not a finite number`)

/** Counterfactual constraints: every key known, every name a feature of the loaded schema. */
const cfConstraints: ViewCheck<CounterfactualConfigOptions> = (v, ctx) => {
  if (!isRecord(v)) return new ViewDrop(`${viewValueText(v)} is not an object`)
  const categories = (f: string) =>
    ctx.schema?.features.find((x) => x.name === f && x.type === 'categorical')
  const parts: { [K in keyof CounterfactualConfigOptions]-?: ViewCheck<unknown> } = {
    immutable: listOf(featureName),
    directions: recordOf(featureName, (x) => oneOf(DIRECTIONS)(x, ctx)),
    ranges: recordOf(featureName, (x) => {
      if (!isRecord(x)) return new ViewDrop(`${viewValueText(x)} is not {min, max}`)
      const out: { min?: number; max?: number } = {}
      for (const [k, n] of Object.entries(x)) {
        const r = finite(n)
        if ((k !== 'min' && k !== 'max') || r instanceof ViewDrop)
          return new ViewDrop(`${viewValueText(k)} = ${viewValueText(n)} is not a finite min/max`)
        out[k] = r
      }
      return out
    }),
    steps: recordOf(featureName, (x) => {
      const r = finite(x)
      return r instanceof ViewDrop || r >= 0 ? r : new ViewDrop(`step ${r} is negative`)
    }),
    categories: recordOf(featureName, (x, f) => {
      const feat = categories(f)
      if (!feat || feat.type !== 'categorical') return new ViewDrop('is not a categorical feature')
      return listOf(oneOf(feat.categories))(x, ctx)
    }),
    gridSize: inBound(ViewLimits.cfGridSize),
  }
  const out = dict<unknown>()
  for (const [k, x] of Object.entries(v)) {
    const check = Object.prototype.hasOwnProperty.call(parts, k)
      ? parts[k as keyof typeof parts]
      : undefined
    if (!check) return new ViewDrop(`${viewValueText(k)} is not a constraint`)
    const r = check(x, ctx)
    if (r instanceof ViewDrop) return new ViewDrop(`${k}: ${r.reason}`)
    out[k] = r
  }
  return out as CounterfactualConfigOptions
}

/** A field of the table: its check, and whether it names a source (checked before loading). */
type ViewField<T> = { readonly check: ViewCheck<T>; readonly source?: true }
const f = <T>(check: ViewCheck<T>): ViewField<T> => ({ check })
const src = <T>(check: ViewCheck<T>): ViewField<T> => ({ check, source: true })

/**
 * Every field a view state may hold, by dotted path. Objects on the way to a field (`explain`,
 * `explain.settings`) are walked; a key that no path names is dropped as unknown.
 */
export const VIEW_FIELDS = {
  v: src(oneOf([1] as const)),
  'src.model': src(sourceUrl),
  'src.data': src(sourceUrl),
  'src.schema': src(sourceUrl),
  'src.challenger': src(sourceUrl),
  classIndex: src(nullOr(inBound(ViewLimits.classIndex))),
  localFiles: src(bool),
  localChallenger: f(bool),
  show: f(oneOf(['challenger'] as const)),
  threshold: f(inBound(ViewLimits.threshold)),
  tab: f(oneOfCtx((c) => c.tabs, 'tab')),
  'cohort.text': f(text(COHORT_TEXT_MAX)),
  'cohort.restrict': f(bool),
  'explain.row': f(orValue(-1, dataRow)),
  'explain.settings.background.kind': f(oneOf(BACKGROUND_KINDS)),
  'explain.settings.background.k': f(inBound(ViewLimits.backgroundK)),
  'explain.settings.budget': f(inBound(ViewLimits.budget)),
  'explain.settings.seed': f(inBound(ViewLimits.seed)),
  'explain.settings.shap': f(bool),
  'explain.settings.igSteps': f(orValue('auto', orValue(0, inBound(ViewLimits.igSteps)))),
  'explain.settings.igMethod': f(oneOf(IG_RULES)),
  'explain.settings.igBaseline': f(igBaseline),
  'explain.settings.counterfactuals': f(orValue(0, inBound(ViewLimits.counterfactuals))),
  'explain.settings.threshold': f(inBound(ViewLimits.threshold)),
  'explain.settings.counterfactualConstraints': f(cfConstraints),
  'explain.settings.fastPath': f(bool),
  'explain.settings.treeShap': f(listOf(oneOf(TREE_SHAP_KINDS))),
  'explain.globalN': f(inBound(ViewLimits.globalN)),
  'explain.dependenceFeature': f(nullOr(featureIndex)),
  'explain.dependenceColor': f(nullOr(orValue(-1, featureIndex))),
  dataRow: f(nullOr(dataRow)),
  'calibration.strategy': f(oneOf(['width', 'mass'] as const)),
  'calibration.nBins': f(inBound(ViewLimits.calibrationBins)),
  'calibration.groupAttr': f(nullOr(sensitiveName)),
  'fairness.attrs': f(listOf(sensitiveName)),
  'compression.ids': f(listOf(oneOf(QUANT_SCHEME_IDS))),
  'compression.calibrationRows': f(inBound(ViewLimits.calibrationRows)),
  'compression.shapRows': f(inBound(ViewLimits.shapRows)),
  'compression.tolerance': f(inBound(ViewLimits.tolerance)),
  backend: f(nullOr(oneOfCtx((c) => c.backends, 'backend'))),
  'monitoring.seed': f(inBound(ViewLimits.seed)),
  'monitoring.selectedFeature': f(nullOr(featureName)),
  'monitoring.sort.key': f(oneOf(DriftSortKeys)),
  'monitoring.sort.dir': f(oneOf(['asc', 'desc'] as const)),
  'monitoring.histMode': f(oneOf(['histogram', 'psi'] as const)),
} as const

/** A path of {@link VIEW_FIELDS}. */
export type ViewFieldPath = keyof typeof VIEW_FIELDS
type Checked<F> = F extends ViewField<infer T> ? T : never
/** The accepted fields, by path (a path absent: not given, or dropped). */
export type ViewAccepted = { -readonly [K in ViewFieldPath]?: Checked<(typeof VIEW_FIELDS)[K]> }
/** A refused field: its dotted path and why. */
export type ViewDropped = { field: string; reason: string }
/** What {@link viewStateValidate} found. */
export type ViewValidation = { accepted: ViewAccepted; dropped: ViewDropped[] }

const PATHS = Object.keys(VIEW_FIELDS) as ViewFieldPath[]
const isPath = (p: string): p is ViewFieldPath =>
  Object.prototype.hasOwnProperty.call(VIEW_FIELDS, p)
const isContainer = (p: string) => PATHS.some((k) => k.startsWith(`${p}.`))

/**
 * Checks `raw` (anything: parsed JSON of unknown origin) field by field against
 * {@link VIEW_FIELDS} in the loaded session's `ctx`. Never throws. A field that is absent is
 * neither accepted nor dropped; an unknown key, a wrong type, a value out of bounds or a name the
 * schema lacks is dropped with its reason. `only: 'source'` checks the source fields alone (a
 * link's URLs, before anything is fetched).
 * @example viewStateValidate({ v: 1, threshold: 7 }, ctx).dropped
 * // [{ field: 'threshold', reason: '7 is above the maximum 1' }]
 */
export function viewStateValidate(raw: unknown, ctx: ViewContext, only?: 'source'): ViewValidation {
  const accepted = dict<unknown>()
  const dropped: ViewDropped[] = []
  if (!isRecord(raw)) {
    dropped.push({ field: '(view state)', reason: `${viewValueText(raw)} is not an object` })
    return { accepted: accepted as ViewAccepted, dropped }
  }
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, v] of Object.entries(obj)) {
      const path = prefix + key
      if (isPath(path)) {
        const field: ViewField<unknown> = VIEW_FIELDS[path]
        if (only === 'source' && !field.source) continue
        const r = field.check(v, ctx)
        if (r instanceof ViewDrop) dropped.push({ field: path, reason: r.reason })
        else accepted[path] = r
      } else if (isContainer(path)) {
        if (isRecord(v)) walk(v, `${path}.`)
        else if (only !== 'source' || path === 'src')
          dropped.push({ field: path, reason: `${viewValueText(v)} is not an object` })
      } else if (only !== 'source') {
        dropped.push({ field: path, reason: 'is not a field of the view state' })
      }
    }
  }
  walk(raw, '')
  return { accepted: accepted as ViewAccepted, dropped }
}

/**
 * One sentence naming every dropped field and why, for a notice; null when none was dropped.
 * `what` names the state's origin ("This link", "Session bundle x.zip").
 */
export function viewDroppedText(what: string, dropped: readonly ViewDropped[]): string | null {
  if (dropped.length === 0) return null
  const shown = dropped.slice(0, 12).map((d) => `${d.field} (${d.reason})`)
  const more = dropped.length > 12 ? `; and ${dropped.length - 12} more` : ''
  return `${what}: ${dropped.length === 1 ? 'a view setting was' : `${dropped.length} view settings were`} ignored — ${shown.join('; ')}${more}.`
}
