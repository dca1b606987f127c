/**
 * Parquet values → the cell texts a Table holds (docs/contracts.md §1, "Parquet"). A Table keeps
 * every cell as text, so a Parquet value becomes the text its CSV twin would carry: numbers in
 * a form that parses back to the same number, dates and times in ISO 8601, booleans as
 * "true"/"false". Pure functions; none of them sees a null (the reader maps nulls to '').
 */

/**
 * The shortest decimal text that reads back as the float32 `x` — the text numpy and pandas print
 * for a float32: `float32Text(Math.fround(0.1))` is "0.1", not the float64 expansion
 * "0.10000000149011612". Where two shortest texts are equally near `x` (x lies exactly halfway
 * between them, e.g. −1938851.25 at 8 digits) the one with an even last digit is chosen, as numpy
 * does. NaN and ±Infinity print as "NaN", "Infinity", "-Infinity" (they then fail a numeric
 * feature as in a CSV).
 * @example float32Text(Math.fround(2.7)) // '2.7'
 */
export function float32Text(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x === 0 ? 0 : x)
  for (let p = 1; p <= 9; p++) {
    const t = x.toPrecision(p)
    if (Math.fround(Number(t)) !== x) continue
    // toPrecision breaks an exact tie away from zero; numpy breaks it to even.
    const alt = halfwayTieToEven(x, t, p)
    return String(Number(alt !== null && Math.fround(Number(alt)) === x ? alt : t))
  }
  return String(x) // unreachable: nine significant digits identify any float32
}

/**
 * When `x` lies exactly halfway between two p-digit decimals and `t` (toPrecision's choice, the
 * one farther from zero) ends in an odd digit, the other one (last digit one lower); else null.
 */
function halfwayTieToEven(x: number, t: string, p: number): string | null {
  // The significant digits of x's exact expansion (leading zeros of "0.000123…" dropped).
  const m = /^-?(\d+)(?:\.(\d+))?/.exec(x.toPrecision(Math.min(100, p + 30)))
  if (!m) return null
  const digits = (m[1]! + (m[2] ?? '')).replace(/^0+/, '')
  if (digits[p] !== '5' || /[^0]/.test(digits.slice(p + 1))) return null
  const mantissaEnd = t.search(/e|$/)
  const last = Number(t[mantissaEnd - 1])
  if (last % 2 === 0) return null
  return t.slice(0, mantissaEnd - 1) + String(last - 1) + t.slice(mantissaEnd)
}

/**
 * A float64 as text: JavaScript's shortest round-trip form (`String`), so it parses back to the
 * same double. −0 prints as "0", like the CSV cell "0" it equals.
 */
export function float64Text(x: number): string {
  return String(x)
}

/**
 * The exact decimal text of `unscaled × 10^−scale` — a Parquet DECIMAL — with `scale` digits
 * after the point ("123.40" for 12340 at scale 2; "-0.05" for −5 at scale 2; "12300" for 123 at
 * scale −2). Parsing it gives the double nearest to the decimal, as for the same text in a CSV.
 */
export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n
  const digits = (neg ? -unscaled : unscaled).toString()
  if (scale <= 0) return (neg ? '-' : '') + digits + (unscaled === 0n ? '' : '0'.repeat(-scale))
  const padded = digits.padStart(scale + 1, '0')
  const cut = padded.length - scale
  return `${neg ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`
}

/**
 * A big-endian two's-complement byte string (a FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY DECIMAL's
 * unscaled value) as a BigInt; empty bytes are 0.
 */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  const bits = BigInt(bytes.length * 8)
  return bytes.length > 0 && bytes[0]! >= 0x80 ? v - (1n << bits) : v
}

/** Time units of Parquet TIME and TIMESTAMP values. */
export type TimeUnit = 'MILLIS' | 'MICROS' | 'NANOS'

const unitsPerSecond: Record<TimeUnit, bigint> = {
  MILLIS: 1000n,
  MICROS: 1000000n,
  NANOS: 1000000000n,
}
const unitDigits: Record<TimeUnit, number> = { MILLIS: 3, MICROS: 6, NANOS: 9 }

/** Largest |milliseconds| a JavaScript Date can hold (±100,000,000 days around 1970). */
const MAX_DATE_MS = 8.64e15

/** Fraction of a second as ".5", ".000123" — trailing zeros dropped, nothing when zero. */
function fractionText(frac: bigint, unit: TimeUnit): string {
  if (frac === 0n) return ''
  return '.' + frac.toString().padStart(unitDigits[unit], '0').replace(/0+$/, '')
}

/** Floor division and its non-negative remainder for BigInts. */
function floorDivMod(a: bigint, b: bigint): [bigint, bigint] {
  const r = ((a % b) + b) % b
  return [(a - r) / b, r]
}

/**
 * A TIMESTAMP (a count of `unit`s since 1970-01-01T00:00:00) as ISO 8601:
 * "2024-03-01T12:30:05Z", with fractional seconds only when non-zero ("…:05.25Z") and the "Z"
 * only for instants (`utc`: isAdjustedToUTC); a local (wall-clock) timestamp has none.
 * @returns null when the instant lies outside the years a Date can show (±275,000).
 */
export function timestampText(value: bigint, unit: TimeUnit, utc: boolean): string | null {
  const [secs, frac] = floorDivMod(value, unitsPerSecond[unit])
  const ms = Number(secs) * 1000
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return null
  const iso = new Date(ms).toISOString()
  return iso.slice(0, iso.indexOf('.')) + fractionText(frac, unit) + (utc ? 'Z' : '')
}

/**
 * A DATE (days since 1970-01-01) as ISO 8601 "YYYY-MM-DD".
 * @returns null outside the years a Date can show.
 */
export function dateText(days: number): string | null {
  const ms = days * 86400000
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return null
  const iso = new Date(ms).toISOString()
  return iso.slice(0, iso.indexOf('T'))
}

/**
 * A TIME (a count of `unit`s since midnight) as "HH:MM:SS" with fractional seconds only when
 * non-zero ("08:15:00.5").
 * @returns null outside [0, 24 h].
 */
export function timeText(value: bigint, unit: TimeUnit): string | null {
  const [secs, frac] = floorDivMod(value, unitsPerSecond[unit])
  if (value < 0n || secs > 86400n) return null
  const s = Number(secs)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${fractionText(frac, unit)}`
}
