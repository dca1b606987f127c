/**
 * Exact references for the stream tests, written independently of src: a double's exact value
 * as a BigInt count of 2^−1074 units (read from its IEEE bits with a DataView), neighbouring
 * doubles, and whether a double is the correctly rounded value of an exact rational.
 */
const view = new DataView(new ArrayBuffer(8))

/** x = units · 2^−1074 exactly. */
export function unitsOf(x: number): bigint {
  view.setFloat64(0, x)
  const b = view.getBigUint64(0)
  const be = Number((b >> 52n) & 0x7ffn)
  const m = (b & ((1n << 52n) - 1n)) | (be ? 1n << 52n : 0n)
  const u = m << BigInt(be ? be - 1 : 0)
  return b >> 63n ? -u : u
}

/** The next double above x (x finite). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE
  view.setFloat64(0, x)
  const b = view.getBigUint64(0)
  view.setBigUint64(0, x > 0 ? b + 1n : b - 1n)
  return view.getFloat64(0)
}

/** The next double below x (x finite). */
export const nextDown = (x: number): number => -nextUp(-x)

const abs = (v: bigint) => (v < 0n ? -v : v)

/** Whether the significand of the double r is even (the tie-breaking rule). */
function isEven(r: number): boolean {
  view.setFloat64(0, r)
  return (view.getBigUint64(0) & 1n) === 0n
}

/**
 * Whether r is the double nearest to num · 2^−scale / den (ties to even), checked against both
 * neighbours in exact arithmetic; scale ≥ 1074.
 */
export function isNearest(r: number, num: bigint, scale = 1074, den = 1): boolean {
  if (!Number.isFinite(r)) return false
  const err = (v: number) => abs(unitsOf(v) * (1n << BigInt(scale - 1074)) * BigInt(den) - num)
  const e = err(r)
  for (const n of [nextUp(r), nextDown(r)]) {
    if (!Number.isFinite(n)) continue
    const e2 = err(n)
    if (e2 < e || (e2 === e && !isEven(r))) return false
  }
  return true
}

/** The double nearest to units · 2^−1074 (a float estimate, then steps to the nearest). */
export function roundedUnits(units: bigint): number {
  const a = abs(units)
  const shift = Math.max(0, a.toString(2).length - 64)
  let r = Number(a >> BigInt(shift)) * 2 ** (shift - 537) * 2 ** -537
  if (units < 0n) r = -r
  for (let k = 0; k < 64 && !isNearest(r, units); k++)
    r = unitsOf(r) < units ? nextUp(r) : nextDown(r)
  return r
}

/** The exact sum of doubles, rounded once to the nearest double. */
export const exactSumRounded = (xs: Iterable<number>): number => {
  let u = 0n
  for (const x of xs) u += unitsOf(x)
  return roundedUnits(u)
}
