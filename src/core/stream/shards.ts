/**
 * Which part of the data a partial state covers, and the checks that a set of partials is one
 * whole: every shard i/n exactly once, no row (byte, row group) covered twice, nothing missing.
 * Pure bookkeeping; the states themselves merge in src/core/stream/state.ts.
 */
import { readArray, readCount, readObject, readString } from './codec.ts'
import { dict } from '../dict.ts'

/** The unit a shard's coverage is counted in. */
export type CoverageUnit = 'rows' | 'bytes' | 'rowGroups'

/**
 * What one shard read of one dataset: half-open ranges [start, end) of rows (global 0-based
 * indices), bytes (a CSV byte range) or Parquet row groups (shard i of n: groups i, i+n, …), and
 * the dataset's total in that unit when known (null: completeness is then judged by the shard
 * numbers alone).
 */
export type ShardCoverage = {
  unit: CoverageUnit
  ranges: [number, number][]
  total: number | null
}

/** Shard i of n and what it covered, per dataset ('data'; a drift also has 'reference'). */
export type ShardInfo = {
  index: number
  count: number
  coverage: Record<string, ShardCoverage>
}

const UNITS: readonly CoverageUnit[] = ['rows', 'bytes', 'rowGroups']

const label = (s: ShardInfo) => `${s.index}/${s.count}`

/**
 * Checks shard `s` on its own: 0 ≤ index < count, ranges sorted, disjoint, within the total.
 * @throws RangeError naming `what` and the problem.
 */
export function shardCheck(s: ShardInfo, what: string): void {
  if (!(Number.isSafeInteger(s.count) && s.count >= 1))
    throw new RangeError(`${what}: shard count ${s.count} is not a positive integer`)
  if (!(Number.isSafeInteger(s.index) && s.index >= 0 && s.index < s.count))
    throw new RangeError(`${what}: shard index ${s.index} is outside 0..${s.count - 1}`)
  for (const [name, c] of Object.entries(s.coverage)) {
    if (!UNITS.includes(c.unit))
      throw new RangeError(`${what}: ${name} coverage unit "${String(c.unit)}" is unknown`)
    let prev = 0
    for (const [a, b] of c.ranges) {
      if (!(Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= prev && b >= a))
        throw new RangeError(
          `${what}: ${name} ranges must be sorted and disjoint, got [${a}, ${b})`,
        )
      if (c.total !== null && b > c.total)
        throw new RangeError(`${what}: ${name} range [${a}, ${b}) ends past the total ${c.total}`)
      prev = b
    }
  }
}

/**
 * Checks that shards from several parts fit together: one shard count, each index at most once
 * (with `complete`, exactly once), per dataset one unit and total, no unit covered twice and, with
 * `complete` and a known total, every unit covered.
 * @param shards each part's shards with the part's name (e.g. its file name).
 * @throws RangeError naming the parts and shards involved.
 */
export function shardsCheck(
  shards: readonly { part: string; shard: ShardInfo }[],
  complete: boolean,
): void {
  if (shards.length === 0) throw new RangeError('no shards')
  const first = shards[0]!
  const n = first.shard.count
  const byIndex = new Map<number, string>()
  for (const { part, shard } of shards) {
    if (shard.count !== n)
      throw new RangeError(
        `${part} is shard ${label(shard)} but ${first.part} is shard ${label(first.shard)}: the shard counts differ`,
      )
    const seen = byIndex.get(shard.index)
    if (seen !== undefined)
      throw new RangeError(`shard ${label(shard)} appears twice (${seen} and ${part})`)
    byIndex.set(shard.index, part)
  }
  if (complete && byIndex.size !== n) {
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i))
    throw new RangeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
    )
  }
  const datasets = new Set(shards.flatMap((s) => Object.keys(s.shard.coverage)))
  for (const name of datasets) {
    const covered: { a: number; b: number; who: string }[] = []
    let unit: CoverageUnit | null = null
    let total: number | null | undefined
    for (const { part, shard } of shards) {
      const c = shard.coverage[name]
      if (!c) throw new RangeError(`${part} (shard ${label(shard)}) has no ${name} coverage`)
      if (unit !== null && (c.unit !== unit || c.total !== total))
        throw new RangeError(
          `${part} counts its ${name} coverage in ${c.unit} of ${c.total ?? 'unknown'}, the others in ${unit} of ${total ?? 'unknown'}`,
        )
      unit = c.unit
      total = c.total
      for (const [a, b] of c.ranges)
        if (b > a) covered.push({ a, b, who: `${part} (shard ${label(shard)})` })
    }
    covered.sort((x, y) => x.a - y.a)
    let end = 0
    for (let k = 0; k < covered.length; k++) {
      const r = covered[k]!
      if (k > 0 && r.a < covered[k - 1]!.b) {
        const o = covered[k - 1]!
        throw new RangeError(
          `${o.who} and ${r.who} both cover ${name} ${unit} ${r.a}–${Math.min(r.b, o.b) - 1}`,
        )
      }
      if (complete && total !== null && r.a > end)
        throw new RangeError(`${name} ${unit} ${end}–${r.a - 1} are covered by no part`)
      end = r.b
    }
    if (complete && total !== null && total !== undefined && end < total)
      throw new RangeError(`${name} ${unit} ${end}–${total - 1} are covered by no part`)
  }
}

/** Reads a `ShardInfo` from parsed JSON, checking every field. */
export function shardFromJSON(value: unknown, what: string): ShardInfo {
  const o = readObject(value, what)
  const cov = readObject(o.coverage, `${what}.coverage`)
  const coverage = dict<ShardCoverage>()
  for (const name of Object.keys(cov)) {
    const w = `${what}.coverage.${name}`
    const c = readObject(cov[name], w)
    const unit = readString(c.unit, `${w}.unit`) as CoverageUnit
    const ranges = readArray(c.ranges, `${w}.ranges`).map((r, k): [number, number] => {
      const pair = readArray(r, `${w}.ranges[${k}]`)
      if (pair.length !== 2) throw new RangeError(`${w}.ranges[${k}]: expected [start, end]`)
      return [
        readCount(pair[0], `${w}.ranges[${k}][0]`),
        readCount(pair[1], `${w}.ranges[${k}][1]`),
      ]
    })
    const total = c.total === null ? null : readCount(c.total, `${w}.total`)
    Object.defineProperty(coverage, name, {
      value: { unit, ranges, total },
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  const s = {
    index: readCount(o.index, `${what}.index`),
    count: readCount(o.count, `${what}.count`),
    coverage,
  }
  shardCheck(s, what)
  return s
}
