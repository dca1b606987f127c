/**
 * Constraints and scales of the counterfactual search, derived from the data and the user's
 * choices: which features may change (sensitive attributes never by default), in which
 * direction, within which range, on which grid (integers stay integers), to which categories,
 * and the per-feature scale of the proximity metric (MAD, or the std when the MAD is 0).
 */
import type { Matrix } from '../types.ts'
import type { Schema } from '../schema.ts'

/** Allowed direction of change of a numeric feature relative to the row's value. */
export type Direction = 'any' | 'increase' | 'decrease'

/** Everything the search needs to know about one feature. */
export type FeatureRule = {
  readonly name: string
  readonly kind: 'numeric' | 'categorical'
  readonly mutable: boolean
  /** Numeric only; categorical features ignore it. */
  readonly direction: Direction
  /** Numeric range of new values (default: the data's min and max). */
  readonly min: number
  readonly max: number
  /** New numeric values are multiples of `step` (1 for integral data columns); 0 = continuous. */
  readonly step: number
  /** Proximity scale: MAD of the column (std when the MAD is 0, 1 when both are); 1 for categorical. */
  readonly scale: number
  /** Category indices a categorical feature may take (default all of the schema's). */
  readonly allowed: Int32Array
  /** Candidate numeric values for the search: up to `gridSize` distinct data values, sorted. */
  readonly grid: Float64Array
}

/** The schema plus one rule per feature, in schema order. */
export type CounterfactualConfig = {
  readonly schema: Schema
  readonly features: readonly FeatureRule[]
}

/** User choices; every field is optional and keyed by feature name. */
export type CounterfactualConfigOptions = {
  /** Features that never change. Default: the schema's sensitive attributes that are features. */
  immutable?: readonly string[]
  directions?: Readonly<Record<string, Direction>>
  ranges?: Readonly<Record<string, { min?: number; max?: number }>>
  /** Step of new values; default 1 when every data value of the column is an integer, else 0. */
  steps?: Readonly<Record<string, number>>
  /** Allowed categories (names from the schema). */
  categories?: Readonly<Record<string, readonly string[]>>
  /** Candidate values per numeric feature for the search (default 24). */
  gridSize?: number
}

function median(sorted: Float64Array): number {
  const n = sorted.length
  if (n === 0) return 0
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
}

/**
 * Median absolute deviation of `col` (no 1.4826 consistency factor: DiCE's convention);
 * falls back to the standard deviation when it is 0, and to 1 when that is 0 too.
 */
export function featureScale(col: Float64Array): number {
  const s = Float64Array.from(col).sort()
  const m = median(s)
  const dev = Float64Array.from(s, (v) => Math.abs(v - m)).sort()
  const mad = median(dev)
  if (mad > 0) return mad
  let mean = 0
  for (const v of col) mean += v
  mean /= Math.max(1, col.length)
  let ss = 0
  for (const v of col) ss += (v - mean) ** 2
  const sd = Math.sqrt(ss / Math.max(1, col.length - 1))
  return sd > 0 ? sd : 1
}

/**
 * What the configuration needs of a numeric column: its row count, range, whether every value is
 * an integer, its distinct values ascending and its proximity scale (`featureScale`).
 */
export type NumericColumnStats = {
  readonly n: number
  readonly lo: number
  readonly hi: number
  readonly integral: boolean
  readonly distinct: Float64Array
  readonly scale: number
}

/** The stats of one column of values (`n` = 0: an unbounded range). */
export function numericColumnStats(col: Float64Array): NumericColumnStats {
  const n = col.length
  let lo = Infinity
  let hi = -Infinity
  let integral = true
  for (const v of col) {
    if (v < lo) lo = v
    if (v > hi) hi = v
    if (!Number.isInteger(v)) integral = false
  }
  if (n === 0) {
    lo = -Infinity
    hi = Infinity
  }
  const distinct = Float64Array.from(new Set(col)).sort()
  return { n, lo, hi, integral, distinct, scale: featureScale(col) }
}

/**
 * Builds the search configuration from the data's feature values (`EncodeResult.values`:
 * rows × features, numeric values and category indices).
 * @throws RangeError naming an unknown feature or category in the options.
 * @example counterfactualConfig(schema, enc.values, { directions: { age: 'increase' } })
 */
export function counterfactualConfig(
  schema: Schema,
  values: Matrix,
  opts: CounterfactualConfigOptions = {},
): CounterfactualConfig {
  const M = schema.features.length
  if (values.cols !== M)
    throw new RangeError(`the data has ${values.cols} columns, the schema has ${M} features`)
  const n = values.rows
  return counterfactualConfigOf(
    schema,
    (j) => {
      const col = new Float64Array(n)
      for (let r = 0; r < n; r++) col[r] = values.data[r * M + j]!
      return numericColumnStats(col)
    },
    opts,
  )
}

/**
 * The search configuration from each numeric feature's stats (`stats(j)` for schema feature j,
 * asked only of numeric features): from a data matrix (`counterfactualConfig`) or from exact
 * value counts merged over shards (./configOfCounts.ts).
 * @throws RangeError naming an unknown feature or category in the options.
 */
export function counterfactualConfigOf(
  schema: Schema,
  stats: (j: number) => NumericColumnStats,
  opts: CounterfactualConfigOptions = {},
): CounterfactualConfig {
  const names = new Set(schema.features.map((f) => f.name))
  const check = (
    rec: Readonly<Record<string, unknown>> | readonly string[] | undefined,
    what: string,
  ): void => {
    if (!rec) return
    for (const k of Array.isArray(rec) ? rec : Object.keys(rec)) {
      if (!names.has(k as string))
        throw new RangeError(`counterfactual ${what}: unknown feature "${String(k)}"`)
    }
  }
  check(opts.immutable, 'immutable')
  check(opts.directions, 'directions')
  check(opts.ranges, 'ranges')
  check(opts.steps, 'steps')
  check(opts.categories, 'categories')
  const immutable = new Set(opts.immutable ?? schema.sensitive)
  const gridSize = Math.max(2, opts.gridSize ?? 24)
  const features: FeatureRule[] = schema.features.map((f, j) => {
    const mutable = !immutable.has(f.name)
    if (f.type === 'categorical') {
      const wanted = opts.categories?.[f.name]
      let allowed: Int32Array
      if (wanted) {
        allowed = Int32Array.from(wanted, (c) => {
          const k = f.categories.indexOf(c)
          if (k < 0)
            throw new RangeError(`counterfactual categories: "${c}" is not a category of ${f.name}`)
          return k
        })
      } else allowed = Int32Array.from(f.categories, (_, k) => k)
      return {
        name: f.name,
        kind: 'categorical',
        mutable,
        direction: 'any',
        min: 0,
        max: f.categories.length - 1,
        step: 1,
        scale: 1,
        allowed,
        grid: new Float64Array(0),
      }
    }
    const st = stats(j)
    const { n, lo, hi, integral, scale } = st
    const range = opts.ranges?.[f.name]
    const min = range?.min ?? lo
    const max = range?.max ?? hi
    const step = opts.steps?.[f.name] ?? (integral && n > 0 ? 1 : 0)
    const distinct = st.distinct.filter((v) => v >= min && v <= max)
    let grid: Float64Array
    if (distinct.length <= gridSize) grid = distinct
    else {
      grid = new Float64Array(gridSize)
      for (let i = 0; i < gridSize; i++)
        grid[i] = distinct[Math.round((i * (distinct.length - 1)) / (gridSize - 1))]!
    }
    return {
      name: f.name,
      kind: 'numeric',
      mutable,
      direction: opts.directions?.[f.name] ?? 'any',
      min,
      max,
      step,
      scale,
      allowed: new Int32Array(0),
      grid,
    }
  })
  return { schema, features }
}

/** Snaps a numeric value to the rule's step (relative to 0) and clamps it to the range. */
export function ruleSnap(rule: FeatureRule, v: number): number {
  let out = rule.step > 0 ? Math.round(v / rule.step) * rule.step : v
  if (rule.step > 0 && Math.abs(out) < 1e15) out = Number(out.toPrecision(15))
  return Math.min(rule.max, Math.max(rule.min, out))
}

/** Whether `v` is an allowed new value of the feature for a row whose value is `orig`. */
export function ruleAllows(rule: FeatureRule, orig: number, v: number): boolean {
  if (v === orig) return true
  if (!rule.mutable) return false
  if (rule.kind === 'categorical') return rule.allowed.includes(v)
  if (v < rule.min || v > rule.max) return false
  if (rule.direction === 'increase' && v < orig) return false
  if (rule.direction === 'decrease' && v > orig) return false
  if (rule.step > 0) {
    const q = v / rule.step
    if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) return false
  }
  return true
}

/** Allowed numeric interval [lo, hi] of new values for a row whose value is `orig` (may be empty). */
export function ruleInterval(rule: FeatureRule, orig: number): [number, number] {
  let lo = rule.min
  let hi = rule.max
  if (rule.direction === 'increase') lo = Math.max(lo, orig)
  if (rule.direction === 'decrease') hi = Math.min(hi, orig)
  return [lo, hi]
}
