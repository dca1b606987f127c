import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  dyadicDivToNumber,
  dyadicFromNumber,
  dyadicParse,
  dyadicToNumber,
  dyadicToString,
} from '../../../src/core/stream/dyadic.ts'
import { ExactSums } from '../../../src/core/stream/exactSum.ts'
import { isNearest, nextDown, nextUp, unitsOf } from './exact.ts'

// References: ./exact.ts (BigInt, independent of src).
const view = new DataView(new ArrayBuffer(8))
const isCorrectlyRounded = (r: number, units: bigint) => isNearest(r, units)

/** Doubles across the whole range: tiny, subnormal, huge, ordinary, with both signs. */
const anyDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
  fc.double({ noNaN: true, min: -1e-300, max: 1e-300 }),
  fc.double({ noNaN: true, min: -1, max: 1 }),
  fc.integer({ min: -1000, max: 1000 }).map((k) => k * 2 ** -1074),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => Math.fround(f)),
)

/** Splits `a` into k contiguous pieces at random cut points. */
function splitAt<T>(a: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * (a.length + 1))))].sort((x, y) => x - y)
  const out: T[][] = []
  let start = 0
  for (const p of points) {
    out.push(a.slice(start, p))
    start = p
  }
  out.push(a.slice(start))
  return out
}

describe('ExactSums', () => {
  it('is the exact sum, correctly rounded once, for doubles across the whole range', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 60, size: 'max' }), (xs) => {
        const s = new ExactSums(1)
        let exact = 0n
        for (const x of xs) {
          s.add(0, x)
          exact += unitsOf(x)
        }
        const d = s.dyadic(0)
        const units = d.m === 0n ? 0n : d.m << BigInt(d.e + 1074)
        expect(units).toBe(exact)
        expect(isCorrectlyRounded(s.value(0), exact)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('rounds exact ties to even', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e300, max: 1e300 }),
        fc.integer({ min: 1, max: 7 }),
        (x, k) => {
          // x plus an odd number of half ulps of x: an exact tie between two doubles.
          const halfUlp = Math.abs(nextUp(x) - x) / 2
          const s = new ExactSums(1)
          s.add(0, x)
          for (let i = 0; i < 2 * k - 1; i++) s.add(0, halfUlp)
          let exact = unitsOf(x)
          for (let i = 0; i < 2 * k - 1; i++) exact += unitsOf(halfUlp)
          return isCorrectlyRounded(s.value(0), exact)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the same bits for any split into shards and any merge order', () => {
    fc.assert(
      fc.property(
        fc.array(anyDouble, { maxLength: 80, size: 'max' }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6, size: 'max' }),
        fc.infiniteStream(fc.nat()),
        (xs, cuts, order) => {
          const whole = new ExactSums(2)
          for (const x of xs) {
            whole.add(0, x)
            whole.add(1, -2 * x)
          }
          const parts = splitAt(xs, cuts).map((piece) => {
            const s = new ExactSums(2)
            for (const x of piece) {
              s.add(0, x)
              s.add(1, -2 * x)
            }
            return s
          })
          // Merge in a random order: repeatedly merge a random part into another.
          const pool = [...parts]
          const it = order[Symbol.iterator]()
          while (pool.length > 1) {
            const a = pool.splice(it.next().value! % pool.length, 1)[0]!
            const b = pool[it.next().value! % pool.length]!
            b.merge(a)
          }
          const merged = pool[0]!
          expect(merged.toJSON()).toEqual(whole.toJSON())
          expect(Object.is(merged.value(0), whole.value(0))).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('cancels exactly: huge and tiny terms that float64 loses', () => {
    const s = new ExactSums(1)
    for (const x of [1e300, 1, -1e300, 2 ** -1074, 1e-300]) s.add(0, x)
    expect(s.value(0)).toBe(1) // 1 + 1e-300 + 2^−1074 rounds to 1
    s.add(0, -1)
    expect(s.value(0)).toBe(1e-300 + 2 ** -1074)
    const naive = [1e300, 1, -1e300].reduce((a, b) => a + b, 0)
    expect(naive).toBe(0) // what a float64 running sum would say
  })

  it('stays exact past the limb capacity (2^20 additions between normalisations)', () => {
    const s = new ExactSums(1)
    const n = (1 << 21) + 17
    const x = 4294967295.75 // a big significand in two limbs
    for (let i = 0; i < n; i++) s.add(0, x)
    expect(s.dyadic(0).m << BigInt(s.dyadic(0).e + 1074)).toBe(BigInt(n) * unitsOf(x))
  })

  it('adds exact products, including ones too large or small for the two-product', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyDouble, anyDouble), { maxLength: 20, size: 'max' }),
        (pairs) => {
          const s = new ExactSums(1)
          let exact = 0n // in units of 2^−2148
          for (const [a, b] of pairs) {
            const units = unitsOf(a) * unitsOf(b)
            // Skip products past the float64 range or with bits below 2^−1074 (not representable).
            if (!Number.isFinite(a * b) || units % (1n << 1074n) !== 0n) continue
            s.addProduct(0, a, b)
            exact += units
          }
          const d = s.dyadic(0)
          const got = d.m === 0n ? 0n : d.m << BigInt(d.e + 2148)
          return got === exact
        },
      ),
      { numRuns: 300 },
    )
  })

  it('stays exact when add, addDyadic and set interleave across the sums of a bank', () => {
    const op = fc.tuple(fc.constantFrom('add', 'addDyadic', 'set'), fc.nat(2), anyDouble)
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60, size: 'max' }), (ops) => {
        const s = new ExactSums(3)
        const exact = [0n, 0n, 0n] // in units of 2^−1074
        for (const [kind, i, x] of ops) {
          if (kind === 'add') s.add(i, x)
          else if (kind === 'addDyadic') s.addDyadic(i, dyadicFromNumber(x))
          else s.set(i, dyadicFromNumber(x))
          exact[i] = kind === 'set' ? unitsOf(x) : exact[i]! + unitsOf(x)
        }
        return exact.every((u, i) => {
          const d = s.dyadic(i)
          return (d.m === 0n ? 0n : d.m << BigInt(d.e + 1074)) === u
        })
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a dyadic past the top limb and leaves the sum as it was', () => {
    const s = new ExactSums(2)
    s.add(0, 1.5)
    s.add(1, -2)
    expect(() => s.addDyadic(0, { m: 2n ** 40n + 1n, e: 1070 })).toThrow(/value too large/)
    expect(s.value(0)).toBe(1.5)
    expect(s.value(1)).toBe(-2)
  })

  it('rejects NaN and infinities by name', () => {
    const s = new ExactSums(1)
    expect(() => s.add(0, NaN)).toThrow(/cannot add NaN/)
    expect(() => s.add(0, Infinity)).toThrow(/cannot add Infinity/)
    expect(() => s.addProduct(0, Infinity, 2)).toThrow(/product Infinity/)
  })

  it('round-trips through JSON text exactly and refuses corrupt text', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 30, size: 'max' }), (xs) => {
        const s = new ExactSums(2)
        xs.forEach((x, i) => s.add(i % 2, x))
        const back = ExactSums.fromJSON(JSON.parse(JSON.stringify(s.toJSON())), 'sums')
        expect(back.toJSON()).toEqual(s.toJSON())
        expect(Object.is(back.value(1), s.value(1))).toBe(true)
      }),
    )
    expect(() => ExactSums.fromJSON(['3p-2', 'zz'], 'calibration.sumP')).toThrow(
      /calibration.sumP\[1\]: "zz" is not an exact sum/,
    )
    expect(() => ExactSums.fromJSON(['4p0'], 'x')).toThrow(/not canonical/)
    expect(() => ExactSums.fromJSON(['1p-2000'], 'x')).toThrow(/outside the range/)
    expect(() => ExactSums.fromJSON('1p0', 'x')).toThrow(/expected a list/)
    expect(() => ExactSums.fromJSON(['1p0'], 'x', 2)).toThrow(/1 exact sums, expected 2/)
  })
})

describe('dyadic', () => {
  it('converts every double exactly and back', () => {
    fc.assert(
      fc.property(anyDouble, (x) => {
        const d = dyadicFromNumber(x)
        expect(dyadicToNumber(d)).toBe(x === 0 ? 0 : x)
        expect(dyadicParse(dyadicToString(d), 'x')).toEqual(d)
      }),
    )
  })

  it('rounds quotients correctly (checked in BigInt against both neighbours)', () => {
    fc.assert(
      fc.property(anyDouble, fc.integer({ min: 1, max: 2 ** 40 }), (x, n) => {
        const r = dyadicDivToNumber(dyadicFromNumber(x), n)
        // r is right iff |r·n − x| is minimal among r and its neighbours (in units of 2^−1074).
        const target = unitsOf(x)
        const big = BigInt(n)
        const abs = (v: bigint) => (v < 0n ? -v : v)
        const err = abs(unitsOf(r) * big - target)
        for (const s of [nextUp(r), nextDown(r)]) {
          const e2 = abs(unitsOf(s) * big - target)
          if (e2 < err) return false
          if (e2 === err) {
            view.setFloat64(0, r)
            if ((view.getBigUint64(0) & 1n) !== 0n) return false
          }
        }
        return true
      }),
      { numRuns: 500 },
    )
    expect(dyadicDivToNumber(dyadicFromNumber(1), 3)).toBe(1 / 3)
    expect(dyadicDivToNumber(dyadicFromNumber(-7), 2)).toBe(-3.5)
  })

  it('overflows to Infinity and keeps subnormals, as one IEEE operation would', () => {
    expect(dyadicToNumber({ m: 1n, e: 1024 })).toBe(Infinity)
    expect(dyadicToNumber({ m: -((1n << 54n) - 1n), e: 970 })).toBe(-Infinity)
    expect(dyadicToNumber({ m: 3n, e: -1076 })).toBe(2 ** -1074) // 0.75 ulp rounds up
    expect(dyadicToNumber({ m: 1n, e: -1075 })).toBe(0) // half an ulp: ties to even (0)
    expect(dyadicToNumber({ m: 3n, e: -1075 })).toBe(2 * 2 ** -1074) // 1.5 ulp: to even (2)
  })
})
