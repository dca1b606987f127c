/**
 * Charts of the audit report as pure SVG strings: no DOM, React or recharts (recharts does not
 * render server-side), so the CLI and the browser build byte-identical reports.
 *
 * Determinism rules, kept throughout: numbers are printed with `toFixed` / `toExponential` (exactly
 * specified by ECMAScript, unlike `toLocaleString` or `Intl`); only IEEE basic arithmetic and
 * `Math.round/floor/min/max/abs` are used, never `Math.log10`/`pow`/`**`, whose last bit may differ
 * between engines; no ids come from randomness (the one pattern id is the caller's); iteration
 * follows the input's own order. Every text is XML-escaped. Non-finite coordinates (from absurd
 * inputs such as ±1e308 summed) are drawn at 0 instead of printing NaN or Infinity.
 *
 * The `<svg>` element has no `xmlns`: inline SVG inside HTML does not need one, and the report
 * must not contain any URL. Sizes come from `viewBox`; CSS may scale the chart.
 */

/** Options shared by every chart. */
export type SvgChartOptions = {
  /** Accessible name (`<title>`); each chart has a default. */
  title?: string
  /** Width in user units (the height follows from the content). */
  width?: number
}

const FONT = 'Helvetica, Arial, sans-serif'
const INK = '#222'
const MUTED = '#666'
const GRID = '#e3e3e3'
const POSITIVE = '#d6404e'
const NEGATIVE = '#1f78c8'
/** Series colours (colour-blind-safe Okabe–Ito subset). */
export const SVG_PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
] as const

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#47;',
}

/** C0 controls other than tab, LF and CR (invalid in XML), and lone UTF-16 surrogates. */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Escapes text for XML and HTML (text and attribute values alike): `& < > " '` become entities;
 * `/` and the `h` of `http` (any case) too, so no report string can put `//` or `http` into the
 * output (the self-containment check); C0 control characters other than tab/newline/CR and lone
 * surrogates become U+FFFD.
 * @example xmlEscape('a<b&"c"') // 'a&lt;b&amp;&quot;c&quot;'
 */
export function xmlEscape(s: string): string {
  return s
    .replace(UNSAFE_CHARS, '\ufffd')
    .replace(/[&<>"'/]|h(?=ttp)/gi, (ch) => ENTITIES[ch] ?? `&#${ch.charCodeAt(0)};`)
}

/** 10^digits for small non-negative integer `digits`, by repeated exact multiplication. */
function tenTo(digits: number): number {
  let p = 1
  for (let i = 0; i < digits; i++) p *= 10
  return p
}

/**
 * A number for display: `digits` decimals (default 4); magnitudes too small to show a non-zero
 * digit, or ≥ 1e9, in exponent form with 3 significant digits (`2.74e-5`); null, undefined and
 * non-finite values as an em dash. Locale-independent and identical in every engine.
 * @example numberFormat(0.123456) // '0.1235'
 */
export function numberFormat(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (v === 0) return (0).toFixed(digits)
  const a = Math.abs(v)
  if (a < 0.5 / tenTo(digits) || a >= 1e9) return v.toExponential(2)
  return v.toFixed(digits)
}

/** `numberFormat` with an explicit sign for positive values (`+0.1943`), for contributions. */
export function numberFormatSigned(v: number | null | undefined, digits = 4): string {
  const s = numberFormat(v, digits)
  return v !== null && v !== undefined && v > 0 ? `+${s}` : s
}

/**
 * An integer with thousands separators (`1,077`); other values fall back to `numberFormat`.
 * @example intFormat(1349) // '1,349'
 */
export function intFormat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isSafeInteger(v)) return numberFormat(v)
  const digits = String(Math.abs(v))
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ','
    out += digits[i]
  }
  return v < 0 ? `-${out}` : out
}

/** A coordinate: 2 decimals at most, non-finite → 0, clamped to ±1e6, no `-0`. */
function c(v: number): string {
  if (!Number.isFinite(v)) return '0'
  const r = Math.round(Math.min(1e6, Math.max(-1e6, v)) * 100) / 100
  return r === 0 ? '0' : String(r)
}

/** Linear map of [lo, hi] onto [a, b]; a degenerate or non-finite domain maps everything to a. */
function scale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  const span = hi - lo
  if (!(span > 0) || !Number.isFinite(span)) return () => a
  return (v) => a + ((v - lo) / span) * (b - a)
}

/**
 * About `target` round tick values covering [lo, hi] (steps 1, 2 or 5 × 10^k), with their labels.
 * Empty for a non-finite or empty domain.
 */
function niceTicks(lo: number, hi: number, target = 5): { value: number; label: string }[] {
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
function clip(s: string, max: number): string {
  const cps = Array.from(s)
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join('')}…`
}

function text(
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

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${c(x1)}" y1="${c(y1)}" x2="${c(x2)}" y2="${c(y2)}" stroke="${stroke}"${extra}/>`
}

function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  const x0 = Math.min(x, x + w)
  const y0 = Math.min(y, y + h)
  return `<rect x="${c(x0)}" y="${c(y0)}" width="${c(Math.abs(w))}" height="${c(Math.abs(h))}" fill="${fill}"${extra}/>`
}

function svgOpen(kind: string, width: number, height: number, title: string, desc: string): string {
  return (
    `<svg class="gb-chart gb-${kind}" viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" ` +
    `height="${c(height)}" role="img" font-family="${FONT}" font-size="11">` +
    `<title>${xmlEscape(title)}</title><desc>${xmlEscape(desc)}</desc>`
  )
}

/** Sane chart width: finite, at least `min`, default `def`. */
function widthOf(opts: SvgChartOptions, def: number, min: number): number {
  const w = opts.width
  return w !== undefined && Number.isFinite(w) ? Math.max(min, Math.min(4000, w)) : def
}

/** One calibration bin as in the report (contracts §4). */
export type SvgCalibrationBin = {
  lower: number
  upper: number
  count: number
  meanPredicted: number | null
  fractionPositive: number | null
}

/**
 * Reliability diagram: per bin a bar of the fraction of positive labels over the bin's range and
 * a point at (mean predicted probability, fraction positive), against the dashed diagonal of
 * perfect calibration; below it, the rows per bin as a small histogram. Axes run over [0, 1];
 * values outside are clamped to the frame. Empty bins (null means) draw no bar or point.
 * @example svgReliabilityDiagram(report.calibration)
 */
export function svgReliabilityDiagram(
  calibration: { ece: number | null; mce: number | null; bins: readonly SvgCalibrationBin[] },
  opts: SvgChartOptions = {},
): string {
  const width = widthOf(opts, 440, 240)
  const left = 56
  const top = 16
  const pw = width - left - 16
  const ph = pw * 0.75
  const histTop = top + ph + 34
  const hh = 56
  const height = histTop + hh + 40
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v))
  const sx = scale(0, 1, left, left + pw)
  const sy = scale(0, 1, top + ph, top)
  const px = (v: number) => sx(clamp01(v))
  const py = (v: number) => sy(clamp01(v))
  const bins = calibration.bins
  const nonEmpty = bins.filter(
    (b) => b.count > 0 && b.meanPredicted !== null && b.fractionPositive !== null,
  )
  const title = opts.title ?? 'Reliability diagram'
  const desc =
    `ECE ${numberFormat(calibration.ece)}, MCE ${numberFormat(calibration.mce)}; ` +
    `${nonEmpty.length} of ${bins.length} bins non-empty. Bars: fraction positive per bin; points ` +
    'at the mean predicted probability; dashed diagonal: perfect calibration; lower panel: rows per bin.'
  const out: string[] = [svgOpen('reliability', width, height, title, desc)]

  const ticks = niceTicks(0, 1, 5)
  for (const t of ticks) {
    out.push(line(px(t.value), top, px(t.value), top + ph, GRID))
    out.push(line(left, py(t.value), left + pw, py(t.value), GRID))
    out.push(
      text(px(t.value), histTop + hh + 14, t.label, { anchor: 'middle', size: 10, fill: MUTED }),
    )
    out.push(text(left - 6, py(t.value) + 3.5, t.label, { anchor: 'end', size: 10, fill: MUTED }))
  }
  for (const b of bins) {
    if (b.fractionPositive === null || b.count <= 0) continue
    const x0 = px(b.lower)
    const x1 = px(b.upper)
    const inset = Math.min(1, Math.abs(x1 - x0) / 4)
    const y = py(b.fractionPositive)
    out.push(
      rect(x0 + inset, y, x1 - x0 - 2 * inset, sy(0) - y, SVG_PALETTE[4], ' fill-opacity="0.45"'),
    )
  }
  out.push(line(px(0), py(0), px(1), py(1), MUTED, ' stroke-dasharray="5 4"'))
  if (nonEmpty.length > 0) {
    const pts = nonEmpty.map((b) => `${c(px(b.meanPredicted!))},${c(py(b.fractionPositive!))}`)
    out.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${SVG_PALETTE[0]}" stroke-width="1.5"/>`,
    )
    for (const b of nonEmpty) {
      const tip = `bin ${numberFormat(b.lower, 1)}–${numberFormat(b.upper, 1)}: mean predicted ${numberFormat(b.meanPredicted)}, fraction positive ${numberFormat(b.fractionPositive)}, ${intFormat(b.count)} rows`
      out.push(
        `<circle cx="${c(px(b.meanPredicted!))}" cy="${c(py(b.fractionPositive!))}" r="3.5" fill="${SVG_PALETTE[0]}"><title>${xmlEscape(tip)}</title></circle>`,
      )
    }
  }
  out.push(rect(left, top, pw, ph, 'none', ` stroke="${INK}"`))
  out.push(text(left + 8, top + 14, 'perfect calibration (dashed)', { size: 10, fill: MUTED }))
  out.push(
    text(14, top + ph / 2, 'Fraction positive', {
      anchor: 'middle',
      extra: ` transform="rotate(-90 14 ${c(top + ph / 2)})"`,
    }),
  )

  // Histogram of rows per bin.
  let maxCount = 0
  for (const b of bins) if (Number.isFinite(b.count)) maxCount = Math.max(maxCount, b.count)
  const sh = scale(0, maxCount > 0 ? maxCount : 1, histTop + hh, histTop)
  for (const b of bins) {
    if (!(b.count > 0)) continue
    const x0 = px(b.lower)
    const x1 = px(b.upper)
    const inset = Math.min(1, Math.abs(x1 - x0) / 4)
    const y = sh(Math.min(b.count, maxCount))
    out.push(rect(x0 + inset, y, x1 - x0 - 2 * inset, histTop + hh - y, '#999'))
    out.push(
      text((x0 + x1) / 2, y - 2, intFormat(b.count), { anchor: 'middle', size: 8, fill: MUTED }),
    )
  }
  out.push(line(left, histTop + hh, left + pw, histTop + hh, INK))
  out.push(text(left - 6, histTop + hh / 2 + 3.5, 'rows', { anchor: 'end', size: 10, fill: MUTED }))
  out.push(
    text(left + pw / 2, histTop + hh + 32, 'Mean predicted probability', { anchor: 'middle' }),
  )
  out.push('</svg>')
  return out.join('')
}

/** What a waterfall needs of one explained row. */
export type SvgWaterfallInput = {
  baseValue: number
  prediction: number
  shap: Readonly<Record<string, number>>
}

/**
 * SHAP waterfall of one row: from the base value E[f] at the top, one bar per feature in order of
 * decreasing |φ| (ties keep the input order), the `top` largest (default 10) and one
 * "other (k features)" bar for the rest, down to f(x). Red bars raise the output, blue bars lower
 * it; each bar starts where the previous one ended.
 * @example svgWaterfall({ baseValue: 0.27, prediction: 0.85, shap: { age: 0.12, sex: 0.02 } })
 */
export function svgWaterfall(
  explanation: SvgWaterfallInput,
  opts: SvgChartOptions & { top?: number } = {},
): string {
  const width = widthOf(opts, 600, 320)
  const topN = opts.top !== undefined && opts.top >= 1 ? Math.floor(opts.top) : 10
  const entries = Object.entries(explanation.shap).map(([name, v], i) => ({ name, v, i }))
  entries.sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || a.i - b.i)
  const shown: { name: string; v: number; tip: string }[] = entries
    .slice(0, topN)
    .map((e) => ({ name: e.name, v: e.v, tip: e.name }))
  const rest = entries.slice(topN)
  if (rest.length > 0) {
    let sum = 0
    for (const e of rest) sum += e.v
    shown.push({
      name: `other (${rest.length} features)`,
      v: sum,
      tip: `other: ${rest.map((e) => e.name).join(', ')}`,
    })
  }
  const base = explanation.baseValue
  const pred = explanation.prediction
  const cum: number[] = [base]
  for (const s of shown) cum.push(cum[cum.length - 1]! + s.v)
  let lo = Math.min(base, pred)
  let hi = Math.max(base, pred)
  for (const v of cum) {
    if (!Number.isFinite(v)) continue
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const pad = hi - lo > 0 ? (hi - lo) * 0.06 : Math.max(Math.abs(hi) * 0.1, 0.05)
  lo -= pad
  hi += pad

  const labelW = Math.min(190, width * 0.32)
  const valueW = 78
  const left = labelW + 8
  const right = width - valueW
  const rowH = 22
  const top = 8
  const nRows = shown.length + 2
  const axisY = top + nRows * rowH + 4
  const height = axisY + 40
  const sx = scale(lo, hi, left, right)
  const rowY = (r: number) => top + r * rowH

  const largest = shown[0]
  const title = opts.title ?? 'SHAP waterfall'
  const desc =
    `Base value ${numberFormat(base)} plus ${entries.length} SHAP contributions gives ` +
    `f(x) = ${numberFormat(pred)}.` +
    (largest ? ` Largest: ${largest.name} ${numberFormatSigned(largest.v)}.` : '')
  const out: string[] = [svgOpen('waterfall', width, height, title, desc)]
  const ticks = niceTicks(lo, hi, 5)
  for (const t of ticks) {
    out.push(line(sx(t.value), top, sx(t.value), axisY, GRID))
    out.push(text(sx(t.value), axisY + 14, t.label, { anchor: 'middle', size: 10, fill: MUTED }))
  }
  out.push(line(left, axisY, right, axisY, INK))
  out.push(text((left + right) / 2, axisY + 32, 'Model output f(x)', { anchor: 'middle' }))

  // Base value row.
  const yb = rowY(0)
  out.push(text(labelW, yb + 15, 'base value E[f(x)]', { anchor: 'end', fill: MUTED }))
  out.push(line(sx(base), yb + 3, sx(base), yb + rowH - 3, INK, ' stroke-width="2"'))
  out.push(text(right + 6, yb + 15, numberFormat(base), { fill: MUTED }))
  shown.forEach((s, k) => {
    const y = rowY(k + 1)
    const a = cum[k]!
    const b = cum[k + 1]!
    const fill = s.v >= 0 ? POSITIVE : NEGATIVE
    out.push(`<g><title>${xmlEscape(`${s.tip}: ${numberFormatSigned(s.v)}`)}</title>`)
    out.push(text(labelW, y + 15, clip(s.name, 30), { anchor: 'end' }))
    out.push(rect(sx(a), y + 4, sx(b) - sx(a), rowH - 8, fill))
    out.push(text(right + 6, y + 15, numberFormatSigned(s.v), { fill }))
    out.push('</g>')
    out.push(line(sx(a), y - 4, sx(a), y + 4, MUTED, ' stroke-dasharray="2 2"'))
  })
  const yp = rowY(nRows - 1)
  out.push(
    line(
      sx(cum[cum.length - 1]!),
      yp - 4,
      sx(cum[cum.length - 1]!),
      yp + 4,
      MUTED,
      ' stroke-dasharray="2 2"',
    ),
  )
  out.push(text(labelW, yp + 15, 'prediction f(x)', { anchor: 'end', fill: MUTED }))
  out.push(line(sx(pred), yp + 3, sx(pred), yp + rowH - 3, INK, ' stroke-width="2"'))
  out.push(text(right + 6, yp + 15, numberFormat(pred), { fill: INK }))
  out.push('</svg>')
  return out.join('')
}

/** Data of a horizontal grouped bar chart: one group of bars per category, one bar per series. */
export type SvgBarChartData = {
  /** Categories top to bottom; `flagged` ones are hatched and marked with `*`. */
  categories: readonly { label: string; flagged?: boolean }[]
  /** `values[i]` belongs to `categories[i]`; null draws "—" instead of a bar. */
  series: readonly { name: string; values: readonly (number | null)[] }[]
}

/** Options of `svgBarChart`. */
export type SvgBarChartOptions = SvgChartOptions & {
  /** Domain bounds; the default spans 0 and the data. */
  min?: number
  max?: number
  /** Legend text of the flag (default 'flagged'). */
  flagLabel?: string
  /** Id of the hatch pattern; must be unique in the document (default 'gb-hatch'). */
  id?: string
  /** Axis caption. */
  axisLabel?: string
  /** Decimals of the value labels (default 4). */
  digits?: number
}

/**
 * Horizontal grouped bar chart with value labels, e.g. selection rate / TPR / FPR per group of
 * a sensitive attribute (small groups flagged), agreement / accuracy per quantization scheme, or
 * PSI per feature (drifted features flagged). Bars start at 0.
 * @example svgBarChart({ categories: [{ label: 'Female' }], series: [{ name: 'TPR', values: [0.56] }] }, { max: 1 })
 */
export function svgBarChart(data: SvgBarChartData, opts: SvgBarChartOptions = {}): string {
  const width = widthOf(opts, 600, 320)
  const digits = opts.digits ?? 4
  const id = `gb-${(opts.id ?? 'hatch').replace(/[^A-Za-z0-9_-]/g, '_')}`
  const cats = data.categories
  const series = data.series
  let lo = 0
  let hi = 0
  for (const s of series)
    for (const v of s.values)
      if (v !== null && Number.isFinite(v)) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
  if (opts.min !== undefined && Number.isFinite(opts.min)) lo = Math.min(lo, opts.min)
  if (opts.max !== undefined && Number.isFinite(opts.max)) hi = Math.max(hi, opts.max)
  if (!(hi > lo) || !Number.isFinite(hi - lo)) hi = lo + 1

  const anyFlag = cats.some((k) => k.flagged)
  const labelW = Math.min(170, width * 0.3)
  const left = labelW + 8
  const right = width - 70
  const barH = 12
  const gap = 10
  const legendH = 22
  const top = legendH + 6
  const groupH = Math.max(1, series.length) * barH + gap
  const axisY = top + cats.length * groupH
  const height = axisY + (opts.axisLabel ? 40 : 24)
  const sx = scale(lo, hi, left, right)
  const zero = sx(0)

  const title = opts.title ?? 'Bar chart'
  const desc =
    `${series.map((s) => s.name).join(', ')} for ${cats.length} categories` +
    (anyFlag ? `; * = ${opts.flagLabel ?? 'flagged'}` : '') +
    '.'
  const out: string[] = [svgOpen('bars', width, height, title, desc)]
  if (anyFlag)
    out.push(
      `<defs><pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
        `<rect width="3" height="6" fill="#fff" fill-opacity="0.6"/></pattern></defs>`,
    )
  // Legend.
  let lx = left
  series.forEach((s, j) => {
    out.push(rect(lx, 6, 10, 10, SVG_PALETTE[j % SVG_PALETTE.length]!))
    out.push(text(lx + 14, 15, s.name))
    lx += 24 + Array.from(s.name).length * 6
  })
  if (anyFlag) {
    out.push(rect(lx, 6, 10, 10, MUTED))
    out.push(rect(lx, 6, 10, 10, `url(#${id})`))
    out.push(text(lx + 14, 15, `* ${opts.flagLabel ?? 'flagged'}`))
  }
  const ticks = niceTicks(lo, hi, 5)
  for (const t of ticks) {
    out.push(line(sx(t.value), top - 2, sx(t.value), axisY, GRID))
    out.push(text(sx(t.value), axisY + 14, t.label, { anchor: 'middle', size: 10, fill: MUTED }))
  }
  cats.forEach((cat, i) => {
    const y0 = top + i * groupH
    const label = cat.flagged ? `${clip(cat.label, 24)} *` : clip(cat.label, 26)
    out.push(`<g><title>${xmlEscape(cat.label)}</title>`)
    out.push(text(labelW, y0 + (groupH - gap) / 2 + 4, label, { anchor: 'end' }))
    series.forEach((s, j) => {
      const v = s.values[i] ?? null
      const y = y0 + j * barH
      if (v === null || !Number.isFinite(v)) {
        out.push(text(zero + 4, y + barH - 2, '—', { size: 10, fill: MUTED }))
        return
      }
      const fill = SVG_PALETTE[j % SVG_PALETTE.length]!
      out.push(rect(zero, y + 1, sx(v) - zero, barH - 2, fill))
      if (cat.flagged) out.push(rect(zero, y + 1, sx(v) - zero, barH - 2, `url(#${id})`))
      out.push(
        text(Math.max(sx(v), zero) + 4, y + barH - 2, numberFormat(v, digits), {
          size: 10,
          fill: MUTED,
        }),
      )
    })
    out.push('</g>')
  })
  out.push(line(zero, top - 2, zero, axisY, INK))
  out.push(line(left, axisY, right, axisY, INK))
  if (opts.axisLabel)
    out.push(text((left + right) / 2, axisY + 32, opts.axisLabel, { anchor: 'middle' }))
  out.push('</svg>')
  return out.join('')
}
