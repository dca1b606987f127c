/**
 * Data drift per schema feature between a reference and a current table: PSI (psi.ts) for
 * every feature; for numeric features the two-sample KS test and the Wasserstein-1 distance
 * (ks.ts); for categorical features the chi-squared test on the reference-categories + "unseen"
 * bins and the list of new categories. p-values are Holm-adjusted across all features.
 *
 * Flags: `drifted` = PSI > 0.2 or Holm-adjusted p < 0.05; `watch` = 0.1 < PSI ≤ 0.2 (and not
 * drifted). With many rows the tests find tiny shifts significant, so the UI should show why a
 * feature is flagged (`reasons`).
 */
import { DataError, parseNumericCell } from '../encode.ts'
import type { Schema } from '../schema.ts'
import { type Table, tableColumn } from '../table.ts'
import { chiSquare } from './chiSquare.ts'
import { ksTwoSample, wasserstein1 } from './ks.ts'
import { type PsiBins, PSI_DRIFT, PSI_WATCH, psiCategorical, psiNumeric } from './psi.ts'
import { holm } from './special.ts'

/** Significance level of the Holm-adjusted tests. */
export const DRIFT_ALPHA = 0.05

/** An equal-width histogram of both samples on a shared range (for overlaid charts). */
export type DriftHistogram = {
  /** Bin edges, ascending, length bins + 1; the last bin is closed on both sides. */
  edges: number[]
  refShares: number[]
  curShares: number[]
}

/** Drift of one feature. */
export type FeatureDrift = {
  feature: string
  kind: 'numeric' | 'categorical'
  /** Population stability index (≥ 0) over `bins`. */
  psi: number
  /** Bins behind the PSI: decile bins (numeric) or categories + "unseen" (categorical). */
  bins: PsiBins
  /** KS statistic in [0, 1] (numeric); null for categorical. */
  ks: number | null
  /** Wasserstein-1 distance in the feature's units (numeric); null for categorical. */
  wasserstein: number | null
  /** Chi-squared statistic over `bins` (categorical); null for numeric. */
  chi2: number | null
  /** Degrees of freedom of the chi-squared test; null for numeric. */
  dof: number | null
  /** Raw p-value of the KS (numeric) or chi-squared (categorical) test. */
  pValue: number
  /** Holm-adjusted p-value across every feature of the comparison. */
  pAdjusted: number
  /** PSI > 0.2 or pAdjusted < 0.05. */
  drifted: boolean
  /** 0.1 < PSI ≤ 0.2 and not drifted. */
  watch: boolean
  /** Why `drifted` is set: 'psi' (PSI > 0.2) and/or 'test' (pAdjusted < 0.05). */
  reasons: ('psi' | 'test')[]
  /** Current values the reference does not have, most frequent first ([] for numeric). */
  newCategories: string[]
  /** Numeric only: 20 equal-width bins over the pooled range; null for categorical. */
  histogram: DriftHistogram | null
  /** Mean of each side (numeric); null for categorical. */
  refMean: number | null
  curMean: number | null
  nRef: number
  nCur: number
}

/** Options of {@link featureDrift}. */
export type FeatureDriftOptions = {
  /** Significance level after Holm (default 0.05). */
  alpha?: number
  /** Equal-width histogram bins for numeric features (default 20). */
  histogramBins?: number
}

/**
 * The numeric values of `feature` in `table`.
 * @throws DataError when the column is missing or a cell is not a finite number.
 */
export function tableNumericColumn(
  table: Table,
  feature: string,
  source = 'the data',
): Float64Array {
  const col = tableColumn(table, feature)
  if (!col)
    throw new DataError(`${source}: missing feature column "${feature}" required by the schema`)
  const parsed = col.values.map(parseNumericCell)
  const out = new Float64Array(table.nRows)
  for (let i = 0; i < table.nRows; i++) {
    const v = parsed[col.codes[i]!]
    if (v === null || v === undefined) {
      const raw = col.values[col.codes[i]!]!
      throw new DataError(
        `${source}: column "${feature}", row ${i}: ${raw === '' ? 'empty cell' : `value "${raw}"`} is not a finite number`,
      )
    }
    out[i] = v
  }
  return out
}

/**
 * Value → row count of a categorical column (cell texts as in the CSV, trimmed; '' included).
 * @throws DataError when the column is missing.
 */
export function tableValueCounts(
  table: Table,
  feature: string,
  source = 'the data',
): Map<string, number> {
  const col = tableColumn(table, feature)
  if (!col)
    throw new DataError(`${source}: missing feature column "${feature}" required by the schema`)
  const perCode = new Float64Array(col.values.length)
  for (let i = 0; i < table.nRows; i++) perCode[col.codes[i]!]!++
  const out = new Map<string, number>()
  col.values.forEach((v, code) => {
    if (perCode[code]! > 0) out.set(v, perCode[code]!)
  })
  return out
}

/**
 * Shares of both samples in `bins` equal-width bins over [min, max] of the pooled values
 * (one bin around the value when every value is the same).
 */
export function driftHistogram(
  ref: ArrayLike<number>,
  cur: ArrayLike<number>,
  bins = 20,
): DriftHistogram {
  let lo = Infinity
  let hi = -Infinity
  for (const s of [ref, cur]) {
    for (let i = 0; i < s.length; i++) {
      lo = Math.min(lo, s[i]!)
      hi = Math.max(hi, s[i]!)
    }
  }
  const frame = driftHistogramFrame(lo, hi, bins)
  const shares = (s: ArrayLike<number>): number[] => {
    const c = new Array<number>(frame.bins).fill(0)
    for (let i = 0; i < s.length; i++) c[driftHistogramBin(frame, s[i]!)]!++
    return c.map((v) => (s.length ? v / s.length : 0))
  }
  return { edges: frame.edges, refShares: shares(ref), curShares: shares(cur) }
}

/** The bins of a `driftHistogram`: `bins` equal widths from lo, edges ascending. */
export type DriftHistogramFrame = { lo: number; width: number; bins: number; edges: number[] }

/**
 * `driftHistogram`'s bins over [lo, hi] of the pooled values: `bins` equal-width bins, or one
 * bin of width 1 around the value when hi ≤ lo (every value equal, or none: centred on 0).
 */
export function driftHistogramFrame(lo: number, hi: number, bins: number): DriftHistogramFrame {
  if (!(hi > lo)) {
    const c = Number.isFinite(lo) ? lo : 0
    lo = c - 0.5
    hi = c + 0.5
    bins = 1
  }
  const width = (hi - lo) / bins
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width))
  return { lo, width, bins, edges }
}

/** The bin of value v (the last bin is closed on both sides). */
export function driftHistogramBin(frame: DriftHistogramFrame, v: number): number {
  return Math.min(frame.bins - 1, Math.floor((v - frame.lo) / frame.width))
}

const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length

/**
 * Per-feature drift of `cur` against `ref`, in schema order (see module doc for the flags).
 * Categorical values are compared as the CSV's texts, so an unknown or empty value is a
 * category of its own (it is "unseen" unless the reference has it too).
 * @throws DataError when a feature column is missing or a numeric cell is not a finite number;
 *   RangeError when a table has no rows.
 * @example featureDrift(schema, referenceTable, currentTable).filter((f) => f.drifted)
 */
export function featureDrift(
  schema: Schema,
  ref: Table,
  cur: Table,
  opts: FeatureDriftOptions & { refSource?: string; curSource?: string } = {},
): FeatureDrift[] {
  if (ref.nRows === 0 || cur.nRows === 0)
    throw new RangeError('the reference and the current data need at least one row each')
  const alpha = opts.alpha ?? DRIFT_ALPHA
  const rs = opts.refSource ?? 'the reference data'
  const cs = opts.curSource ?? 'the current data'
  const partial = schema.features.map((f) => {
    if (f.type === 'numeric') {
      const a = tableNumericColumn(ref, f.name, rs)
      const b = tableNumericColumn(cur, f.name, cs)
      const ks = ksTwoSample(a, b)
      return {
        feature: f.name,
        kind: 'numeric' as const,
        bins: psiNumeric(a, b),
        ks: ks.statistic,
        wasserstein: wasserstein1(a, b),
        chi2: null,
        dof: null,
        pValue: ks.pValue,
        newCategories: [],
        histogram: driftHistogram(a, b, opts.histogramBins ?? 20),
        refMean: mean(a),
        curMean: mean(b),
      }
    }
    return categoricalDriftTests(
      f.name,
      tableValueCounts(ref, f.name, rs),
      tableValueCounts(cur, f.name, cs),
      f.categories,
    )
  })
  return featureDriftFlags(partial, ref.nRows, cur.nRows, alpha)
}

/**
 * A categorical feature's tests from its value → row count maps: PSI over the reference's
 * categories (in `categories`' order first) + "unseen", and the chi-squared test on those bins.
 */
export function categoricalDriftTests(
  feature: string,
  ref: ReadonlyMap<string, number>,
  cur: ReadonlyMap<string, number>,
  categories: readonly string[],
): FeatureDriftTests {
  const { newCategories, ...bins } = psiCategorical(ref, cur, categories)
  const test = chiSquare([bins.refCounts, bins.curCounts])
  return {
    feature,
    kind: 'categorical',
    bins,
    ks: null,
    wasserstein: null,
    chi2: test.statistic,
    dof: test.dof,
    pValue: test.pValue,
    newCategories,
    histogram: null,
    refMean: null,
    curMean: null,
  }
}

/** A feature's drift before the flags: what `featureDriftFlags` completes. */
export type FeatureDriftTests = Omit<
  FeatureDrift,
  'psi' | 'pAdjusted' | 'drifted' | 'watch' | 'reasons' | 'nRef' | 'nCur'
>

/**
 * Completes per-feature tests into `FeatureDrift`s: Holm-adjusts the p-values across all of them
 * and sets psi, `drifted`, `watch` and `reasons` (see the module doc). Shared by `featureDrift` and
 * the streamed audit (src/core/stream), so that both flag alike.
 */
export function featureDriftFlags(
  partial: readonly FeatureDriftTests[],
  nRef: number,
  nCur: number,
  alpha = DRIFT_ALPHA,
): FeatureDrift[] {
  const adjusted = holm(partial.map((p) => p.pValue))
  return partial.map((p, i): FeatureDrift => {
    const psi = p.bins.psi
    const pAdjusted = adjusted[i]!
    const reasons: ('psi' | 'test')[] = []
    if (psi > PSI_DRIFT) reasons.push('psi')
    if (pAdjusted < alpha) reasons.push('test')
    return {
      ...p,
      psi,
      pAdjusted,
      drifted: reasons.length > 0,
      watch: reasons.length === 0 && psi > PSI_WATCH,
      reasons,
      nRef,
      nCur,
    }
  })
}
