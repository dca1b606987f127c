import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bytesToBigInt,
  dateText,
  decimalText,
  float32Text,
  timeText,
  timestampText,
} from '../../../src/core/parquet/cells.ts'

const f32 = (bits: number): number => new Float32Array(Uint32Array.of(bits).buffer)[0]!

describe('float32Text', () => {
  // [bits, numpy's str(np.float32)] from scripts/fixtures/parquetFloat32.py.
  const numpy = JSON.parse(
    readFileSync(new URL('../../fixtures/parquet/float32-repr.json', import.meta.url), 'utf8'),
  ) as [number, string][]

  it('gives the value numpy prints, in no more significant digits (2,010 float32 values)', () => {
    const digits = (s: string): number =>
      s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
        .length
    for (const [bits, text] of numpy) {
      const x = f32(bits)
      const got = float32Text(x)
      expect(Math.fround(Number(got)), `${bits}: ${got}`).toBe(x)
      expect(Number(got), `${bits}: ${got} vs numpy ${text}`).toBe(Number(text))
      expect(digits(got)).toBeLessThanOrEqual(Math.max(1, digits(text)))
    }
  })

  it('reads back as the same float32 for any float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(Math.fround(Number(float32Text(x)))).toBe(x === 0 ? 0 : x)
      }),
      { numRuns: 5000 },
    )
  })

  it('prints NaN, the infinities and zero as a CSV cell would hold them', () => {
    expect([NaN, Infinity, -Infinity, -0, 0].map(float32Text)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      '0',
      '0',
    ])
  })
})

describe('decimalText', () => {
  it('is the unscaled digits with the point `scale` places from the right', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.integer({ min: 0, max: 30 }),
        (u, scale) => {
          const t = decimalText(u, scale)
          const [whole, frac = ''] = t.split('.')
          expect(frac.length).toBe(scale)
          expect(BigInt(whole! + frac)).toBe(u)
          expect(whole).toMatch(/^-?(0|[1-9]\d*)$/)
        },
      ),
    )
  })

  it('writes the examples of the contract', () => {
    expect(decimalText(12340n, 2)).toBe('123.40')
    expect(decimalText(-5n, 2)).toBe('-0.05')
    expect(decimalText(0n, 3)).toBe('0.000')
    expect(decimalText(123n, -2)).toBe('12300')
    expect(decimalText(0n, -2)).toBe('0')
  })
})

describe('bytesToBigInt', () => {
  it('reads big-endian two’s complement of any width', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 20 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.bigInt({ min: -(1n << BigInt(8 * n - 1)), max: (1n << BigInt(8 * n - 1)) - 1n }),
            ),
          ),
        ([n, v]) => {
          // Independent encoding: the value mod 2^(8n), byte by byte from the least significant.
          let u = ((v % (1n << BigInt(8 * n))) + (1n << BigInt(8 * n))) % (1n << BigInt(8 * n))
          const bytes = new Uint8Array(n)
          for (let i = n - 1; i >= 0; i--) {
            bytes[i] = Number(u & 255n)
            u >>= 8n
          }
          expect(bytesToBigInt(bytes)).toBe(v)
        },
      ),
    )
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n)
  })
})

describe('timestampText', () => {
  it('agrees with Date.toISOString for milliseconds (trailing zeros dropped)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000, max: 253402300799999 }), (ms) => {
        // "….120Z" → "….12Z", "….000Z" → "…Z"
        const iso = new Date(ms)
          .toISOString()
          .replace(/\.(\d*?)0*Z$/, (_, d: string) => (d ? `.${d}Z` : 'Z'))
        expect(timestampText(BigInt(ms), 'MILLIS', true)).toBe(iso)
      }),
    )
  })

  it('keeps micro- and nanoseconds, and writes no zone for local timestamps', () => {
    expect(timestampText(1700000000123456n, 'MICROS', false)).toBe('2023-11-14T22:13:20.123456')
    expect(timestampText(-1n, 'NANOS', true)).toBe('1969-12-31T23:59:59.999999999Z')
    expect(timestampText(0n, 'NANOS', true)).toBe('1970-01-01T00:00:00Z')
  })

  it('gives null beyond the years a Date can show', () => {
    expect(timestampText(9223372036854775807n, 'MICROS', true)).toBeNull()
    expect(dateText(2 ** 31 - 1)).toBeNull()
  })
})

describe('timeText', () => {
  it('writes HH:MM:SS with a fraction only when there is one', () => {
    expect(timeText(0n, 'MILLIS')).toBe('00:00:00')
    expect(timeText(45296789n, 'MILLIS')).toBe('12:34:56.789')
    expect(timeText(30600000001n, 'MICROS')).toBe('08:30:00.000001')
    expect(timeText(-1n, 'MILLIS')).toBeNull()
  })
})
