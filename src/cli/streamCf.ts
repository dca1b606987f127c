/**
 * Counterfactuals in a single-process streamed audit (`--stream --counterfactuals K`;
 * docs/scale.md): what the search needs from the whole data, without holding it.
 * - The search's configuration: each numeric feature's range, integrality, distinct values and
 *   MAD from exact value counts kept in the audit's pass (`counterfactualStatsOfCounts`; only the
 *   standard deviation, the scale of a column whose MAD is 0, is an exact sum rounded once, where
 *   the in-memory one sums row by row: its last bits may differ).
 * - The search's seeds: the 2K rows nearest each explained row (by the configuration's distance,
 *   ties by global row) among those on its desired side, from a second pass over the data. The
 *   search then runs on the union of those rows in global order, so it picks the same seeds as
 *   over all rows.
 */
import { counterfactualConfigOf } from '../core/counterfactual/config.ts'
import { counterfactualStatsOfCounts } from '../core/counterfactual/configOfCounts.ts'
import { counterfactualDistance } from '../core/counterfactual/metrics.ts'
import { counterfactualStart } from '../core/counterfactual/query.ts'
import type { CounterfactualConfig } from '../core/counterfactual/config.ts'
import type { ExplainSettings } from '../core/explain.ts'
import type { Schema } from '../core/schema.ts'
import { ValueCounts } from '../core/stream/index.ts'
import { type Matrix, matrix } from '../core/types.ts'
import { type Session, sessionData } from '../session/session.ts'
import type { DataSource } from './dataSource.ts'

/** The search's margin and default neighbour count (src/core/counterfactual defaults). */
const MARGIN = 1e-4

/** Exact value counts of each numeric feature (null for categorical ones). */
export type CfCounts = (ValueCounts | null)[]

/** Empty counts for the schema's features. */
export function cfCountsCreate(schema: Schema): CfCounts {
  return schema.features.map((f) => (f.type === 'categorical' ? null : new ValueCounts(1)))
}

/** Counts a chunk's feature values (rows × features). */
export function cfCountsAdd(counts: CfCounts, values: Matrix, firstRow: number): void {
  const M = values.cols
  counts.forEach((c, j) => {
    if (!c) return
    const col = new Float64Array(values.rows)
    for (let r = 0; r < values.rows; r++) col[r] = values.data[r * M + j]!
    c.add(col, undefined, `feature ${j} of the chunk at row ${firstRow}`)
  })
}

/** The search's configuration from the counts of all rows. */
export function cfConfig(
  schema: Schema,
  counts: CfCounts,
  settings: Pick<ExplainSettings, 'counterfactualConstraints'>,
): CounterfactualConfig {
  return counterfactualConfigOf(
    schema,
    (j) => counterfactualStatsOfCounts(counts[j]!.run()),
    settings.counterfactualConstraints,
  )
}

type Near = { d: number; row: number; values: Float64Array; p: number }

/**
 * The second pass: for each explained row (feature values `origs`, rows of a matrix), the
 * `neighbors` nearest rows on its desired side; their union in global order as the search's data.
 */
export async function cfSeedRows(
  s: Session,
  source: DataSource,
  cfg: CounterfactualConfig,
  origs: Matrix,
  settings: { threshold: number; counterfactuals: number },
  chunkRows: number,
): Promise<{ values: Matrix; predictions: Float64Array }> {
  const M = origs.cols
  const k = Math.max(1, Math.floor(settings.counterfactuals))
  const keep = 2 * k
  const t = settings.threshold
  const rows = await Promise.all(
    Array.from({ length: origs.rows }, async (_, i) => {
      const orig = origs.data.subarray(i * M, (i + 1) * M)
      const q = await counterfactualStart(s.predict, cfg, orig, { threshold: t, k, input: s.input })
      return { orig, above: q.desired === 'above', near: [] as Near[] }
    }),
  )
  for await (const { firstRow, table } of source.chunks(chunkRows)) {
    const d = sessionData(s, { table, name: source.name, sha256: source.sha256, firstRow })
    const p = await s.predict(d.x)
    for (let r = 0; r < table.nRows; r++) {
      const v = d.values.data.subarray(r * M, (r + 1) * M)
      for (const e of rows) {
        if (!(e.above ? p[r]! >= t + MARGIN : p[r]! < t - MARGIN)) continue
        const dist = counterfactualDistance(cfg, e.orig, v)
        const last = e.near[keep - 1]
        if (
          e.near.length === keep &&
          last &&
          (last.d < dist || (last.d === dist && last.row < firstRow + r))
        )
          continue
        e.near.push({ d: dist, row: firstRow + r, values: Float64Array.from(v), p: p[r]! })
        e.near.sort((a, b) => a.d - b.d || a.row - b.row)
        if (e.near.length > keep) e.near.pop()
      }
    }
  }
  const union = new Map<number, Near>()
  for (const e of rows) for (const n of e.near) union.set(n.row, n)
  const picked = [...union.values()].sort((a, b) => a.row - b.row)
  const data = new Float64Array(picked.length * M)
  picked.forEach((n, i) => data.set(n.values, i * M))
  return {
    values: matrix(data, picked.length, M),
    predictions: Float64Array.from(picked, (n) => n.p),
  }
}
