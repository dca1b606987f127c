/**
 * Number formatting for every view: one place for fixed decimals, signed changes, shares,
 * p-values, intervals, byte sizes and rates. Every function returns an em dash ({@link DASH}) for a
 * missing value (null, undefined, NaN, ±Infinity), so a view never prints "NaN".
 */

/** Shown where a number is missing or undefined. */
export const DASH = '—'

/** A finite number, or false for null / undefined / NaN / ±Infinity. */
const finite = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v)

/**
 * A number with `digits` fixed decimals (default 4), or an em dash.
 * @example fmt(0.123456) // '0.1235'
 */
export function fmt(v: number | null | undefined, digits = 4): string {
  return finite(v) ? v.toFixed(digits) : DASH
}

/**
 * A count with thousands separators ("12,345"), or an em dash.
 * @example fmtInt(2000) // '2,000'
 */
export function fmtInt(v: number | null | undefined): string {
  return finite(v) ? v.toLocaleString('en-US') : DASH
}

/**
 * A byte size in B, KiB (1 decimal) or MiB (1 decimal), powers of 1024.
 * @example fmtBytes(2048) // '2.0 KiB'
 */
export function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KiB`
  return `${(b / 1024 ** 2).toFixed(1)} MiB`
}

/**
 * A throughput in rows per second, scaled to k or M; an em dash when not measured (null).
 * @example fmtRate(750_000) // '750.0 k rows/s'
 */
export function fmtRate(rowsPerSec: number | null): string {
  if (rowsPerSec === null) return DASH
  if (rowsPerSec >= 1e6) return `${(rowsPerSec / 1e6).toFixed(2)} M rows/s`
  if (rowsPerSec >= 1e3) return `${(rowsPerSec / 1e3).toFixed(1)} k rows/s`
  return `${rowsPerSec.toFixed(0)} rows/s`
}

/**
 * A signed change with `digits` decimals: "+" for positive, the minus sign "−" (U+2212) for
 * negative, and `zero` (default "+") for exactly 0 — "±" suits a change that is neither.
 * @example fmtSigned(-0.01234, 3) // '−0.012'
 */
export function fmtSigned(v: number | null | undefined, digits = 4, zero = '+'): string {
  if (!finite(v)) return DASH
  return `${v > 0 ? '+' : v < 0 ? '−' : zero}${Math.abs(v).toFixed(digits)}`
}

/**
 * A share in [0, 1] as a percentage with `digits` decimals (default 1).
 * @example fmtPct(0.1234) // '12.3%'
 */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return finite(v) ? `${(100 * v).toFixed(digits)}%` : DASH
}

/**
 * A p-value: 4 decimals, or scientific notation below 1e-4 (so 6e-34 is not shown as 0).
 * @example fmtP(6e-34) // '6.0e-34'
 */
export function fmtP(p: number | null | undefined): string {
  if (!finite(p)) return DASH
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4)
}

/**
 * A compact number for bin edges and data values: integers with separators, otherwise 0 decimals
 * from 1,000, 1 decimal from 10 and 2 below.
 * @example fmtEdge(37.25) // '37.3'
 */
export function fmtEdge(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  const a = Math.abs(v)
  return a >= 1000 ? Math.round(v).toLocaleString('en-US') : a >= 10 ? v.toFixed(1) : v.toFixed(2)
}

/**
 * An interval as "[low, high]" with 4 decimals, or an em dash when either end is missing.
 * @example fmtInterval(0.1, 0.25) // '[0.1000, 0.2500]'
 */
export function fmtInterval(
  low: number | null | undefined,
  high: number | null | undefined,
): string {
  return low === null || low === undefined || high === null || high === undefined
    ? DASH
    : `[${fmt(low)}, ${fmt(high)}]`
}

/**
 * A tooltip value of unknown type: a number with 4 decimals, anything else as text.
 * @example fmtValue(0.5) // '0.5000'
 */
export function fmtValue(v: unknown): string {
  return typeof v === 'number' ? fmt(v) : String(v ?? DASH)
}

/** What a counterfactual's "distance" is, for the views that show one (title text). */
export const CF_DISTANCE_HINT =
  'Distance from the row: Σ |change| / scale over numeric features (scale: MAD, or std when the MAD is 0) + 1 per changed category'
