import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DASH,
  fmt,
  fmtBytes,
  fmtEdge,
  fmtInt,
  fmtInterval,
  fmtP,
  fmtPct,
  fmtRate,
  fmtSigned,
  fmtValue,
} from '../../src/ui/format.ts'

const missing = [null, undefined, NaN, Infinity, -Infinity]

describe('fmt', () => {
  it('prints fixed decimals, 4 by default', () => {
    expect(fmt(0.123456)).toBe('0.1235')
    expect(fmt(2, 1)).toBe('2.0')
    expect(fmt(-0.5, 3)).toBe('-0.500')
  })
  it('prints an em dash for a missing value', () => {
    for (const v of missing) expect(fmt(v)).toBe(DASH)
  })
})

describe('fmtInt', () => {
  it('groups thousands with commas', () => {
    expect(fmtInt(0)).toBe('0')
    expect(fmtInt(2000)).toBe('2,000')
    expect(fmtInt(1234567)).toBe('1,234,567')
  })
  it('prints an em dash for a missing value', () => {
    for (const v of missing) expect(fmtInt(v)).toBe(DASH)
  })
})

describe('fmtSigned', () => {
  it('writes + for positive, U+2212 for negative and the chosen sign for zero', () => {
    expect(fmtSigned(0.01234)).toBe('+0.0123')
    expect(fmtSigned(-0.01234, 3)).toBe('\u22120.012')
    expect(fmtSigned(0)).toBe('+0.0000')
    expect(fmtSigned(0, 2, '±')).toBe('±0.00')
    for (const v of missing) expect(fmtSigned(v)).toBe(DASH)
  })
  it('reads back as the value within half a unit of the last digit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (v, d) => {
          const s = fmtSigned(v, d)
          const back = Number(s.replace('\u2212', '-').replace('+', ''))
          expect(Math.abs(back - v)).toBeLessThanOrEqual(0.5 * 10 ** -d * (1 + 1e-9) + 1e-9)
          expect(s.startsWith(v < 0 ? '\u2212' : '+')).toBe(true)
        },
      ),
    )
  })
})

describe('fmtPct', () => {
  it('prints a share as a percentage', () => {
    expect(fmtPct(0.1234)).toBe('12.3%')
    expect(fmtPct(0.05, 0)).toBe('5%')
    expect(fmtPct(1, 2)).toBe('100.00%')
    for (const v of missing) expect(fmtPct(v)).toBe(DASH)
  })
})

describe('fmtP', () => {
  it('switches to scientific notation below 1e-4', () => {
    expect(fmtP(0.04999)).toBe('0.0500')
    expect(fmtP(1e-4)).toBe('0.0001')
    expect(fmtP(6e-34)).toBe('6.0e-34')
    expect(fmtP(0)).toBe('0.0e+0')
    for (const v of missing) expect(fmtP(v)).toBe(DASH)
  })
})

describe('fmtEdge', () => {
  it('keeps integers whole and shortens the rest by magnitude', () => {
    expect(fmtEdge(17)).toBe('17')
    expect(fmtEdge(12345)).toBe('12,345')
    expect(fmtEdge(1234.6)).toBe('1,235')
    expect(fmtEdge(37.25)).toBe('37.3')
    expect(fmtEdge(-0.125)).toBe('-0.13')
  })
})

describe('fmtInterval', () => {
  it('prints both ends with 4 decimals, or a dash when one is missing', () => {
    expect(fmtInterval(0.1, 0.25)).toBe('[0.1000, 0.2500]')
    expect(fmtInterval(null, 0.25)).toBe(DASH)
    expect(fmtInterval(0.1, undefined)).toBe(DASH)
  })
})

describe('fmtValue', () => {
  it('formats numbers and passes other values through as text', () => {
    expect(fmtValue(0.5)).toBe('0.5000')
    expect(fmtValue('Female')).toBe('Female')
    expect(fmtValue(null)).toBe(DASH)
    expect(fmtValue(NaN)).toBe(DASH)
  })
})

describe('fmtBytes and fmtRate', () => {
  it('scale by powers of 1024 and by thousands', () => {
    expect(fmtBytes(1000)).toBe('1000 B')
    expect(fmtBytes(2048)).toBe('2.0 KiB')
    expect(fmtBytes(3 * 1024 ** 2)).toBe('3.0 MiB')
    expect(fmtRate(null)).toBe(DASH)
    expect(fmtRate(999)).toBe('999 rows/s')
    expect(fmtRate(750_000)).toBe('750.0 k rows/s')
    expect(fmtRate(1_250_000)).toBe('1.25 M rows/s')
  })
})
