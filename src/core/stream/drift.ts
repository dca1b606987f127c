/**
 * The mergeable state behind the report's `drift` section, one per side (reference, current):
 * per numeric feature the exact counts of its values, per categorical feature the count of each
 * cell text, and the exact counts of the predictions. From two sides, `driftOfSides` gives the
 * per-feature drift (PSI on the reference deciles, KS + p-value, Wasserstein, chi² over the
 * reference categories + "unseen", Holm-adjusted flags) and the prediction drift exactly as
 * `featureDrift` and `predictionDrift` give them, and the section as `driftReportSection` does.
 * The out-of-distribution share needs passes of its own (see ood.ts) and is passed in.
 *
 * State per side: 12 bytes per distinct value of each numeric feature and of the predictions
 * (float64 key + uint32 count; 8 when the values are float32), plus one entry per category.
 */
import {
  DRIFT_ALPHA,
  type FeatureDrift,
  type FeatureDriftTests,
  categoricalDriftTests,
  featureDriftFlags,
} from '../drift/features.ts'
import type { PredictionDrift } from '../drift/prediction.ts'
import { type DriftSection, driftReportSection } from '../drift/report.ts'
import { DataError, parseNumericCell } from '../encode.ts'
import type { Scores } from '../metrics.ts'
import { type Table, tableColumn } from '../table.ts'
import { readArray, readCount, readObject, readString } from './codec.ts'
import { ValueCounts, type ValueCountsJson } from './counts.ts'
import {
  driftHistogramOfCounts,
  ksOfCounts,
  meanOfCounts,
  predictionDriftOfCounts,
  psiNumericOfCounts,
  wasserstein1OfCounts,
} from './driftCounts.ts'

/** A schema feature as drift sees it (categories = the schema's order for the PSI bins). */
export type DriftFeatureSpec = {
  name: string
  kind: 'numeric' | 'categorical'
  categories: string[]
}

/** `DriftSide.toJSON`'s shape, features in spec order. */
export type DriftSideJson = {
  rows: number
  numeric: [string, ValueCountsJson][]
  categorical: [string, [string, number][]][]
  predictions: ValueCountsJson
}

/**
 * One side's drift counts (see the module doc).
 * @example
 * const cur = new DriftSide(specs)
 * cur.add(chunkTable, chunkPredictions, firstRow, 'current.parquet')
 */
export class DriftSide {
  readonly features: readonly DriftFeatureSpec[]
  private readonly numeric = new Map<string, ValueCounts>()
  private readonly categorical = new Map<string, Map<string, number>>()
  private readonly predictions = new ValueCounts(1)
  private n = 0

  constructor(features: readonly DriftFeatureSpec[]) {
    this.features = features.map((f) => ({ ...f, categories: [...f.categories] }))
    for (const f of this.features) {
      if (this.numeric.has(f.name) || this.categorical.has(f.name))
        throw new RangeError(`the drift counts: feature "${f.name}" is listed twice`)
      if (f.kind === 'numeric') this.numeric.set(f.name, new ValueCounts(1))
      else this.categorical.set(f.name, new Map())
    }
  }

  /** Rows added. */
  get rows(): number {
    return this.n
  }

  /**
   * Adds a chunk: its table (one row per data row; feature columns by name) and the model's
   * predictions for those rows.
   * @throws DataError naming `source`, the column and the global row when a feature column is
   *   missing or a numeric cell is not a finite number; RangeError on a length mismatch. Nothing
   *   is added then.
   */
  add(table: Table, p: Scores, firstRow: number, source = 'the data'): void {
    if (p.length !== table.nRows)
      throw new RangeError(`the drift counts: ${table.nRows} rows but ${p.length} predictions`)
    const parsed: [ValueCounts, Float64Array][] = []
    const counted: [Map<string, number>, Map<string, number>][] = []
    for (const f of this.features) {
      const col = tableColumn(table, f.name)
      if (!col)
        throw new DataError(`${source}: missing feature column "${f.name}" required by the schema`)
      if (f.kind === 'numeric') {
        const perCode = col.values.map(parseNumericCell)
        const out = new Float64Array(table.nRows)
        for (let i = 0; i < table.nRows; i++) {
          const v = perCode[col.codes[i]!]
          if (v === null || v === undefined) {
            const raw = col.values[col.codes[i]!]!
            throw new DataError(
              `${source}: column "${f.name}", row ${firstRow + i}: ${raw === '' ? 'empty cell' : `value "${raw}"`} is not a finite number`,
            )
          }
          out[i] = v
        }
        parsed.push([this.numeric.get(f.name)!, out])
      } else {
        const perCode = new Float64Array(col.values.length)
        for (let i = 0; i < table.nRows; i++) perCode[col.codes[i]!]!++
        const m = new Map<string, number>()
        col.values.forEach((v, code) => {
          if (perCode[code]! > 0) m.set(v, (m.get(v) ?? 0) + perCode[code]!)
        })
        counted.push([this.categorical.get(f.name)!, m])
      }
    }
    this.predictions.add(p, undefined, 'predictions')
    for (const [counts, values] of parsed) counts.add(values)
    for (const [into, m] of counted) for (const [v, c] of m) into.set(v, (into.get(v) ?? 0) + c)
    this.n += table.nRows
  }

  /** Adds `other`'s counts (same features) into this side: exact and commutative. */
  merge(other: DriftSide): void {
    const names = (s: DriftSide) => s.features.map((f) => `${f.name}:${f.kind}`).join('\u0000')
    if (names(other) !== names(this))
      throw new RangeError('the drift counts: cannot merge sides with different features')
    for (const [name, c] of other.numeric) this.numeric.get(name)!.merge(c)
    for (const [name, m] of other.categorical) {
      const into = this.categorical.get(name)!
      for (const [v, c] of m) into.set(v, (into.get(v) ?? 0) + c)
    }
    this.predictions.merge(other.predictions)
    this.n += other.n
  }

  /** Exact counts of a numeric feature's values. */
  numericCounts(name: string): ValueCounts | undefined {
    return this.numeric.get(name)
  }

  /** Count of each cell text of a categorical feature. */
  categoryCounts(name: string): ReadonlyMap<string, number> | undefined {
    return this.categorical.get(name)
  }

  /** Exact counts of the predictions. */
  predictionCounts(): ValueCounts {
    return this.predictions
  }

  /** The serialized side; categories sorted by text (code-unit order). */
  toJSON(): DriftSideJson {
    return {
      rows: this.n,
      numeric: [...this.numeric].map(([name, c]) => [name, c.toJSON()]),
      categorical: [...this.categorical].map(([name, m]) => [
        name,
        [...m.keys()].sort().map((v): [string, number] => [v, m.get(v)!]),
      ]),
      predictions: this.predictions.toJSON(),
    }
  }

  /**
   * Reads `toJSON`'s form back for `features`, checking that every feature's counts add up to
   * the side's rows.
   * @throws RangeError naming `what` and the field that is wrong.
   */
  static fromJSON(value: unknown, what: string, features: readonly DriftFeatureSpec[]): DriftSide {
    const o = readObject(value, what)
    const side = new DriftSide(features)
    side.n = readCount(o.rows, `${what}.rows`)
    const check = (name: string, n: number) => {
      if (n !== side.n)
        throw new RangeError(`${what}: feature "${name}" counts ${n} rows, the side ${side.n}`)
    }
    const numeric = readArray(o.numeric, `${what}.numeric`)
    const categorical = readArray(o.categorical, `${what}.categorical`)
    if (numeric.length !== side.numeric.size || categorical.length !== side.categorical.size)
      throw new RangeError(`${what}: the features differ from the schema's`)
    numeric.forEach((entry, i) => {
      const e = readArray(entry, `${what}.numeric[${i}]`)
      const name = readString(e[0], `${what}.numeric[${i}][0]`)
      const into = side.numeric.get(name)
      if (!into) throw new RangeError(`${what}.numeric[${i}]: "${name}" is not a numeric feature`)
      const c = ValueCounts.fromJSON(e[1], `${what}.numeric.${name}`, 1)
      check(name, c.total())
      into.merge(c)
    })
    categorical.forEach((entry, i) => {
      const e = readArray(entry, `${what}.categorical[${i}]`)
      const name = readString(e[0], `${what}.categorical[${i}][0]`)
      const into = side.categorical.get(name)
      if (!into)
        throw new RangeError(`${what}.categorical[${i}]: "${name}" is not a categorical feature`)
      let n = 0
      readArray(e[1], `${what}.categorical.${name}`).forEach((pair, k) => {
        const w = `${what}.categorical.${name}[${k}]`
        const vc = readArray(pair, w)
        const v = readString(vc[0], `${w}[0]`)
        const c = readCount(vc[1], `${w}[1]`)
        if (c === 0 || into.has(v)) throw new RangeError(`${w}: "${v}" has no rows or is repeated`)
        into.set(v, c)
        n += c
      })
      check(name, n)
    })
    side.predictions.merge(ValueCounts.fromJSON(o.predictions, `${what}.predictions`, 1))
    check('(predictions)', side.predictions.total())
    return side
  }
}

/** Result of {@link driftOfSides}. */
export type DriftOfSides = {
  features: FeatureDrift[]
  prediction: PredictionDrift
  /** Report JSON v1 `drift`. */
  section: DriftSection
}

/**
 * Feature and prediction drift of `cur` against `ref` and the report section, equal to
 * `featureDrift`, `predictionDrift` and `driftReportSection` on all rows of both sides.
 * @param oodShare the current rows' share above the reference's 95th percentile (see ood.ts), or
 *   null when not computed.
 * @throws RangeError when a side has no rows or the sides have different features.
 */
export function driftOfSides(
  ref: DriftSide,
  cur: DriftSide,
  oodShare: number | null,
  opts: { alpha?: number; histogramBins?: number } = {},
): DriftOfSides {
  if (ref.rows === 0 || cur.rows === 0)
    throw new RangeError('the reference and the current data need at least one row each')
  const partial = ref.features.map((f): FeatureDriftTests => {
    if (f.kind === 'numeric') {
      const a = ref.numericCounts(f.name)!.run()
      const b = cur.numericCounts(f.name)!.run()
      const ks = ksOfCounts(a, b)
      return {
        feature: f.name,
        kind: 'numeric',
        bins: psiNumericOfCounts(a, b),
        ks: ks.statistic,
        wasserstein: wasserstein1OfCounts(a, b),
        chi2: null,
        dof: null,
        pValue: ks.pValue,
        newCategories: [],
        histogram: driftHistogramOfCounts(a, b, opts.histogramBins ?? 20),
        refMean: meanOfCounts(a),
        curMean: meanOfCounts(b),
      }
    }
    return categoricalDriftTests(
      f.name,
      ref.categoryCounts(f.name)!,
      cur.categoryCounts(f.name)!,
      f.categories,
    )
  })
  const features = featureDriftFlags(partial, ref.rows, cur.rows, opts.alpha ?? DRIFT_ALPHA)
  const prediction = predictionDriftOfCounts(
    ref.predictionCounts().run(),
    cur.predictionCounts().run(),
  )
  return { features, prediction, section: driftReportSection(features, prediction, oodShare) }
}
