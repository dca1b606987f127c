import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64Decode, base64Encode, textChecksum } from '../../../src/core/stream/codec.ts'
import { ValueCounts } from '../../../src/core/stream/counts.ts'

/** Reference: a plain Map from value to [count in column 0, count in column 1], sorted. */
function reference(values: readonly number[], labels: readonly number[]): [number, number[]][] {
  const m = new Map<number, number[]>()
  values.forEach((v, i) => {
    const key = v === 0 ? 0 : v
    const c = m.get(key) ?? [0, 0]
    c[labels[i]!]!++
    m.set(key, c)
  })
  return [...m.entries()].sort((a, b) => a[0] - b[0])
}

function asPairs(s: ValueCounts): [number, number[]][] {
  const { keys, counts } = s.run()
  return Array.from(keys, (k, i) => [k, counts.map((c) => c[i]!)])
}

const value = fc.oneof(
  fc.constantFrom(0, -0, 0.5, 1, -1),
  fc.float({ noNaN: true, min: -2, max: 2 }).map(Math.fround),
  fc.double({ noNaN: true }),
)

describe('ValueCounts', () => {
  it('holds exactly the distinct values and their counts per column, for any split and merge order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, fc.integer({ min: 0, max: 1 })), { maxLength: 200, size: 'max' }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 5, size: 'max' }),
        fc.boolean(),
        fc.constantFrom(undefined, 16, 40),
        (rows, cuts, reverse, buffer) => {
          const values = rows.map((r) => r[0])
          const labels = rows.map((r) => r[1])
          const points = [
            0,
            ...cuts.map((c) => Math.min(c, rows.length)).sort((a, b) => a - b),
            rows.length,
          ]
          const parts: ValueCounts[] = []
          for (let k = 0; k + 1 < points.length; k++) {
            // Small buffers: many sorted runs, radix-sorted and float64, merged as a tree.
            const s = new ValueCounts(2, buffer)
            s.add(
              Float64Array.from(values.slice(points[k], points[k + 1])),
              Uint8Array.from(labels.slice(points[k], points[k + 1])),
            )
            parts.push(s)
          }
          if (reverse) parts.reverse()
          const merged = parts.reduce((a, b) => (a.merge(b), a))
          const expected = reference(values, labels).map(([k, c]) => [k, c])
          expect(asPairs(merged)).toEqual(expected)
          expect(merged.total(0) + merged.total(1)).toBe(rows.length)
          const back = ValueCounts.fromJSON(JSON.parse(JSON.stringify(merged.toJSON())), 'x', 2)
          expect(asPairs(back)).toEqual(expected)
          expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(merged.toJSON()))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('stays exact through many buffer flushes and run merges', () => {
    const s = new ValueCounts(1)
    const n = 700_000
    const v = new Float64Array(n)
    for (let i = 0; i < n; i++) v[i] = (i * 7919) % 1000 // 1000 distinct, 700 of each
    for (let i = 0; i < n; i += 65_536) s.add(v.subarray(i, i + 65_536))
    const { keys, counts } = s.run()
    expect(keys.length).toBe(1000)
    expect(keys[999]).toBe(999)
    expect(counts[0]!.every((c) => c === 700)).toBe(true)
  })

  it('stores float32 keys in 4 bytes and float64 keys in 8', () => {
    const a = new ValueCounts(1)
    a.add(Float32Array.of(0.1, 0.2))
    expect(a.toJSON().keyType).toBe('f32')
    const b = new ValueCounts(1)
    b.add(Float64Array.of(0.1, 0.2))
    expect(b.toJSON().keyType).toBe('f64')
    expect(ValueCounts.fromJSON(b.toJSON(), 'x', 1).run().keys).toEqual(Float64Array.of(0.1, 0.2))
  })

  it('refuses bad input and corrupt serialized counts by name', () => {
    const s = new ValueCounts(2)
    expect(() => s.add([0.1, NaN], [0, 1], 'scores')).toThrow('scores: value 1 is NaN')
    expect(() => s.add([0.1], [2], 'scores')).toThrow('scores: label 0 is 2, not 0 or 1')
    expect(() => s.add([0.1])).toThrow(/columns must be given/)
    expect(s.total(0) + s.total(1)).toBe(0)
    s.add(Float32Array.of(0.1, 0.3), [0, 1])
    const good = s.toJSON()
    const unsorted = { ...good, keys: base64Encode(Float32Array.of(0.3, 0.1)) }
    expect(() => ValueCounts.fromJSON(unsorted, 'part.scores', 2)).toThrow(
      'part.scores.keys: value 1 (0.10000000149011612) is not above the one before',
    )
    const empty = {
      ...good,
      counts: [base64Encode(Uint32Array.of(0, 0)), base64Encode(Uint32Array.of(0, 1))],
    }
    expect(() => ValueCounts.fromJSON(empty, 'part.scores', 2)).toThrow(
      'part.scores.counts: value 0 (0.10000000149011612) has no rows',
    )
    expect(() => ValueCounts.fromJSON({ ...good, distinct: 3 }, 'p', 2)).toThrow(
      'p.keys: 8 bytes, expected 12 (3 values)',
    )
    expect(() => ValueCounts.fromJSON({ ...good, keys: '@@' }, 'p', 2)).toThrow(
      'p.keys: not valid base64',
    )
    expect(() => ValueCounts.fromJSON({ ...good, keyType: 'f16' }, 'p', 2)).toThrow(/p.keyType/)
    expect(() => ValueCounts.fromJSON(good, 'p', 1)).toThrow('p.width: expected 1')
  })
})

describe('codec', () => {
  it('round-trips typed arrays through base64', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true })), (xs) => {
        const a = Float64Array.from(xs)
        expect(base64Decode(base64Encode(a), Float64Array, a.length, 'a')).toEqual(a)
      }),
    )
    const big = new Uint32Array(100_000).map((_, i) => i * 2654435761)
    expect(base64Decode(base64Encode(big), Uint32Array, big.length, 'big')).toEqual(big)
  })

  it('checksums text: the first lane is FNV-1a 32, and one changed character changes it', () => {
    // Published FNV-1a 32 test vectors (ASCII: one code unit per byte).
    expect(textChecksum('').slice(0, 8)).toBe('811c9dc5')
    expect(textChecksum('a').slice(0, 8)).toBe('e40c292c')
    expect(textChecksum('foobar').slice(0, 8)).toBe('bf9cf968')
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (s, at, d) => {
          const i = at % s.length
          const t =
            s.slice(0, i) + String.fromCharCode((s.charCodeAt(i) + d) % 0x10000) + s.slice(i + 1)
          expect(textChecksum(t)).not.toBe(textChecksum(s))
        },
      ),
    )
  })
})
