/**
 * Shared generators of the stream tests: audit-like data with many tied scores and awkward group
 * values, random contiguous shard cuts and random merge orders.
 */
import fc from 'fast-check'

/** Group values that break naive code: object-key names, integer-like keys, the empty text. */
export const AWKWARD_GROUPS = ['__proto__', 'constructor', '', '10', '2', 'b', 'a', 'Zé']

/** One row of audit data. */
export type Row = { p: number; y: number; sex: string; race: string }

/** Float32 probabilities, often tied, sometimes exactly on a bin edge or the threshold. */
export const score = fc.oneof(
  fc.float({ min: 0, max: 1, noNaN: true }).map(Math.fround),
  fc.constantFrom(0, 1, 0.5, 0.1, 0.3, 0.7, 0.9).map(Math.fround),
  fc.integer({ min: 0, max: 20 }).map((k) => Math.fround(k / 20)),
)

export const row: fc.Arbitrary<Row> = fc.record({
  p: score,
  y: fc.integer({ min: 0, max: 1 }),
  sex: fc.constantFrom('F', 'M', '__proto__'),
  race: fc.constantFrom(...AWKWARD_GROUPS),
})

/** Rows, cut points and a merge order: what a shard/merge property needs. */
export const sharded = fc.record({
  rows: fc.array(row, { maxLength: 300, size: 'max' }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 7, size: 'max' }),
  order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  chunk: fc.integer({ min: 1, max: 64 }),
})

/** Contiguous [start, end) pieces of 0..n at the fractions `cuts` (some may be empty). */
export function shardRanges(n: number, cuts: readonly number[]): [number, number][] {
  const points = cuts.map((c) => Math.min(n, Math.floor(c * (n + 1)))).sort((a, b) => a - b)
  const out: [number, number][] = []
  let start = 0
  for (const p of points) {
    out.push([start, Math.max(start, p)])
    start = Math.max(start, p)
  }
  out.push([start, n])
  return out
}

/** `items` permuted by the random numbers `order` (Fisher–Yates). */
export function permute<T>(items: readonly T[], order: readonly number[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = (order[i % order.length] ?? 0) % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
