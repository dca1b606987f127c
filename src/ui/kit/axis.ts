/**
 * Axis arithmetic for the charts that set their own ticks: "nice" tick steps, tick text with just
 * enough decimals, and the extent of a set of numbers. Pure (no DOM), so it is tested in Node.
 */

/**
 * Axis ticks at a "nice" step (1, 2, 2.5 or 5 × 10^k) covering [lo, hi] widened by `pad` × span on
 * each side (room for labels beside the bars), about `count` intervals. The padding stops at
 * `clamp` (e.g. [0, 1] for probabilities) when the data are inside it.
 * @returns the domain [first tick, last tick] and the ticks; a degenerate range is widened to ±0.5,
 * and a non-finite end gives the unit axis 0…1 in quarters.
 * @example niceAxis(0.03, 0.91) // { domain: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] }
 */
export function niceAxis(
  lo: number,
  hi: number,
  pad = 0,
  count = 5,
  clamp: [number, number] = [-Infinity, Infinity],
): { domain: [number, number]; ticks: number[] } {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)))
    return { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] }
  if (hi - lo < 1e-12) {
    lo -= 0.5
    hi += 0.5
  }
  const span = hi - lo
  const a = lo >= clamp[0] ? Math.max(clamp[0], lo - pad * span) : lo - pad * span
  const b = hi <= clamp[1] ? Math.min(clamp[1], hi + pad * span) : hi + pad * span
  const raw = (b - a) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  const first = Math.floor(a / step + 1e-9) * step
  const last = Math.ceil(b / step - 1e-9) * step
  const ticks: number[] = []
  for (let t = first; t <= last + step / 2; t += step) ticks.push(+t.toPrecision(12))
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks }
}

/**
 * Tick text with just enough decimals for the step between ticks (one more for a 2.5 step).
 * @example tickText([0, 0.25, 0.5])(0.25) // '0.25'
 */
export function tickText(ticks: number[]): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1
  const e = Math.floor(Math.log10(step) + 1e-9)
  const mantissa = step / 10 ** e
  const digits = Math.max(0, Math.min(6, -e + (Math.abs(mantissa - 2.5) < 1e-6 ? 1 : 0)))
  return (v) => (Math.abs(v) < step * 1e-6 ? 0 : v).toFixed(digits)
}

/**
 * [min, max] of numbers (a loop: no argument-count limit); [NaN, NaN] when empty.
 * @example extent([3, -1, 2]) // [-1, 3]
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN]
}

/**
 * The label of a vertical axis, turned to read bottom to top and centred on the axis (recharts
 * anchors an `insideLeft` label at its start, so a long one ran past the chart's top edge).
 */
export function yAxisLabel(value: string, fontSize = 12) {
  return {
    value,
    angle: -90,
    position: 'insideLeft' as const,
    fontSize,
    style: { textAnchor: 'middle' as const },
  }
}
