/**
 * The drawing primitives of the report's SVG charts: colours, coordinates, scales, ticks, text,
 * lines, rectangles and the <svg> element itself (see src/report/svg.ts for the rules they keep).
 */
import { xmlEscape } from './format.ts'

/** Options shared by every chart. */
export type SvgChartOptions = {
  /** Accessible name (`<title>`); each chart has a default. */
  title?: string
  /** Width in user units (the height follows from the content). */
  width?: number
}

const FONT = 'Helvetica, Arial, sans-serif'
/** Text and axes. */
export const INK = '#222'
/** Secondary text. */
export const MUTED = '#666'
/** Grid lines. */
export const GRID = '#e3e3e3'
/** Contributions that raise the prediction. */
export const POSITIVE = '#d6404e'
/** Contributions that lower it. */
export const NEGATIVE = '#1f78c8'
/** Series colours (colour-blind-safe Okabe–Ito subset). */
export const SVG_PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
] as const

/** A coordinate: 2 decimals at most, non-finite → 0, clamped to ±1e6, no `-0`. */
export function c(v: number): string {
  if (!Number.isFinite(v)) return '0'
  const r = Math.round(Math.min(1e6, Math.max(-1e6, v)) * 100) / 100
  return r === 0 ? '0' : String(r)
}

/** Linear map of [lo, hi] onto [a, b]; a degenerate or non-finite domain maps everything to a. */
export function scale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  const span = hi - lo
  if (!(span > 0) || !Number.isFinite(span)) return () => a
  return (v) => a + ((v - lo) / span) * (b - a)
}

/**
 * About `target` round tick values covering [lo, hi] (steps 1, 2 or 5 × 10^k), with their labels.
 * Empty for a non-finite or empty domain.
 */
export function niceTicks(lo: number, hi: number, target = 5): { value: number; label: string }[] {
  const span = hi - lo
  if (!Number.isFinite(span) || !(span > 0)) return []
  const raw = span / target
  if (!(raw > 0)) return []
  let mag = 1
  let decimals = 0
  while (mag > raw && mag > 1e-300) {
    mag /= 10
    decimals++
  }
  while (mag * 10 <= raw) mag *= 10
  const ratio = raw / mag
  const step = mag * (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1)
  if (step >= 10) decimals = 0
  const out: { value: number; label: string }[] = []
  const first = Math.ceil(lo / step - 1e-9)
  for (let k = first; out.length < 25; k++) {
    const value = k * step
    if (!Number.isFinite(value) || value - hi > step * 1e-9) break
    const label =
      decimals > 20 || Math.abs(value) >= 1e9 ? value.toExponential(1) : value.toFixed(decimals)
    out.push({ value, label: /^-0(\.0*)?$/.test(label) ? label.slice(1) : label })
  }
  return out
}

/** Truncates a label to `max` code points with an ellipsis (the full text goes in a tooltip). */
export function clip(s: string, max: number): string {
  const cps = Array.from(s)
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join('')}…`
}

/** A <text> element (content escaped). */
export function text(
  x: number,
  y: number,
  content: string,
  attrs: { anchor?: 'start' | 'middle' | 'end'; size?: number; fill?: string; extra?: string } = {},
): string {
  const anchor = attrs.anchor && attrs.anchor !== 'start' ? ` text-anchor="${attrs.anchor}"` : ''
  const size = attrs.size ? ` font-size="${attrs.size}"` : ''
  const fill = ` fill="${attrs.fill ?? INK}"`
  return `<text x="${c(x)}" y="${c(y)}"${anchor}${size}${fill}${attrs.extra ?? ''}>${xmlEscape(content)}</text>`
}

/** A <line> element. */
export function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  extra = '',
): string {
  return `<line x1="${c(x1)}" y1="${c(y1)}" x2="${c(x2)}" y2="${c(y2)}" stroke="${stroke}"${extra}/>`
}

/** A <rect> element (negative sizes drawn as 0). */
export function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  const x0 = Math.min(x, x + w)
  const y0 = Math.min(y, y + h)
  return `<rect x="${c(x0)}" y="${c(y0)}" width="${c(Math.abs(w))}" height="${c(Math.abs(h))}" fill="${fill}"${extra}/>`
}

/** The opening <svg> with its title and description (no xmlns: inline in HTML). */
export function svgOpen(
  kind: string,
  width: number,
  height: number,
  title: string,
  desc: string,
): string {
  return (
    `<svg class="gb-chart gb-${kind}" viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" ` +
    `height="${c(height)}" role="img" font-family="${FONT}" font-size="11">` +
    `<title>${xmlEscape(title)}</title><desc>${xmlEscape(desc)}</desc>`
  )
}

/** Sane chart width: finite, at least `min`, default `def`. */
export function widthOf(opts: SvgChartOptions, def: number, min: number): number {
  const w = opts.width
  return w !== undefined && Number.isFinite(w) ? Math.max(min, Math.min(4000, w)) : def
}
