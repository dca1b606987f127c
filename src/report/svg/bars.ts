/** The report's horizontal grouped bar chart as an SVG string (see src/report/svg.ts). */
import {
  GRID,
  INK,
  MUTED,
  SVG_PALETTE,
  type SvgChartOptions,
  clip,
  line,
  niceTicks,
  rect,
  scale,
  svgOpen,
  text,
  widthOf,
} from './draw.ts'
import { numberFormat, xmlEscape } from './format.ts'

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
