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

import {
  GRID,
  INK,
  MUTED,
  NEGATIVE,
  POSITIVE,
  SVG_PALETTE,
  type SvgChartOptions,
  c,
  clip,
  line,
  niceTicks,
  rect,
  scale,
  svgOpen,
  text,
  widthOf,
} from './svg/draw.ts'
import { intFormat, numberFormat, numberFormatSigned, xmlEscape } from './svg/format.ts'

export { SVG_PALETTE, type SvgChartOptions } from './svg/draw.ts'
export { intFormat, numberFormat, numberFormatSigned, xmlEscape } from './svg/format.ts'
export { type SvgBarChartData, type SvgBarChartOptions, svgBarChart } from './svg/bars.ts'

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
