/**
 * One call for the per-row explanations of the report (contracts §4 `explanations`): SHAP,
 * integrated gradients and counterfactuals for chosen data rows, with the §3 settings. The CLI
 * calls it directly; the worker can too. Sections whose work was not asked for are absent.
 */
import type { CheckCancel, GradFn, Matrix, ProgressFn } from './types.ts'
import type { Schema } from './schema.ts'
import { type ModelInputMap, modelInputMap } from './modelInput.ts'
import { rngFromSeed, rngSplit } from './random.ts'
import { type Background, type BackgroundSpec, backgroundSeeded } from './shap/background.ts'
import type { RowTreeShap, TreeShapKind } from './tree/explain.ts'
import { type BatchModel, predictRows } from './shap/coalitions.ts'
import { shapExplain } from './shap/shap.ts'
import { type ShapPathChoice, type ShapPathSetting, shapPathChoose } from './shap/pathChoice.ts'
import type { FastModel } from './shap/fast/model.ts'
import { type IgBaseline, igExplain } from './attribution/ig.ts'
import type { IgRule } from './attribution/quadrature.ts'
import { type IgRefinement, igRefinementOf } from './attribution/igRefinement.ts'
import {
  type CounterfactualConfig,
  type CounterfactualConfigOptions,
  counterfactualConfig,
} from './counterfactual/config.ts'
import { counterfactualSearch } from './counterfactual/search.ts'
import { dict } from './dict.ts'

/** Report settings that drive the explanations (contracts §3 defaults in brackets). */
export type ExplainSettings = {
  /** [first:50] */
  background: BackgroundSpec
  /** [4096] */
  budget: number
  /** [1] */
  seed: number
  /** [true] */
  shap: boolean
  /** 'auto' = 64 refined by doubling; 0 = no IG; a number = fixed steps. ['auto'] */
  igSteps: number | 'auto'
  /** ['midpoint'] */
  igMethod: IgRule
  /** 'mean' | 'zeros' | 'row:N' | 'expected' ['mean'] */
  igBaseline: string
  /** Answers per row; 0 = none. [4] */
  counterfactuals: number
  /** [0.5] */
  threshold: number
  /** Constraints of the counterfactual search (default: sensitive attributes immutable). */
  counterfactualConstraints?: CounterfactualConfigOptions
  /**
   * Use `ExplainInput.fast` for SHAP when the input carries one (absent = true); false = always
   * the black-box path through `predict`.
   */
  fastPath?: boolean
  /**
   * How the SHAP path is chosen when `fastPath` is not false: `auto` (absent) times one row on
   * the Dense fast path and on the black box and uses the faster (src/core/shap/pathChoice.ts);
   * `fast` / `blackBox` force one.
   */
  shapPath?: ShapPathSetting
  /**
   * Automatic IG refinement's tolerance and cap (contracts §2: 1e-3, 4096); for tests and
   * studies — the CLI and the UI keep the contract's.
   */
  igTolerance?: number
  igMaxSteps?: number
  /**
   * TreeSHAP flavours for tree models (CLI `--tree-shap`); absent = every flavour the model
   * offers, [] = none. Ignored for models without `ExplainInput.treeShap`.
   */
  treeShap?: readonly TreeShapKind[]
}

/** The §3 defaults. */
export const EXPLAIN_DEFAULTS: ExplainSettings = {
  background: { kind: 'first', k: 50 },
  budget: 4096,
  seed: 1,
  shap: true,
  igSteps: 'auto',
  igMethod: 'midpoint',
  igBaseline: 'mean',
  counterfactuals: 4,
  threshold: 0.5,
}

/** One row's entry of the report's `explanations` (absent keys = not asked for). */
export type RowExplanation = {
  prediction: number
  baseValue?: number
  exact?: boolean
  shap?: Record<string, number>
  shapStdErr?: Record<string, number> | null
  /** TreeSHAP of the margin (tree models, contracts §7), beside the probability-space `shap`. */
  treeShap?: RowTreeShap
  ig?: Record<string, number>
  igSteps?: number
  igCompletenessGap?: number
  /** How automatic IG refinement ended on this row (absent for a fixed number of steps). */
  igRefinement?: IgRefinement
  /** The SHAP path that computed `shap`, why the fast path was skipped, and the timings. */
  shapPath?: ShapPathChoice
  /**
   * The background SHAP / IG used (the same for every row of a run): 0-based data rows — for
   * `kmeans:K` the medoid rows — and their weights (sum 1).
   */
  background?: { kind: Background['kind']; rows: number[]; weights: number[] }
  counterfactuals?: {
    changes: Record<string, number | string>
    prediction: number
    valid: boolean
    nChanged: number
    proximity: number
  }[]
  diversity?: number | null
  noneReason?: string | null
}

/**
 * Counterfactual configurations by data matrix, then by schema and constraints: building one
 * copies and sorts every feature column (≈ 1 s and 170 MiB at a million rows), and a session
 * asks for the same one on every explanation. Entries go with their matrix (WeakMap).
 */
const configCache = new WeakMap<Matrix, Map<string, CounterfactualConfig>>()

export function counterfactualConfigCached(
  schema: Schema,
  values: Matrix,
  opts: CounterfactualConfigOptions | undefined,
): CounterfactualConfig {
  let bySettings = configCache.get(values)
  if (!bySettings) configCache.set(values, (bySettings = new Map()))
  const key = JSON.stringify([schema, opts ?? null])
  let cfg = bySettings.get(key)
  if (!cfg) {
    cfg = counterfactualConfig(schema, values, opts)
    if (bySettings.size >= 4) bySettings.delete(bySettings.keys().next().value!)
    bySettings.set(key, cfg)
  }
  return cfg
}

/** The data the explanations need. */
export type ExplainInput = {
  schema: Schema
  /** The model's input rows of the data (EncodeResult.x in `encoded` mode). */
  x: Matrix
  /** Feature values of the data rows (EncodeResult.values). */
  values: Matrix
  predict: BatchModel
  /** Needed when IG is asked for. */
  grad?: GradFn
  /** f of every data row if known (seeds the counterfactual search; computed when absent). */
  predictions?: ArrayLike<number>
  /**
   * The same model as a dense first layer plus tail (`fastModelFromArtifacts`), for exact SHAP
   * without model calls; used unless `settings.fastPath` is false. null = black box only.
   */
  fast?: FastModel | null
  /** Why `fast` is null (the fast path's detection or verification said so), for the report. */
  fastUnavailable?: string | null
  /**
   * How feature values become model rows and which inputs each player owns (counterfactuals,
   * SHAP, IG); default: the schema's §1 encoding.
   */
  input?: ModelInputMap
  /**
   * The background, when chosen elsewhere (a streamed audit picks it by global row index from
   * rows `x` does not all hold); default: `settings.background` drawn from `x`.
   */
  background?: Background
  /**
   * The counterfactual search's configuration and the data rows it seeds from (feature values
   * and f per row), when they come from elsewhere (a streamed audit: the configuration from exact
   * counts over all rows, the seeds from a sample); default: built from `values` and
   * `predictions`.
   */
  counterfactual?: {
    config: CounterfactualConfig
    values: Matrix
    predictions: ArrayLike<number>
  }
  /**
   * TreeSHAP of rows of model inputs against the background (tree models: the session's); the
   * kinds it does not offer are left out of its rows.
   */
  treeShap?: TreeShapExplain
  /**
   * Why the model has no gradients (ONNX, XGBoost): IG is then skipped and its rows have no `ig`,
   * whatever `settings.igSteps` says. Absent/null: IG needs `grad`.
   */
  igUnavailable?: string | null
}

/** Per-row TreeSHAP of model-input rows against a background, for the kinds asked. */
export type TreeShapExplain = (
  x: Matrix,
  background: Background,
  kinds: readonly TreeShapKind[],
) => Promise<RowTreeShap[]>

/** The TreeSHAP kinds a run asks for: the settings', or every kind (the model drops those it lacks). */
export const treeShapKindsOf = (s: Pick<ExplainSettings, 'treeShap'>): readonly TreeShapKind[] =>
  s.treeShap ?? ['interventional', 'pathDependent']

/** Parses `mean | zeros | row:N | expected` into an IG baseline. */
export function igBaselineParse(spec: string, x: Matrix): IgBaseline {
  if (spec === 'mean' || spec === 'zeros' || spec === 'expected') return { kind: spec }
  const m = /^row:(\d+)$/.exec(spec)
  if (m) {
    const r = Number(m[1])
    if (r >= x.rows)
      throw new RangeError(`IG baseline row ${r} is outside the data (0..${x.rows - 1})`)
    return { kind: 'row', x: x.data.subarray(r * x.cols, (r + 1) * x.cols) }
  }
  throw new RangeError(`unknown IG baseline "${spec}" (mean, zeros, row:N or expected)`)
}

const named = (names: readonly string[], v: ArrayLike<number>): Record<string, number> =>
  Object.fromEntries(names.map((n, i) => [n, v[i]!]))

/**
 * Explanations of data rows `rows` (0-based), keyed by row number as a string.
 * Progress is reported in per-mille of the whole job (SHAP 60 %, IG 20 %, counterfactuals 20 %).
 * @example const ex = await explainRows(input, [5, 17], EXPLAIN_DEFAULTS)
 */
export async function explainRows(
  input: ExplainInput,
  rows: readonly number[],
  settings: ExplainSettings = EXPLAIN_DEFAULTS,
  hooks: {
    onProgress?: ProgressFn
    checkCancel?: CheckCancel
    chunkRows?: number
    /** Told the background the explanations use (when one is needed). */
    onBackground?: (bg: Background) => void
  } = {},
): Promise<Record<string, RowExplanation>> {
  const { schema, x } = input
  const w = x.cols
  for (const r of rows)
    if (!(Number.isInteger(r) && r >= 0 && r < x.rows))
      throw new RangeError(`row ${r} is outside the data (0..${x.rows - 1})`)
  const names = schema.features.map((f) => f.name)
  const inputMap = input.input ?? modelInputMap(schema)
  const offsets = inputMap.offsets
  const rng = rngFromSeed(settings.seed)
  rngSplit(rng) // the background's stream (backgroundSeeded draws the same one)
  const shapRng = rngSplit(rng)
  const cfRng = rngSplit(rng)
  const sub =
    x.data instanceof Float64Array
      ? new Float64Array(rows.length * w)
      : new Float32Array(rows.length * w)
  rows.forEach((r, i) => sub.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  const xs: Matrix = { data: sub, rows: rows.length, cols: w }
  const report =
    (lo: number, hi: number): ProgressFn =>
    (d, t) =>
      hooks.onProgress?.(Math.round(lo + ((hi - lo) * d) / Math.max(1, t)), 1000)
  const cc = {
    ...(hooks.checkCancel ? { checkCancel: hooks.checkCancel } : {}),
    ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
  }
  const treeKinds = input.treeShap ? treeShapKindsOf(settings) : []
  const needBg =
    settings.shap ||
    treeKinds.length > 0 ||
    (settings.igSteps !== 0 &&
      (settings.igBaseline === 'mean' || settings.igBaseline === 'expected'))
  const bg = needBg
    ? (input.background ?? backgroundSeeded(x, settings.background, settings.seed))
    : null

  if (bg) hooks.onBackground?.(bg)
  const out = dict<RowExplanation>()
  const preds = await predictRows(input.predict, xs)
  const bgUsed = bg && { kind: bg.kind, rows: Array.from(bg.rows), weights: Array.from(bg.weights) }
  rows.forEach(
    (r, i) =>
      (out[String(r)] = { prediction: preds[i]!, ...(bgUsed ? { background: bgUsed } : {}) }),
  )

  if (settings.shap && bg) {
    const choice = await shapPathChoose(input.predict, input.fast ?? null, xs, bg, {
      offsets,
      budget: settings.budget,
      setting: settings.fastPath === false ? 'blackBox' : (settings.shapPath ?? 'auto'),
      fastUnavailable: input.fastUnavailable ?? null,
      ...(hooks.chunkRows ? { chunkRows: hooks.chunkRows } : {}),
    })
    const fast = choice.path === 'fast' ? (input.fast ?? null) : null
    const res = await shapExplain(input.predict, xs, bg, {
      ...(fast ? { fast } : {}),
      offsets,
      budget: settings.budget,
      rng: shapRng,
      onProgress: report(0, 600),
      ...cc,
    })
    res.forEach((s, i) => {
      const e = out[String(rows[i])]!
      e.baseValue = s.baseValue
      e.exact = s.exact
      e.shap = named(names, s.phi)
      e.shapStdErr = s.stdErr ? named(names, s.stdErr) : null
      e.shapPath = choice
    })
  }
  if (input.treeShap && treeKinds.length > 0 && bg) {
    const res = await input.treeShap(xs, bg, treeKinds)
    res.forEach((t, i) => {
      if (t.interventional || t.pathDependent) out[String(rows[i])]!.treeShap = t
    })
  }
  if (settings.igSteps !== 0 && (input.grad || !input.igUnavailable)) {
    if (!input.grad) throw new RangeError('integrated gradients need a gradient function')
    const base = igBaselineParse(settings.igBaseline, x)
    const opts = {
      offsets,
      rule: settings.igMethod,
      baseline: base,
      onProgress: report(600, 800),
      ...cc,
    }
    const res = await igExplain(input.grad, input.predict, xs, {
      ...opts,
      ...(bg ? { background: bg } : {}),
      ...(settings.igSteps === 'auto' ? {} : { steps: settings.igSteps }),
      ...(settings.igTolerance !== undefined ? { tolerance: settings.igTolerance } : {}),
      ...(settings.igMaxSteps !== undefined ? { maxSteps: settings.igMaxSteps } : {}),
    })
    res.forEach((g, i) => {
      const e = out[String(rows[i])]!
      e.ig = named(names, g.ig)
      e.igSteps = g.steps
      e.igCompletenessGap = g.completenessGap
      if (settings.igSteps === 'auto')
        e.igRefinement = igRefinementOf(g, settings.igTolerance ?? 1e-3)
    })
  }
  if (settings.counterfactuals > 0) {
    const given = input.counterfactual
    const cfg =
      given?.config ??
      counterfactualConfigCached(schema, input.values, settings.counterfactualConstraints)
    const data = given
      ? { values: given.values, predictions: given.predictions }
      : {
          values: input.values,
          predictions: input.predictions ?? (await predictRows(input.predict, x)),
        }
    const M = schema.features.length
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!
      const set = await counterfactualSearch(
        input.predict,
        cfg,
        input.values.data.subarray(r * M, (r + 1) * M),
        {
          k: settings.counterfactuals,
          threshold: settings.threshold,
          rng: rngSplit(cfRng),
          data,
          input: inputMap,
          ...cc,
        },
      )
      const e = out[String(r)]!
      e.counterfactuals = set.counterfactuals.map((a) => ({
        changes: a.changes,
        prediction: a.prediction,
        valid: a.valid,
        nChanged: a.nChanged,
        proximity: a.proximity,
      }))
      e.diversity = set.diversity
      e.noneReason = set.noneReason
      report(800, 1000)(i + 1, rows.length)
    }
  }
  hooks.onProgress?.(1000, 1000)
  return out
}
